// Checkpoint and resume: a failed upload keeps its record and upload, and the next identical
// request continues from the last good part without re-sending completed parts.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "fake_fixture.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/mutex.h"

namespace ossup::testing {
namespace {

using protocol::client_codes::kConnectionError;

constexpr char kResetThirdPart[] =
    R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
                  "action":{"type":"reset","afterBytes":50000},"times":1}]})";

class ResumeTest : public ClientFakeTest {
 protected:
  /// Runs `request` once with retries off and a reset fault on the third part; it must fail
  /// with a connection error and leave its record behind. Returns the upload id.
  std::string FailOnce(client::Client& client, client::UploadRequest request) {
    AddPlan(kResetThirdPart);
    request.retry_policy = client::RetryPolicy::NoRetry();
    request.parallelism = 1;
    auto failed = client.Upload(request);
    EXPECT_FALSE(failed.ok());
    if (!failed.ok()) {
      EXPECT_EQ(failed.error().code, kConnectionError) << failed.error().ToString();
    }
    EXPECT_TRUE(std::filesystem::exists(client.CheckpointPath(request)));
    server_->ClearFaultPlans();
    auto uploads = server_->ListUploads();
    EXPECT_EQ(uploads.size(), 1u);
    return uploads.empty() ? "" : uploads[0].upload_id;
  }
  /// Cuts the record at the middle of its header line, as a crash during a rewrite would.
  void TearHeader(const std::string& record) {
    const std::string text = ReadFile(record);
    std::ofstream(record, std::ios::binary | std::ios::trunc)
        << text.substr(0, text.find('\n') / 2);
  }
};

TEST_F(ResumeTest, ResumesAfterAConnectionDropWithoutResendingGoodParts) {
  auto client = MakeClient();
  const uint64_t size = 8 * kPartSize + 1234;
  auto file = WriteFile("data.bin", size);
  auto request = MakeRequest(file, "resume.bin");
  const std::string upload_id = FailOnce(client, request);
  ASSERT_EQ(CountOk("UploadPart"), 2);

  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->upload_id, upload_id);
  EXPECT_EQ(result->parts_skipped, 2);
  EXPECT_EQ(result->parts_uploaded, 7);
  EXPECT_EQ(result->bytes_sent, size - 2 * kPartSize);
  EXPECT_EQ(result->bytes_resent, 0u);
  EXPECT_EQ(CountOk("UploadPart"), 9);  // every part succeeded exactly once overall
  EXPECT_EQ(CountOk("ListParts"), 1);
  EXPECT_TRUE(*client.GetObject(kBucket, "resume.bin") == ReadFile(file));
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
}

TEST_F(ResumeTest, ProgressOnResumeStartsWithTheBytesAlreadyOnTheServer) {
  auto client = MakeClient();
  const uint64_t size = 5 * kPartSize;
  auto file = WriteFile("data.bin", size);
  auto request = MakeRequest(file, "resume.bin");
  FailOnce(client, request);
  std::vector<uint64_t> totals;
  protocol::Mutex mu;
  request.progress = [&](uint64_t, uint64_t total, uint64_t) {
    protocol::MutexLock lock(mu);
    totals.push_back(total);
  };
  ASSERT_TRUE(client.Upload(request).ok());
  ASSERT_FALSE(totals.empty());
  EXPECT_EQ(totals.front(), 2 * kPartSize);
  EXPECT_EQ(totals.back(), size);
  EXPECT_TRUE(std::is_sorted(totals.begin(), totals.end()));
}

TEST_F(ResumeTest, PartsMissingFromTheRecordButOnTheServerAreNotResent) {
  // A crash between a part's 200 and the record write: the server knows more than the record.
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "resume.bin");
  FailOnce(client, request);
  const std::string record = client.CheckpointPath(request);
  // Re-run, fail again on the 5th part: the record now lists 4 parts. Then rewind the record
  // to the copy that listed 2.
  const std::string early = ReadFile(record);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
                        "action":{"type":"error","status":500,"code":"InternalError"},
                        "times":"unlimited"}]})");
  auto request_no_retry = request;
  request_no_retry.retry_policy = client::RetryPolicy::NoRetry();
  request_no_retry.parallelism = 1;
  ASSERT_FALSE(client.Upload(request_no_retry).ok());
  server_->ClearFaultPlans();
  std::ofstream(record, std::ios::binary | std::ios::trunc) << early;
  const int parts_before = CountOk("UploadPart");
  ASSERT_EQ(parts_before, 4);
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->parts_skipped, 4);
  EXPECT_EQ(CountOk("UploadPart") - parts_before, 2);
  EXPECT_TRUE(*client.GetObject(kBucket, "resume.bin") == ReadFile(file));
}

TEST_F(ResumeTest, FailureKeepsRecordAndUploadEvenWithDeleteOnCancel) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "resume.bin");
  request.delete_upload_id_on_cancelling = true;
  FailOnce(client, request);
  EXPECT_EQ(Count("AbortMultipartUpload"), 0);
}

