// Disk mode: data survives a restart and a kill -9 mid-upload, partial bodies never become
// visible, and no key can name a file outside the data directory.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "ossup/faults/plan.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "test_support/child_process.h"
#include "test_support/temp_dir.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

namespace fs = std::filesystem;
constexpr size_t kPart = protocol::limits::kMinPartSize;

class DiskTest : public FakeOssTest {
 protected:
  void SetUp() override {
    data_dir_ = temp_.path() + "/data";
    StartServer(DiskOptions());
  }
  ServerOptions DiskOptions() {
    ServerOptions options = DefaultOptions();
    options.data_dir = data_dir_;
    return options;
  }
  void Restart() {
    client_.reset();
    server_.reset();
    StartServer(DiskOptions());
  }

  TempDir temp_;
  std::string data_dir_;
};

TEST_F(DiskTest, EverythingSurvivesARestart) {
  ASSERT_EQ(client().Send("PUT", "second", "").status, 200);
  ASSERT_EQ(client().Put("bkt", "simple", "simple data", {{"x-oss-meta-a", "b"}}).status, 200);
  auto done_id = client().Initiate("bkt", "multi");
  auto e1 = client().UploadPart("bkt", "multi", done_id, 1, Payload(kPart, 1)).Header("ETag");
  auto e2 = client().UploadPart("bkt", "multi", done_id, 2, "end").Header("ETag");
  ASSERT_EQ(client().Complete("bkt", "multi", done_id, {{1, e1}, {2, e2}}).status, 200);
  auto open_id = client().Initiate("bkt", "open");
  ASSERT_EQ(client().UploadPart("bkt", "open", open_id, 3, "three").status, 200);
  protocol::LifecycleConfiguration config;
  protocol::LifecycleRule rule;
  rule.id = "r";
  rule.prefix = "never/";
  rule.abort_multipart_days = 1;
  config.rules.push_back(rule);
  ASSERT_EQ(
      client().Send("PUT", "bkt", "", {{"lifecycle", ""}}, {}, protocol::EncodeXml(config)).status,
      200);

  Restart();

  auto simple = client().Get("bkt", "simple");
  EXPECT_EQ(simple.body, "simple data");
  EXPECT_EQ(simple.Header("x-oss-meta-a"), "b");
  auto multi = client().Get("bkt", "multi");
  EXPECT_EQ(multi.body, Payload(kPart, 1) + "end");
  EXPECT_EQ(multi.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64(Payload(kPart, 1) + "end")));
  EXPECT_EQ(client().ListParts("bkt", "multi", done_id).ErrorCode(), "NoSuchUpload");
  auto parts = protocol::DecodeListPartsResult(client().ListParts("bkt", "open", open_id).body);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->parts.size(), 1u);
  EXPECT_EQ(parts->parts[0].part_number, 3);
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"lifecycle", ""}}).status, 200);
  EXPECT_EQ(client().Send("DELETE", "second", "").status, 204);
  // New uploads never reuse an id handed out before the restart.
  EXPECT_NE(client().Initiate("bkt", "again"), open_id);
  EXPECT_NE(client().Initiate("bkt", "again"), done_id);

  // Deleting and aborting also persist.
  client().Send("DELETE", "bkt", "simple");
  client().Abort("bkt", "open", open_id);
  Restart();
  EXPECT_EQ(client().Get("bkt", "simple").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().ListParts("bkt", "open", open_id).ErrorCode(), "NoSuchUpload");
}

TEST_F(DiskTest, MetadataBytesAndAclSurviveARestart) {
  // A signed header value may hold bytes that are not UTF-8; disk mode keeps them exactly.
  const std::string raw("caf\xE9 \xFF", 6);
  ASSERT_EQ(client()
                .Put("bkt", "bytes", "v",
                     {{"Content-Type", "text/x-" + raw},
                      {"x-oss-meta-note", raw},
                      {"x-oss-meta-b64", "b64:not base64"},
                      {"x-oss-object-acl", "public-read"}})
                .status,
            200);
  Restart();
  auto got = client().Get("bkt", "bytes");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.Header("Content-Type"), "text/x-" + raw);
  EXPECT_EQ(got.Header("x-oss-meta-note"), raw);
  EXPECT_EQ(got.Header("x-oss-meta-b64"), "b64:not base64");
  EXPECT_NE(client().Send("GET", "bkt", "bytes", {{"acl", ""}}).body.find("public-read"),
            std::string::npos);
}

