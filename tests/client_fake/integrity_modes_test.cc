// Each IntegrityMode against corrupted answers (fault plans on loopback): what it catches,
// that a caught part or PutObject is sent again within the run (counted on the fake's
// journal) up to UploadRequest::checksum_resends times, and that the object ends byte exact.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "fake_fixture.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

using client::IntegrityMode;
using protocol::client_codes::kChecksumMismatch;

class IntegrityModeTest : public ClientFakeTest,
                          public ::testing::WithParamInterface<IntegrityMode> {
 protected:
  bool ChecksCrc() const { return GetParam() != IntegrityMode::kNone; }

  /// Writes a `size`-byte file, installs a plan of the one fault `rule` (JSON) and prepares
  /// request_ (this mode, parallelism 1) to upload it as `key`; a test may change request_
  /// before Upload().
  void Prepare(uint64_t size, const std::string& key, const std::string& rule) {
    client_.emplace(MakeClient());
    file_ = WriteFile("data.bin", size);
    AddPlan(R"({"rules":[)" + rule + "]}");
    request_ = MakeRequest(file_, key);
    request_.integrity = GetParam();
    request_.parallelism = 1;
  }
  client::UploadOutcome Upload() { return client_->Upload(request_); }

  /// UploadPart requests (answered or not) for `part_number`.
  int PartSends(int part_number) const {
    int n = 0;
    for (const auto& e : server_->Journal()) {
      n += e.operation == ossup::protocol::Operation::kUploadPart && e.part_number == part_number
               ? 1
               : 0;
    }
    return n;
  }

  void ExpectObjectIsTheFile() {
    auto object = client_->GetObject(kBucket, request_.key);
    ASSERT_TRUE(object.ok()) << object.error().ToString();
    EXPECT_TRUE(*object == ReadFile(file_)) << request_.key << " differs from the file";
  }

  std::optional<client::Client> client_;
  std::string file_;
  client::UploadRequest request_;
};

TEST_P(IntegrityModeTest, ACorruptPartChecksumIsCaughtAndThePartSentAgainInTheRun) {
  Prepare(4 * kPartSize, "part.bin", R"({"match":{"op":"UploadPart","partNumber":2},
                  "action":{"type":"corrupt-checksum"},"times":1})");
  auto result = Upload();
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(PartSends(2), ChecksCrc() ? 2 : 1);
  EXPECT_EQ(Count("UploadPart"), ChecksCrc() ? 5 : 4);
  EXPECT_EQ(result->bytes_resent, ChecksCrc() ? kPartSize : 0);
  EXPECT_EQ(result->parts_uploaded, 4);
  EXPECT_EQ(result->crc64, ChecksCrc() ? protocol::Crc64(ReadFile(file_)) : 0);
  ExpectObjectIsTheFile();
}

TEST_P(IntegrityModeTest, APartWhoseChecksumKeepsMismatchingIsSentAtMostThreeTimes) {
  Prepare(3 * kPartSize, "stubborn.bin", R"({"match":{"op":"UploadPart","partNumber":2},
                  "action":{"type":"corrupt-checksum"},"times":"unlimited"})");
  auto result = Upload();
  if (!ChecksCrc()) {
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    EXPECT_EQ(PartSends(2), 1);
    return;
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kChecksumMismatch);
  EXPECT_NE(result.error().message.find("UploadPart 2"), std::string::npos);
  EXPECT_EQ(PartSends(2), 1 + request_.checksum_resends);
  EXPECT_EQ(Count("CompleteMultipartUpload"), 0);
  ASSERT_TRUE(std::filesystem::exists(client_->CheckpointPath(request_)));

  // The stored part was right all along: the resume checks it by size and CRC-64 and keeps it.
  server_->ClearFaultPlans();
  auto resumed = Upload();
  ASSERT_TRUE(resumed.ok()) << resumed.error().ToString();
  EXPECT_EQ(resumed->parts_skipped, 2);  // parts 1 and 2; part 3 was never sent (parallelism 1)
  EXPECT_EQ(PartSends(2), 1 + request_.checksum_resends);
  ExpectObjectIsTheFile();
}

TEST_P(IntegrityModeTest, NoResendsMeansTheFirstMismatchFails) {
  Prepare(2 * kPartSize, "once.bin", R"({"match":{"op":"UploadPart","partNumber":1},
                  "action":{"type":"corrupt-checksum"},"times":1})");
  request_.checksum_resends = 0;
  auto result = Upload();
  EXPECT_EQ(result.ok(), !ChecksCrc());
  EXPECT_EQ(PartSends(1), 1);
}

TEST_P(IntegrityModeTest, ACorruptPutObjectChecksumIsCaughtAndTheObjectSentAgain) {
  Prepare(1000, "small.bin", R"({"match":{"op":"PutObject"},
                  "action":{"type":"corrupt-checksum"},"times":1})");
  auto result = Upload();
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->simple_upload);
  EXPECT_EQ(Count("PutObject"), ChecksCrc() ? 2 : 1);
  EXPECT_EQ(result->bytes_resent, ChecksCrc() ? 1000u : 0u);
  ExpectObjectIsTheFile();
}

