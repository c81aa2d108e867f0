// fake-oss: runs ossup::fake::Server until SIGTERM or SIGINT.
//
// The flags are a contract scripts rely on (fake-oss/README.md): --host, --port, --data-dir,
// --access-key-id/--access-key-secret (repeatable pairs; also OSS_ACCESS_KEY_ID and
// OSS_ACCESS_KEY_SECRET), --anonymous, --bucket (repeatable), --seed, --virtual-host-domain,
// plus --default-bucket, --region, --faults, --chaos, --threads, --io-threads, --io-spin-us,
// --frozen-clock and --version. The first stdout line is exactly
// `fake-oss listening on http://HOST:PORT`. Without --seed the seed comes from the OS; the seed
// used is printed on stderr right after that line, as
// `fake-oss: seed N (--seed N repeats this run's ids)`.
// HTTPS: --tls-cert FILE --tls-key FILE serve that certificate; --tls-self-signed CERT_OUT
// generates a CA and a server certificate for HOST, 127.0.0.1, ::1 and localhost, and writes
// the CA's PEM to CERT_OUT (complete before the first line is printed) for clients to trust.
// The first line then reads `fake-oss listening on https://HOST:PORT`.
// Control API: --control-token TOKEN (or FAKE_OSS_CONTROL_TOKEN) makes /_fake/ want it in
// X-Fake-Oss-Control-Token. On a non-loopback --host without one, a token is generated and a
// warning naming it goes to stderr after the first line (the control API must not be open to
// everyone who reaches the port).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "build_info.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"
#include "ossup/faults/swarm.h"

namespace {

int WaitForSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

// Writes `text` to `path` through a temporary file and a rename, so a reader never sees part.
bool WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  return !error;
}

