// The client over HTTPS: a resumable upload to an in-process fake serving TLS, trusted through
// ClientOptions::ca_file; without that CA (verification on) nothing reaches the server.
#include <gtest/gtest.h>

#include <fstream>

#include "fake_fixture.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

class TlsClientTest : public ClientFakeTest {
 protected:
  void SetUp() override {
    ClientFakeTest::SetUp();
    server_->Stop();
    fake::ServerOptions options;
    options.credentials = {{kAccessKeyId, kAccessKeySecret}};
    options.buckets = {kBucket};
    options.threads = 32;
    options.tls = fake::TlsOptions{};
    server_ = std::make_unique<fake::Server>(options);
    auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_EQ(server_->endpoint().rfind("https://", 0), 0u) << server_->endpoint();
    ca_file_ = (dir_ / "fake-ca.pem").string();
    std::ofstream(ca_file_) << server_->TlsCaPem();
  }

  client::Client MakeTlsClient(const std::string& ca_file) {
    client::ClientOptions options;
    options.endpoint = server_->endpoint();
    options.region = "cn-hangzhou";
    options.credentials =
        client::MakeStaticCredentialsProvider({kAccessKeyId, kAccessKeySecret, ""});
    options.retry_policy = FastRetry();
    options.io_timeout = std::chrono::milliseconds(20000);
    options.ca_file = ca_file;
    auto client = client::Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.error().ToString();
    return std::move(*client);
  }

  std::string ca_file_;
};

TEST_F(TlsClientTest, ResumableUploadOverHttpsIsByteExact) {
  auto client = MakeTlsClient(ca_file_);
  // Parts above the fake's 256 KiB direct-read size, so large bodies cross TLS too.
  const uint64_t part_size = 300 * 1024;
  auto file = WriteFile("data.bin", 5 * part_size + 4321);
  auto request = MakeRequest(file, "tls/object.bin");
  request.part_size_bytes = part_size;
  request.parallelism = 1;
  // First run: part 3's connection is reset; with one attempt the upload fails and keeps its
  // checkpoint.
  AddPlan(R"({"rules": [{"match": {"op": "UploadPart", "partNumber": 3},
              "action": {"type": "reset", "afterBytes": 1000}, "times": 1}]})");
  request.retry_policy = FastRetry(1);
  auto failed = client.Upload(request);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, protocol::client_codes::kConnectionError)
      << failed.error().ToString();
  ASSERT_TRUE(std::filesystem::exists(client.CheckpointPath(request)));

  request.retry_policy = FastRetry();
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->parts_total, 6);
  EXPECT_EQ(result->parts_skipped, 2);  // parts 1 and 2 survived the reset
  EXPECT_EQ(result->parts_uploaded, 4);
  EXPECT_EQ(result->crc64, protocol::Crc64(ReadFile(file)));
  auto object = client.GetObject(kBucket, "tls/object.bin");
  ASSERT_TRUE(object.ok()) << object.error().ToString();
  EXPECT_TRUE(*object == ReadFile(file)) << "object differs from the file";
  EXPECT_TRUE(server_->ListUploads().empty());
}

TEST_F(TlsClientTest, WithoutTheCaVerificationFailsAndNothingIsUploaded) {
  auto client = MakeTlsClient("");  // the system trust store does not know the fake's CA
  auto file = WriteFile("data.bin", 3 * kPartSize + 1);
  auto result = client.Upload(MakeRequest(file, "untrusted.bin"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, protocol::client_codes::kTlsError);
  EXPECT_FALSE(protocol::IsRetryable(result.error())) << "an untrusted server stays untrusted";
  EXPECT_NE(result.error().message.find("TLS certificate verification failed"), std::string::npos)
      << result.error().ToString();
  EXPECT_TRUE(server_->Journal().empty()) << "a request reached the fake";
  EXPECT_TRUE(server_->ListUploads().empty());
  auto trusted = MakeTlsClient(ca_file_);
  auto head = trusted.HeadObject(kBucket, "untrusted.bin");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().http_status, 404) << head.error().ToString();
}

TEST_F(TlsClientTest, UnreadableCaFileIsATlsError) {
  auto client = MakeTlsClient((dir_ / "missing-ca.pem").string());
  auto object = client.PutObject(kBucket, "k", "data");
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().code, protocol::client_codes::kTlsError);
  EXPECT_NE(object.error().message.find("CA certificates"), std::string::npos)
      << object.error().ToString();
  EXPECT_TRUE(server_->Journal().empty());
}

}  // namespace
}  // namespace ossup::testing
