// Requests in flight against reset, restart, overwrite and delete, in memory and disk mode:
// an acknowledged write is either wholly visible afterwards or was wiped by a reset that came
// after it (never listed yet unreadable), and a GET in flight delivers all the bytes it
// announced whatever happens to its key meanwhile.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "test_support/temp_dir.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

enum class Storage { kMemory, kDisk };

std::string StorageName(const ::testing::TestParamInfo<Storage>& info) {
  switch (info.param) {
    case Storage::kMemory:
      return "Memory";
    case Storage::kDisk:
      return "Disk";
  }
  return "";
}

class InFlightTest : public FakeOssTest, public ::testing::WithParamInterface<Storage> {
 protected:
  void SetUp() override { StartServer(Options()); }
  ServerOptions Options() {
    ServerOptions options = DefaultOptions();
    options.threads = 32;
    if (GetParam() == Storage::kDisk) options.data_dir = temp_.path() + "/data";
    return options;
  }
  bool disk() const { return GetParam() == Storage::kDisk; }
  /// A new process on the same data directory (disk mode).
  void RestartProcess() {
    client_.reset();
    server_.reset();
    StartServer(Options());
  }
  TestResponse ControlReset(TestClient& c) { return c.SendRaw("POST", "/_fake/reset", {}, ""); }

  TempDir temp_;
};

INSTANTIATE_TEST_SUITE_P(Storage, InFlightTest, ::testing::Values(Storage::kMemory, Storage::kDisk),
                         StorageName);

// One acknowledged PutObject.
struct Acked {
  std::string key;
  std::string data;
  /// How many resets had been acknowledged when the PUT was sent.
  int resets_before = 0;
};

// What GET, HEAD and the listing say about `key`: "" when absent, else the GET body.
struct Seen {
  bool present = false;
  std::string body;
};

TEST_P(InFlightTest, ResetWhilePutsAreInFlightLeavesEveryAcknowledgedObjectWholeOrGone) {
  constexpr int kClients = 4;
  constexpr int kPuts = 80;
  constexpr int kResets = 10;
  constexpr int kTotal = kClients * kPuts;
  std::atomic<int> acked{0};
  std::atomic<int> resets_done{0};
  std::atomic<int> clients_done{0};
  std::vector<std::vector<Acked>> acks(kClients);
  std::vector<std::vector<std::string>> failures(kClients);
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      TestClient c(server());
      for (int i = 0; i < kPuts; ++i) {
        const std::string key = "c" + std::to_string(t) + "/" + std::to_string(i);
        const std::string data = Payload(1000 + static_cast<size_t>(i), t * 1000 + i);
        const int before = resets_done.load();
        auto response = c.Put("bkt", key, data);
        if (response.status == 200) {
          acks[t].push_back({key, data, before});
          ++acked;
        } else {
          failures[t].push_back(key + ": " + std::to_string(response.status) + " " +
                                response.ErrorCode());
        }
      }
      ++clients_done;
    });
  }
  std::thread resetter([&] {
    TestClient c(server());
    for (int r = 0; r < kResets; ++r) {
      // Spread the resets over the run: reset r waits for its share of acknowledged PUTs.
      while (acked.load() < (r + 1) * kTotal / (kResets + 2) && clients_done.load() < kClients) {
        std::this_thread::yield();
      }
      EXPECT_EQ(ControlReset(c).status, 200);
      ++resets_done;
    }
  });
  for (auto& thread : clients) thread.join();
  resetter.join();
  for (const auto& list : failures) EXPECT_TRUE(list.empty()) << list.front();

  auto observe = [&](const Acked& put) {
    Seen seen;
    auto get = client().Get("bkt", put.key);
    auto head = client().Send("HEAD", "bkt", put.key);
    EXPECT_EQ(head.status, get.status) << put.key;
    if (get.status == 200) {
      seen.present = true;
      seen.body = get.body;
      EXPECT_EQ(head.Header("Content-Length"), std::to_string(put.data.size())) << put.key;
    } else {
      EXPECT_EQ(get.ErrorCode(), "NoSuchKey") << put.key << " " << get.status;
    }
    return seen;
  };
  auto listed = [&] {
    std::set<std::string> keys;
    auto list = client().Send("GET", "bkt", "", {{"max-keys", "1000"}});
    auto result = protocol::DecodeListObjectsResult(list.body);
    EXPECT_TRUE(result.ok()) << list.body;
    if (result.ok()) {
      for (const auto& object : result->contents) keys.insert(object.key);
    }
    return keys;
  };

  std::map<std::string, bool> present;
  const std::set<std::string> keys = listed();
  for (const auto& list : acks) {
    for (const auto& put : list) {
      const Seen seen = observe(put);
      present[put.key] = seen.present;
      // Whole or gone: never listed or HEAD 200 with fewer bytes than were acknowledged.
      if (seen.present) {
        EXPECT_TRUE(seen.body == put.data) << put.key << " differs";
      }
      EXPECT_EQ(keys.count(put.key) == 1, seen.present) << put.key;
      // Sent after the last reset was acknowledged: nothing may have wiped it.
      if (put.resets_before == kResets) {
        EXPECT_TRUE(seen.present) << put.key;
      }
    }
  }
  if (!disk()) return;

  // What was visible stays visible, byte for byte, after a simulated and a real restart.
  for (int round = 0; round < 2; ++round) {
    if (round == 0) {
      server().SimulateRestart();
    } else {
      RestartProcess();
    }
    for (const auto& list : acks) {
      for (const auto& put : list) {
        const Seen seen = observe(put);
        EXPECT_EQ(seen.present, present[put.key]) << put.key << " round " << round;
        if (seen.present) {
          EXPECT_TRUE(seen.body == put.data) << put.key << " round " << round;
        }
      }
    }
  }
}

