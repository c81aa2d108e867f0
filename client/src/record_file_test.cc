#include "record_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

CheckpointRecord Header() {
  CheckpointRecord r;
  r.endpoint = "http://127.0.0.1:9000";
  r.bucket = "bucket";
  r.key = "key";
  r.file_path = "/tmp/file.bin";
  r.part_size_bytes = 1 << 20;
  r.upload_id = "UPLOAD";
  r.file = {10 << 20, 1, 2, 3};
  return r;
}

RecordedPart Part(int number) {
  return {number, 1 << 20, "\"" + std::string(31, 'A') + std::to_string(number % 10) + "\"",
          static_cast<uint64_t>(number) * 7919};
}

class RecordFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ossup_record_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "record.ossup-cp").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CheckpointRecord Load() {
    auto text = ReadWholeFile(path_);
    EXPECT_TRUE(text.ok() && text->has_value());
    if (!text.ok() || !text->has_value()) return {};
    auto record = DecodeRecord(**text);
    EXPECT_TRUE(record.ok()) << record.error().ToString();
    return record.ok() ? *record : CheckpointRecord{};
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(RecordFileTest, AppendedPartsAreReadBackWithTheHeader) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  ASSERT_TRUE(file.Append(Part(2)).ok());
  ASSERT_TRUE(file.Append(Part(1)).ok());
  CheckpointRecord expected = Header();
  expected.parts = {Part(1), Part(2)};
  EXPECT_EQ(Load(), expected);
}

TEST_F(RecordFileTest, AnAppendWritesOnlyItsOwnLine) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  uint64_t size = std::filesystem::file_size(path_);
  for (int n = 1; n <= 50; ++n) {
    ASSERT_TRUE(file.Append(Part(n)).ok());
    const uint64_t now = std::filesystem::file_size(path_);
    EXPECT_EQ(now - size, EncodePartLine(Part(n)).size()) << "part " << n;
    size = now;
  }
}

TEST_F(RecordFileTest, ConcurrentAppendsAllLand) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!file.Append(Part(t * kPerThread + i + 1)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  CheckpointRecord expected = Header();
  for (int n = 1; n <= kThreads * kPerThread; ++n) expected.parts.push_back(Part(n));
  EXPECT_EQ(Load(), expected);
}

TEST_F(RecordFileTest, RewriteCompactsAndAppendsContinueAfterIt) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  for (int n = 1; n <= 5; ++n) ASSERT_TRUE(file.Append(Part(n)).ok());
  ASSERT_TRUE(file.Append(Part(3)).ok());  // a duplicate line
  CheckpointRecord compacted = Header();
  compacted.parts = {Part(1), Part(2)};
  ASSERT_TRUE(file.Rewrite(compacted).ok());
  EXPECT_EQ(Load(), compacted);
  EXPECT_EQ(std::filesystem::file_size(path_), EncodeRecord(compacted).size());
  ASSERT_TRUE(file.Append(Part(4)).ok());
  compacted.parts.push_back(Part(4));
  EXPECT_EQ(Load(), compacted);
}

TEST_F(RecordFileTest, RemoveDeletesTheFileAndLaterAppendsFail) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  file.Remove();
  EXPECT_FALSE(std::filesystem::exists(path_));
  auto s = file.Append(Part(1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, protocol::client_codes::kIoError);
  EXPECT_FALSE(std::filesystem::exists(path_));
  file.Remove();  // twice is fine
}

// Someone cleans the record directory mid-upload: the next append writes the whole record again,
// so a crash afterwards can still resume.
TEST_F(RecordFileTest, ARecordDeletedDuringTheUploadIsWrittenAgain) {
  RecordFile file(PosixRecordStorage(), path_);
  ASSERT_TRUE(file.Rewrite(Header()).ok());
  ASSERT_TRUE(file.Append(Part(1)).ok());
  std::filesystem::remove(path_);
  ASSERT_TRUE(file.Append(Part(2)).ok());
  CheckpointRecord expected = Header();
  expected.parts = {Part(1), Part(2)};
  EXPECT_EQ(Load(), expected);

  std::filesystem::remove_all(dir_);  // the directory too
  ASSERT_TRUE(file.Append(Part(3)).ok());
  expected.parts.push_back(Part(3));
  EXPECT_EQ(Load(), expected);

  // Replaced by another file: ours is written back over it.
  ASSERT_TRUE(WriteFileAtomically(*PosixRecordStorage(), path_, "not a record\n").ok());
  ASSERT_TRUE(file.Append(Part(4)).ok());
  expected.parts.push_back(Part(4));
  EXPECT_EQ(Load(), expected);
  // Appends continue in the restored file, one line each.
  const uint64_t size = std::filesystem::file_size(path_);
  ASSERT_TRUE(file.Append(Part(5)).ok());
  EXPECT_EQ(std::filesystem::file_size(path_) - size, EncodePartLine(Part(5)).size());
}

TEST_F(RecordFileTest, RewriteIntoAMissingDirectoryIsIoError) {
  RecordFile file(PosixRecordStorage(), (dir_ / "no" / "such" / "record").string());
  auto s = file.Rewrite(Header());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, protocol::client_codes::kIoError);
  EXPECT_FALSE(file.Append(Part(1)).ok());
}

TEST_F(RecordFileTest, AnEmptyPathKeepsNoRecord) {
  RecordFile file(PosixRecordStorage(), "");
  EXPECT_TRUE(file.Rewrite(Header()).ok());
  EXPECT_TRUE(file.Append(Part(1)).ok());
  file.Remove();
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

}  // namespace
}  // namespace ossup::client::internal