TEST_F(DiskTest, ASequentialUploadStaysSequentialAfterARestart) {
  auto init = client().Send("POST", "bkt", "seq", {{"uploads", ""}, {"sequential", ""}});
  ASSERT_EQ(init.status, 200) << init.body;
  auto id = protocol::DecodeInitiateMultipartUploadResult(init.body)->upload_id;
  ASSERT_EQ(client().UploadPart("bkt", "seq", id, 1, "one").status, 200);
  Restart();
  EXPECT_EQ(client().UploadPart("bkt", "seq", id, 1, "two").ErrorCode(), "PartAlreadyExist");
  EXPECT_EQ(client().UploadPart("bkt", "seq", id, 2, "two").status, 200);
}

TEST_F(DiskTest, CopiesOwnTheirDataAndSurviveTheSourceAndARestart) {
  ASSERT_EQ(client().Put("bkt", "src", "source data", {{"x-oss-meta-a", "b"}}).status, 200);
  const std::string etag = client().Get("bkt", "src").Header("ETag");
  ASSERT_EQ(client().Send("PUT", "bkt", "copy", {}, {{"x-oss-copy-source", "/bkt/src"}}).status,
            200);
  ASSERT_EQ(client().Send("DELETE", "bkt", "src").status, 204);
  Restart();
  auto copy = client().Get("bkt", "copy");
  EXPECT_EQ(copy.body, "source data");
  EXPECT_EQ(copy.Header("ETag"), etag);
  EXPECT_EQ(copy.Header("x-oss-meta-a"), "b");
  // Self-copy with REPLACE keeps the data readable after a restart too.
  ASSERT_EQ(client()
                .Send("PUT", "bkt", "copy", {},
                      {{"x-oss-copy-source", "/bkt/copy"},
                       {"x-oss-metadata-directive", "REPLACE"},
                       {"x-oss-meta-a", "c"}})
                .status,
            200);
  Restart();
  EXPECT_EQ(client().Get("bkt", "copy").body, "source data");
  EXPECT_EQ(client().Get("bkt", "copy").Header("x-oss-meta-a"), "c");
}

TEST_F(DiskTest, AppendsSymlinksAndStorageClassesSurviveARestart) {
  auto append = [&](const std::string& position, const std::string& data) {
    return client().Send("POST", "bkt", "log", {{"append", ""}, {"position", position}},
                         {{"x-oss-storage-class", "IA"}}, data);
  };
  ASSERT_EQ(append("0", "first ").status, 200);
  Restart();
  ASSERT_EQ(append("6", "second").status, 200);
  const std::string config =
      "<CreateBucketConfiguration><StorageClass>Archive</StorageClass></CreateBucketConfiguration>";
  ASSERT_EQ(client().Send("PUT", "cold", "", {}, {}, config).status, 200);
  ASSERT_EQ(client()
                .Send("PUT", "bkt", "link", {{"symlink", ""}}, {{"x-oss-symlink-target", "log"}})
                .status,
            200);
  const auto before = client().Get("bkt", "log");
  Restart();
  auto log = client().Get("bkt", "log");
  EXPECT_EQ(log.body, "first second");
  EXPECT_EQ(log.Header("ETag"), before.Header("ETag"));
  EXPECT_EQ(log.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64("first second")));
  EXPECT_EQ(log.Header("x-oss-storage-class"), "IA");
  EXPECT_EQ(log.Header("x-oss-next-append-position"), "12");
  EXPECT_EQ(append("12", "!").status, 200);
  EXPECT_EQ(client().Get("bkt", "link").body, "first second!");
  EXPECT_EQ(client().Send("GET", "bkt", "link", {{"symlink", ""}}).Header("x-oss-symlink-target"),
            "log");
  ASSERT_EQ(client().Put("cold", "k", "x").status, 200);
  EXPECT_EQ(client().Send("HEAD", "cold", "k").Header("x-oss-storage-class"), "Archive");
  // Replacing an appended object frees every segment file it had.
  ASSERT_EQ(client().Put("bkt", "log", "normal").status, 200);
  Restart();
  EXPECT_EQ(client().Get("bkt", "log").body, "normal");
  size_t blobs = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(data_dir_ + "/blobs")) ++blobs;
  EXPECT_EQ(blobs, 2u);  // bkt/log and cold/k
}

