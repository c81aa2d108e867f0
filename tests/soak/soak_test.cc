// The seeded chaos soak: a standalone fake-oss in disk mode, several clients doing PutObject,
// GetObject, DeleteObject and multipart uploads (completed, and left open), while the fake
// gets stall, restart and connection-reset faults (a seeded fault plan) and, between the
// clients' operations, data resets (/_fake/reset), simulated restarts (/_fake/restart) and
// kill -9 followed by a new process on the same data directory and port.
//
// Asserted: a GET never answers 200 with a body shorter than its Content-Length (unless the
// process was killed meanwhile) or with bytes no one wrote to that key; afterwards (one more
// kill -9 and restart first) every key holds the content of its last acknowledged write (or of
// a later unacknowledged one), or nothing only when a data reset may have come after that
// write; every acknowledged part of an upload left open is listed with its ETag unless a data
// reset may have come after its upload began; the fake stays up.
//
// Bounded: a fixed number of operations per client and of chaos actions, and no new work after
// kWorkBudget (a bound, not an assertion). The seed (OSSUP_SOAK_SEED, else from the OS) fixes
// every client's operations, every payload, the fault plan and the chaos actions; the thread
// interleaving is the machine's, so a replay repeats the same work, not the same timing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/xml.h"
#include "test_support/child_process.h"
#include "test_support/temp_dir.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kClients = 4;
constexpr int kOpsPerClient = 300;
constexpr int kKeysPerClient = 6;
constexpr int kChaosActions = 12;
constexpr auto kWorkBudget = std::chrono::seconds(80);

