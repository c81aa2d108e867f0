// The upload is gone on the server (lifecycle, abort) or its parts cannot belong to the file:
// a typed CannotResumeUpload, the stale record removed, and an opt-in automatic restart.
#include <gtest/gtest.h>
#include <httplib.h>

#include "fake_fixture.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/signing.h"

namespace ossup::testing {
namespace {

using protocol::client_codes::kCannotResumeUpload;

class LostUploadTest : public ClientFakeTest {
 protected:
  std::string FailOnce(client::Client& client, client::UploadRequest request) {
    AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
                          "action":{"type":"reset","afterBytes":1000},"times":1}]})");
    request.retry_policy = client::RetryPolicy::NoRetry();
    request.parallelism = 1;
    EXPECT_FALSE(client.Upload(request).ok());
    server_->ClearFaultPlans();
    auto uploads = server_->ListUploads();
    return uploads.empty() ? "" : uploads[0].upload_id;
  }
};

TEST_F(LostUploadTest, ExpiredUploadIsCannotResumeAndTheRecordIsRemoved) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "expired.bin");
  const std::string upload_id = FailOnce(client, request);
  ASSERT_TRUE(server_->ExpireUpload(upload_id));

  auto second = client.Upload(request);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, kCannotResumeUpload);
  EXPECT_EQ(second.error().Detail("UploadId"), upload_id);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));

  auto third = client.Upload(request);  // a fresh request starts a new upload
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  EXPECT_FALSE(third->resumed);
  EXPECT_TRUE(*client.GetObject(kBucket, "expired.bin") == ReadFile(file));
}

TEST_F(LostUploadTest, AbortedByOthersIsCannotResume) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "aborted.bin");
  const std::string upload_id = FailOnce(client, request);
  ASSERT_TRUE(client.AbortMultipartUpload(kBucket, "aborted.bin", upload_id).ok());
  auto second = client.Upload(request);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, kCannotResumeUpload);
}

TEST_F(LostUploadTest, RestartPolicyStartsANewUploadInstead) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "restart.bin");
  const std::string upload_id = FailOnce(client, request);
  ASSERT_TRUE(server_->ExpireUpload(upload_id));
  request.lost_upload_policy = client::LostUploadPolicy::kRestart;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_NE(result->upload_id, upload_id);
  EXPECT_EQ(result->parts_uploaded, 5);
  EXPECT_TRUE(*client.GetObject(kBucket, "restart.bin") == ReadFile(file));
}

TEST_F(LostUploadTest, UploadExpiringMidUploadIsCannotResume) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "midway.bin");
  request.parallelism = 1;
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
                        "action":{"type":"expire-upload"},"times":1}]})");
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kCannotResumeUpload);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
}

TEST_F(LostUploadTest, UploadExpiringBeforeCompleteIsCannotResume) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "complete.bin");
  AddPlan(R"({"rules":[{"match":{"operation":"CompleteMultipartUpload"},
                        "action":{"type":"expire-upload"},"times":1}]})");
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kCannotResumeUpload);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
}

TEST_F(LostUploadTest, ServerPartsThatCannotBelongToTheFileAreCannotResume) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "foreign.bin");
  const std::string upload_id = FailOnce(client, request);
  // Someone else adds part 9 to the upload: a 5-part file cannot have it.
  protocol::WireRequest put;
  put.method = "PUT";
  put.bucket = kBucket;
  put.key = "foreign.bin";
  put.query = {{"partNumber", "9"}, {"uploadId", upload_id}};
  put.headers = {{"Content-Type", "application/octet-stream"}};
  protocol::SignV1(put, {kAccessKeyId, kAccessKeySecret, ""}, server_->Now());
  auto endpoint = protocol::ParseEndpoint(server_->endpoint());
  ASSERT_TRUE(endpoint.ok());
  auto target =
      protocol::ResolveTarget(*endpoint, protocol::AddressingStyle::kPath, kBucket, "foreign.bin");
  httplib::Client raw(server_->endpoint());
  httplib::Headers headers(put.headers.begin(), put.headers.end());
  auto res = raw.Put(target.path + "?" + protocol::EncodeQueryString(put.query), headers,
                     std::string(kPartSize, 'x'), "application/octet-stream");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;

  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kCannotResumeUpload);
  EXPECT_NE(result.error().message.find("cannot belong"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
  EXPECT_TRUE(server_->ListUploads().empty());  // the foreign upload was aborted
}

}  // namespace
}  // namespace ossup::testing
