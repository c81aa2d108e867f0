// Keep-alive connections: however the next request's timing falls (back to back, after a
// pause, back to back again), it is answered on the same connection, with two handler threads
// and whatever ServerOptions::keep_alive_spin_microseconds says (accepted, no effect).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using std::chrono::milliseconds;

const std::string kHealth = "GET /_fake/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

bool IsOk(const std::string& response) {
  return response.starts_with("HTTP/1.1 200") &&
         response.find(R"({"status":"ok"})") != std::string::npos;
}

class KeepAliveTest : public FakeOssTest, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.keep_alive_spin_microseconds = GetParam();
    options.threads = 2;  // a handler stuck with a departed client would stall the next one
    StartServer(options);
  }
};

TEST_P(KeepAliveTest, FollowUpsAreAnsweredWhateverTheirTiming) {
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.connected());
  // Back to back, then slower than the spin (the worker backs off), then back to back again.
  const int pauses_ms[] = {0, 0, 0, 30, 30, 30, 30, 0, 0, 0, 0};
  int answered = 0;
  for (int pause : pauses_ms) {
    std::this_thread::sleep_for(milliseconds(pause));
    ASSERT_TRUE(connection.Send(kHealth));
    std::string response = connection.ReadResponse();
    EXPECT_TRUE(IsOk(response)) << response;
    EXPECT_FALSE(connection.closed());
    answered += IsOk(response);
  }
  EXPECT_EQ(answered, static_cast<int>(std::size(pauses_ms)));
}

// A client that leaves while the worker waits for its next request: the worker notices and
// serves the next connection.
TEST_P(KeepAliveTest, AClientThatLeavesFreesItsWorker) {
  for (int i = 0; i < 3; ++i) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.Send(kHealth));
    EXPECT_TRUE(IsOk(connection.ReadResponse()));
  }
  RawConnection last(server().port());
  ASSERT_TRUE(last.Send(kHealth));
  EXPECT_TRUE(IsOk(last.ReadResponse()));
}

// Values callers set (0, the default 200, 20000): none may change the behaviour.
INSTANTIATE_TEST_SUITE_P(SpinMicroseconds, KeepAliveTest, ::testing::Values(0, 200, 20000));

}  // namespace
}  // namespace ossup::fake::testing
