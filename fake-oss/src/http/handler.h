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

 private:
  void ServeOss(Exchange& ex);
  protocol::Status Dispatch(Exchange& ex);

  Context& ctx_;
  ControlHandler control_;
  Addressing addressing_;
};

}  // namespace ossup::fake
