#include "ossup/client/record_storage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checkpoint.h"
#include "record_file.h"

namespace ossup::client::internal {
namespace {

namespace fs = std::filesystem;

class RecordStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("ossup_storage_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Read(const fs::path& path) const {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  int Files() const {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }
  static std::string Base(const std::string& entry) {
    // "rename /d/x.tmp.1.2 /d/x" -> "rename tmp record": what the order test compares.
    std::string out;
    size_t start = 0;
    while (start < entry.size()) {
      size_t end = entry.find(' ', start);
      if (end == std::string::npos) end = entry.size();
      std::string word = entry.substr(start, end - start);
      if (!out.empty()) out += ' ';
      if (start == 0) {
        out += word;
      } else {
        const std::string name = fs::path(word).filename().string();
        out += name.find(".tmp.") != std::string::npos ? "tmp"
               : name == "record"                      ? "record"
                                                       : "dir";
      }
      start = end + 1;
    }
    return out;
  }

  fs::path dir_;
};

CheckpointRecord Record(int parts) {
  CheckpointRecord r;
  r.endpoint = "http://127.0.0.1:1";
  r.bucket = "b";
  r.key = "k";
  r.file_path = "/f";
  r.part_size_bytes = 102400;
  r.upload_id = "U";
  r.file = {3 * 102400, 1, 2, 3};
  for (int n = 1; n <= parts; ++n) r.parts.push_back({n, 102400, "\"E\"", 7});
  return r;
}

TEST_F(RecordStorageTest, AtomicWriteIsWriteSyncRenameThenDirectorySync) {
  PowerLossRecordStorage storage;
  ASSERT_TRUE(WriteFileAtomically(storage, (dir_ / "record").string(), "header\n").ok());
  std::vector<std::string> order;
  for (const auto& entry : storage.Log()) order.push_back(Base(entry));
  EXPECT_EQ(order, (std::vector<std::string>{"create tmp", "write tmp", "sync tmp", "close tmp",
                                             "rename tmp record", "sync-dir dir"}));
}

TEST_F(RecordStorageTest, UnsyncedDataAndNamesAreLostWithThePower) {
  PowerLossRecordStorage storage;
  const std::string synced = (dir_ / "synced").string();
  const std::string unsynced_name = (dir_ / "unsynced-name").string();
  auto a = storage.Create(synced);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(storage.Write(*a, "kept").ok());
  ASSERT_TRUE(storage.Sync(*a).ok());
  ASSERT_TRUE(storage.SyncDirectory(dir_.string()).ok());
  ASSERT_TRUE(storage.Write(*a, " lost").ok());
  auto b = storage.Create(unsynced_name);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(storage.Write(*b, "data synced, name not").ok());
  ASSERT_TRUE(storage.Sync(*b).ok());
  EXPECT_EQ(Read(synced), "kept lost");
  storage.PowerLoss();
  EXPECT_EQ(Read(synced), "kept");
  EXPECT_FALSE(fs::exists(unsynced_name));
  EXPECT_FALSE(storage.Write(*a, "x").ok()) << "handles die with the power";
}

// Crash after every operation of an atomic rewrite: what survives is the old record or the
// new one, whole, never a torn or missing one, and no temp file.
TEST_F(RecordStorageTest, AtomicWriteSurvivesAPowerLossAtEveryPoint) {
  const std::string path = (dir_ / "record").string();
  const std::string old_text = EncodeRecord(Record(1));
  const std::string new_text = EncodeRecord(Record(2));
  for (uint64_t crash = 0; crash <= 6; ++crash) {
    SCOPED_TRACE("crash after " + std::to_string(crash) + " operation(s)");
    PowerLossRecordStorage storage;
    ASSERT_TRUE(WriteFileAtomically(storage, path, old_text).ok());
    storage.CrashAfter(crash);
    const bool written = WriteFileAtomically(storage, path, new_text).ok();
    storage.PowerLoss();
    const std::string survived = Read(path);
    EXPECT_TRUE(survived == old_text || survived == new_text) << survived;
    if (written) {
      EXPECT_EQ(survived, new_text) << "acknowledged, then lost";
    }
    EXPECT_EQ(Files(), 1);
    auto decoded = DecodeRecord(survived);
    EXPECT_TRUE(decoded.ok());
  }
}

// Every part an Append acknowledged is still in the record after a power loss.
TEST_F(RecordStorageTest, AppendedPartsSurviveAPowerLoss) {
  auto storage = std::make_shared<PowerLossRecordStorage>();
  const std::string path = (dir_ / "record").string();
  {
    RecordFile file(storage, path);
    ASSERT_TRUE(file.Rewrite(Record(0)).ok());
    for (int n = 1; n <= 3; ++n) ASSERT_TRUE(file.Append({n, 102400, "\"E\"", 7}).ok());
    storage->PowerLoss();
  }
  auto decoded = DecodeRecord(Read(path));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->parts.size(), 3u);
}

// A crash in the middle of appends loses at most the parts not yet acknowledged.
TEST_F(RecordStorageTest, ACrashDuringAppendsKeepsEveryAcknowledgedPart) {
  for (uint64_t crash = 0; crash <= 4; ++crash) {
    SCOPED_TRACE("crash after " + std::to_string(crash) + " more operation(s)");
    auto storage = std::make_shared<PowerLossRecordStorage>();
    const std::string path = (dir_ / "record").string();
    int acknowledged = 0;
    {
      RecordFile file(storage, path);
      ASSERT_TRUE(file.Rewrite(Record(0)).ok());
      storage->CrashAfter(crash);
      for (int n = 1; n <= 3; ++n) {
        if (!file.Append({n, 102400, "\"E\"", 7}).ok()) break;
        acknowledged = n;
      }
      storage->PowerLoss();
    }
    auto decoded = DecodeRecord(Read(path));
    ASSERT_TRUE(decoded.ok());
    EXPECT_GE(static_cast<int>(decoded->parts.size()), acknowledged);
  }
}

}  // namespace
}  // namespace ossup::client::internal
