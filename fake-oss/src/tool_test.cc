// The fake-oss command line contract: first line, --anonymous, credentials from flags and
// the environment, --faults with the issue's minimal plan, and clean exit on SIGINT/SIGTERM.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ossup/protocol/version.h"
#include "test_support/child_process.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

auto RealNow() { return std::chrono::system_clock::now(); }

TEST(ToolTest, AnonymousFirstLineAndSigint) {
  auto child =
      SpawnFakeOss({"--host", "127.0.0.1", "--port", "0", "--anonymous", "--bucket", "bkt"});
  ASSERT_GT(child.port, 0) << child.first_line;
  EXPECT_EQ(child.first_line,
            "fake-oss listening on http://127.0.0.1:" + std::to_string(child.port));
  TestClient client(child.port, RealNow);
  client.sign = false;
  EXPECT_EQ(client.Put("bkt", "k", "anon").status, 200);
  EXPECT_EQ(client.Get("bkt", "k").body, "anon");
  int status = StopFakeOss(child, SIGINT);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The first upload id a fake started with `args` hands out, and the seed it printed.
std::pair<std::string, std::string> FirstUploadIdAndSeed(std::vector<std::string> args) {
  const std::string err = ::testing::TempDir() + "/fake-oss-seed-stderr.txt";
  args.insert(args.end(), {"--port", "0", "--anonymous", "--bucket", "bkt"});
  auto child = SpawnFakeOss(args, err);
  EXPECT_GT(child.port, 0) << child.first_line;
  if (child.port == 0) return {};
  TestClient client(child.port, RealNow);
  client.sign = false;
  std::string upload_id = client.Initiate("bkt", "k");
  StopFakeOss(child, SIGTERM);
  const std::string text = ReadText(err);
  const std::string prefix = "fake-oss: seed ";
  const size_t at = text.find(prefix);
  EXPECT_NE(at, std::string::npos) << text;
  std::string seed;
  for (size_t i = at + prefix.size(); at != std::string::npos && i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) break;
    seed += text[i];
  }
  return {upload_id, seed};
}

TEST(ToolTest, InstancesWithoutASeedHandOutDistinctIdsAndPrintTheirSeed) {
  const auto [first_id, first_seed] = FirstUploadIdAndSeed({});
  const auto [second_id, second_seed] = FirstUploadIdAndSeed({});
  ASSERT_FALSE(first_id.empty());
  ASSERT_FALSE(first_seed.empty());
  EXPECT_NE(first_id, second_id);
  EXPECT_NE(first_seed, second_seed);
  // The printed seed replays the run's ids.
  const auto [replayed_id, replayed_seed] = FirstUploadIdAndSeed({"--seed", first_seed});
  EXPECT_EQ(replayed_id, first_id);
  EXPECT_EQ(replayed_seed, first_seed);
}

TEST(ToolTest, VersionNamesTheProjectVersionAndCommit) {
  auto child = SpawnFakeOss({"--version"});
  EXPECT_EQ(child.port, 0);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string expected = "fake-oss " + std::string(kVersion) + " (commit ";
  EXPECT_TRUE(child.first_line.starts_with(expected)) << child.first_line;
  EXPECT_TRUE(child.first_line.ends_with(")")) << child.first_line;
  EXPECT_GT(child.first_line.size(), expected.size() + 1) << child.first_line;
}

TEST(ToolTest, CredentialsFromFlagsAndEnvironment) {
  ::setenv("OSS_ACCESS_KEY_ID", "ENVAK", 1);
  ::setenv("OSS_ACCESS_KEY_SECRET", "ENVSECRET", 1);
  auto child = SpawnFakeOss({"--port", "0", "--bucket", "bkt", "--access-key-id", "AK1",
                             "--access-key-secret", "SK1", "--access-key-id", "AK2",
                             "--access-key-secret", "SK2"});
  ::unsetenv("OSS_ACCESS_KEY_ID");
  ::unsetenv("OSS_ACCESS_KEY_SECRET");
  ASSERT_GT(child.port, 0) << child.first_line;
  for (auto [ak, sk] : {std::pair{"AK1", "SK1"}, {"AK2", "SK2"}, {"ENVAK", "ENVSECRET"}}) {
    TestClient client(child.port, RealNow, protocol::Credentials{ak, sk, ""});
    EXPECT_EQ(client.Put("bkt", "k", "x").status, 200) << ak;
    client.version = protocol::SignatureVersion::kV4;
    EXPECT_EQ(client.Get("bkt", "k").status, 200) << ak;
  }
  TestClient stranger(child.port, RealNow, protocol::Credentials{"AK3", "SK3", ""});
  EXPECT_EQ(stranger.Get("bkt", "k").ErrorCode(), "InvalidAccessKeyId");
  int status = StopFakeOss(child, SIGTERM);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ToolTest, FaultsFileWithTheIssuePlan) {
  std::string path = ::testing::TempDir() + "/fake-oss-plan.json";
  std::ofstream(path) << R"({"seed": 7, "rules": [
  {"match": {"op": "UploadPart", "partNumber": 3}, "action": {"type": "reset", "afterBytes": 65536}, "times": 1},
  {"match": {"op": "CompleteMultipartUpload"}, "action": {"type": "drop-response"}, "times": 1},
  {"match": {"op": "ListParts"}, "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}, "times": 2}
]})";
  auto child = SpawnFakeOss({"--port", "0", "--anonymous", "--bucket", "bkt", "--faults", path});
  ASSERT_GT(child.port, 0) << child.first_line;
  TestClient client(child.port, RealNow);
  auto id = client.Initiate("bkt", "k");
  EXPECT_EQ(client.ListParts("bkt", "k", id).status, 503);
  httplib::Client control("127.0.0.1", child.port);
  auto listed = control.Get("/_fake/faults");
  ASSERT_TRUE(listed);
  auto plans = nlohmann::json::parse(listed->body).at("plans");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].at("rules").size(), 3u);
  EXPECT_EQ(plans[0].at("rules")[2].at("fired"), 1);
  StopFakeOss(child, SIGTERM);
}

