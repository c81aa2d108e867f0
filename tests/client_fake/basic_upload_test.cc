// Plain uploads: signing versions, small files, empty files, progress, object headers.
#include <gtest/gtest.h>

#include "fake_fixture.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/mutex.h"

namespace ossup::testing {
namespace {

using protocol::SignatureVersion;

TEST_F(ClientFakeTest, MultipartUploadWithV4SigningStoresTheExactBytes) {
  auto client = MakeClient(SignatureVersion::kV4);
  auto file = WriteFile("data.bin", 10 * kPartSize + 777);
  auto result = client.Upload(MakeRequest(file, "dir/a b+c.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->parts_total, 11);
  EXPECT_EQ(result->parts_uploaded, 11);
  EXPECT_EQ(result->parts_skipped, 0);
  EXPECT_FALSE(result->simple_upload);
  EXPECT_FALSE(result->upload_id.empty());
  EXPECT_EQ(result->crc64, protocol::Crc64(ReadFile(file)));
  auto object = client.GetObject(kBucket, "dir/a b+c.bin");
  ASSERT_TRUE(object.ok()) << object.error().ToString();
  EXPECT_TRUE(*object == ReadFile(file));
  EXPECT_TRUE(server_->ListUploads().empty());
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(MakeRequest(file, "dir/a b+c.bin"))));
}

TEST_F(ClientFakeTest, MultipartUploadWithV1Signing) {
  auto client = MakeClient(SignatureVersion::kV1);
  auto file = WriteFile("data.bin", 3 * kPartSize + 1);
  auto result = client.Upload(MakeRequest(file, "v1.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->parts_uploaded, 4);
  auto object = client.GetObject(kBucket, "v1.bin");
  ASSERT_TRUE(object.ok());
  EXPECT_TRUE(*object == ReadFile(file));
}

TEST_F(ClientFakeTest, MultipartUploadWithV2Signing) {
  auto client = MakeClient(SignatureVersion::kV2);
  auto file = WriteFile("data.bin", 2 * kPartSize + 5);
  auto result = client.Upload(MakeRequest(file, "dir/v2 a+b.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->parts_uploaded, 3);
  auto object = client.GetObject(kBucket, "dir/v2 a+b.bin");
  ASSERT_TRUE(object.ok()) << object.error().ToString();
  EXPECT_TRUE(*object == ReadFile(file));
}

TEST_F(ClientFakeTest, EmptyFileGoesUpWithPutObjectAndNoEmptyPart) {
  auto client = MakeClient();
  auto file = WriteFile("empty.bin", 0);
  uint64_t last_total = 1, last_expected = 1;
  auto request = MakeRequest(file, "empty.bin");
  request.progress = [&](uint64_t, uint64_t total, uint64_t expected) {
    last_total = total;
    last_expected = expected;
  };
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->simple_upload);
  EXPECT_EQ(last_total, 0u);
  EXPECT_EQ(last_expected, 0u);
  auto meta = client.HeadObject(kBucket, "empty.bin");
  ASSERT_TRUE(meta.ok()) << meta.error().ToString();
  EXPECT_EQ(meta->size_bytes, 0u);
  EXPECT_EQ(Count("UploadPart"), 0);
  EXPECT_EQ(Count("InitiateMultipartUpload"), 0);
}

TEST_F(ClientFakeTest, FileBelowThresholdUsesPutObject) {
  auto client = MakeClient();
  auto file = WriteFile("small.bin", kPartSize - 1);
  auto result = client.Upload(MakeRequest(file, "small.bin"));
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->simple_upload);
  EXPECT_EQ(CountOk("PutObject"), 1);
  EXPECT_EQ(Count("InitiateMultipartUpload"), 0);
  EXPECT_TRUE(*client.GetObject(kBucket, "small.bin") == ReadFile(file));
}

TEST_F(ClientFakeTest, ThresholdIsConfigurable) {
  auto client = MakeClient();
  auto file = WriteFile("mid.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "mid.bin");
  request.simple_upload_threshold_bytes = 10 * kPartSize;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->simple_upload);
  EXPECT_EQ(Count("InitiateMultipartUpload"), 0);
}

TEST_F(ClientFakeTest, ProgressIsMonotonicAndEndsAtFileSize) {
  auto client = MakeClient();
  const uint64_t size = 8 * kPartSize + 3;
  auto file = WriteFile("data.bin", size);
  protocol::Mutex mu;
  std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> calls;
  auto request = MakeRequest(file, "progress.bin");
  request.progress = [&](uint64_t sent, uint64_t total, uint64_t expected) {
    protocol::MutexLock lock(mu);
    calls.emplace_back(sent, total, expected);
  };
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  ASSERT_EQ(calls.size(), 9u);
  uint64_t previous = 0;
  for (const auto& [sent, total, expected] : calls) {
    EXPECT_EQ(total, previous + sent);
    EXPECT_EQ(expected, size);
    previous = total;
  }
  EXPECT_EQ(previous, size);
}

TEST_F(ClientFakeTest, ObjectHeadersAndMetadataAreStored) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 2 * kPartSize + 5);
  auto request = MakeRequest(file, "typed.txt");
  request.object_headers.content_type = "text/plain";
  request.object_headers.metadata = {{"owner", "ossup"}};
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  auto meta = client.HeadObject(kBucket, "typed.txt");
  ASSERT_TRUE(meta.ok()) << meta.error().ToString();
  EXPECT_EQ(meta->content_type, "text/plain");
  EXPECT_EQ(meta->size_bytes, 2 * kPartSize + 5);
  EXPECT_EQ(protocol::FindHeader(meta->headers, "x-oss-meta-owner").value_or(""), "ossup");
}

TEST_F(ClientFakeTest, ForbidOverwriteRejectsAnExistingObject) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 2 * kPartSize + 5);
  ASSERT_TRUE(client.Upload(MakeRequest(file, "once.bin")).ok());
  auto request = MakeRequest(file, "once.bin");
  request.object_headers.forbid_overwrite = true;
  auto second = client.Upload(request);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "FileAlreadyExists");
}

