// Handler: the per-request pipeline for OSS requests. Parse and address the request,
// validate bucket and key names, classify the operation, check the signature, ask the fault
// injector, carry out pre-operation faults, run the operation, then Exchange::Finish
// (response-side faults, journal). Control requests (/_fake/...) go to `control` instead.
// Thread-safe: one Handler serves all connections.
#pragma once

#include <httplib.h>

#include <functional>

#include "http/exchange.h"
#include "http/request.h"

namespace ossup::fake {

class Handler {
 public:
  using ControlHandler = std::function<void(const httplib::Request&, httplib::Response&,
                                            const httplib::ContentReader*)>;
  Handler(Context& ctx, ControlHandler control);

  void Serve(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader* reader);

  /// For a request cpp-httplib 0.11 answered 416 itself, before any handler ran, because it
  /// could not parse its Range header (`byte=0-1`, `bytes=5-2`, `bytes=x`). OSS ignores such a
  /// header (docs/protocol.md, "GetObject and ranges"), so the request is served as usual and
  /// GetObject decides. httplib has not read the body and never will: a request with one
  /// (Content-Length > 0 or Transfer-Encoding) is answered 501 NotImplemented, and its connection
  /// closes after that.
  void ServeUnparsedRange(const httplib::Request& req, httplib::Response& res);

 private:
  void ServeOss(Exchange& ex);
  /// The authenticator's verdict. When the signature does not match as received, the first of
  /// RespelledRequests() (header values httplib may have percent-decoded) that verifies
  /// replaces ex.wire.
  protocol::Status Authenticate(Exchange& ex);
  protocol::Status Dispatch(Exchange& ex);

  Context& ctx_;
  ControlHandler control_;
  Addressing addressing_;
};

}  // namespace ossup::fake
