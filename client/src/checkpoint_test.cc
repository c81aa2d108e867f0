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

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start + 1));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

TEST(CheckpointRecord, IsAHeaderLineThenOneLinePerPart) {
  auto lines = Lines(EncodeRecord(SampleRecord()));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("\"upload_id\""), std::string::npos);
  EXPECT_EQ(lines[1], EncodePartLine(SampleRecord().parts[0]));
  EXPECT_EQ(lines[2], EncodePartLine(SampleRecord().parts[1]));
  for (const auto& line : lines) EXPECT_TRUE(line.ends_with("\n"));
}

TEST(CheckpointRecord, AnEditedHeaderMakesTheRecordCorruptButNamesItsUpload) {
  auto text = EncodeRecord(SampleRecord());
  auto pos = text.find("\"size\":123456789");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 16, "\"size\":123456780");
  DecodeReport report;
  auto decoded = DecodeRecord(text, &report);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("checksum"), std::string::npos);
  EXPECT_EQ(report.salvaged_upload_id, SampleRecord().upload_id);
}

TEST(CheckpointRecord, RejectsATornHeaderAndGarbage) {
  auto text = EncodeRecord(SampleRecord());
  const size_t header_size = text.find('\n') + 1;
  EXPECT_FALSE(DecodeRecord(text.substr(0, header_size / 2)).ok());
  EXPECT_FALSE(DecodeRecord(text.substr(0, header_size - 1)).ok());
  EXPECT_TRUE(DecodeRecord(text.substr(0, header_size)).ok());
  EXPECT_FALSE(DecodeRecord("").ok());
  EXPECT_FALSE(DecodeRecord("[1,2,3]").ok());
  EXPECT_FALSE(DecodeRecord(std::string(100, '\0')).ok());
}

TEST(CheckpointRecord, AWholeFileJsonRecordOfTheOldFormatIsRejectedButNamesItsUpload) {
  DecodeReport report;
  auto decoded = DecodeRecord(
      "{\n \"format\": \"ossup-checkpoint-1\",\n \"upload_id\": \"OLD\",\n \"parts\": []\n}\n",
      &report);
  EXPECT_FALSE(decoded.ok());
  EXPECT_EQ(report.salvaged_upload_id, "OLD");
}

TEST(CheckpointRecord, ATornLastLineIsSkipped) {
  auto text = EncodeRecord(SampleRecord());
  for (size_t cut = 1; cut < EncodePartLine(SampleRecord().parts[1]).size(); ++cut) {
    DecodeReport report;
    auto decoded = DecodeRecord(text.substr(0, text.size() - cut), &report);
    ASSERT_TRUE(decoded.ok()) << "cut " << cut << ": " << decoded.error().ToString();
    ASSERT_EQ(decoded->parts.size(), 1u) << "cut " << cut;
    EXPECT_EQ(decoded->parts[0], SampleRecord().parts[0]);
    EXPECT_EQ(report.skipped_part_lines, 1) << "cut " << cut;
  }
}

TEST(CheckpointRecord, AnEditedPartLineIsSkippedAndTheRestKept) {
  auto text = EncodeRecord(SampleRecord());
  auto pos = text.find("\"number\":1");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 10, "\"number\":2");
  DecodeReport report;
  auto decoded = DecodeRecord(text, &report);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  ASSERT_EQ(decoded->parts.size(), 1u);
  EXPECT_EQ(decoded->parts[0].number, 3);
  EXPECT_EQ(report.skipped_part_lines, 1);
}

TEST(CheckpointRecord, DuplicatePartNumbersLastLineWins) {
  CheckpointRecord r = SampleRecord();
  RecordedPart again = r.parts[0];
  again.etag = "\"00000000000000000000000000000001\"";
  again.crc64 = 7;
  auto text = EncodeRecord(r) + EncodePartLine(again);
  auto decoded = DecodeRecord(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  ASSERT_EQ(decoded->parts.size(), 2u);
  EXPECT_EQ(decoded->parts[0], again);
  EXPECT_EQ(decoded->parts[1], r.parts[1]);
}

TEST(CheckpointRecord, AppendedPartsComeBackInPartOrder) {
  CheckpointRecord r = SampleRecord();
  r.parts.clear();
  std::string text = EncodeRecord(r);
  for (int number : {5, 2, 9, 1}) {
    text += EncodePartLine({number, 100, "\"E\"", static_cast<uint64_t>(number)});
  }
  auto decoded = DecodeRecord(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  std::vector<int> numbers;
  for (const auto& p : decoded->parts) numbers.push_back(p.number);
  EXPECT_EQ(numbers, (std::vector<int>{1, 2, 5, 9}));
}

TEST(CheckpointRecord, PartLinesWithImpossibleNumbersAreSkipped) {
  CheckpointRecord r = SampleRecord();
  r.parts.clear();
  std::string text = EncodeRecord(r) + EncodePartLine({0, 100, "\"E\"", 1}) +
                     EncodePartLine({10001, 100, "\"E\"", 1}) + EncodePartLine({4, 0, "\"E\"", 1}) +
                     "not a part line\n";
  DecodeReport report;
  auto decoded = DecodeRecord(text, &report);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_TRUE(decoded->parts.empty());
  EXPECT_EQ(report.skipped_part_lines, 4);
}

TEST(CheckpointRecord, SurvivesSpacesNewlinesAndQuotesInNames) {
  CheckpointRecord r = SampleRecord();
  r.key = "a \"key\"\nwith  spaces ";
  r.file_path = "/tmp/with space/and\ttab";
  auto decoded = DecodeRecord(EncodeRecord(r));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, r);
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
  ASSERT_TRUE(WriteFileAtomically(*PosixRecordStorage(), path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(*PosixRecordStorage(), path, "second").ok());
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
  auto s =
      WriteFileAtomically(*PosixRecordStorage(), (dir_ / "no" / "such" / "record").string(), "x");
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
