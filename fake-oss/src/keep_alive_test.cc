// Keep-alive connections: however the next request's timing falls (back to back, after a
// pause, back to back again), it is answered on the same connection, whether the engine serves
// requests inline on its I/O thread (memory mode, no fault plan) or on a handler thread (a
// fault plan is installed, even one that never fires), with two handler threads, and whether
// the I/O threads poll after their last event (the default: back-to-back requests arrive while
// they poll) or sleep at once (ServerOptions::io_idle_spin zero).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <tuple>

#include "ossup/faults/plan.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using std::chrono::milliseconds;

const std::string kPut = RawHead("PUT", "/bkt/k", {{"Content-Length", "5"}}) + "value";
const std::string kGet = RawHead("GET", "/bkt/k", {});

bool IsOk(const std::string& response) { return response.starts_with("HTTP/1.1 200"); }

enum class Path { kInline, kHandlerThread };
enum class Idle { kPoll, kSleep };

class KeepAliveTest : public FakeOssTest,
                      public ::testing::WithParamInterface<std::tuple<Path, Idle>> {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.threads = 2;  // a handler stuck with a departed client would stall the next one
    if (std::get<Idle>(GetParam()) == Idle::kSleep) options.io_idle_spin = {};
    StartServer(options);
    if (std::get<Path>(GetParam()) == Path::kHandlerThread) {
      auto plan = faults::ParsePlan(R"({"rules": [{"match": {"key": "never-*"},
                                      "action": {"type": "error", "code": "InternalError",
                                                 "status": 500}}]})");
      ASSERT_TRUE(plan.ok());
      server().AddFaultPlan(std::move(*plan));
    }
  }
};

TEST_P(KeepAliveTest, FollowUpsAreAnsweredWhateverTheirTiming) {
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.connected());
  // Back to back, then with pauses, then back to back again.
  const int pauses_ms[] = {0, 0, 0, 30, 30, 30, 30, 0, 0, 0, 0};
  int answered = 0;
  for (size_t i = 0; i < std::size(pauses_ms); ++i) {
    std::this_thread::sleep_for(milliseconds(pauses_ms[i]));
    const bool put = i % 2 == 0;
    ASSERT_TRUE(connection.Send(put ? kPut : kGet));
    std::string response = connection.ReadResponse();
    EXPECT_TRUE(IsOk(response)) << response;
    if (!put) {
      EXPECT_TRUE(response.ends_with("\r\n\r\nvalue")) << response;
    }
    EXPECT_FALSE(connection.closed());
    answered += IsOk(response);
  }
  EXPECT_EQ(answered, static_cast<int>(std::size(pauses_ms)));
}

// Clients that leave after their answer free whatever served them: the next one is served.
TEST_P(KeepAliveTest, AClientThatLeavesFreesItsWorker) {
  for (int i = 0; i < 3; ++i) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.Send(kPut));
    EXPECT_TRUE(IsOk(connection.ReadResponse()));
  }
  RawConnection last(server().port());
  ASSERT_TRUE(last.Send(kGet));
  EXPECT_TRUE(IsOk(last.ReadResponse()));
}

INSTANTIATE_TEST_SUITE_P(
    Paths, KeepAliveTest,
    ::testing::Combine(::testing::Values(Path::kInline, Path::kHandlerThread),
                       ::testing::Values(Idle::kPoll, Idle::kSleep)),
    [](const auto& info) {
      return std::string(std::get<Path>(info.param) == Path::kInline ? "Inline" : "HandlerThread") +
             (std::get<Idle>(info.param) == Idle::kPoll ? "Polling" : "Sleeping");
    });

}  // namespace
}  // namespace ossup::fake::testing