uint64_t SoakSeed() {
  if (const char* text = std::getenv("OSSUP_SOAK_SEED"); text != nullptr && *text) {
    return std::stoull(text);
  }
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

std::string Md5Hex(const std::string& bytes) { return protocol::HexLower(protocol::Md5Of(bytes)); }

auto RealNow() { return std::chrono::system_clock::now(); }

// When a client sent a request and when it had the outcome.
struct Span {
  SteadyClock::time_point sent;
  SteadyClock::time_point ended;
};

// One write to a key (PutObject, DeleteObject or a CompleteMultipartUpload that was sent).
struct Write {
  std::optional<std::string> md5;  // nullopt: a delete
  bool acked = false;
  Span span;
};

// An upload a client began and left open, with its first part.
struct OpenUpload {
  std::string key;
  std::string upload_id;
  Span initiated;
  std::optional<std::string> part_etag;  // set when UploadPart 1 was acknowledged
};

// The standalone fake, restartable on the same data directory and port.
class Fake {
 public:
  Fake(std::string data_dir, uint64_t seed) : data_dir_(std::move(data_dir)), seed_(seed) {}
  ~Fake() {
    if (process_.pid > 0) StopFakeOss(process_, SIGKILL);
  }
  bool Start() {
    // The port of a killed process can take a moment to be free again: retry (bounded).
    for (int attempt = 0; attempt < 50; ++attempt) {
      process_ = SpawnFakeOss(
          {"--port", std::to_string(port_), "--data-dir", data_dir_, "--access-key-id",
           kTestCredentials.access_key_id, "--access-key-secret",
           kTestCredentials.access_key_secret, "--bucket", "bkt", "--seed", std::to_string(seed_)},
          "/dev/null");
      if (process_.port != 0) {
        port_ = process_.port;
        return true;
      }
      StopFakeOss(process_, SIGKILL);
      process_.pid = -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void KillNine() {
    StopFakeOss(process_, SIGKILL);
    process_.pid = -1;
  }
  /// True while the process runs.
  bool Alive() {
    int status = 0;
    return process_.pid > 0 && ::waitpid(process_.pid, &status, WNOHANG) == 0;
  }
  /// SIGTERM; the wait status.
  int Stop() {
    const int status = StopFakeOss(process_, SIGTERM);
    process_.pid = -1;
    return status;
  }
  uint16_t port() const { return port_; }

 private:
  std::string data_dir_;
  uint64_t seed_;
  uint16_t port_ = 0;
  FakeOssProcess process_;
};

// The seeded fault plan: stalls, connection resets mid-body and simulated restarts.
std::string FaultPlan(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto ms = [&] { return std::to_string(50 + rng() % 250); };
  return R"({"seed": )" + std::to_string(seed % 1000000007) + R"(, "rules": [
    {"match": {"op": "PutObject", "probability": 0.05}, "action": {"type": "stall", "ms": )" +
         ms() + R"(, "afterBytes": 1000}, "times": "unlimited"},
    {"match": {"op": "GetObject", "probability": 0.05}, "action": {"type": "stall", "ms": )" +
         ms() + R"(}, "times": "unlimited"},
    {"match": {"op": "UploadPart", "probability": 0.05}, "action": {"type": "stall", "ms": )" +
         ms() + R"(, "afterBytes": 50000}, "times": "unlimited"},
    {"match": {"op": "PutObject", "probability": 0.04}, "action": {"type": "reset", "afterBytes": 2048}, "times": "unlimited"},
    {"match": {"op": "UploadPart", "probability": 0.04}, "action": {"type": "reset", "afterBytes": 4096}, "times": "unlimited"},
    {"match": {"probability": 0.03}, "action": {"type": "restart"}, "times": "unlimited"}
  ]})";
}

class ChaosSoak {
 public:
  ChaosSoak(uint64_t seed, const std::string& data_dir) : seed_(seed), fake_(data_dir, seed) {}

  void Run() {
    ASSERT_TRUE(fake_.Start()) << "fake-oss did not start";
    ASSERT_TRUE(InstallPlan());
    deadline_ = SteadyClock::now() + kWorkBudget;
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) clients.emplace_back([this, t] { ClientLoop(t); });
    ChaosLoop();
    for (auto& thread : clients) thread.join();
    Verify();
  }

  /// Problems found, each naming the key and what was seen.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  // --- The clients --------------------------------------------------------------------------

  struct KeyHistory {
    std::vector<Write> writes;
    std::set<std::string> ever_written;  // MD5s of every content sent for the key
  };

  static std::string KeyName(int client, int index) {
    return "c" + std::to_string(client) + "/k" + std::to_string(index);
  }

  void Problem(const std::string& what) {
    protocol::MutexLock lock(mu_);
    problems_.push_back(what);
  }

  std::string NewPayload(std::mt19937_64& rng) {
    static std::atomic<uint32_t> counter{1};
    size_t size = 0;
    switch (rng() % 3) {
      case 0:
        size = rng() % 64;
        break;
      case 1:
        size = 1000 + rng() % 4000;
        break;
      default:
        size = 50000 + rng() % 250000;
        break;
    }
    return Payload(size, counter++ * 7919 + static_cast<uint32_t>(seed_));
  }

  // A signed GET that notes whether 200 headers arrived before the body fell short.
  void CheckedGet(TestClient& client, const std::string& key, KeyHistory& history) {
    protocol::WireRequest wire{"GET", "bkt", key, {}, {}};
    protocol::SignV1(wire, kTestCredentials, RealNow());
    httplib::Headers headers;
    for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
    int status = 0;
    uint64_t announced = 0;
    std::string body;
    const uint64_t kills_before = kills_.load();
    auto result = client.http().Get(
        TestClient::Target("bkt", key, {}), headers,
        [&](const httplib::Response& response) {
          status = response.status;
          announced = std::stoull("0" + response.get_header_value("Content-Length"));
          return true;
        },
        [&](const char* data, size_t size) {
          body.append(data, size);
          return true;
        });
    if (!result) {
      if (status == 200 && body.size() < announced && kills_.load() == kills_before) {
        Problem(key + ": GET answered 200 announcing " + std::to_string(announced) +
                " bytes, then the connection ended after " + std::to_string(body.size()));
      }
      return;
    }
    if (result->status != 200) return;
    if (body.size() != announced) {
      Problem(key + ": GET 200 body of " + std::to_string(body.size()) + " bytes, announced " +
              std::to_string(announced));
    } else if (!history.ever_written.count(Md5Hex(body))) {
      Problem(key + ": GET 200 returned " + std::to_string(body.size()) +
              " bytes that no client wrote to the key");
    }
  }

  void PutOrDelete(TestClient& client, const std::string& key, KeyHistory& history,
                   std::mt19937_64& rng, bool remove) {
    Write write;
    std::string data;
    if (!remove) {
      data = NewPayload(rng);
      write.md5 = Md5Hex(data);
      history.ever_written.insert(*write.md5);
    }
    write.span.sent = SteadyClock::now();
    auto response =
        remove ? client.Send("DELETE", "bkt", key) : client.Put("bkt", key, std::move(data));
    write.span.ended = SteadyClock::now();
    write.acked = response.status == (remove ? 204 : 200);
    history.writes.push_back(write);
  }

  std::optional<std::string> Initiate(TestClient& client, const std::string& key) {
    auto response = client.Send("POST", "bkt", key, {{"uploads", ""}});
    if (response.status != 200) return std::nullopt;
    auto result = protocol::DecodeInitiateMultipartUploadResult(response.body);
    if (!result.ok()) return std::nullopt;
    return result->upload_id;
  }

  // Initiate, two parts, Complete. Recorded as a write once Complete was sent.
  void Multipart(TestClient& client, const std::string& key, KeyHistory& history,
                 std::mt19937_64& rng) {
    const auto started = SteadyClock::now();
    auto upload_id = Initiate(client, key);
    if (!upload_id) return;
    const std::string first = Payload(protocol::limits::kMinPartSize, static_cast<uint32_t>(rng()));
    const std::string second = NewPayload(rng);
    std::vector<protocol::CompletePart> parts;
    for (const auto& [number, data] : {std::pair{1, &first}, std::pair{2, &second}}) {
      auto part = client.UploadPart("bkt", key, *upload_id, number, *data);
      if (part.status != 200) return;
      parts.push_back({number, part.Header("ETag")});
    }
    Write write;
    write.md5 = Md5Hex(first + second);
    history.ever_written.insert(*write.md5);
    write.span.sent = started;
    write.acked = client.Complete("bkt", key, *upload_id, parts).status == 200;
    write.span.ended = SteadyClock::now();
    history.writes.push_back(write);
  }

  void LeaveUploadOpen(TestClient& client, const std::string& key, std::mt19937_64& rng,
                       std::vector<OpenUpload>& open) {
    OpenUpload upload;
    upload.key = key;
    upload.initiated.sent = SteadyClock::now();
    auto upload_id = Initiate(client, key);
    upload.initiated.ended = SteadyClock::now();
    if (!upload_id) return;
    upload.upload_id = *upload_id;
    auto part = client.UploadPart("bkt", key, *upload_id, 1, NewPayload(rng));
    if (part.status == 200) upload.part_etag = part.Header("ETag");
    open.push_back(upload);
  }

  // After a kill -9 the port refuses connections until the new process listens: wait for it
  // (bounded) rather than spend operations on refused connections.
  void WaitWhileTheFakeIsDown(TestClient& client) {
    for (int i = 0; i < 500 && SteadyClock::now() < deadline_; ++i) {
      if (client.SendRaw("GET", "/_fake/health", {}, "").error != httplib::Error::Connection) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void ClientLoop(int t) {
    std::mt19937_64 rng(seed_ * 1000003 + static_cast<uint64_t>(t));
    TestClient client(fake_.port(), [] { return RealNow(); });
    client.http().set_read_timeout(60);
    std::map<std::string, KeyHistory> histories;
    std::vector<OpenUpload> open;
    for (int op = 0; op < kOpsPerClient && SteadyClock::now() < deadline_; ++op) {
      const std::string key = KeyName(t, static_cast<int>(rng() % kKeysPerClient));
      KeyHistory& history = histories[key];
      const uint64_t choice = rng() % 100;
      if (choice < 35) {
        PutOrDelete(client, key, history, rng, /*remove=*/false);
      } else if (choice < 65) {
        CheckedGet(client, key, history);
      } else if (choice < 73) {
        PutOrDelete(client, key, history, rng, /*remove=*/true);
      } else if (choice < 90) {
        Multipart(client, key, history, rng);
      } else {
        LeaveUploadOpen(client, "c" + std::to_string(t) + "/open" + std::to_string(op), rng, open);
      }
      ++ops_done_;
      WaitWhileTheFakeIsDown(client);
    }
    protocol::MutexLock lock(mu_);
    for (auto& [key, history] : histories) histories_[key] = std::move(history);
    open_uploads_.insert(open_uploads_.end(), open.begin(), open.end());
    ++clients_done_;
  }

  // --- The chaos ------------------------------------------------------------------------------

  /// POST /_fake/faults with the seeded plan (again after every data reset and new process).
  bool InstallPlan() {
    TestClient control(fake_.port(), [] { return RealNow(); });
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (control
              .SendRaw("POST", "/_fake/faults", {{"Content-Type", "application/json"}},
                       FaultPlan(seed_))
              .status == 201) {
        return true;
      }
    }
    return false;
  }

  enum class Chaos { kDataReset, kRestart, kKillNine };

  void ChaosLoop() {
    std::mt19937_64 rng(seed_ ^ 0x5eed);
    std::vector<Chaos> actions;
    for (int i = 0; i < kChaosActions; ++i) actions.push_back(static_cast<Chaos>(i % 3));
    std::shuffle(actions.begin(), actions.end(), rng);
    const int total = kClients * kOpsPerClient;
    for (int i = 0; i < kChaosActions; ++i) {
      // Spread the actions over the run: action i waits for its share of the operations.
      while (ops_done_.load() < (i + 1) * total / (kChaosActions + 1) &&
             clients_done_.load() < kClients && SteadyClock::now() < deadline_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (clients_done_.load() == kClients) break;
      TestClient control(fake_.port(), [] { return RealNow(); });  // a fresh connection
      switch (actions[static_cast<size_t>(i)]) {
        case Chaos::kDataReset: {
          Span span{SteadyClock::now(), {}};
          control.SendRaw("POST", "/_fake/reset", {}, "");
          span.ended = SteadyClock::now();
          {
            protocol::MutexLock lock(mu_);
            resets_.push_back(span);
          }
          if (!InstallPlan()) Problem("the fault plan could not be installed after a reset");
          break;
        }
        case Chaos::kRestart:
          control.SendRaw("POST", "/_fake/restart", {}, "");
          break;
        case Chaos::kKillNine:
          KillAndStartAgain();
          break;
      }
      ++chaos_done_;
    }
  }

  void KillAndStartAgain() {
    ++kills_;
    fake_.KillNine();
    if (!fake_.Start()) {
      Problem("fake-oss did not start again after kill -9");
      return;
    }
    if (!InstallPlan()) Problem("the fault plan could not be installed after kill -9");
  }

  // --- The verdict ----------------------------------------------------------------------------
  // It runs once every client thread has joined: it reads their records without mu_ (and
  // Problem() takes mu_), so the analysis is off for it.

  /// Whether a data reset may have taken effect after `since` (it had not ended by then).
  bool ResetMayFollow(SteadyClock::time_point since) const OSSUP_NO_THREAD_SAFETY_ANALYSIS {
    return std::any_of(resets_.begin(), resets_.end(),
                       [&](const Span& reset) { return reset.ended > since; });
  }

  // The MD5s the key may hold now ("" = absent).
  std::set<std::string> Acceptable(const KeyHistory& history) const {
    std::set<std::string> acceptable;
    size_t first = 0;
    for (size_t i = 0; i < history.writes.size(); ++i) {
      if (history.writes[i].acked) first = i;
    }
    const bool any_acked = std::any_of(history.writes.begin(), history.writes.end(),
                                       [](const Write& w) { return w.acked; });
    if (!any_acked || history.writes.empty()) acceptable.insert("");
    for (size_t i = any_acked ? first : 0; i < history.writes.size(); ++i) {
      acceptable.insert(history.writes[i].md5.value_or(""));
    }
    if (!history.writes.empty() && ResetMayFollow(history.writes[first].span.sent)) {
      acceptable.insert("");
    }
    return acceptable;
  }

  TestResponse GetWithRetries(TestClient& client, const std::string& key) {
    TestResponse response;
    for (int attempt = 0; attempt < 5; ++attempt) {
      response = client.Get("bkt", key);
      if (response.status != 0 && response.status < 500) break;
    }
    return response;
  }

  void Verify() OSSUP_NO_THREAD_SAFETY_ANALYSIS {
    // Whatever was acknowledged must also survive a crash.
    KillAndStartAgain();
    TestClient control(fake_.port(), [] { return RealNow(); });
    EXPECT_EQ(control.SendRaw("DELETE", "/_fake/faults", {}, "").status, 204);
    TestClient client(fake_.port(), [] { return RealNow(); });
    for (const auto& [key, history] : histories_) {
      const auto acceptable = Acceptable(history);
      auto response = GetWithRetries(client, key);
      std::string seen;
      if (response.status == 200) {
        seen = Md5Hex(response.body);
      } else if (response.ErrorCode() != "NoSuchKey") {
        Problem(key + ": the final GET answered " + std::to_string(response.status) + " " +
                response.ErrorCode());
        continue;
      }
      if (!acceptable.count("")) ++strict_checks_;
      if (!acceptable.count(seen)) {
        Problem(key + ": holds " + (seen.empty() ? "nothing" : "MD5 " + seen) + " after " +
                std::to_string(history.writes.size()) +
                " writes; the last acknowledged write (or a later one) is lost");
      }
    }
    for (const auto& upload : open_uploads_) {
      if (ResetMayFollow(upload.initiated.sent)) continue;
      auto listed = client.ListParts("bkt", upload.key, upload.upload_id);
      if (listed.status != 200) {
        Problem(upload.key + ": acknowledged upload " + upload.upload_id + " is gone: ListParts " +
                std::to_string(listed.status) + " " + listed.ErrorCode());
        continue;
      }
      if (!upload.part_etag) continue;
      auto parts = protocol::DecodeListPartsResult(listed.body);
      const bool kept = parts.ok() && std::any_of(parts->parts.begin(), parts->parts.end(),
                                                  [&](const protocol::PartInfo& part) {
                                                    return part.part_number == 1 &&
                                                           part.etag == *upload.part_etag;
                                                  });
      if (!kept) Problem(upload.key + ": acknowledged part 1 of " + upload.upload_id + " is lost");
    }
    EXPECT_EQ(control.SendRaw("GET", "/_fake/health", {}, "").status, 200);
    EXPECT_TRUE(fake_.Alive()) << "fake-oss died";
    const int status = fake_.Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "fake-oss exit status " << status;
    std::cout << "chaos soak: " << ops_done_.load() << " operations, " << chaos_done_.load()
              << " chaos actions (" << kills_.load() << " kill -9, " << resets_.size()
              << " data resets), " << histories_.size() << " keys (" << strict_checks_
              << " of them must hold their data) and " << open_uploads_.size()
              << " open uploads checked\n";
  }

  const uint64_t seed_;
  Fake fake_;
  SteadyClock::time_point deadline_;
  std::atomic<int> ops_done_{0};
  std::atomic<int> clients_done_{0};
  std::atomic<int> chaos_done_{0};
  std::atomic<uint64_t> kills_{0};
  protocol::Mutex mu_;
  std::vector<Span> resets_ OSSUP_GUARDED_BY(mu_);
  std::map<std::string, KeyHistory> histories_ OSSUP_GUARDED_BY(mu_);
  std::vector<OpenUpload> open_uploads_ OSSUP_GUARDED_BY(mu_);
  std::vector<std::string> problems_ OSSUP_GUARDED_BY(mu_);
  int strict_checks_ OSSUP_GUARDED_BY(mu_) = 0;
};

TEST(ChaosSoakTest, AcknowledgedDataSurvivesStallsRestartsResetsAndKillNine) {
  const uint64_t seed = SoakSeed();
  std::cout << "chaos soak seed " << seed << "; replay its operations and faults with "
            << "OSSUP_SOAK_SEED=" << seed << " ctest --preset release -R chaos_soak\n";
  RecordProperty("seed", std::to_string(seed));
  TempDir temp;
  ChaosSoak soak(seed, temp.path() + "/data");
  soak.Run();
  for (const auto& problem : soak.problems()) ADD_FAILURE() << "seed " << seed << ": " << problem;
}

}  // namespace
}  // namespace ossup::fake::testing
