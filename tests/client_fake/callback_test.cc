// Upload callbacks: the callback server's answer comes back in the result; a failed callback
// is a CallbackFailed error although the object is stored.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "fake_fixture.h"
#include "ossup/protocol/mutex.h"

namespace ossup::testing {
namespace {

class CallbackTest : public ClientFakeTest {
 protected:
  void SetUp() override {
    ClientFakeTest::SetUp();
    callback_server_.Post("/cb", [this](const httplib::Request& req, httplib::Response& res) {
      {
        protocol::MutexLock lock(mu_);
        received_ = req.body;
      }
      res.set_content(R"({"Status":"OK"})", "application/json");
    });
    port_ = callback_server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { callback_server_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !callback_server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(callback_server_.is_running());
  }
  void TearDown() override {
    callback_server_.stop();
    if (thread_.joinable()) thread_.join();
    ClientFakeTest::TearDown();
  }
  client::UploadCallbackParams Callback(const std::string& path) const {
    return {R"({"callbackUrl":"http://127.0.0.1:)" + std::to_string(port_) + path +
                R"(","callbackBody":"bucket=${bucket}&object=${object}&size=${size}"})",
            ""};
  }

  httplib::Server callback_server_;
  std::thread thread_;
  int port_ = 0;
  protocol::Mutex mu_;
  std::string received_ OSSUP_GUARDED_BY(mu_);
};

TEST_F(CallbackTest, MultipartUploadReturnsTheCallbackServersAnswer) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "cb.bin");
  request.callback = Callback("/cb");
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->callback_body, R"({"Status":"OK"})");
  protocol::MutexLock lock(mu_);
  EXPECT_EQ(received_, "bucket=bucket&object=cb.bin&size=" + std::to_string(3 * kPartSize));
}

TEST_F(CallbackTest, SimpleUploadReturnsTheCallbackServersAnswer) {
  auto client = MakeClient();
  auto file = WriteFile("small.bin", 1000);
  auto request = MakeRequest(file, "small.bin");
  request.callback = Callback("/cb");
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->simple_upload);
  EXPECT_EQ(result->callback_body, R"({"Status":"OK"})");
}

TEST_F(CallbackTest, FailedCallbackIsAnErrorButTheObjectIsStored) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "cbfail.bin");
  request.callback = Callback("/missing");
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "CallbackFailed");
  EXPECT_EQ(result.error().http_status, 203);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
  EXPECT_TRUE(*client.GetObject(kBucket, "cbfail.bin") == ReadFile(file));
}

}  // namespace
}  // namespace ossup::testing
