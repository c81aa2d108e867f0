#include "checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

CheckpointRecord SampleRecord() {
  CheckpointRecord r;
  r.endpoint = "http://127.0.0.1:9000";
  r.bucket = "bucket";
  r.key = "dir/a b+c.bin";
  r.file_path = "/tmp/file.bin";
  r.part_size_bytes = 1 << 20;
  r.upload_id = "0004B9894A22E5B1888A1E29F823ABCD";
  r.file = {123456789, 1700000000123456789, 42, 2049};
  r.parts = {{1, 1 << 20, "\"7265F4D211B56873A381D321F586ABCD\"", 18446744073709551615ull},
             {3, 1 << 20, "\"8EFDA8BE206636A695359836FE0AABCD\"", 1}};
  return r;
}

TEST(CheckpointRecord, RoundTrips) {
  auto text = EncodeRecord(SampleRecord());
  auto decoded = DecodeRecord(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, SampleRecord());
}

TEST(CheckpointRecord, HoldsNoSecrets) {
  auto text = EncodeRecord(SampleRecord());
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_EQ(text.find("token"), std::string::npos);
  EXPECT_EQ(text.find("access"), std::string::npos);
}

TEST(CheckpointRecord, DetectsAnyEditThroughTheChecksum) {
  auto text = EncodeRecord(SampleRecord());
  auto pos = text.find("\"size\": 123456789");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 17, "\"size\": 123456780");
  std::string salvaged;
  auto decoded = DecodeRecord(text, &salvaged);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("checksum"), std::string::npos);
  EXPECT_EQ(salvaged, SampleRecord().upload_id);
}

TEST(CheckpointRecord, RejectsTruncatedAndGarbageText) {
  auto text = EncodeRecord(SampleRecord());
  EXPECT_FALSE(DecodeRecord(text.substr(0, text.size() / 2)).ok());
  EXPECT_FALSE(DecodeRecord("").ok());
  EXPECT_FALSE(DecodeRecord("[1,2,3]").ok());
  EXPECT_FALSE(DecodeRecord(std::string(100, '\0')).ok());
}

TEST(CheckpointRecord, NameDependsOnEveryIdentityField) {
  auto base = RecordFileName("e", "b", "k", "/f", 1024);
  EXPECT_NE(base, RecordFileName("e2", "b", "k", "/f", 1024));
  EXPECT_NE(base, RecordFileName("e", "b2", "k", "/f", 1024));
  EXPECT_NE(base, RecordFileName("e", "b", "k2", "/f", 1024));
  EXPECT_NE(base, RecordFileName("e", "b", "k", "/f2", 1024));
  EXPECT_NE(base, RecordFileName("e", "b", "k", "/f", 2048));
  EXPECT_TRUE(base.starts_with(RecordNamePrefix("e", "b", "k", "/f")));
  EXPECT_TRUE(base.ends_with(kRecordSuffix));
  // Field boundaries matter: ("ab","c") and ("a","bc") differ.
  EXPECT_NE(RecordFileName("e", "ab", "c", "/f", 1), RecordFileName("e", "a", "bc", "/f", 1));
}

class CheckpointFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ossup_cp_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(CheckpointFileTest, AtomicWriteReplacesContentAndLeavesNoTempFiles) {
  const std::string path = (dir_ / "record").string();
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  auto read = ReadWholeFile(path);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, "second");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(CheckpointFileTest, MissingFileReadsAsNullopt) {
  auto read = ReadWholeFile((dir_ / "absent").string());
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
}

TEST_F(CheckpointFileTest, AtomicWriteIntoMissingDirectoryIsIoError) {
  auto s = WriteFileAtomically((dir_ / "no" / "such" / "record").string(), "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, protocol::client_codes::kIoError);
}

TEST_F(CheckpointFileTest, StatFileSeesSizeAndMtimeChanges) {
  const std::string path = (dir_ / "data").string();
  { std::ofstream(path) << "hello"; }
  auto a = StatFile(path);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size_bytes, 5u);
  { std::ofstream(path, std::ios::app) << "!"; }
  auto b = StatFile(path);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(StatFile(dir_.string()).ok());  // a directory is not a regular file
}

}  // namespace
}  // namespace ossup::client::internal
