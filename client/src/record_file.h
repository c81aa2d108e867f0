// RecordFile: the checkpoint record of one running upload on disk (format in checkpoint.h),
// or any other record made of a header and appended lines (the tree record, tree_record.h).
//
// Every file operation goes through a RecordStorage (real syscalls in production).
// Cost: Rewrite() writes the whole record (temp file, fsync, rename, directory fsync); it runs
// when the upload starts and after a resume is reconciled, which also compacts the part
// lines. Append() adds one completed part as one line: a small write plus a sync, so a
// part costs O(1) whatever the number of parts. Appends that arrive while another append's
// sync is in flight are written and synced together by the next one (group commit).
// Durability: each call returns only once its data is on disk (or with an IoError). A crash
// during an append can tear only the last line, which decoding skips. A record file deleted or
// replaced while the upload runs (say, the record directory was cleaned) is noticed at the
// next append and written again whole, directory included, from a copy kept in memory (about
// 100 bytes per part).
// Thread-safety: Append() may be called from many threads at once. Rewrite() and Remove()
// must not run concurrently with Append().
// A RecordFile with an empty path keeps no record: every call succeeds and does nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "checkpoint.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

class RecordFile {
 public:
  /// Writes through `storage` (ossup/client/record_storage.h).
  RecordFile(std::shared_ptr<RecordStorage> storage, std::string path);
  ~RecordFile();
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  const std::string& path() const { return path_; }

  /// Atomically replaces the record with `record` (header and parts) and opens it for
  /// appending. Clears an earlier append failure.
  protocol::Status Rewrite(const CheckpointRecord& record);
  /// Rewrite() with the record's whole text given.
  protocol::Status RewriteText(std::string contents);
  /// Appends one part line and returns once it is durable. REQUIRES: a successful Rewrite()
  /// since construction or Remove(). After a failed append every later one fails too, until
  /// the next Rewrite().
  protocol::Status Append(const RecordedPart& part);
  /// Append() of one encoded line ('\n' included).
  protocol::Status AppendLine(std::string line);
  /// Closes the record and deletes the file; a missing file is fine.
  void Remove();

 private:
  void CloseLocked() OSSUP_REQUIRES(mu_);
  /// Writes contents_ atomically to path_ and opens it for appending.
  protocol::Status WriteAndOpenLocked() OSSUP_REQUIRES(mu_);
  /// After an append: when the open file is no longer linked at any path, WriteAndOpenLocked().
  protocol::Status RestoreIfRemovedLocked() OSSUP_REQUIRES(mu_);

  const std::shared_ptr<RecordStorage> storage_;
  const std::string path_;
  protocol::Mutex mu_;
  protocol::CondVar synced_;
  std::optional<RecordStorage::Handle> fd_ OSSUP_GUARDED_BY(mu_);
  // What the file holds once every durable append is in.
  std::string contents_ OSSUP_GUARDED_BY(mu_);
  std::string pending_ OSSUP_GUARDED_BY(mu_);   // lines queued for the next write
  uint64_t queued_ OSSUP_GUARDED_BY(mu_) = 0;   // lines queued since the last Rewrite()
  uint64_t durable_ OSSUP_GUARDED_BY(mu_) = 0;  // the first `durable_` of them are on disk
  // A write + fdatasync is in flight (outside the lock).
  bool syncing_ OSSUP_GUARDED_BY(mu_) = false;
  std::optional<protocol::Error> failed_ OSSUP_GUARDED_BY(mu_);
};

}  // namespace ossup::client::internal