TEST_F(ResumeTest, WithoutRecordDirectoryAFailedUploadStartsOver) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "norecord.bin");
  request.record_directory.clear();
  AddPlan(kResetThirdPart);
  auto no_retry = request;
  no_retry.retry_policy = client::RetryPolicy::NoRetry();
  no_retry.parallelism = 1;
  ASSERT_FALSE(client.Upload(no_retry).ok());
  server_->ClearFaultPlans();
  EXPECT_EQ(client.CheckpointPath(request), "");
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->parts_uploaded, 5);
  EXPECT_EQ(CountOk("InitiateMultipartUpload"), 2);
  EXPECT_TRUE(server_->ListUploads().empty());
}

TEST_F(ResumeTest, WithoutRecordDirectoryAFailedUploadIsAbortedAndTheErrorKept) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "norecord.bin");
  request.record_directory.clear();
  request.delete_upload_id_on_cancelling = false;  // failure is not cancel: irrelevant here
  request.retry_policy = client::RetryPolicy::NoRetry();
  request.parallelism = 1;
  AddPlan(kResetThirdPart);
  auto failed = client.Upload(request);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, kConnectionError) << failed.error().ToString();
  EXPECT_EQ(CountOk("UploadPart"), 2);
  EXPECT_EQ(CountOk("AbortMultipartUpload"), 1);
  EXPECT_TRUE(server_->ListUploads().empty());
}

TEST_F(ResumeTest, WithoutRecordDirectoryAFailedAbortStillReturnsTheOriginalError) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "norecord.bin");
  request.record_directory.clear();
  request.retry_policy = client::RetryPolicy::NoRetry();
  request.parallelism = 1;
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
                        "action":{"type":"error","status":403,"code":"AccessDenied"},"times":1},
                       {"match":{"operation":"AbortMultipartUpload"},
                        "action":{"type":"error","status":500,"code":"InternalError"},
                        "times":"unlimited"}]})");
  auto failed = client.Upload(request);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "AccessDenied") << failed.error().ToString();
  EXPECT_GE(Count("AbortMultipartUpload"), 1);
  EXPECT_EQ(server_->ListUploads().size(), 1u);
}

TEST_F(ResumeTest, ReadCheckpointShowsTheKeptRecordWithoutChangingIt) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "read.bin");
  auto none = client.ReadCheckpoint(request);
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_FALSE(none->has_value());

  const std::string upload_id = FailOnce(client, request);
  const std::string before = ReadFile(client.CheckpointPath(request));
  auto info = client.ReadCheckpoint(request);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  ASSERT_TRUE(info->has_value());
  const client::CheckpointInfo& record = **info;
  EXPECT_EQ(record.path, client.CheckpointPath(request));
  EXPECT_EQ(record.upload_id, upload_id);
  EXPECT_EQ(record.part_size_bytes, kPartSize);
  ASSERT_EQ(record.parts.size(), 2u);  // the third part request was reset
  EXPECT_EQ(record.parts[0].number, 1);
  EXPECT_EQ(record.parts[1].number, 2);
  EXPECT_EQ(record.bytes_done(), 2 * kPartSize);
  const auto server_parts = server_->ListUploads().at(0).parts;
  ASSERT_EQ(server_parts.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(record.parts[i].etag, server_parts[i].etag);
    EXPECT_EQ(record.parts[i].size_bytes, server_parts[i].size);
    EXPECT_EQ(std::optional<uint64_t>(record.parts[i].crc64), server_parts[i].crc64);
  }
  EXPECT_EQ(record.file.size_bytes, 5 * kPartSize);
  EXPECT_NE(record.file.inode, 0u);
  EXPECT_TRUE(record.resumable);
  EXPECT_EQ(record.skipped_part_lines, 0);
  EXPECT_EQ(ReadFile(record.path), before);

  WriteFile("data.bin", 5 * kPartSize, /*seed=*/2);  // same size, new bytes and mtime
  auto changed = client.ReadCheckpoint(request);
  ASSERT_TRUE(changed.ok() && changed->has_value());
  EXPECT_FALSE((*changed)->resumable);
  EXPECT_EQ((*changed)->upload_id, upload_id);

  auto no_records = request;
  no_records.record_directory.clear();
  auto without = client.ReadCheckpoint(no_records);
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->has_value());
}

TEST_F(ResumeTest, ReadCheckpointRefusesATornHeader) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "torn-read.bin");
  FailOnce(client, request);
  TearHeader(client.CheckpointPath(request));
  auto info = client.ReadCheckpoint(request);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, protocol::client_codes::kInvalidResponse);
}

