// What the engine's connections share: options, the handler, the io_context, the handler
// threads and the registry of live connections that Stop() walks. Internal to http/engine.cc
// and http/session.cc.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/engine.h"
#include "http/worker_pool.h"

namespace ossup::fake {

/// The engine's handle on one live connection. Both calls post to the connection's strand.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  /// Closes the connection if it is idle; otherwise it closes after the current response.
  virtual void PostStop() = 0;
  /// Closes the connection now, aborting its I/O.
  virtual void PostClose() = 0;
};

struct EngineCore {
  EngineCore(EngineOptions opts, RequestHandler request_handler)
      : options(std::move(opts)),
        handler(std::move(request_handler)),
        workers(options.handler_threads) {}

  void Register(const std::shared_ptr<SessionControl>& session) {
    std::lock_guard lock(mutex);
    sessions.emplace(session.get(), session);
  }
  /// From the connection's destructor.
  void Unregister(SessionControl* session) {
    std::lock_guard lock(mutex);
    sessions.erase(session);
    changed.notify_all();
  }

  const EngineOptions options;
  const RequestHandler handler;
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::ssl::context> tls;
  WorkerPool workers;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::unordered_map<SessionControl*, std::weak_ptr<SessionControl>> sessions;
};

/// Starts serving `socket` (plain or, with core.tls, TLS) on its strand.
void StartSession(EngineCore& core, boost::asio::ip::tcp::socket socket);

}  // namespace ossup::fake
