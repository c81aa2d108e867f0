// Upload callbacks against a loopback callback server.
#include <gtest/gtest.h>

#include <thread>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class CallbackTest : public FakeOssTest {
 protected:
  void SetUp() override {
    FakeOssTest::SetUp();
    receiver_.Post("/ok", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      received_ = req.body;
      received_type_ = req.get_header_value("Content-Type");
      res.set_content(R"({"Status":"OK"})", "application/json");
    });
    receiver_.Post("/fail",
                   [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    port_ = receiver_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { receiver_.listen_after_bind(); });
  }
  void TearDown() override {
    receiver_.stop();
    thread_.join();
  }
  protocol::Headers CallbackHeaders(const std::string& path, const std::string& body,
                                    const std::string& type) {
    nlohmann::json config = {{"callbackUrl", "http://127.0.0.1:" + std::to_string(port_) + path},
                             {"callbackBody", body},
                             {"callbackBodyType", type}};
    nlohmann::json vars = {{"x:who", "tester"}};
    return {{"x-oss-callback", protocol::Base64Encode(config.dump())},
            {"x-oss-callback-var", protocol::Base64Encode(vars.dump())}};
  }
  std::string Received() {
    std::lock_guard lock(mu_);
    return received_;
  }

  httplib::Server receiver_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::string received_;
  std::string received_type_;
};

TEST_F(CallbackTest, PutObjectReturnsTheCallbackReply) {
  auto response = client().Put("bkt", "dir/a b.txt", "12345",
                               CallbackHeaders("/ok", "object=${object}&size=${size}&who=${x:who}",
                                               "application/x-www-form-urlencoded"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"Status":"OK"})");
  EXPECT_FALSE(response.Header("ETag").empty());
  EXPECT_EQ(Received(), "object=dir%2Fa%20b.txt&size=5&who=tester");
}

TEST_F(CallbackTest, CompleteWithJsonBody) {
  auto id = client().Initiate("bkt", "k");
  auto etag = client().UploadPart("bkt", "k", id, 1, "abc").Header("ETag");
  auto headers =
      CallbackHeaders("/ok", R"({"bucket":${bucket},"size":${size}})", "application/json");
  auto response = client().Complete("bkt", "k", id, {{1, etag}}, headers);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"Status":"OK"})");
  EXPECT_EQ(Received(), R"({"bucket":"bkt","size":3})");
}

TEST_F(CallbackTest, FailedCallbackIs203AndTheObjectIsStored) {
  auto response = client().Put(
      "bkt", "k", "data", CallbackHeaders("/fail", "x=1", "application/x-www-form-urlencoded"));
  EXPECT_EQ(response.status, 203);
  EXPECT_EQ(response.ErrorCode(), "CallbackFailed");
  EXPECT_EQ(client().Get("bkt", "k").body, "data");
}

TEST_F(CallbackTest, MalformedCallbackHeader) {
  auto response = client().Put("bkt", "k", "data", {{"x-oss-callback", "bm90IGpzb24="}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
}

}  // namespace
}  // namespace ossup::fake::testing