TEST_P(IntegrityModeTest, APutObjectThatKeepsMismatchingFailsAfterTheResends) {
  Prepare(1000, "small.bin", R"({"match":{"op":"PutObject"},
                  "action":{"type":"corrupt-checksum"},"times":"unlimited"})");
  auto result = Upload();
  EXPECT_EQ(result.ok(), !ChecksCrc());
  if (ChecksCrc()) {
    EXPECT_EQ(result.error().code, kChecksumMismatch);
  }
  EXPECT_EQ(Count("PutObject"), ChecksCrc() ? 1 + request_.checksum_resends : 1);
}

TEST_P(IntegrityModeTest, APutObjectForbiddenToOverwriteIsNotSentAgain) {
  // The first PutObject stored the object: a second one would meet FileAlreadyExists.
  Prepare(1000, "once.bin", R"({"match":{"op":"PutObject"},
                  "action":{"type":"corrupt-checksum"},"times":1})");
  request_.object_headers.forbid_overwrite = true;
  auto result = Upload();
  EXPECT_EQ(result.ok(), !ChecksCrc());
  if (ChecksCrc()) {
    EXPECT_EQ(result.error().code, kChecksumMismatch);
  }
  EXPECT_EQ(Count("PutObject"), 1);
  ExpectObjectIsTheFile();
}

TEST_P(IntegrityModeTest, ACorruptObjectChecksumOnCompleteIsATypedErrorAfterTheCommit) {
  Prepare(3 * kPartSize + 9, "complete.bin", R"({"match":{"op":"CompleteMultipartUpload"},
                  "action":{"type":"corrupt-checksum"},"times":1})");
  auto result = Upload();
  EXPECT_EQ(Count("CompleteMultipartUpload"), 1);
  // Committed either way: the upload id is spent and the record goes with it.
  EXPECT_FALSE(std::filesystem::exists(client_->CheckpointPath(request_)));
  ExpectObjectIsTheFile();
  if (!ChecksCrc()) {
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    return;
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, kChecksumMismatch);
  EXPECT_NE(result.error().message.find("object CRC-64"), std::string::npos);
  EXPECT_NE(result.error().message.find("stored"), std::string::npos);
  EXPECT_FALSE(result.error().request_id.empty());
}

TEST_P(IntegrityModeTest, AWrongPartETagIsResentWithMd5ElseReplacedByTheListedOne) {
  Prepare(3 * kPartSize, "etag.bin", R"({"match":{"op":"UploadPart","partNumber":2},
                  "action":{"type":"corrupt-etag"},"times":1})");
  auto result = Upload();
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  if (GetParam() == IntegrityMode::kMd5AndCrc64) {
    EXPECT_EQ(PartSends(2), 2);
    EXPECT_EQ(Count("CompleteMultipartUpload"), 1);
    EXPECT_EQ(Count("ListParts"), 0);
  } else {
    // No MD5 to compare with: Complete answers InvalidPart, the client lists the parts and
    // names the server's ETags (size and CRC-64 checked), and completes without re-sending.
    EXPECT_EQ(PartSends(2), 1);
    EXPECT_EQ(Count("CompleteMultipartUpload"), 2);
    EXPECT_EQ(CountOk("CompleteMultipartUpload"), 1);
    EXPECT_EQ(Count("ListParts"), 1);
  }
  ExpectObjectIsTheFile();
}

TEST_P(IntegrityModeTest, AResumeKeepsOnlyListedPartsItCanVerify) {
  // A part the server holds with other bytes of the same size: caught by CRC-64, kept by
  // kNone (which compares sizes only).
  Prepare(3 * kPartSize, "resume.bin", R"({"match":{"op":"CompleteMultipartUpload"},
                  "action":{"type":"error","status":403,"code":"AccessDenied"},"times":1})");
  ASSERT_FALSE(Upload().ok());
  auto other = WriteFile("other.bin", 3 * kPartSize, 99);
  auto info = client_->ReadCheckpoint(request_);
  ASSERT_TRUE(info.ok() && info->has_value());
  const std::string body = ReadFile(other).substr(kPartSize, kPartSize);
  ASSERT_TRUE(server_->PutPart((*info)->upload_id, 2, body).ok());

  auto resumed = Upload();
  if (ChecksCrc()) {
    ASSERT_TRUE(resumed.ok()) << resumed.error().ToString();
    EXPECT_EQ(resumed->parts_skipped, 2);
    EXPECT_EQ(PartSends(2), 2);
    ExpectObjectIsTheFile();
  } else {
    EXPECT_EQ(PartSends(2), 1);  // what kNone gives up: the damaged part is kept
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, IntegrityModeTest, ::testing::ValuesIn(client::AllIntegrityModes()),
                         [](const auto& info) {
                           switch (info.param) {
                             case IntegrityMode::kCrc64:
                               return std::string("Crc64");
                             case IntegrityMode::kMd5AndCrc64:
                               return std::string("Md5AndCrc64");
                             case IntegrityMode::kNone:
                               return std::string("None");
                           }
                           return std::string("Unknown");
                         });

}  // namespace
}  // namespace ossup::testing
