// Engine: the fake's HTTP/1.1 server (plain or TLS) on Boost.Beast + Boost.Asio.
//
// Design:
// - A fixed set of I/O threads (EngineOptions::io_threads) runs one io_context. Each accepted
//   connection gets its own strand; between requests a connection is only a pending read and
//   a timer on that strand, so an idle keep-alive connection costs memory, never a thread.
// - Once a request's header has arrived and its framing checked, the connection hands itself
//   to a handler thread (WorkerPool, started on demand up to EngineOptions::handler_threads).
//   The handler reads the body and writes the answer through Connection, whose calls post the
//   I/O to the connection's strand and wait for it: blocking work (fsync, stall faults, slow
//   bodies) holds one handler thread and one connection, never an I/O thread.
// - A connection reads its next request only after answering the current one, so pipelined
//   requests are answered in order; bytes already buffered are parsed without waiting.
// - Timeouts are the connection's own timer: keep-alive idle (close quietly), header read and
//   body idle (answer RequestTimeout, then close), write.
// - Stop(): stops accepting, closes idle connections at once, lets requests in flight finish
//   (their responses carry `Connection: close`) for up to EngineOptions::stop_grace, then
//   closes whatever is left and waits for the handlers to return.
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
  int handler_threads = 256;
  /// An idle keep-alive connection is closed (quietly) after this long.
  std::chrono::milliseconds keep_alive_timeout{30000};
  /// From a request's first byte to the end of its header block.
  std::chrono::milliseconds header_timeout{30000};
  /// Longest wait for the next request-body byte.
  std::chrono::milliseconds body_idle_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds stop_grace{5000};
  /// The request line and header fields together.
  size_t max_header_bytes = 64 * 1024;
  size_t max_target_bytes = 16 * 1024;
  /// Set: serve HTTPS only.
  std::optional<EngineTls> tls;
};

/// Serves one request: reads its body (as it needs) and sends its response through the
/// connection. Runs on a handler thread.
using RequestHandler = std::function<void(Connection&)>;

class Engine {
 public:
  Engine(EngineOptions options, RequestHandler handler);
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
