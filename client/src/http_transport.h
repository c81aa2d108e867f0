// HttpTransport: sends one HTTP request and returns the response, nothing more. No signing,
// no retries, no OSS knowledge.
//
// Connections: a pool of keep-alive cpp-httplib clients per scheme://host:port; a client is
// used by one request at a time and returned to the pool only after a clean exchange.
// Bodies: sent from caller-owned memory in bounded chunks (no copy), so a part costs one
// buffer. Responses: the body is returned in memory, or streamed to `body_sink` when given.
// Cancellation: when the request's CancelToken fires, the socket is shut down and Send
// returns a kCancelled error promptly, mid-body or mid-response.
// Errors: transport failures are protocol::Error{http_status 0, code kConnectionError}. HTTP
// error statuses are NOT errors here: the response is returned as is.
// Thread-safety: Send() may be called from any number of threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cancel_token.h"
#include "ossup/client/client.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace httplib {
class Client;
}

namespace ossup::client::internal {

struct HttpRequest {
  std::string method;
  /// Host to connect to (no port; the endpoint's port and scheme are used).
  std::string connect_host;
  /// Encoded path and query: "/bucket/key?uploadId=...".
  std::string target;
  protocol::Headers headers;
  /// Request body; must outlive Send(). Empty for no body.
  std::span<const char> body;
  /// Receives the response body in pieces for 2xx responses instead of buffering it;
  /// returning false aborts the transfer.
  std::function<bool(const char* data, size_t size)> body_sink;
};

struct HttpResponse {
  int status = 0;
  protocol::Headers headers;
  std::string body;
};

class HttpTransport {
 public:
  HttpTransport(protocol::Endpoint endpoint, ConnectionOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  /// REQUIRES: request.connect_host non-empty.
  protocol::StatusOr<HttpResponse> Send(const HttpRequest& request, const CancelToken* cancel);

  const protocol::Endpoint& endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<httplib::Client> Acquire(const std::string& host);
  void Release(const std::string& host, std::unique_ptr<httplib::Client> client);

  protocol::Endpoint endpoint_;
  ConnectionOptions options_;
  protocol::Mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_ OSSUP_GUARDED_BY(mu_);
};

}  // namespace ossup::client::internal
