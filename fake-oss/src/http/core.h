// What the engine's connections share: options, the handler, the io_context, the handler
// threads and the registry of live connections that Stop() walks. Internal to http/engine.cc
// and http/session.cc.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/engine.h"
#include "http/worker_pool.h"
#include "ossup/protocol/mutex.h"

namespace ossup::fake {

/// When a connection served by this I/O thread last started waiting for its next request
/// (after an answer, or once accepted). Set on the connection's strand, read by the I/O
/// thread's loop, which polls for EngineOptions::idle_spin after it before sleeping: the
/// next request of a ping-pong then arrives while the thread polls. Events of other kinds
/// (body bytes, writes, timers) do not extend the polling.
inline thread_local std::chrono::steady_clock::time_point awaiting_request_since{};

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
  EngineCore(EngineOptions opts, RequestHandler request_handler, InlinePolicy policy)
      : options(std::move(opts)),
        handler(std::move(request_handler)),
        serves_inline(std::move(policy)),
        workers(options.handler_threads) {
    const int threads = options.io_threads > 0
                            ? options.io_threads
                            : static_cast<int>(std::thread::hardware_concurrency());
    for (int i = 0; i < std::max(threads, 1); ++i) {
      // One thread runs each: no other I/O thread is woken to wait for events meanwhile.
      contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    }
  }

  /// The I/O thread's context for the next connection (round robin).
  boost::asio::io_context& NextContext() {
    return *contexts[next_context.fetch_add(1, std::memory_order_relaxed) % contexts.size()];
  }

  void Register(const std::shared_ptr<SessionControl>& session) {
    protocol::MutexLock lock(mutex);
    sessions.emplace(session.get(), session);
  }
  /// From the connection's destructor.
  void Unregister(SessionControl* session) {
    protocol::MutexLock lock(mutex);
    sessions.erase(session);
    changed.NotifyAll();
  }

  const EngineOptions options;
  const RequestHandler handler;
  const InlinePolicy serves_inline;
  /// One per I/O thread; a connection stays on the one it was accepted onto.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::atomic<size_t> next_context{0};
  std::unique_ptr<boost::asio::ssl::context> tls;
  WorkerPool workers;
  std::atomic<bool> stopping{false};
  /// Set (under `mutex`) when Stop()'s grace has passed: requests in flight are cut, stalls
  /// end (`cut` is notified) and nothing more is written.
  std::atomic<bool> cutting{false};
  protocol::Mutex mutex;
  protocol::CondVar changed;
  protocol::CondVar cut;
  std::unordered_map<SessionControl*, std::weak_ptr<SessionControl>> sessions
      OSSUP_GUARDED_BY(mutex);
};

/// Starts serving `socket` (plain or, with core.tls, TLS) on its strand.
void StartSession(EngineCore& core, boost::asio::ip::tcp::socket socket);

}  // namespace ossup::fake