TEST_F(ClientFakeTest, UnusableRecordDirectoryIsAnIoErrorBeforeAnyRequest) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "norecord.bin");
  request.record_directory = (dir_ / "data.bin" / "records").string();  // under a file
  auto result = client.Upload(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, protocol::client_codes::kIoError);
  EXPECT_TRUE(server_->Journal().empty());
}

TEST_F(ClientFakeTest, InvalidRequestsFailWithoutTouchingTheServer) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  auto request = MakeRequest(file, "bad.bin");
  request.part_size_bytes = 1000;
  EXPECT_EQ(client.Upload(request).error().code, protocol::client_codes::kInvalidRequest);
  request = MakeRequest((dir_ / "missing.bin").string(), "bad.bin");
  EXPECT_EQ(client.Upload(request).error().code, protocol::client_codes::kIoError);
  request = MakeRequest(file, "bad.bin");
  request.parallelism = 0;
  EXPECT_EQ(client.Upload(request).error().code, protocol::client_codes::kInvalidRequest);
  EXPECT_TRUE(server_->Journal().empty());
}

TEST_F(ClientFakeTest, HeadOfMissingObjectIsNoSuchKey) {
  auto client = MakeClient();
  auto meta = client.HeadObject(kBucket, "absent");
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.error().code, "NoSuchKey");
  EXPECT_EQ(meta.error().http_status, 404);
}

TEST_F(ClientFakeTest, GetObjectToFileWritesTheObject) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 4 * kPartSize + 9);
  ASSERT_TRUE(client.Upload(MakeRequest(file, "get.bin")).ok());
  const std::string out = (dir_ / "out.bin").string();
  auto size = client.GetObjectToFile(kBucket, "get.bin", out);
  ASSERT_TRUE(size.ok()) << size.error().ToString();
  EXPECT_EQ(*size, 4 * kPartSize + 9);
  EXPECT_TRUE(ReadFile(out) == ReadFile(file));
}

}  // namespace
}  // namespace ossup::testing
