// Connection: one accepted HTTP/1.1 connection (plain or TLS) as the request handler sees it
// while it serves the connection's current request. On a handler thread every call blocks the
// caller until the connection's I/O finishes; served inline on an I/O thread (may_block()
// false) no call blocks: the body is already in memory and Send writes in the background. The
// engine (http/engine.h) owns the connection and moves on to the next request once the handler
// has returned and its answer is written.
//
// Error order for a request: framing problems found in the header are reported before the
// handler runs (RequestHead::framing_error); body problems are reported by ReadBody as they are
// met; a response is written at most once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "http/message.h"

namespace ossup::fake {

/// Why the request body stopped before its end.
enum class BodyFailure {
  kNone,
  /// The peer closed or the connection failed; nothing more can be sent.
  kPeerGone,
  /// No body byte arrived within the body-idle timeout (slowloris).
  kTimeout,
  /// The chunked framing was broken.
  kMalformed,
};

class Connection {
 public:
  virtual ~Connection() = default;

  /// The request being served.
  virtual const RequestHead& head() const = 0;
  /// False when the handler runs inline on an I/O thread (the engine's InlinePolicy admitted
  /// the request): it must not block, so no fault may be carried out on it.
  virtual bool may_block() const = 0;

  /// Reads up to `capacity` body bytes into `data`: the count read, 0 once the body has ended
  /// (including a request without a body). nullopt on failure (see body_failure()). The first
  /// call answers `Expect: 100-continue` with `100 Continue`.
  virtual std::optional<size_t> ReadBody(char* data, size_t capacity) = 0;
  /// True once the whole body has been handed out by ReadBody (at once for a request without
  /// a body): a further ReadBody would return 0.
  virtual bool body_complete() const = 0;
  virtual BodyFailure body_failure() const = 0;
  /// True when the request asked for `100 Continue` and it has not been sent: the client may
  /// not send the body until then.
  virtual bool awaiting_continue() const = 0;

  /// Writes `response` for the request (head and, unless the request is HEAD, the body). With
  /// `truncate_after` only that many body bytes are written and the connection closes. The
  /// response carries `Connection: close` when the connection will close after it. False when
  /// the connection failed, or when the body provider failed: the connection is then reset,
  /// never left with a body shorter than its Content-Length.
  virtual bool Send(const Response& response, std::optional<uint64_t> truncate_after) = 0;
  /// Closes the connection once the response is written, whatever is left of the body unread;
  /// the unread rest is discarded for a short while first, so a client still sending reads
  /// the answer rather than a reset.
  virtual void CloseAfterResponse() = 0;
  /// Resets the connection now (TCP RST via SO_LINGER 0); nothing more is sent or read.
  virtual void Reset() = 0;
  /// Holds the request for `duration` (the stall fault), or less once Engine::Stop() cuts the
  /// requests still in flight. REQUIRES: may_block().
  virtual void Stall(std::chrono::milliseconds duration) = 0;
};

}  // namespace ossup::fake
