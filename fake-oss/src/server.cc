#include "ossup/fake/server.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <random>

#include "auth/authenticator.h"
#include "control/control.h"
#include "http/engine.h"
#include "http/handler.h"
#include "journal/journal.h"
#include "ossup/fake/clock.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "service/errors.h"
#include "service/ids.h"
#include "service/service.h"
#include "tls/certificate.h"

namespace ossup::fake {
namespace {

// The engine settings `options` ask for (TLS material from `generated` or the files).
EngineOptions ToEngineOptions(const ServerOptions& options, const GeneratedTls* generated) {
  EngineOptions engine;
  engine.host = options.host;
  engine.port = options.port;
  engine.io_threads = options.io_threads;
  engine.idle_spin = options.io_idle_spin;
  engine.handler_threads = std::max(options.threads, 2);
  engine.keep_alive_timeout = options.keep_alive_timeout;
  engine.header_timeout = options.header_timeout;
  engine.body_idle_timeout = options.body_idle_timeout;
  engine.stop_grace = options.stop_grace;
  // A PutObject/UploadPart above max_part_bytes is refused before its body is read: never
  // read such a body ahead of the handler.
  engine.inline_body_bytes =
      static_cast<size_t>(std::min<uint64_t>(engine.inline_body_bytes, options.max_part_bytes));
  if (options.tls) {
    EngineTls tls;
    if (generated != nullptr) {
      tls.cert = generated->server_cert.get();
      tls.key = generated->server_key.get();
    } else {
      tls.cert_file = options.tls->cert_file;
      tls.key_file = options.tls->key_file;
    }
    engine.tls = tls;
  }
  return engine;
}

// Whether `host` (an address or name to listen on) is reachable from this machine only.
bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr address{};
  const std::string text(host);
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

// 128 random bits from the OS, as hex: not derived from the seed, so not guessable from ids.
std::string RandomToken() {
  std::random_device device;
  std::array<uint8_t, 16> bytes{};
  for (auto& byte : bytes) byte = static_cast<uint8_t>(device());
  return protocol::HexLower(bytes);
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
        control(server, options.control_token),
        handler(context, [this](Connection& connection) { control.Serve(connection); }) {}

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
  /// Made by Start().
  std::unique_ptr<Engine> http;
  /// PEM of the generated CA ("" without TLS or with certificate files).
  std::string tls_ca_pem;
  int port = 0;
  bool started = false;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options), *this)) {}

Server::~Server() { Stop(); }

protocol::Status Server::Start() {
  Impl& s = *impl_;
  std::optional<GeneratedTls> generated;
  if (s.options.tls) {
    const TlsOptions& tls = *s.options.tls;
    if (tls.cert_file.empty() && tls.key_file.empty()) {
      auto made = GenerateTls({s.options.host, "127.0.0.1", "::1", "localhost"});
      if (!made.ok()) return made.status();
      generated = std::move(*made);
      s.tls_ca_pem = generated->ca_pem;
    } else if (tls.cert_file.empty() || tls.key_file.empty()) {
      return errors::Internal("TLS needs both a certificate file and a key file");
    }
  }
  if (s.options.control_token.empty() && !IsLoopbackHost(s.options.host)) {
    s.options.control_token = RandomToken();
  }
  if (auto status = s.service.Open(s.clock.Now()); !status.ok()) return status;
  s.http = std::make_unique<Engine>(
      ToEngineOptions(s.options, generated ? &*generated : nullptr),
      [&s](Connection& connection) { s.handler.Serve(connection); },
      [&s](const RequestHead& head) { return s.handler.NeverBlocks(head); });
  auto port = s.http->Start();
  if (!port.ok()) return port.status();
  s.port = *port;
  s.started = true;
  return {};
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.http->Stop();
}

uint16_t Server::port() const { return static_cast<uint16_t>(impl_->port); }

std::string Server::control_token() const { return impl_->options.control_token; }

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

std::vector<std::string> Server::ListBucketNames() const {
  std::vector<std::string> names;
  for (const auto& bucket : impl_->service.ListBuckets()) names.push_back(bucket.name);
  return names;
}

bool Server::ExpireUpload(const std::string& upload_id) {
  return impl_->service.ExpireUpload(upload_id);
}

protocol::Status Server::PutPart(const std::string& upload_id, int part_number,
                                 std::string_view bytes) {
  if (part_number < 1 || part_number > 10000) {
    return protocol::MakeError("InvalidArgument", "part number must be in 1..10000");
  }
  for (const UploadSnapshot& upload : impl_->service.Uploads()) {
    if (upload.upload_id != upload_id) continue;
    BlobWriter writer(impl_->service.blobs(), bytes.size());
    if (!writer.Append(bytes.data(), bytes.size())) {
      return protocol::MakeError("InternalError", "cannot store the part");
    }
    auto body = writer.Finish();
    if (!body.ok()) return body.error();
    auto stored = impl_->service.UploadPart(upload.bucket, upload.key, upload_id, part_number,
                                            std::move(*body), bytes.size(), impl_->clock.Now());
    if (!stored.ok()) return stored.error();
    return protocol::Status();
  }
  return protocol::MakeError("NoSuchUpload", "no such upload: " + upload_id);
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
