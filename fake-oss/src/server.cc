#include "ossup/fake/server.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <thread>

#include "auth/authenticator.h"
#include "control/control.h"
#include "http/connection.h"
#include "http/handler.h"
#include "journal/journal.h"
#include "ossup/fake/clock.h"
#include "ossup/protocol/errors.h"
#include "service/errors.h"
#include "service/ids.h"
#include "service/service.h"
#include "tls/certificate.h"

namespace ossup::fake {
namespace {

// The listening socket of an httplib::Server or SSLServer, to raise the compiled-in backlog
// of 5 (svr_sock_ is protected; a member pointer formed in a derived class reads it).
int ListeningSocket(const httplib::Server& server) {
  struct Access : httplib::Server {
    static int Of(const httplib::Server& s) { return s.*(&Access::svr_sock_); }
  };
  return Access::Of(server);
}

constexpr int kListenBacklog = 1024;

// The plain or TLS httplib server `options` ask for. Errors: InternalError.
protocol::StatusOr<std::unique_ptr<httplib::Server>> MakeHttpServer(const ServerOptions& options,
                                                                    std::string& ca_pem) {
  if (!options.tls) return std::make_unique<httplib::Server>();
  const TlsOptions& tls = *options.tls;
  std::unique_ptr<httplib::Server> server;
  if (tls.cert_file.empty() && tls.key_file.empty()) {
    auto generated = GenerateTls({options.host, "127.0.0.1", "::1", "localhost"});
    if (!generated.ok()) return generated.status();
    // SSL_CTX_use_certificate/PrivateKey take their own references.
    server = std::make_unique<httplib::SSLServer>(generated->server_cert.get(),
                                                  generated->server_key.get());
    ca_pem = generated->ca_pem;
  } else if (tls.cert_file.empty() || tls.key_file.empty()) {
    return errors::Internal("TLS needs both a certificate file and a key file");
  } else {
    server = std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(), tls.key_file.c_str());
  }
  if (!server->is_valid()) {
    return errors::Internal("cannot use the TLS certificate " + tls.cert_file + " and key " +
                            tls.key_file + " (unreadable, not PEM, or not a matching pair)");
  }
  // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a client that goes away mid-response
  // would otherwise kill the process with SIGPIPE.
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    ::signal(SIGPIPE, SIG_IGN);
  }
  return server;
}

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions opts, Server& server)
      : options(std::move(opts)),
        clock(options.clock_start, options.clock_follows_real_time),
        ids(options.seed),
        service(options.data_dir, options.buckets, ids),
        auth(options.credentials, options.anonymous, options.region),
        journal(options.journal_capacity),
        callback_key(options.seed),
        context{options,  service,      auth,
                injector, journal,      clock,
                ids,      callback_key, [this] { service.Reload(); }},
        control(server),
        handler(context,
                [this](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader* reader) { control.Serve(req, res, reader); }) {
  }

  // Tunes and routes `http` (plain or TLS alike).
  void ConfigureHttp() {
    httplib::Server& http = *this->http;
    const int threads = std::max(options.threads, 2);
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(1u << 30);
    // Longer than common client idle timeouts (agentkeepalive: 15 s), so the client closes first.
    http.set_keep_alive_timeout(30);
    http.set_read_timeout(30);
    http.set_write_timeout(30);
    auto with_reader = [this](const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) {
      handler.Serve(req, res, &reader);
    };
    auto without_reader = [this](const httplib::Request& req, httplib::Response& res) {
      handler.Serve(req, res, nullptr);
    };
    // [\s\S] rather than '.': decoded paths may contain newlines.
    const std::string any = R"([\s\S]*)";
    http.Get(any, without_reader);
    http.Post(any, with_reader);
    http.Post(any, without_reader);
    http.Put(any, with_reader);
    http.Put(any, without_reader);
    http.Delete(any, with_reader);
    http.Delete(any, without_reader);
    // cpp-httplib answers 416 on its own, before any handler, for a Range header it cannot
    // parse; OSS ignores such a header. Such an answer is the only 416 without a request id.
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          if (res.status != 416 || !req.has_header("Range") || res.has_header("x-oss-request-id")) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          handler.ServeUnparsedRange(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }));
    // Runs after every response has been written: closes connections whose body was refused
    // unread (CloseAfterResponse), then waits briefly for the next keep-alive request.
    http.set_logger([spin = options.keep_alive_spin_microseconds](const httplib::Request& req,
                                                                  const httplib::Response& res) {
      FinishResponse(req);
      if (res.get_header_value("Connection") != "close") AwaitNextRequestBriefly(req, spin);
    });
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          res.status = 500;
          res.set_content(protocol::EncodeXml(errors::Internal("")), "application/xml");
        });
  }

  ServerOptions options;
  VirtualClock clock;
  IdGenerator ids;
  Service service;
  Authenticator auth;
  faults::Injector injector;
  fake::Journal journal;
  CallbackKey callback_key;
  Context context;
  Control control;
  Handler handler;
  /// httplib::Server, or httplib::SSLServer with options.tls; made by Start().
  std::unique_ptr<httplib::Server> http;
  /// PEM of the generated CA ("" without TLS or with certificate files).
  std::string tls_ca_pem;
  std::thread listener;
  int port = 0;
  bool started = false;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options), *this)) {}