TEST_F(DiskTest, RestartFaultReloadsFromDisk) {
  auto id = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", id, 1, "abc").status, 200);
  auto plan = faults::ParsePlan(
      R"({"rules": [{"match": {"op": "ListParts"}, "action": {"type": "restart"}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(*plan);
  auto listed = protocol::DecodeListPartsResult(client().ListParts("bkt", "k", id).body);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->parts.size(), 1u);
  EXPECT_TRUE(server().Journal().back().fault.has_value());
  EXPECT_EQ(client().Complete("bkt", "k", id, {{1, listed->parts[0].etag}}).status, 200);
}

TEST_F(DiskTest, KeysNeverNameFiles) {
  for (std::string key : {"../../escape", "../x", "a/../../../b", "..", "etc/passwd"}) {
    ASSERT_EQ(client().Put("bkt", key, "payload").status, 200) << key;
    EXPECT_EQ(client().Get("bkt", key).body, "payload");
  }
  // Nothing outside the data directory, and no file named after a key inside it.
  for (const auto& entry : fs::directory_iterator(temp_.path())) {
    EXPECT_EQ(entry.path().filename(), "data");
  }
  for (const auto& entry : fs::recursive_directory_iterator(data_dir_)) {
    std::string name = entry.path().filename().string();
    EXPECT_NE(name, "escape");
    EXPECT_NE(name, "passwd");
    EXPECT_NE(name, "x");
  }
}

TEST_F(DiskTest, PartialBodyLeavesNoTrace) {
  auto id = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", id, 1, "kept").status, 200);
  auto plan = faults::ParsePlan(
      R"({"rules": [{"match": {"op": "UploadPart"}, "action": {"type": "reset", "afterBytes": 5000}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(*plan);
  EXPECT_EQ(client().UploadPart("bkt", "k", id, 1, Payload(20000)).status, 0);
  Restart();
  auto listed = protocol::DecodeListPartsResult(client().ListParts("bkt", "k", id).body);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->parts.size(), 1u);
  EXPECT_EQ(listed->parts[0].size, 4u);
  EXPECT_TRUE(fs::is_empty(data_dir_ + "/tmp"));
}

// --- kill -9 of a standalone fake-oss mid-upload ------------------------------------------

std::vector<std::string> DiskArgs(const std::string& data_dir) {
  return {"--port",
          "0",
          "--data-dir",
          data_dir,
          "--access-key-id",
          kTestCredentials.access_key_id,
          "--access-key-secret",
          kTestCredentials.access_key_secret,
          "--bucket",
          "bkt",
          "--seed",
          "1"};
}

// Opens a connection and sends a signed UploadPart whose body stops halfway.
int SendHalfAPart(uint16_t port, const std::string& upload_id, size_t size) {
  protocol::WireRequest wire{"PUT",
                             "bkt",
                             "k",
                             {{"partNumber", "2"}, {"uploadId", upload_id}},
                             {{"Content-Type", "application/octet-stream"}}};
  protocol::SignV1(wire, kTestCredentials, std::chrono::system_clock::now());
  std::string request = "PUT " + TestClient::Target("bkt", "k", wire.query) + " HTTP/1.1\r\n";
  request += "Host: 127.0.0.1\r\nContent-Length: " + std::to_string(size) + "\r\n";
  for (const auto& [name, value] : wire.headers) request += name + ": " + value + "\r\n";
  request += "\r\n" + Payload(size / 2);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  return fd;
}

