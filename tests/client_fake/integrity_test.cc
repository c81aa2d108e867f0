// Integrity: per-part and whole-object checksums, lost Complete responses, short reads.
#include <gtest/gtest.h>

#include <filesystem>

#include "fake_fixture.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

TEST_F(ClientFakeTest, LostCompleteResponseIsResolvedByHead) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 4 * kPartSize + 11);
  AddPlan(R"({"rules":[{"match":{"operation":"CompleteMultipartUpload"},
                        "action":{"type":"drop-response"},"times":1}]})");
  auto request = MakeRequest(file, "lost-complete.bin");
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->verified_by_head);
  EXPECT_EQ(CountOk("UploadPart"), 5);  // nothing re-uploaded
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
  EXPECT_TRUE(*client.GetObject(kBucket, "lost-complete.bin") == ReadFile(file));
}

TEST_F(ClientFakeTest, LostCompleteResponseWithoutRetriesIsStillASuccess) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"CompleteMultipartUpload"},
                        "action":{"type":"drop-response"},"times":1}]})");
  auto request = MakeRequest(file, "lost-complete.bin");
  request.retry_policy = client::RetryPolicy::NoRetry();
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->verified_by_head);
  EXPECT_EQ(Count("CompleteMultipartUpload"), 1);
}

TEST_F(ClientFakeTest, Md5ModeContentMd5IsAcceptedOnEveryPart) {
  // The fake answers InvalidDigest when Content-MD5 is wrong; a clean run proves it matched
  // (integrity_modes_test.cc shows which modes send it at all).
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize + 5);
  auto request = MakeRequest(file, "md5.bin");
  request.integrity = client::IntegrityMode::kMd5AndCrc64;
  ASSERT_TRUE(client.Upload(request).ok());
  for (const auto& e : server_->Journal()) EXPECT_NE(e.error_code, "InvalidDigest");
  EXPECT_EQ(CountOk("UploadPart"), 4);
}

TEST_F(ClientFakeTest, FileShrinkingMidUploadNeverSendsAShortPart) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "short.bin");
  request.parallelism = 1;
  bool truncated = false;
  request.progress = [&](uint64_t, uint64_t, uint64_t) {
    if (truncated) return;
    truncated = true;
    std::filesystem::resize_file(file, kPartSize + kPartSize / 2);
  };
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, protocol::client_codes::kIoError);
  for (const auto& e : server_->Journal()) {
    if (e.operation == protocol::Operation::kUploadPart) {
      EXPECT_EQ(e.request_body_bytes, kPartSize);
    }
  }
  EXPECT_EQ(Count("CompleteMultipartUpload"), 0);
}

}  // namespace
}  // namespace ossup::testing

namespace ossup::testing {
namespace {

TEST_F(ClientFakeTest, CompleteCommittedBeforeACrashIsASuccessOnResume) {
  // Complete commits but its response is lost and the HEAD check fails too: the run fails,
  // keeping the record. The next run finds the upload gone, HEADs the object, and succeeds.
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize + 7);
  AddPlan(R"({"rules":[{"match":{"operation":"CompleteMultipartUpload"},
                        "action":{"type":"drop-response"},"times":1},
                       {"match":{"operation":"HeadObject"},
                        "action":{"type":"error","status":503,"code":"ServiceUnavailable"},
                        "times":"unlimited"}]})");
  auto request = MakeRequest(file, "committed.bin");
  auto no_retry = request;
  no_retry.retry_policy = client::RetryPolicy::NoRetry();
  auto failed = client.Upload(no_retry);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, protocol::client_codes::kConnectionError);
  ASSERT_TRUE(std::filesystem::exists(client.CheckpointPath(request)));
  server_->ClearFaultPlans();

  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->verified_by_head);
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->parts_skipped, 4);
  EXPECT_EQ(CountOk("UploadPart"), 4);
  EXPECT_EQ(CountOk("InitiateMultipartUpload"), 1);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
}

}  // namespace
}  // namespace ossup::testing
