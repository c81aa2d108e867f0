#include "store/blob.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support/temp_dir.h"
#include "test_support/test_client.h"

namespace ossup::fake {
namespace {

// Appends `data` in uneven chunks and returns the finished result.
BlobWriter::Result WriteInChunks(BlobWriter& writer, const std::string& data) {
  size_t chunk = 1;
  for (size_t at = 0; at < data.size(); chunk = chunk * 3 + 7) {
    size_t n = std::min(chunk, data.size() - at);
    EXPECT_TRUE(writer.Append(data.data() + at, n));
    at += n;
  }
  auto result = writer.Finish();
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(*result) : BlobWriter::Result{};
}

// The digests are the same whichever path computes them: inline (small or unannounced
// bodies), on the helper thread (large announced bodies), or the helper first and then inline
// when a body outgrows its announced length.
TEST(BlobWriterTest, DigestsMatchOnEveryPath) {
  BlobStore memory("");
  struct Case {
    size_t size;
    std::optional<uint64_t> announced;
  };
  for (Case c : {Case{0, 0}, Case{1000, 1000}, Case{(9u << 20) + 5, std::nullopt},
                 Case{(9u << 20) + 5, (9u << 20) + 5}, Case{(12u << 20) + 3, 9u << 20}}) {
    std::string data = testing::Payload(c.size, static_cast<uint32_t>(c.size));
    BlobWriter writer(memory, c.announced);
    auto result = WriteInChunks(writer, data);
    ASSERT_NE(result.blob, nullptr) << c.size;
    EXPECT_EQ(result.md5, protocol::Md5Of(data)) << c.size;
    EXPECT_EQ(result.crc64, protocol::Crc64(data)) << c.size;
    EXPECT_EQ(result.blob->bytes(), data) << c.size;
  }
}

// Room/Commit (what the connection writes into) gives the same bytes and digests as Append,
// in memory (announced, unannounced and outgrown lengths) and on disk.
TEST(BlobWriterTest, BytesWrittenInPlaceAreTheBody) {
  testing::TempDir temp;
  BlobStore disk(temp.path());
  ASSERT_TRUE(disk.Prepare().ok());
  BlobStore memory("");
  struct Case {
    const BlobStore* store;
    size_t size;
    std::optional<uint64_t> announced;
  };
  for (Case c :
       {Case{&memory, (9u << 20) + 5, (9u << 20) + 5}, Case{&memory, 300000, std::nullopt},
        Case{&memory, (3u << 20) + 1, 1u << 20}, Case{&disk, (2u << 20) + 9, std::nullopt}}) {
    const std::string data = testing::Payload(c.size, static_cast<uint32_t>(c.size));
    BlobWriter writer(*c.store, c.announced);
    size_t at = 0;
    for (size_t step = 1; at < data.size(); step = step * 5 + 3) {
      std::span<char> room = writer.Room();
      ASSERT_FALSE(room.empty());
      const size_t n = std::min({step, room.size(), data.size() - at});
      std::memcpy(room.data(), data.data() + at, n);
      ASSERT_TRUE(writer.Commit(n));
      at += n;
    }
    auto result = writer.Finish();
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->md5, protocol::Md5Of(data)) << c.size;
    EXPECT_EQ(result->crc64, protocol::Crc64(data)) << c.size;
    std::string stored;
    ASSERT_TRUE(result->blob->Read(0, result->blob->size(), [&](const char* bytes, size_t size) {
      stored.append(bytes, size);
      return true;
    }));
    EXPECT_EQ(stored, data) << c.size;
  }
}

// A writer dropped mid-body (the client went away) stops its helper and stores nothing.
TEST(BlobWriterTest, AbandonedLargeWriterStopsCleanly) {
  BlobStore memory("");
  std::string data = testing::Payload(4u << 20, 7);
  BlobWriter writer(memory, 16u << 20);
  EXPECT_TRUE(writer.Append(data.data(), data.size()));
  EXPECT_EQ(writer.size(), data.size());
}

// Disk mode keeps one live Blob per file: a reload (Open) shares the Blob a reader holds, a
// discarded file goes with its last reference, and DeleteUnreferenced (reset) spares live ones.
TEST(BlobStoreTest, OneLiveBlobPerFileAndNoFileDeletedWhileReferenced) {
  testing::TempDir temp;
  BlobStore store(temp.path());
  ASSERT_TRUE(store.Prepare().ok());
  BlobWriter writer(store, std::nullopt);
  const std::string data = testing::Payload(1000, 3);
  BlobPtr held = WriteInChunks(writer, data).blob;
  ASSERT_TRUE(held);
  const std::string path = store.blob_dir() + "/" + held->name();
  BlobPtr reloaded = store.Open(held->name());
  EXPECT_EQ(reloaded, held);

  std::filesystem::path stray = store.blob_dir() + "/stray.blob";
  std::ofstream(stray) << "no one refers to this";
  store.DeleteUnreferenced();
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_TRUE(std::filesystem::exists(path));

  reloaded->Discard();
  reloaded.reset();
  std::string read;
  EXPECT_TRUE(held->Read(0, held->size(), [&](const char* bytes, size_t size) {
    read.append(bytes, size);
    return true;
  }));
  EXPECT_EQ(read, data);
  held.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(store.Open(path.substr(path.rfind('/') + 1)), nullptr);
}

}  // namespace
}  // namespace ossup::fake
