// Blob: the immutable bytes of one part or simple object, held in memory or in a file.
//
// Blobs are shared (an in-flight GET keeps its object's blobs alive while a PUT replaces
// it). A disk blob's file is unlinked when the last reference goes, but only if the blob was
// Discard()ed: dropping in-memory state (a simulated restart) never deletes data. In disk mode
// there is at most one live Blob per file (BlobStore keeps a registry), so a reload shares the
// Blob an in-flight GET still reads, and a file is never deleted while any Blob names it: a GET
// in flight keeps its bytes whatever happens to the key (overwrite, delete, reset, restart).
//
// BlobWriter receives a body as it arrives, hashing MD5 and CRC64 incrementally, and turns
// it into a Blob only once the body is complete (fsync + rename on disk). An abandoned
// writer leaves nothing behind. In memory mode the body is written straight into the memory
// that keeps it (Room/Commit; a BodyBuffer, recycled through its pool). For large in-memory
// bodies of announced length, MD5 and CRC64 run on a helper thread behind the writer, so
// receiving and hashing overlap on two cores.
// Thread-safe for distinct objects; a Blob is read-only.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"
#include "store/body_buffer.h"

namespace ossup::fake {

class Blob;

// The live disk Blobs by file name. A Blob enters it when created and leaves it when destroyed.
class BlobRegistry {
 public:
  protocol::Mutex mu;
  std::unordered_map<std::string, std::weak_ptr<Blob>> live OSSUP_GUARDED_BY(mu);
};

class Blob {
 public:
  /// The first `size` bytes of `buffer`.
  static std::shared_ptr<Blob> InMemory(BodyBuffer buffer, uint64_t size);
  ~Blob();

  uint64_t size() const { return size_; }
  bool on_disk() const { return !path_.empty(); }
  /// File name within the blob directory ("" in memory).
  const std::string& name() const { return name_; }
  /// In-memory bytes. REQUIRES: !on_disk().
  std::string_view bytes() const { return {bytes_.data(), static_cast<size_t>(size_)}; }

  /// Calls `sink` with consecutive chunks of [offset, offset+length). Returns false when
  /// `sink` returns false or the file cannot be read.
  bool Read(uint64_t offset, uint64_t length,
            const std::function<bool(const char*, size_t)>& sink) const;

  /// Marks the data as deleted: the file goes away with the last reference.
  void Discard() { discarded_ = true; }

 private:
  friend class BlobStore;
  Blob() = default;
  BodyBuffer bytes_;
  /// Disk mode: the registry this Blob is entered in (it leaves it when destroyed).
  std::shared_ptr<BlobRegistry> registry_;
  std::string path_;
  std::string name_;
  uint64_t size_ = 0;
  std::atomic<bool> discarded_{false};
};

using BlobPtr = std::shared_ptr<Blob>;

/// Where blobs live: memory (empty dir) or `<data_dir>/blobs` with temp files in
/// `<data_dir>/tmp`.
class BlobStore {
 public:
  /// `data_dir` empty = memory.
  explicit BlobStore(std::string data_dir);
  bool on_disk() const { return !data_dir_.empty(); }
  const std::string& blob_dir() const { return blob_dir_; }
  const std::string& tmp_dir() const { return tmp_dir_; }
  /// Creates the directories and empties tmp/. Errors: InternalError.
  protocol::Status Prepare() const;
  /// A blob already stored on disk under `name` (the live Blob for it when there is one), or
  /// nullptr when the file is missing.
  BlobPtr Open(const std::string& name) const;
  /// A new Blob for the file `name` that is about to be created in the blob directory (entered
  /// in the registry first, so DeleteUnreferenced never takes the file). REQUIRES: on_disk().
  BlobPtr Adopt(const std::string& name, uint64_t size) const;
  /// Deletes every file in the blob directory that no live Blob names (Reset: the rest goes
  /// when its last reader or writer lets go, or is installed by a write still in flight).
  void DeleteUnreferenced() const;
  /// A fresh unique file name.
  std::string NewName() const;

 private:
  /// A new Blob for the file `name`, entered in the registry.
  BlobPtr EnterLive(const std::string& name, uint64_t size) const OSSUP_REQUIRES(registry_->mu);

  std::string data_dir_;
  std::shared_ptr<BlobRegistry> registry_;
  std::string blob_dir_;
  std::string tmp_dir_;
};

class DigestFollower;

class BlobWriter {
 public:
  /// `expected_size` (when known) lets memory mode allocate once.
  BlobWriter(const BlobStore& store, std::optional<uint64_t> expected_size);
  ~BlobWriter();  // abandons unless Finish() succeeded
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  /// Where the next body bytes may be written in place: at least one byte of room (in memory
  /// mode the rest of the buffer, which grows when full; on disk a scratch buffer). Valid until
  /// the next call.
  std::span<char> Room();
  /// The first `n` bytes of the last Room() are the body's next bytes. False on a write error
  /// (then failed() holds).
  bool Commit(size_t n);
  /// Copies `size` bytes in through Room and Commit. False on a write error.
  bool Append(const char* data, size_t size);
  uint64_t size() const { return size_; }
  /// True once the body could not be stored (disk full, file too large, ...).
  bool failed() const { return failed_; }

  struct Result {
    BlobPtr blob;
    protocol::Md5Digest md5{};
    uint64_t crc64 = 0;
  };
  /// Makes the blob durable and visible. Errors: 500 InternalError (retryable) when the body
  /// could not be stored, its message naming the cause (e.g. "No space left on device").
  /// REQUIRES: called once.
  protocol::StatusOr<Result> Finish();

 private:
  const BlobStore& store_;
  protocol::Md5 md5_;
  uint64_t crc64_ = 0;
  uint64_t size_ = 0;
  /// Memory mode: the body (size_ bytes of it so far). Disk mode: the scratch Room().
  BodyBuffer buffer_;
  int fd_ = -1;  // disk mode
  std::string tmp_path_;
  bool failed_ = false;
  int error_ = 0;  // errno of the failure
  bool finished_ = false;
  std::unique_ptr<DigestFollower> digest_follower_;  // memory mode, large bodies
  uint64_t published_ = 0;                           // bytes handed to digest_follower_
};

}  // namespace ossup::fake
