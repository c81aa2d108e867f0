// Retries: transient errors are retried with backoff, permanent ones are not; clock skew is
// corrected; an expired STS token is refreshed through the provider.
#include <gtest/gtest.h>

#include "fake_fixture.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

TEST_F(ClientFakeTest, TransientErrorsAreRetriedAndCountedAsResent) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 4 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart"},
                        "action":{"type":"error","status":503,"code":"SlowDown"},"times":2},
                       {"match":{"operation":"InitiateMultipartUpload"},
                        "action":{"type":"error","status":500,"code":"InternalError"},
                        "times":1}]})");
  auto request = MakeRequest(file, "retry.bin");
  request.parallelism = 1;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->bytes_resent, 2 * kPartSize);
  EXPECT_EQ(result->bytes_sent, 6 * kPartSize);
  EXPECT_TRUE(*client.GetObject(kBucket, "retry.bin") == ReadFile(file));
}

TEST_F(ClientFakeTest, ConnectionResetsAreRetried) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 4 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":2},
                        "action":{"type":"reset","afterBytes":4096},"times":1}]})");
  auto result = client.Upload(MakeRequest(file, "reset.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->bytes_resent, kPartSize);
}

TEST_F(ClientFakeTest, PermanentErrorsAreNotRetriedAndKeepTheUpload) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 4 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":2},
                        "action":{"type":"error","status":403,"code":"AccessDenied"},
                        "times":"unlimited"}]})");
  auto request = MakeRequest(file, "denied.bin");
  request.parallelism = 1;
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "AccessDenied");
  EXPECT_EQ(result.error().http_status, 403);
  EXPECT_FALSE(result.error().request_id.empty());
  int denied = 0;
  for (const auto& e : server_->Journal()) denied += e.error_code == "AccessDenied" ? 1 : 0;
  EXPECT_EQ(denied, 1);
  EXPECT_TRUE(std::filesystem::exists(client.CheckpointPath(request)));
  EXPECT_EQ(server_->ListUploads().size(), 1u);
}

TEST_F(ClientFakeTest, RetryBudgetIsBounded) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 2 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart"},
                        "action":{"type":"error","status":500,"code":"InternalError"},
                        "times":"unlimited"}]})");
  auto request = MakeRequest(file, "storm.bin");
  request.parallelism = 1;
  request.retry_policy = FastRetry(3);
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "InternalError");
  EXPECT_EQ(Count("UploadPart"), 3);
}

TEST_F(ClientFakeTest, ClockSkewIsCorrectedFromTheServerTime) {
  auto client = MakeClient();
  server_->AdvanceClock(std::chrono::hours(2));
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto result = client.Upload(MakeRequest(file, "skew.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  int skewed = 0;
  for (const auto& e : server_->Journal()) skewed += e.error_code == "RequestTimeTooSkewed";
  EXPECT_GE(skewed, 1);
  EXPECT_TRUE(*client.GetObject(kBucket, "skew.bin") == ReadFile(file));
}

TEST_F(ClientFakeTest, ExpiredStsTokenIsRefreshedMidUpload) {
  auto provider = std::make_shared<client::RefreshingCredentialsProvider>(
      [this]() -> protocol::StatusOr<client::TemporaryCredentials> {
        auto sts = server_->IssueStsCredential(std::chrono::seconds(60));
        // Expiry as the provider sees it is unknown (real clock vs the fake's virtual one):
        // refresh only when the server rejects the token.
        return client::TemporaryCredentials{sts.credentials, std::nullopt};
      },
      std::chrono::seconds(0));
  auto client = MakeClient(protocol::SignatureVersion::kV4, provider);
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "sts.bin");
  request.parallelism = 1;
  bool advanced = false;
  request.progress = [&](uint64_t, uint64_t total, uint64_t) {
    if (!advanced && total >= 2 * kPartSize) {
      advanced = true;
      server_->AdvanceClock(std::chrono::seconds(120));  // the token is now expired
    }
  };
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_GE(provider->fetch_count(), 2);
  int expired = 0;
  for (const auto& e : server_->Journal()) expired += e.error_code == "SecurityTokenExpired";
  EXPECT_GE(expired, 1);
  EXPECT_TRUE(*client.GetObject(kBucket, "sts.bin") == ReadFile(file));
}

}  // namespace
}  // namespace ossup::testing

namespace ossup::testing {
namespace {

// A provider that cannot refresh gets the token error back at once: retrying with the same
// expired token could only fail again.
TEST_F(ClientFakeTest, ExpiredTokenFromAStaticProviderIsNotRetried) {
  auto sts = server_->IssueStsCredential(std::chrono::seconds(60));
  server_->AdvanceClock(std::chrono::seconds(120));
  auto client = MakeClient(protocol::SignatureVersion::kV4,
                           client::MakeStaticCredentialsProvider(sts.credentials));
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto result = client.Upload(MakeRequest(file, "expired.bin"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "SecurityTokenExpired");
  EXPECT_EQ(server_->Journal().size(), 1u);
}

TEST_F(ClientFakeTest, WrongSecretIsSignatureDoesNotMatchAndNotRetried) {
  auto client = MakeClient(protocol::SignatureVersion::kV4,
                           client::MakeStaticCredentialsProvider({kAccessKeyId, "wrong", ""}));
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto result = client.Upload(MakeRequest(file, "denied.bin"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(server_->Journal().size(), 1u);
}

TEST_F(ClientFakeTest, UnknownAccessKeyIsNotRetried) {
  auto client = MakeClient(protocol::SignatureVersion::kV1,
                           client::MakeStaticCredentialsProvider({"nobody", "secret", ""}));
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto result = client.Upload(MakeRequest(file, "denied.bin"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "InvalidAccessKeyId");
  EXPECT_EQ(server_->Journal().size(), 1u);
}

}  // namespace
}  // namespace ossup::testing