TEST_F(ResumeTest, ChangedFileStartsFreshAndAbortsTheOldUpload) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "changed.bin");
  const std::string old_upload = FailOnce(client, request);
  WriteFile("data.bin", 5 * kPartSize, /*seed=*/2);  // same size, new bytes
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->resumed);
  EXPECT_NE(result->upload_id, old_upload);
  EXPECT_EQ(result->parts_uploaded, 5);
  EXPECT_EQ(CountOk("AbortMultipartUpload"), 1);
  EXPECT_TRUE(server_->ListUploads().empty());
  EXPECT_TRUE(*client.GetObject(kBucket, "changed.bin") == ReadFile(file));
}

TEST_F(ResumeTest, CorruptRecordStartsFreshAndAbortsTheOldUpload) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "corrupt.bin");
  const std::string old_upload = FailOnce(client, request);
  const std::string record = client.CheckpointPath(request);
  std::string text = ReadFile(record);
  auto pos = text.find("\"bucket\":\"bucket\"");  // in the header line
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 17, "\"bucket\":\"other\"");
  std::ofstream(record, std::ios::binary | std::ios::trunc) << text;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->resumed);
  EXPECT_NE(result->upload_id, old_upload);
  EXPECT_EQ(CountOk("AbortMultipartUpload"), 1);
  EXPECT_TRUE(server_->ListUploads().empty());
  EXPECT_TRUE(*client.GetObject(kBucket, "corrupt.bin") == ReadFile(file));
}

TEST_F(ResumeTest, TornHeaderStartsFresh) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "torn.bin");
  FailOnce(client, request);
  TearHeader(client.CheckpointPath(request));
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->resumed);
  EXPECT_TRUE(*client.GetObject(kBucket, "torn.bin") == ReadFile(file));
}

TEST_F(ResumeTest, TornOrCorruptPartLinesStillResumeFromTheServersParts) {
  // A crash while a part line was appended tears the record's last line; the header still
  // names the upload, and ListParts says which parts are kept.
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "tornline.bin");
  const std::string upload_id = FailOnce(client, request);
  const std::string record = client.CheckpointPath(request);
  std::string text = ReadFile(record);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;  // header + 2 parts
  const size_t first_part = text.find('\n') + 1;
  text[first_part + 5] ^= 1;     // corrupt part line 1
  text.resize(text.size() - 7);  // tear part line 2
  std::ofstream(record, std::ios::binary | std::ios::trunc) << text;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->upload_id, upload_id);
  EXPECT_EQ(result->parts_skipped, 2);
  EXPECT_EQ(result->parts_uploaded, 4);
  EXPECT_EQ(Count("AbortMultipartUpload"), 0);
  EXPECT_TRUE(*client.GetObject(kBucket, "tornline.bin") == ReadFile(file));
}

TEST_F(ResumeTest, ResumeCompactsTheRecordToTheServersParts) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "compact.bin");
  FailOnce(client, request);
  const std::string record = client.CheckpointPath(request);
  // Duplicate part lines are dropped when the resume rewrites the record.
  std::string text = ReadFile(record);
  const size_t first_part = text.find('\n') + 1;
  const std::string part_line =
      text.substr(first_part, text.find('\n', first_part) + 1 - first_part);
  std::ofstream(record, std::ios::binary | std::ios::app) << part_line << part_line;
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart"},
                        "action":{"type":"error","status":500,"code":"InternalError"},
                        "times":"unlimited"}]})");
  auto no_retry = request;
  no_retry.retry_policy = client::RetryPolicy::NoRetry();
  ASSERT_FALSE(client.Upload(no_retry).ok());  // reconciled, then every part fails
  server_->ClearFaultPlans();
  text = ReadFile(record);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;  // header + 2 parts
  ASSERT_TRUE(client.Upload(request).ok());
}

TEST_F(ResumeTest, ChangedPartSizeRetiresTheOldRecordAndUpload) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "partsize.bin");
  const std::string old_record = client.CheckpointPath(request);
  FailOnce(client, request);
  request.part_size_bytes = 2 * kPartSize;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->parts_total, 3);
  EXPECT_FALSE(std::filesystem::exists(old_record));
  EXPECT_EQ(CountOk("AbortMultipartUpload"), 1);
  EXPECT_TRUE(server_->ListUploads().empty());
}

TEST_F(ResumeTest, ServerPartDifferingFromLocalBytesIsResent) {
  // The server's part 1 has the right size but other bytes (CRC differs): it is re-sent.
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 5 * kPartSize);
  auto request = MakeRequest(file, "differ.bin");
  FailOnce(client, request);
  // Same size and mtime are not enough: rewrite part 1's bytes, then restore the identity the
  // record knows (size, mtime) so only the CRC comparison can notice.
  auto before = std::filesystem::last_write_time(file);
  {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(10);
    f << "different bytes";
  }
  std::filesystem::last_write_time(file, before);
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->parts_skipped, 1);
  EXPECT_EQ(result->parts_uploaded, 4);
  EXPECT_TRUE(*client.GetObject(kBucket, "differ.bin") == ReadFile(file));
}

}  // namespace
}  // namespace ossup::testing
