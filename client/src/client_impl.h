// Client::Impl: the stack one Client owns (see client.h for the layering).
#pragma once

#include <memory>
#include <string>

#include "http_transport.h"
#include "oss_stub.h"
#include "ossup/client/client.h"
#include "server_clock.h"

namespace ossup::client {

struct Client::Impl {
  ClientOptions options;
  protocol::Endpoint endpoint;
  /// "scheme://host:port": identifies the endpoint in checkpoint records.
  std::string endpoint_id;
  std::shared_ptr<internal::ServerClock> clock;
  std::shared_ptr<internal::HttpTransport> transport;
  /// RetryingStub over OssStubImpl.
  std::shared_ptr<internal::OssStub> stub;

  internal::CallContext DefaultContext() const {
    internal::CallContext ctx;
    ctx.retry = options.retry_policy;
    return ctx;
  }
};

}  // namespace ossup::client
