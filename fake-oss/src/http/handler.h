// Handler: the per-request pipeline for OSS requests. Parse and address the request,
// validate bucket and key names, classify the operation, check the signature, ask the fault
// injector, carry out pre-operation faults, run the operation, then Exchange::Finish
// (response-side faults, journal, response). A request whose framing the engine refused is
// answered with that error. Control requests (/_fake/... on a Host that names no bucket) go to
// `control` instead.
// Thread-safe: one Handler serves all connections.
#pragma once

#include <functional>

#include "http/exchange.h"
#include "http/request.h"

namespace ossup::fake {

class Handler {
 public:
  using ControlHandler = std::function<void(Connection&)>;
  Handler(Context& ctx, ControlHandler control);

  /// Serves the connection's current request, response included.
  void Serve(Connection& connection);
  /// True when serving `head` cannot block, so the engine may serve it on an I/O thread
  /// (http/engine.h, InlinePolicy): memory mode, no fault plan installed, not a control request
  /// (some are slow: the callback key, restart), no upload callback (an outbound call), no copy
  /// (x-oss-copy-source: it copies up to 5 GiB). A request framed wrongly is only answered, so
  /// it never blocks.
  bool NeverBlocks(const RequestHead& head) const;

 private:
  void ServeOss(Exchange& ex);
  protocol::Status Dispatch(Exchange& ex);

  Context& ctx_;
  ControlHandler control_;
  Addressing addressing_;
};

}  // namespace ossup::fake
