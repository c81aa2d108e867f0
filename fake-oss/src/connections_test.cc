// Many connections on the fixed I/O threads, and Stop(): idle connections close at once,
// requests in flight are answered first, and a request still in flight when the grace ends
// (a 10-minute stall) is cut so that Stop() returns.
#include <sys/resource.h>

#include <memory>
#include <thread>
#include <vector>

#include "ossup/faults/plan.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

constexpr int kConnections = 1000;

// Client and server ends of every connection live in this process: make room for both.
bool RaiseDescriptorLimit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

bool IsResponse(const std::string& text, int status) {
  return text.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
}

class ConnectionsTest : public FakeOssTest {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.io_threads = 2;
    StartServer(std::move(options));
  }
};

TEST_F(ConnectionsTest, AThousandConcurrentConnections) {
  ASSERT_TRUE(RaiseDescriptorLimit(2 * kConnections + 256))
      << "the test needs 2 x 1,000 + 256 file descriptors (ulimit -n)";
  ASSERT_EQ(client().Put("bkt", "k", "value").status, 200);
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < kConnections; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(connections.back()->connected()) << i;
  }
  // Every connection has a request in flight at once ...
  for (auto& connection : connections) {
    ASSERT_TRUE(connection->Send(RawHead("GET", "/bkt/k", {})));
  }
  int answered = 0;
  for (auto& connection : connections) {
    const std::string response = connection->ReadResponse();
    answered += IsResponse(response, 200) && response.ends_with("\r\n\r\nvalue");
  }
  EXPECT_EQ(answered, kConnections);
  // ... and, all idle now and kept alive, none holds up a new client or a second round.
  EXPECT_EQ(client().Get("bkt", "k").body, "value");
  answered = 0;
  for (auto& connection : connections) {
    ASSERT_TRUE(connection->Send(RawHead("GET", "/bkt/missing", {})));
  }
  for (auto& connection : connections) answered += IsResponse(connection->ReadResponse(), 404);
  EXPECT_EQ(answered, kConnections);
}

TEST_F(ConnectionsTest, StopClosesIdleConnectionsAndAnswersRequestsInFlight) {
  RawConnection idle(server().port());
  ASSERT_TRUE(idle.Send(RawHead("GET", "/bkt/missing", {})));
  ASSERT_TRUE(IsResponse(idle.ReadResponse(), 404));

  auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": "PutObject"},
                                  "action": {"type": "stall", "ms": 500}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(std::move(*plan));
  RawConnection busy(server().port());
  const uint64_t before = server().JournalArrivals();
  ASSERT_TRUE(busy.Send(RawHead("PUT", "/bkt/slow", {{"Content-Length", "4"}}) + "body"));
  // Wait (bounded) until the request has reached its handler.
  for (int i = 0; i < 1000 && server().JournalArrivals() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GT(server().JournalArrivals(), before);

  std::thread stopper([this] { server().Stop(); });
  const std::string answer = busy.ReadUntilClosed();
  stopper.join();
  EXPECT_TRUE(IsResponse(answer, 200)) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(busy.closed());
  EXPECT_EQ(idle.ReadUntilClosed(), "");
  EXPECT_TRUE(idle.closed());
}

// Waits (bounded) until a request has reached its handler after `before` arrivals.
bool AwaitArrival(Server& server, uint64_t before) {
  for (int i = 0; i < 5000 && server.JournalArrivals() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return server.JournalArrivals() > before;
}

// Where the stall holds the request: before its answer, or in the middle of its body.
class StopCutsStallTest : public FakeOssTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.stop_grace = std::chrono::milliseconds(200);
    StartServer(std::move(options));
  }
};

TEST_P(StopCutsStallTest, AStallOfTenMinutesDoesNotHoldStop) {
  auto plan = faults::ParsePlan(std::string(R"({"rules": [{"match": {"op": "PutObject"},
                                "action": {"type": "stall", "ms": 600000)") +
                                GetParam() + "}}]}");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  server().AddFaultPlan(std::move(*plan));
  RawConnection idle(server().port());
  ASSERT_TRUE(idle.Send(RawHead("GET", "/bkt/missing", {})));
  ASSERT_TRUE(IsResponse(idle.ReadResponse(), 404));
  RawConnection stalled(server().port());
  const uint64_t before = server().JournalArrivals();
  ASSERT_TRUE(stalled.Send(RawHead("PUT", "/bkt/slow", {{"Content-Length", "8"}}) + "8 bytes!"));
  ASSERT_TRUE(AwaitArrival(server(), before));

  // Returns: the stall is cut once the grace has passed (were it not, the test would hang).
  server().Stop();
  // The stalled request goes unanswered and its connection is closed, as is the idle one.
  EXPECT_EQ(stalled.ReadUntilClosed(), "");
  EXPECT_TRUE(stalled.closed());
  EXPECT_EQ(idle.ReadUntilClosed(), "");
  EXPECT_TRUE(idle.closed());
  // Stopping again returns at once.
  server().Stop();
}

INSTANTIATE_TEST_SUITE_P(Where, StopCutsStallTest, ::testing::Values("", R"(, "afterBytes": 4)"),
                         [](const auto& info) {
                           return std::string(info.param).empty() ? "BeforeTheAnswer" : "InTheBody";
                         });

}  // namespace
}  // namespace ossup::fake::testing