Server::~Server() { Stop(); }

protocol::Status Server::Start() {
  Impl& s = *impl_;
  auto http = MakeHttpServer(s.options, s.tls_ca_pem);
  if (!http.ok()) return http.status();
  s.http = std::move(*http);
  if (auto status = s.service.Open(s.clock.Now()); !status.ok()) return status;
  s.ConfigureHttp();
  if (s.options.port == 0) {
    s.port = s.http->bind_to_any_port(s.options.host);
  } else {
    s.port = s.http->bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0) {
    return errors::Internal("cannot bind " + s.options.host + ":" + std::to_string(s.options.port));
  }
  ::listen(ListeningSocket(*s.http), kListenBacklog);
  s.listener = std::thread([&s] { s.http->listen_after_bind(); });
  // The socket already accepts connections; wait for the accept loop so Stop() is safe.
  for (int i = 0; i < 5000 && !s.http->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  s.started = true;
  return {};
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.http->stop();
  ShutdownConnections(s.port);
  if (s.listener.joinable()) s.listener.join();
}

uint16_t Server::port() const { return static_cast<uint16_t>(impl_->port); }

std::string Server::endpoint() const {
  return std::string(impl_->options.tls ? "https" : "http") + "://" + impl_->options.host + ":" +
         std::to_string(impl_->port);
}

std::string Server::TlsCaPem() const { return impl_->tls_ca_pem; }

void Server::Reset() {
  Impl& s = *impl_;
  s.service.Reset(s.clock.Now());
  s.auth.Reset();
  s.injector.Clear();
  s.journal.Clear();
  s.ids.Reset();
}

protocol::TimePoint Server::Now() const { return impl_->clock.Now(); }

void Server::AdvanceClock(std::chrono::seconds delta) {
  impl_->clock.Advance(delta);
  impl_->service.ApplyLifecycle(impl_->clock.Now());
}

void Server::SetClock(protocol::TimePoint t) {
  impl_->clock.Set(t);
  impl_->service.ApplyLifecycle(t);
}

std::vector<UploadSnapshot> Server::ListUploads() const { return impl_->service.Uploads(); }

bool Server::ExpireUpload(const std::string& upload_id) {
  return impl_->service.ExpireUpload(upload_id);
}

std::vector<JournalEntry> Server::Journal() const { return impl_->journal.Entries(); }

uint64_t Server::JournalArrivals() const { return impl_->journal.Arrivals(); }

StsCredential Server::IssueStsCredential(std::chrono::seconds duration) {
  return impl_->auth.IssueSts(impl_->ids, impl_->clock.Now(), duration);
}

void Server::SimulateRestart() { impl_->service.Reload(); }

std::string Server::CallbackPublicKeyPem() const { return impl_->callback_key.PublicKeyPem(); }

protocol::Status Server::CheckFaultPlan(const faults::Plan& plan) const {
  if (!impl_->options.data_dir.empty()) return {};
  for (size_t i = 0; i < plan.rules.size(); ++i) {
    if (plan.rules[i].action.type != faults::ActionType::kRestart) continue;
    return protocol::MakeError("InvalidArgument",
                               "rules[" + std::to_string(i) +
                                   "].action.type: \"restart\" needs disk mode (--data-dir); a "
                                   "memory-mode fake keeps its state across a simulated restart");
  }
  return {};
}

std::string Server::AddFaultPlan(faults::Plan plan) {
  return impl_->injector.AddPlan(std::move(plan));
}

bool Server::RemoveFaultPlan(const std::string& id) { return impl_->injector.RemovePlan(id); }

void Server::ClearFaultPlans() { impl_->injector.Clear(); }

std::optional<faults::PlanAccounting> Server::FaultAccounting(const std::string& id) const {
  return impl_->injector.Accounting(id);
}

}  // namespace ossup::fake

namespace ossup::fake {

std::vector<faults::PlanAccounting> Server::AllFaultAccounting() const {
  return impl_->injector.AllAccounting();
}

}  // namespace ossup::fake
