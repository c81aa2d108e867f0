// Engine: the fake's HTTP/1.1 server (plain or TLS) on Boost.Beast + Boost.Asio.
//
// Design:
// - A fixed set of I/O threads (EngineOptions::io_threads), each running its own io_context
//   (so an event wakes only the thread whose connection it concerns). Connections are dealt
//   to them in turn; each gets its own strand there. Between requests a connection is only a
//   pending read and a timer on that strand, so an idle keep-alive connection costs memory,
//   never a thread. Once one of its connections waits for its next request, an I/O thread
//   polls for EngineOptions::idle_spin before it sleeps, so a client sending its next request
//   within that window wakes no sleeping thread.
// - Once a request's header has arrived and its framing checked, the connection either serves
//   it on its I/O thread or hands it to a handler thread:
//   - inline, on the I/O thread, when the InlinePolicy says serving it cannot block and its
//     body is small (at most EngineOptions::inline_body_bytes by Content-Length, no
//     `Expect: 100-continue`): the body is read into memory first, then the handler runs and
//     its answer is written asynchronously. No thread hand-off: a request ping-pong on one
//     connection wakes no other thread;
//   - otherwise on a handler thread (WorkerPool, started on demand up to
//     EngineOptions::handler_threads). The handler reads the body and writes the answer
//     through Connection, whose calls post the I/O to the connection's strand and wait for it:
//     blocking work (fsync, stall faults, slow or large bodies, outbound calls) holds one
//     handler thread and one connection, never an I/O thread.
// - A connection reads its next request only after answering the current one, so pipelined
//   requests are answered in order; bytes already buffered are parsed without waiting.
// - Timeouts are the connection's own timer: keep-alive idle (close quietly), header read and
//   body idle (answer RequestTimeout, then close), write.
// - Stop(): stops accepting, closes idle connections at once, lets requests in flight finish
//   (their responses carry `Connection: close`) for up to EngineOptions::stop_grace, then
//   cuts whatever is left: its connection closes unanswered, a stall (Connection::Stall) ends
//   at once, and Stop() waits for the handlers to return.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/connection.h"
#include "ossup/protocol/status.h"

namespace ossup::fake {

/// Where the TLS certificate and key come from: in-memory objects (not owned; the engine takes
/// its own references) or PEM files.
struct EngineTls {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  std::string cert_file;
  std::string key_file;
};

struct EngineOptions {
  std::string host = "127.0.0.1";
  /// 0 picks a free port.
  uint16_t port = 0;
  /// 0: the number of cores.
  int io_threads = 0;
  /// Once a connection has answered (or been accepted) and waits for its next request, its I/O
  /// thread keeps polling (epoll_wait with no wait) for this long before it sleeps. A client
  /// that sends its next request within the window, as a request ping-pong on one connection
  /// does, is served without waking a sleeping thread: on a VM that wake-up costs tens of
  /// microseconds of CPU and latency per request. The price: up to this much CPU per answer.
  /// Body bytes, writes and timers do not start the polling. Zero: sleep at once.
  std::chrono::microseconds idle_spin{50};
  int handler_threads = 256;
  /// An idle keep-alive connection is closed (quietly) after this long.
  std::chrono::milliseconds keep_alive_timeout{30000};
  /// From a request's first byte to the end of its header block.
  std::chrono::milliseconds header_timeout{30000};
  /// Longest wait for the next request-body byte.
  std::chrono::milliseconds body_idle_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds stop_grace{5000};
  /// The largest body (by Content-Length) a request served inline may have: it is read into
  /// memory before the handler runs.
  size_t inline_body_bytes = 64 * 1024;
  /// The request line and header fields together.
  size_t max_header_bytes = 64 * 1024;
  size_t max_target_bytes = 16 * 1024;
  /// Set: serve HTTPS only.
  std::optional<EngineTls> tls;
};

/// Serves one request: reads its body (as it needs) and sends its response through the
/// connection. Runs on a handler thread, or inline on an I/O thread (Connection::may_block()
/// tells which).
using RequestHandler = std::function<void(Connection&)>;

/// True when serving `head` never blocks (no disk I/O, no stall, no outbound call): the engine
/// may then serve it inline on its I/O thread (see the design notes). Called on an I/O thread,
/// once per request; must be cheap. Unset: every request goes to a handler thread.
using InlinePolicy = std::function<bool(const RequestHead&)>;

class Engine {
 public:
  Engine(EngineOptions options, RequestHandler handler, InlinePolicy serves_inline = nullptr);
  ~Engine();  // Stop()s
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Binds, listens and starts the I/O threads; returns the bound port. Errors: InternalError
  /// (unusable TLS material, bind failure). REQUIRES: called once.
  protocol::StatusOr<uint16_t> Start();
  /// See the design notes above. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ossup::fake