TEST(DiskKillTest, KillNineMidUploadKeepsCompletedPartsOnly) {
  TempDir temp;
  std::string data_dir = temp.path() + "/data";
  FakeOssProcess child = SpawnFakeOss(DiskArgs(data_dir));
  ASSERT_GT(child.port, 0) << "fake-oss did not start";
  auto real_now = [] { return std::chrono::system_clock::now(); };
  std::string upload_id;
  std::string etag;
  {
    TestClient client(child.port, real_now);
    ASSERT_EQ(client.Put("bkt", "before", "durable").status, 200);
    upload_id = client.Initiate("bkt", "k");
    auto part = client.UploadPart("bkt", "k", upload_id, 1, Payload(kPart));
    ASSERT_EQ(part.status, 200);
    etag = part.Header("ETag");
  }
  int fd = SendHalfAPart(child.port, upload_id, 4 * kPart);
  ASSERT_GE(fd, 0);
  // Wait (bounded) until the server has started writing the half part to its temp dir.
  for (int i = 0; i < 500; ++i) {
    std::error_code ec;
    if (!fs::is_empty(data_dir + "/tmp", ec)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  StopFakeOss(child, SIGKILL);
  ::close(fd);

  FakeOssProcess again = SpawnFakeOss(DiskArgs(data_dir));
  ASSERT_GT(again.port, 0);
  TestClient client(again.port, real_now);
  EXPECT_EQ(client.Get("bkt", "before").body, "durable");
  auto listed = protocol::DecodeListPartsResult(client.ListParts("bkt", "k", upload_id).body);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->parts.size(), 1u);
  EXPECT_EQ(listed->parts[0].part_number, 1);
  EXPECT_EQ(client.Complete("bkt", "k", upload_id, {{1, etag}}).status, 200);
  EXPECT_EQ(client.Get("bkt", "k").body, Payload(kPart));
  int status = StopFakeOss(again, SIGTERM);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// In the child: files may not grow past 1 MiB, and writing past that fails with EFBIG instead
// of raising SIGXFSZ: a disk that is full for large bodies only.
void LimitFileSizeToOneMib() {
  ::signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{1u << 20, 1u << 20};
  ::setrlimit(RLIMIT_FSIZE, &limit);
}

TEST(DiskFullTest, ABodyThatCannotBeStoredIsARetryableServerErrorAndLosesNothing) {
  TempDir temp;
  FakeOssProcess child = SpawnFakeOss(DiskArgs(temp.path() + "/data"), "", LimitFileSizeToOneMib);
  ASSERT_GT(child.port, 0) << "fake-oss did not start";
  TestClient client(child.port, [] { return std::chrono::system_clock::now(); });
  ASSERT_EQ(client.Put("bkt", "kept", "acknowledged before").status, 200);
  const std::string upload_id = client.Initiate("bkt", "multi");
  auto part = client.UploadPart("bkt", "multi", upload_id, 1, "small part");
  ASSERT_EQ(part.status, 200);

  const std::string too_big = Payload(2u << 20);
  for (const auto& response :
       {client.Put("bkt", "kept", too_big), client.Put("bkt", "new", too_big),
        client.UploadPart("bkt", "multi", upload_id, 1, too_big)}) {
    // 500 InternalError, which SDKs retry (not 400 IncompleteBody: the client sent it all).
    EXPECT_EQ(response.status, 500) << response.body;
    EXPECT_EQ(response.ErrorCode(), "InternalError") << response.body;
    EXPECT_NE(response.ErrorDocument().message.find("File too large"), std::string::npos)
        << response.body;
    EXPECT_FALSE(response.Header("x-oss-request-id").empty());
  }
  // Nothing acknowledged was lost or replaced, and the server still serves.
  EXPECT_EQ(client.Get("bkt", "kept").body, "acknowledged before");
  EXPECT_EQ(client.Get("bkt", "new").ErrorCode(), "NoSuchKey");
  auto listed = protocol::DecodeListPartsResult(client.ListParts("bkt", "multi", upload_id).body);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->parts.size(), 1u);
  EXPECT_EQ(listed->parts[0].etag, part.Header("ETag"));
  EXPECT_EQ(client.Put("bkt", "after", "fits").status, 200);
  int status = StopFakeOss(child, SIGTERM);
  EXPECT_TRUE(WIFEXITED(status));
}

}  // namespace
}  // namespace ossup::fake::testing
