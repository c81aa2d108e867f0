// Who reaches the control API: only requests whose Host names no bucket (on a bucket's virtual
// host `_fake/x` is an ordinary key), and, with a control token (always on a non-loopback
// address), only requests that carry it. The tests bind 0.0.0.0 but connect to 127.0.0.1 only.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "ossup/protocol/signing.h"
#include "test_support/child_process.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

const std::string kTokenHeader(kControlTokenHeader);

// A control request, with `token` in X-Fake-Oss-Control-Token unless it is nullopt.
TestResponse Control(TestClient& client, const std::string& method, const std::string& path,
                     std::optional<std::string> token = std::nullopt) {
  protocol::Headers headers;
  if (token) headers.emplace_back(kTokenHeader, *token);
  return client.SendRaw(method, path, headers, "");
}

// A V1-signed request for bucket/key sent to the bucket's virtual host: Host `host`, target the
// key alone.
TestResponse SendToVirtualHost(TestClient& client, Server& server, const std::string& method,
                               const std::string& host, const std::string& key,
                               std::string body = "") {
  protocol::WireRequest wire{method, "bkt", key, {}, {}};
  if (!body.empty()) wire.headers.emplace_back("Content-Type", "application/octet-stream");
  protocol::SignV1(wire, kTestCredentials, server.Now());
  wire.headers.emplace_back("Host", host);
  return client.SendRaw(method, "/" + protocol::UriEncode(key, /*keep_slash=*/true), wire.headers,
                        std::move(body));
}

class ControlAccessTest : public FakeOssTest {};

TEST_F(ControlAccessTest, OnABucketsVirtualHostUnderscoreFakeIsAnOrdinaryKey) {
  ServerOptions options = DefaultOptions();
  options.virtual_host_domain = "oss.test";
  StartServer(options);
  for (const std::string host : {"bkt.oss.test", "bkt.oss-cn-hangzhou.aliyuncs.com"}) {
    SCOPED_TRACE(host);
    for (const std::string key : {"_fake/reset", "_fake/health"}) {
      EXPECT_EQ(SendToVirtualHost(client(), server(), "PUT", host, key, "object " + key).status,
                200);
      EXPECT_EQ(SendToVirtualHost(client(), server(), "GET", host, key).body, "object " + key);
    }
    // A POST to the reset path of a bucket's host is an OSS request (no such operation), not a
    // reset: the objects stay.
    EXPECT_NE(SendToVirtualHost(client(), server(), "POST", host, "_fake/reset").status, 200);
    EXPECT_EQ(client().Get("bkt", "_fake/reset").body, "object _fake/reset");
  }
  // Path style, the same key; and the control API on a Host that names no bucket.
  EXPECT_EQ(client().Get("bkt", "_fake/health").body, "object _fake/health");
  EXPECT_EQ(Control(client(), "GET", "/_fake/health").status, 200);
  EXPECT_EQ(Control(client(), "POST", "/_fake/reset").status, 200);
  EXPECT_EQ(client().Get("bkt", "_fake/reset").ErrorCode(), "NoSuchKey");
}

TEST_F(ControlAccessTest, LoopbackNeedsNoTokenUnlessOneIsGiven) {
  EXPECT_EQ(server().control_token(), "");
  EXPECT_EQ(Control(client(), "POST", "/_fake/reset").status, 200);

  ServerOptions options = DefaultOptions();
  options.control_token = "given-token";
  StartServer(options);
  EXPECT_EQ(server().control_token(), "given-token");
  EXPECT_EQ(Control(client(), "POST", "/_fake/reset").status, 401);
  EXPECT_EQ(Control(client(), "POST", "/_fake/reset", "given-token").status, 200);
}

TEST_F(ControlAccessTest, ANonLoopbackAddressGetsAGeneratedTokenThatEveryControlNeeds) {
  ServerOptions options = DefaultOptions();
  options.host = "0.0.0.0";
  StartServer(options);
  const std::string token = server().control_token();
  ASSERT_EQ(token.size(), 32u) << token;
  ASSERT_EQ(client().Put("bkt", "k", "data").status, 200);  // OSS requests need no token

  const std::pair<std::string, std::string> kControls[] = {
      {"POST", "/_fake/reset"},  {"POST", "/_fake/restart"}, {"POST", "/_fake/sts"},
      {"GET", "/_fake/journal"}, {"GET", "/_fake/uploads"},  {"GET", "/_fake/clock"},
      {"GET", "/_fake/faults"},  {"DELETE", "/_fake/faults"}};
  for (const auto& [method, path] : kControls) {
    auto missing = Control(client(), method, path);
    EXPECT_EQ(missing.status, 401) << path;
    EXPECT_NE(missing.body.find(kTokenHeader), std::string::npos) << missing.body;
    EXPECT_EQ(Control(client(), method, path, "x" + token.substr(1)).status, 403) << path;
    EXPECT_EQ(Control(client(), method, path, token.substr(1)).status, 403) << path;
  }
  EXPECT_EQ(client().Get("bkt", "k").body, "data");  // no reset happened
  // Liveness and the callback public key stay open.
  EXPECT_EQ(Control(client(), "GET", "/_fake/health").status, 200);
  EXPECT_EQ(Control(client(), "GET", "/_fake/callback-public-key").status, 200);

  EXPECT_EQ(Control(client(), "POST", "/_fake/reset", token).status, 200);
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(Control(client(), "GET", "/_fake/journal", token).status, 200);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> StandaloneArgs(const std::string& host) {
  return {"--host", host, "--port", "0", "--anonymous", "--bucket", "bkt", "--seed", "1"};
}

TEST(ControlAccessToolTest, ANonLoopbackHostWithoutATokenWarnsAndPrintsTheGeneratedOne) {
  const std::string err = ::testing::TempDir() + "/fake-oss-token-stderr.txt";
  FakeOssProcess child = SpawnFakeOss(StandaloneArgs("0.0.0.0"), err);
  ASSERT_GT(child.port, 0) << child.first_line;
  // The warning follows the first stdout line; wait for it (bounded).
  const std::string marker = kTokenHeader + ": ";
  std::string text;
  for (int i = 0; i < 500 && text.find('\n', text.find(marker)) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = ReadText(err);
  }
  const size_t at = text.find(marker);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.find("warning: listening on a non-loopback address"), std::string::npos) << text;
  const std::string token = text.substr(at + marker.size(), 32);
  TestClient client(child.port, [] { return std::chrono::system_clock::now(); });
  EXPECT_EQ(Control(client, "POST", "/_fake/reset").status, 401);
  EXPECT_EQ(Control(client, "POST", "/_fake/reset", token).status, 200);
  StopFakeOss(child, SIGTERM);
}

TEST(ControlAccessToolTest, AGivenTokenIsRequiredAndNotWarnedAbout) {
  const std::string err = ::testing::TempDir() + "/fake-oss-given-token-stderr.txt";
  auto args = StandaloneArgs("0.0.0.0");
  args.insert(args.end(), {"--control-token", "s3cret"});
  FakeOssProcess child = SpawnFakeOss(args, err);
  ASSERT_GT(child.port, 0) << child.first_line;
  TestClient client(child.port, [] { return std::chrono::system_clock::now(); });
  EXPECT_EQ(Control(client, "GET", "/_fake/journal").status, 401);
  EXPECT_EQ(Control(client, "GET", "/_fake/journal", "s3cret").status, 200);
  StopFakeOss(child, SIGTERM);
  EXPECT_EQ(ReadText(err).find("warning"), std::string::npos) << ReadText(err);
}

}  // namespace
}  // namespace ossup::fake::testing
