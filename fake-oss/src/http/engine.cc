#include "http/engine.h"

#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <thread>
#include <vector>

#include "http/core.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr int kListenBacklog = 1024;

// The server context for `tls`. Errors: InternalError.
protocol::StatusOr<std::unique_ptr<net::ssl::context>> MakeTlsContext(const EngineTls& tls) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3);
  SSL_CTX* native = context->native_handle();
  bool ok;
  if (tls.cert != nullptr) {
    ok = SSL_CTX_use_certificate(native, tls.cert) == 1 &&
         SSL_CTX_use_PrivateKey(native, tls.key) == 1;
  } else {
    ok = SSL_CTX_use_certificate_chain_file(native, tls.cert_file.c_str()) == 1 &&
         SSL_CTX_use_PrivateKey_file(native, tls.key_file.c_str(), SSL_FILETYPE_PEM) == 1;
  }
  if (!ok || SSL_CTX_check_private_key(native) != 1) {
    return errors::Internal("cannot use the TLS certificate " + tls.cert_file + " and key " +
                            tls.key_file + " (unreadable, not PEM, or not a matching pair)");
  }
  return context;
}

// Runs `io` until it is stopped. Idle, it polls until EngineOptions::idle_spin has passed since
// one of its connections started waiting for a request (awaiting_request_since), then sleeps.
void RunIoThread(net::io_context& io, std::chrono::microseconds idle_spin) {
  while (!io.stopped()) {
    if (io.poll() > 0) continue;
    if (std::chrono::steady_clock::now() - awaiting_request_since < idle_spin) continue;
    io.run_one();
  }
}

}  // namespace

struct Engine::Impl {
  Impl(EngineOptions options, RequestHandler handler, InlinePolicy serves_inline)
      : core(std::move(options), std::move(handler), std::move(serves_inline)),
        acceptor(net::make_strand(*core.contexts.front())),
        retry(acceptor.get_executor()) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(core.NextContext()),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            if (!acceptor.is_open() || core.stopping) return;
                            if (ec) {  // e.g. out of file descriptors: try again shortly
                              retry.expires_after(std::chrono::milliseconds(20));
                              retry.async_wait([this](boost::system::error_code wait_ec) {
                                if (!wait_ec) Accept();
                              });
                              return;
                            }
                            StartSession(core, std::move(socket));
                            Accept();
                          });
  }

  /// Posts `call` to every live connection.
  void ForEachSession(void (SessionControl::*call)()) {
    std::vector<std::shared_ptr<SessionControl>> live;
    {
      protocol::MutexLock lock(core.mutex);
      for (auto& [raw, weak] : core.sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (auto& session : live) ((*session).*call)();
  }

  /// Waits until no connection is left or `deadline` passes; true when none is left.
  bool AwaitNoSessions(std::chrono::steady_clock::time_point deadline) {
    protocol::MutexLock lock(core.mutex);
    while (!core.sessions.empty()) {
      if (!core.changed.WaitUntil(core.mutex, deadline)) break;  // timed out
    }
    return core.sessions.empty();
  }

  EngineCore core;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  bool started = false;
};

Engine::Engine(EngineOptions options, RequestHandler handler, InlinePolicy serves_inline)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(serves_inline))) {}

Engine::~Engine() { Stop(); }

protocol::StatusOr<uint16_t> Engine::Start() {
  Impl& s = *impl_;
  const EngineOptions& options = s.core.options;
  if (options.tls) {
    auto context = MakeTlsContext(*options.tls);
    if (!context.ok()) return context.status();
    s.core.tls = std::move(*context);
  }
  boost::system::error_code ec;
  auto cannot_bind = [&] {
    return errors::Internal("cannot bind " + options.host + ":" + std::to_string(options.port) +
                            (ec ? ": " + ec.message() : ""));
  };
  // An address needs no resolver (whose first use costs milliseconds at startup).
  tcp::endpoint endpoint;
  if (auto address = net::ip::make_address(options.host, ec); !ec) {
    endpoint = tcp::endpoint(address, options.port);
  } else {
    ec = {};
    tcp::resolver resolver(*s.core.contexts.front());
    auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || endpoints.empty()) return cannot_bind();
    endpoint = endpoints.begin()->endpoint();
  }
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(kListenBacklog, ec);
  if (ec) return cannot_bind();
  const uint16_t port = s.acceptor.local_endpoint().port();
  for (auto& context : s.core.contexts) {
    s.work.push_back(net::make_work_guard(*context));
    s.io_threads.emplace_back(
        [&io = *context, spin = options.idle_spin] { RunIoThread(io, spin); });
  }
  s.Accept();
  s.started = true;
  return port;
}

void Engine::Stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.core.stopping = true;
  std::promise<void> closed;
  net::post(s.acceptor.get_executor(), [&] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.retry.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  s.ForEachSession(&SessionControl::PostStop);
  if (!s.AwaitNoSessions(std::chrono::steady_clock::now() + s.core.options.stop_grace)) {
    {
      protocol::MutexLock lock(s.core.mutex);
      s.core.cutting = true;
    }
    s.core.cut.NotifyAll();
    s.ForEachSession(&SessionControl::PostClose);
    // Handlers still running see their connection fail and return.
    s.AwaitNoSessions(std::chrono::steady_clock::time_point::max());
  }
  s.work.clear();
  for (auto& context : s.core.contexts) context->stop();
  for (auto& thread : s.io_threads) thread.join();
  s.io_threads.clear();
  s.core.workers.Join();
}

}  // namespace ossup::fake