TEST(ToolTest, BadFaultsFileFailsToStart) {
  std::string path = ::testing::TempDir() + "/fake-oss-bad-plan.json";
  std::ofstream(path) << R"({"rules": [{"action": {"type": "explode"}}]})";
  auto child = SpawnFakeOss({"--port", "0", "--anonymous", "--faults", path});
  EXPECT_EQ(child.port, 0);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
}

TEST(ToolTest, RestartFaultNeedsDiskMode) {
  std::string path = ::testing::TempDir() + "/fake-oss-restart-plan.json";
  std::ofstream(path)
      << R"({"rules": [{"match": {"op": "ListParts"}, "action": {"type": "restart"}}]})";
  // In memory mode the plan is refused at start.
  auto memory = SpawnFakeOss({"--port", "0", "--anonymous", "--faults", path});
  EXPECT_EQ(memory.port, 0) << memory.first_line;
  int status = 0;
  ::waitpid(memory.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  // With --data-dir it is accepted.
  std::string dir = ::testing::TempDir() + "/fake-oss-restart-plan-data";
  auto disk = SpawnFakeOss({"--port", "0", "--anonymous", "--data-dir", dir, "--faults", path});
  EXPECT_GT(disk.port, 0) << disk.first_line;
  if (disk.port > 0) StopFakeOss(disk, SIGTERM);
}

TEST(ToolTest, TlsSelfSignedWritesTheCa) {
  const std::string ca_path = ::testing::TempDir() + "/fake-oss-tool-ca.pem";
  std::remove(ca_path.c_str());
  auto child =
      SpawnFakeOss({"--host", "127.0.0.1", "--port", "0", "--bucket", "bkt", "--access-key-id",
                    kTestCredentials.access_key_id, "--access-key-secret",
                    kTestCredentials.access_key_secret, "--tls-self-signed", ca_path});
  ASSERT_GT(child.port, 0) << child.first_line;
  EXPECT_EQ(child.first_line,
            "fake-oss listening on https://127.0.0.1:" + std::to_string(child.port));
  std::ifstream in(ca_path);
  std::stringstream ca;
  ca << in.rdbuf();
  EXPECT_EQ(ca.str().rfind("-----BEGIN CERTIFICATE-----", 0), 0u) << ca.str();
  TestClient client("https://127.0.0.1:" + std::to_string(child.port), RealNow);
  client.http().set_ca_cert_path(ca_path);
  auto put = client.Put("bkt", "k", "tls");
  EXPECT_EQ(put.status, 200) << httplib::to_string(put.error) << " " << put.body;
  EXPECT_EQ(client.Get("bkt", "k").body, "tls");
  EXPECT_EQ(WEXITSTATUS(StopFakeOss(child, SIGTERM)), 0);
}

TEST(ToolTest, TlsFlagMisuseIsAUsageError) {
  for (std::vector<std::string> flags :
       {std::vector<std::string>{"--tls-cert", "/tmp/c.pem"},
        std::vector<std::string>{"--tls-self-signed", "/tmp/ca.pem", "--tls-cert", "/tmp/c.pem",
                                 "--tls-key", "/tmp/k.pem"}}) {
    flags.insert(flags.begin(), {"--port", "0", "--anonymous"});
    auto child = SpawnFakeOss(flags);
    EXPECT_EQ(child.port, 0) << child.first_line;
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << flags[3];
  }
  // Files that cannot be used: the server does not start.
  auto child = SpawnFakeOss({"--port", "0", "--anonymous", "--tls-cert", "/nonexistent/c.pem",
                             "--tls-key", "/nonexistent/k.pem"});
  EXPECT_EQ(child.port, 0) << child.first_line;
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

}  // namespace
}  // namespace ossup::fake::testing
