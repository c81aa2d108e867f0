// ossup::fake::Server: a strict fake Alibaba Cloud OSS server over HTTP (or HTTPS, see
// ServerOptions::tls) on loopback.
//
// It speaks the OSS wire protocol (docs/protocol.md) for the multipart
// operations, simple objects, buckets and lifecycle, checks V1/V4/presigned/STS signatures
// unless `anonymous` is set, and exposes a JSON control API under /_fake/ (health, reset,
// clock, uploads, journal, sts, faults, callback-public-key) on any Host that names no bucket.
// Every control also exists as a method below. With a control token (ServerOptions::
// control_token; always on a non-loopback host) the control API wants it in the
// X-Fake-Oss-Control-Token header.
//
// Storage is in memory by default; with `data_dir` it is on disk, written with temp file +
// fsync + rename, and survives a restart or kill -9. Keys never name files: on disk
// everything is stored under hashed or random names.
//
// Lifetime: construct, Start(), use, Stop() (or destroy). Many servers may run in one
// process. All methods are thread-safe; the HTTP side serves requests concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/faults/injector.h"
#include "ossup/faults/plan.h"
#include "ossup/protocol/operation.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"
#include "ossup/protocol/xml.h"

namespace ossup::fake {

struct AccessKey {
  std::string access_key_id;
  std::string access_key_secret;
};

/// HTTPS for the fake. Both files empty: at Start() the server generates, in memory, a
/// throwaway CA (ECDSA P-256, valid 10 years from the real clock) and a certificate it signs
/// for `host`, 127.0.0.1, ::1 and localhost; clients trust Server::TlsCaPem().
struct TlsOptions {
  /// PEM certificate chain (leaf first) and its private key. Both or neither.
  std::string cert_file;
  std::string key_file;
};

/// The header that carries ServerOptions::control_token.
inline constexpr std::string_view kControlTokenHeader = "X-Fake-Oss-Control-Token";

struct ServerOptions {
  /// The address to listen on. Loopback (127.0.0.0/8, ::1, localhost) by default; any other
  /// address lets others reach the control API, which then needs `control_token`.
  std::string host = "127.0.0.1";
  /// 0 picks a free port; port() reports it after Start().
  uint16_t port = 0;
  /// Empty: everything is held in memory. Otherwise the directory holding all data; it is
  /// created if missing and reloaded if it holds data from an earlier run.
  std::string data_dir;
  /// Long-term credentials accepted for signed requests.
  std::vector<AccessKey> credentials;
  /// Accept unsigned and wrongly signed requests.
  bool anonymous = false;
  /// Buckets created at start (and again after Reset).
  std::vector<std::string> buckets;
  /// Seeds upload ids, request ids, STS credentials and the callback key: the same seed gives
  /// the same sequences. In-process the default is fixed (0), so a test replays exactly; give
  /// each instance its own seed when ids must differ between them. The fake-oss binary draws
  /// one from the OS unless --seed is given.
  uint64_t seed = 0;
  /// When set, `Host: <bucket>.<virtual_host_domain>` addresses <bucket>. Hosts ending in
  /// ".aliyuncs.com" (as ali-oss sends for IP endpoints) are always read that way.
  std::string virtual_host_domain;
  /// When set, requests that name no bucket in the Host header address this bucket and the
  /// whole path is the key (ali-oss `cname: true`). Path style is then off.
  std::string default_bucket;
  /// When set, V4 signatures must be scoped to this region (e.g. "cn-hangzhou").
  std::string region;
  /// Handler threads, started as needed: at most this many requests are served at once (a
  /// request holds one while its body arrives and its answer goes out; one that blocks, e.g.
  /// on fsync or a stall fault, holds only its own). Idle connections hold none. Requests that
  /// cannot block (memory mode, no fault plan installed, no upload callback, no copy, not a
  /// control request, body at most 64 KiB) are served on the I/O threads and hold none either.
  int threads = 256;
  /// I/O threads serving every connection; 0: the number of cores.
  int io_threads = 0;
  /// How long an I/O thread polls, once a connection has answered and waits for its next
  /// request, before it sleeps: a client that sends its next request within the window is
  /// served without a thread wake-up (tens of microseconds per request on a VM), for up to
  /// this much CPU per answer. Zero: sleep at once.
  std::chrono::microseconds io_idle_spin{50};
  /// From a request's first byte to the end of its header block; then RequestTimeout and the
  /// connection closes (slowloris).
  std::chrono::milliseconds header_timeout{30000};
  /// The longest pause inside a request body; then RequestTimeout and the connection closes.
  std::chrono::milliseconds body_idle_timeout{30000};
  /// An idle keep-alive connection closes after this long. Longer than common client idle
  /// timeouts (agentkeepalive: 15 s), so the client closes first.
  std::chrono::milliseconds keep_alive_timeout{30000};
  /// How long Stop() lets requests in flight finish before closing their connections.
  std::chrono::milliseconds stop_grace{5000};
  /// Where the virtual clock starts; absent = the real time at construction.
  std::optional<protocol::TimePoint> clock_start;
  /// False: the clock moves only through Advance/Set. True: it follows the real clock.
  bool clock_follows_real_time = false;
  /// The largest PutObject/UploadPart body accepted, by Content-Length or counted while a
  /// chunked body streams; larger is 400 EntityTooLarge. OSS: 5 GiB. Lower it to exercise the
  /// limit without sending gigabytes.
  uint64_t max_part_bytes = 5ull << 30;
  /// How many requests the journal keeps (oldest dropped first).
  size_t journal_capacity = 10000;
  /// Non-empty: every control request but GET /_fake/health and GET
  /// /_fake/callback-public-key (which callback receivers fetch) must carry
  /// `X-Fake-Oss-Control-Token: <control_token>`; without it the answer is 401, with another
  /// value 403 (JSON `{"error"}`), and nothing is done. Empty on a non-loopback `host`: Start()
  /// generates a random token (Server::control_token()). Empty on loopback: no token needed.
  std::string control_token;
  /// Set: serve HTTPS (only) instead of HTTP. Handlers, control API and faults are the same;
  /// see fake-oss/README.md for how reset/drop/truncate look through TLS.
  std::optional<TlsOptions> tls;
};

/// One in-progress multipart upload, as GET /_fake/uploads reports it.
struct UploadSnapshot {
  std::string bucket;
  std::string key;
  std::string upload_id;
  protocol::TimePoint initiated{};
  std::vector<protocol::PartInfo> parts;  // ascending part numbers
};

/// One served request, as GET /_fake/journal reports it.
struct JournalEntry {
  /// 1, 2, ... in the order requests were journaled (after they were answered).
  uint64_t sequence = 0;
  /// 1, 2, ... in the order requests reached the fake (before anything was read or stored).
  /// A request abandoned by its client may be journaled late; `arrival` still places it
  /// before every request that arrived after it (see Server::JournalArrivals()).
  uint64_t arrival = 0;
  std::string request_id;
  std::string method;
  protocol::Operation operation = protocol::Operation::kUnknown;  // journaled by OperationName
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::optional<int> part_number;
  int http_status = 0;     // 0 when no response was sent (reset, dropped)
  std::string error_code;  // "" on success
  uint64_t request_body_bytes = 0;
  /// The fault injected into this request, if any.
  std::optional<faults::Firing> fault;
  /// When the request arrived, in microseconds of the machine's monotonic clock
  /// (std::chrono::steady_clock), and how long until it was answered, cut or dropped: real
  /// time, not the virtual clock, so a timeline can place it among its client's own events.
  int64_t arrived_us = 0;
  int64_t latency_us = 0;
};

struct StsCredential {
  protocol::Credentials credentials;  // security_token is set
  protocol::TimePoint expiration{};
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Loads the data directory (if any), binds and starts serving. Returns once the server
  /// accepts connections. Errors: InternalError (bind failure, unusable data_dir, unusable
  /// or half-given TLS certificate/key files, certificate generation failure).
  /// REQUIRES: not started.
  protocol::Status Start();
  /// Stops accepting, closes idle connections at once, lets requests in flight finish for up
  /// to `stop_grace` (their answers carry `Connection: close`), then cuts the rest (their
  /// connections close unanswered; a stall fault ends at once) and waits for the handlers.
  /// Returns within about `stop_grace` plus the longest disk write or callback in flight.
  /// Idempotent.
  void Stop();