// What a test does to the key while a GET of it is in flight.
enum class Change { kOverwrite, kDelete, kReset, kRestartThenDelete, kRestartThenOverwrite };

std::string ChangeName(Change change) {
  switch (change) {
    case Change::kOverwrite:
      return "overwrite";
    case Change::kDelete:
      return "delete";
    case Change::kReset:
      return "reset";
    case Change::kRestartThenDelete:
      return "restart then delete";
    case Change::kRestartThenOverwrite:
      return "restart then overwrite";
  }
  return "";
}

TEST_P(InFlightTest, AGetInFlightDeliversEveryByteWhateverHappensToItsKey) {
  // Far more than the socket buffers hold, so the server is still reading the object when the
  // key changes.
  constexpr size_t kSize = 32u << 20;
  const std::string data = Payload(kSize, 7);
  for (Change change : {Change::kOverwrite, Change::kDelete, Change::kReset,
                        Change::kRestartThenDelete, Change::kRestartThenOverwrite}) {
    SCOPED_TRACE(ChangeName(change));
    ASSERT_EQ(client().Put("bkt", "big", data).status, 200);
    TestClient other(server());
    auto apply = [&] {
      switch (change) {
        case Change::kOverwrite:
          EXPECT_EQ(other.Put("bkt", "big", "new").status, 200);
          return;
        case Change::kDelete:
          EXPECT_EQ(other.Send("DELETE", "bkt", "big").status, 204);
          return;
        case Change::kReset:
          EXPECT_EQ(ControlReset(other).status, 200);
          return;
        case Change::kRestartThenDelete:
          server().SimulateRestart();
          EXPECT_EQ(other.Send("DELETE", "bkt", "big").status, 204);
          return;
        case Change::kRestartThenOverwrite:
          server().SimulateRestart();
          EXPECT_EQ(other.Put("bkt", "big", "new").status, 200);
          return;
      }
    };
    protocol::WireRequest wire{"GET", "bkt", "big", {}, {}};
    protocol::SignV1(wire, kTestCredentials, server().Now());
    httplib::Headers headers;
    for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
    httplib::Client http("127.0.0.1", server().port());
    http.set_read_timeout(30);
    std::string received;
    bool changed = false;
    auto result = http.Get(TestClient::Target("bkt", "big", {}), headers,
                           [&](const char* bytes, size_t size) {
                             received.append(bytes, size);
                             if (!changed && received.size() >= (1u << 20)) {
                               changed = true;
                               apply();
                             }
                             return true;
                           });
    ASSERT_TRUE(result) << httplib::to_string(result.error()) << " after " << received.size()
                        << " bytes";
    EXPECT_EQ(result->status, 200);
    EXPECT_TRUE(changed);
    EXPECT_EQ(received.size(), data.size());
    EXPECT_TRUE(received == data) << "the body differs from the object read";
    // The change itself took effect.
    auto after = client().Get("bkt", "big");
    if (change == Change::kOverwrite || change == Change::kRestartThenOverwrite) {
      EXPECT_EQ(after.body, "new");
    } else {
      EXPECT_EQ(after.ErrorCode(), "NoSuchKey");
    }
  }
}

TEST(InFlightDiskTest, ABodyThatCannotBeReadAfterAllResetsTheConnection) {
  TempDir temp;
  ServerOptions options = DefaultOptions();
  options.data_dir = temp.path() + "/data";
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  TestClient client(server);
  constexpr size_t kSize = 32u << 20;
  ASSERT_EQ(client.Put("bkt", "big", Payload(kSize, 3)).status, 200);
  protocol::WireRequest wire{"GET", "bkt", "big", {}, {}};
  protocol::SignV1(wire, kTestCredentials, server.Now());
  RawConnection raw(server.port());
  ASSERT_TRUE(raw.Send(RawHead("GET", TestClient::Target("bkt", "big", {}), wire.headers)));
  std::string received = raw.ReadUntil([](const std::string& r) { return r.size() >= (1u << 20); });
  ASSERT_TRUE(received.starts_with("HTTP/1.1 200 ")) << received.substr(0, 200);
  // Something outside the fake deletes its data while the body is on its way.
  for (const auto& entry : std::filesystem::directory_iterator(temp.path() + "/data/blobs")) {
    std::filesystem::remove(entry.path());
  }
  received += raw.ReadUntilClosed();
  // The connection ends (reset) well before the announced length, instead of staying open as
  // if the body were complete or still coming.
  EXPECT_TRUE(raw.closed());
  EXPECT_LT(received.size(), kSize);
}

}  // namespace
}  // namespace ossup::fake::testing
