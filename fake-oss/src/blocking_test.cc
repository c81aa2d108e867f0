// Handlers that block hold only their own connection, even with a single I/O thread: while an
// upload callback waits for a callback server that does not answer, or a stall fault holds a
// request, other connections are served (inline on the I/O thread, or on handler threads).
// Nothing here waits on a clock: the blocked request is released by the test itself (closing
// the callback listener) or by Stop() cutting it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "ossup/faults/plan.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

bool IsResponse(const std::string& text, int status) {
  return text.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0;
}

// A TCP listener on 127.0.0.1 that never accepts: a connection to it completes (the kernel's
// backlog) and then waits forever for an answer, until Close() resets it.
class SilentListener {
 public:
  SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
          ::listen(fd_, 8) == 0 &&
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { Close(); }
  bool ok() const { return ok_; }
  uint16_t port() const { return port_; }
  /// Waits (bounded) until a connection is waiting to be accepted.
  bool AwaitConnection() {
    pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
    return ::poll(&ready, 1, 10000) == 1;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool ok_ = false;
  uint16_t port_ = 0;
};

class BlockingTest : public FakeOssTest {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.io_threads = 1;  // the worst case: one blocked I/O thread would stall everyone
    options.stop_grace = std::chrono::milliseconds(100);
    StartServer(std::move(options));
  }

  // PUT then GET of `key` on a fresh connection, both answered.
  bool PutAndGet(const std::string& key) {
    RawConnection other(server().port());
    if (!other.Send(RawHead("PUT", "/bkt/" + key, {{"Content-Length", "2"}}) + "hi")) return false;
    if (!IsResponse(other.ReadResponse(), 200)) return false;
    if (!other.Send(RawHead("GET", "/bkt/" + key, {}))) return false;
    const std::string got = other.ReadResponse();
    return IsResponse(got, 200) && got.ends_with("\r\n\r\nhi");
  }
};

TEST_F(BlockingTest, AWaitingCallbackHoldsOnlyItsOwnConnection) {
  SilentListener callback_server;
  ASSERT_TRUE(callback_server.ok());
  nlohmann::json config = {
      {"callbackUrl", "http://127.0.0.1:" + std::to_string(callback_server.port()) + "/cb"},
      {"callbackBody", "bucket=${bucket}"}};
  RawConnection waiting(server().port());
  ASSERT_TRUE(waiting.Send(RawHead("PUT", "/bkt/with-callback",
                                   {{"Content-Length", "4"},
                                    {"x-oss-callback", protocol::Base64Encode(config.dump())}}) +
                           "data"));
  // The callback has connected and waits for an answer that will not come ...
  ASSERT_TRUE(callback_server.AwaitConnection());
  // ... while other connections are served, several times over.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(PutAndGet("other-" + std::to_string(i))) << i;
  // Resetting the callback's connection ends the wait: the upload is answered (stored, callback
  // failed: 203 CallbackFailed).
  callback_server.Close();
  EXPECT_TRUE(IsResponse(waiting.ReadResponse(), 203));
}

TEST_F(BlockingTest, AStallHoldsOnlyItsOwnConnection) {
  auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": "PutObject", "key": "slow"},
                                  "action": {"type": "stall", "ms": 600000}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(std::move(*plan));
  RawConnection stalled(server().port());
  const uint64_t before = server().JournalArrivals();
  ASSERT_TRUE(stalled.Send(RawHead("PUT", "/bkt/slow", {{"Content-Length", "4"}}) + "data"));
  for (int i = 0; i < 5000 && server().JournalArrivals() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GT(server().JournalArrivals(), before);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(PutAndGet("other-" + std::to_string(i))) << i;
  // The stall is still holding its request: Stop() cuts it (and returns).
  server().Stop();
  EXPECT_EQ(stalled.ReadUntilClosed(), "");
  EXPECT_TRUE(stalled.closed());
}

}  // namespace
}  // namespace ossup::fake::testing