  /// The bound port. REQUIRES: Start() succeeded.
  uint16_t port() const;
  /// The token the control API needs ("" when it needs none): ServerOptions::control_token, or
  /// the one Start() generated for a non-loopback host. REQUIRES: Start() succeeded.
  std::string control_token() const;
  /// "http://<host>:<port>", or "https://<host>:<port>" with `tls`.
  std::string endpoint() const;
  /// The PEM certificate clients must trust to reach this server over HTTPS: the generated
  /// CA's certificate. Empty when `tls` is unset or names certificate files.
  /// REQUIRES: Start() succeeded.
  std::string TlsCaPem() const;

  // --- Controls (also under /_fake/) -------------------------------------------------------

  /// Deletes all buckets, objects, uploads, STS credentials, fault plans and the journal,
  /// re-creates the configured buckets and restarts the id sequences from the seed.
  void Reset();
  protocol::TimePoint Now() const;
  void AdvanceClock(std::chrono::seconds delta);
  void SetClock(protocol::TimePoint t);
  std::vector<UploadSnapshot> ListUploads() const;
  /// Every bucket's name, ascending.
  std::vector<std::string> ListBucketNames() const;
  /// Makes an upload vanish as a lifecycle rule would. False when it does not exist.
  bool ExpireUpload(const std::string& upload_id);
  /// Stores `bytes` as part `part_number` (1..10000) of an in-progress upload, replacing any
  /// part of that number, as if some other writer had sent UploadPart: it is not journaled
  /// and no fault applies. Errors: NoSuchUpload, InvalidArgument (part number), InternalError
  /// (storage).
  protocol::Status PutPart(const std::string& upload_id, int part_number, std::string_view bytes);
  std::vector<JournalEntry> Journal() const;
  /// How many requests have arrived so far: every request arriving later has a larger
  /// JournalEntry::arrival, whenever it is journaled.
  uint64_t JournalArrivals() const;
  /// A temporary credential valid for `duration` on the virtual clock.
  StsCredential IssueStsCredential(std::chrono::seconds duration);
  /// Drops all in-memory state and reloads it from disk, as after a crash. In memory mode
  /// nothing changes.
  void SimulateRestart();
  /// The PEM public key (X.509 SubjectPublicKeyInfo, RSA 1024, derived from `seed`) that
  /// verifies the fake's upload-callback signatures; also at GET /_fake/callback-public-key,
  /// the URL each callback names in `x-oss-pub-key-url`. Made on first use (tens of ms).
  std::string CallbackPublicKeyPem() const;

  /// Whether this server can carry out `plan`. Errors: InvalidArgument, with a message naming
  /// the rule ("rules[N].action.type: ..."), for a `restart` rule in memory mode: a restarted
  /// process would lose everything, which a memory-mode fake does not simulate, so the rule
  /// would silently do nothing. POST /_fake/faults and --faults refuse such plans.
  protocol::Status CheckFaultPlan(const faults::Plan& plan) const;
  /// Installs `plan` and returns its id ("plan-N"). Does not check it: call CheckFaultPlan
  /// first (a `restart` rule in memory mode fires, is journaled, and changes nothing).
  std::string AddFaultPlan(faults::Plan plan);
  bool RemoveFaultPlan(const std::string& id);
  void ClearFaultPlans();
  std::optional<faults::PlanAccounting> FaultAccounting(const std::string& id) const;
  std::vector<faults::PlanAccounting> AllFaultAccounting() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ossup::fake