/// 64 bits from the OS's random source (getrandom), so that fakes started without --seed hand
/// out different ids.
uint64_t SeedFromTheOs() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread; main collects them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  CLI::App app{"fake-oss: a strict fake Alibaba Cloud OSS server"};
  app.set_version_flag("--version", ossup::VersionLine("fake-oss"));
  ossup::fake::ServerOptions options;
  options.clock_follows_real_time = true;
  int port = 0;
  std::vector<std::string> access_key_ids;
  std::vector<std::string> access_key_secrets;
  std::string faults_file;
  bool frozen_clock = false;
  std::optional<uint64_t> chaos_seed;
  app.add_option("--host", options.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", port, "Port (0 picks a free one)")->check(CLI::Range(0, 65535));
  app.add_option("--data-dir", options.data_dir, "Keep data on disk here (default: memory)");
  app.add_option("--access-key-id", access_key_ids, "Accepted AccessKeyId (repeatable)");
  app.add_option("--access-key-secret", access_key_secrets,
                 "Secret for the matching --access-key-id (repeatable)");
  app.add_flag("--anonymous", options.anonymous, "Accept unsigned or wrongly signed requests");
  app.add_option("--bucket", options.buckets, "Bucket to create at start (repeatable)");
  std::optional<uint64_t> seed;
  app.add_option("--seed", seed,
                 "Seed for upload ids, request ids and STS credentials (default: from the OS; "
                 "the seed used is printed on stderr)");
  app.add_option("--virtual-host-domain", options.virtual_host_domain,
                 "Read Host: <bucket>.<domain> as a bucket");
  app.add_option("--default-bucket", options.default_bucket,
                 "Bucket for requests whose Host names none (ali-oss cname mode)");
  app.add_option("--region", options.region, "Require V4 signatures scoped to this region");
  app.add_option("--control-token", options.control_token,
                 "Control API (/_fake/) requests must carry X-Fake-Oss-Control-Token: TOKEN "
                 "(also FAKE_OSS_CONTROL_TOKEN; generated on a non-loopback --host)");
  app.add_option("--faults", faults_file, "Fault plan (JSON) to install at start");
  app.add_option("--chaos", chaos_seed,
                 "Swarm mode: random faults derived from this seed (banner on stderr)");
  app.add_option("--threads", options.threads,
                 "Handler threads (started as needed): requests served at once")
      ->capture_default_str();
  app.add_option("--io-threads", options.io_threads,
                 "I/O threads serving all connections (0: the number of cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  int64_t io_spin_us = options.io_idle_spin.count();
  app.add_option("--io-spin-us", io_spin_us,
                 "Microseconds an I/O thread polls for a connection's next request before "
                 "it sleeps (0: at once)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("--frozen-clock", frozen_clock,
               "The virtual clock moves only through /_fake/clock (default: follows real time)");
  std::string tls_cert, tls_key, tls_self_signed;
  auto* cert_option =
      app.add_option("--tls-cert", tls_cert, "Serve HTTPS with this PEM certificate (chain)");
  auto* key_option = app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
  cert_option->needs(key_option);
  key_option->needs(cert_option);
  app.add_option("--tls-self-signed", tls_self_signed,
                 "Serve HTTPS with a generated certificate; write the CA to trust to this file")
      ->excludes(cert_option)
      ->excludes(key_option);
  CLI11_PARSE(app, argc, argv);
  if (!tls_cert.empty() || !tls_self_signed.empty()) {
    options.tls = ossup::fake::TlsOptions{tls_cert, tls_key};
  }
  options.port = static_cast<uint16_t>(port);
  options.io_idle_spin = std::chrono::microseconds(io_spin_us);
  if (const char* token = std::getenv("FAKE_OSS_CONTROL_TOKEN");
      token != nullptr && options.control_token.empty()) {
    options.control_token = token;
  }
  const bool token_given = !options.control_token.empty();
  options.seed = seed ? *seed : SeedFromTheOs();
  options.clock_follows_real_time = !frozen_clock;

  if (access_key_ids.size() != access_key_secrets.size()) {
    std::cerr << "fake-oss: --access-key-id and --access-key-secret must come in pairs\n";
    return 2;
  }
  for (size_t i = 0; i < access_key_ids.size(); ++i) {
    options.credentials.push_back({access_key_ids[i], access_key_secrets[i]});
  }
  const char* env_id = std::getenv("OSS_ACCESS_KEY_ID");
  const char* env_secret = std::getenv("OSS_ACCESS_KEY_SECRET");
  if (env_id && env_secret && *env_id) options.credentials.push_back({env_id, env_secret});

  std::optional<ossup::faults::Plan> plan;
  if (!faults_file.empty()) {
    std::ifstream in(faults_file);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = ossup::faults::ParsePlan(text.str());
    if (!in || !parsed.ok()) {
      std::cerr << "fake-oss: cannot load " << faults_file << ": "
                << (parsed.ok() ? "unreadable" : parsed.error().message) << "\n";
      return 2;
    }
    plan = std::move(*parsed);
  }

  const std::string data_dir_for_chaos = options.data_dir;
  const uint64_t seed_used = options.seed;
  ossup::fake::Server server(std::move(options));
  if (plan) {
    if (auto usable = server.CheckFaultPlan(*plan); !usable.ok()) {
      std::cerr << "fake-oss: cannot load " << faults_file << ": " << usable.error().message
                << "\n";
      return 2;
    }
  }
  if (auto status = server.Start(); !status.ok()) {
    std::cerr << "fake-oss: " << status.ToString() << "\n";
    return 1;
  }
  if (!tls_self_signed.empty() && !WriteFileAtomically(tls_self_signed, server.TlsCaPem())) {
    std::cerr << "fake-oss: cannot write " << tls_self_signed << "\n";
    server.Stop();
    return 1;
  }
  if (plan) server.AddFaultPlan(std::move(*plan));
  if (chaos_seed) {
    ossup::faults::SwarmOptions swarm_options;
    swarm_options.disk_mode = !data_dir_for_chaos.empty();
    auto swarm = ossup::faults::DeriveSwarm(*chaos_seed, swarm_options);
    std::cerr << ossup::faults::SwarmToString(swarm);
    server.AddFaultPlan(swarm.plan);
  }
  std::printf("fake-oss listening on %s\n", server.endpoint().c_str());
  std::fflush(stdout);
  std::cerr << "fake-oss: seed " << seed_used << " (--seed " << seed_used
            << " repeats this run's ids)\n";
  if (!token_given && !server.control_token().empty()) {
    std::cerr << "fake-oss: warning: listening on a non-loopback address without "
                 "--control-token; the control API (/_fake/) wants the generated token: "
              << ossup::fake::kControlTokenHeader << ": " << server.control_token() << "\n";
  }
  WaitForSignal();
  server.Stop();
  return 0;
}
