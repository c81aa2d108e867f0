// RecordStorage: the file operations the checkpoint record is written with, behind a small
// interface so that a test can simulate a power loss. Production uses PosixRecordStorage()
// (real syscalls); ClientOptions::record_storage picks another.
//
// How the client uses it (the order is the crash-safety contract of docs/client.md):
//   header (Initiate, resume):  Create(tmp), Write(tmp)..., Sync(tmp), Close(tmp),
//                               Rename(tmp, record), SyncDirectory(dir), OpenForAppend(record)
//   each finished part:         Write(record) of one line, Sync(record)
//   record gone behind its back: Linked(record) false => the header sequence again
//   success, cancel-with-delete, cannot-resume, retired records: Remove(record)
// Reading a record does not go through it: it reads the file system.
//
// Errors: IoError-coded protocol::Error naming the path and the reason.
// Thread-safety: implementations must allow calls from several threads (the client
// serialises the calls on one record, but records of different uploads are independent).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"

namespace ossup::client {

class RecordStorage {
 public:
  using Handle = int;
  virtual ~RecordStorage() = default;
  /// Creates `path` (mode 0600), or truncates it, and opens it for writing.
  virtual protocol::StatusOr<Handle> Create(const std::string& path) = 0;
  /// Opens the existing `path` for appending.
  virtual protocol::StatusOr<Handle> OpenForAppend(const std::string& path) = 0;
  /// Writes all of `data` after what was written before.
  virtual protocol::Status Write(Handle handle, std::string_view data) = 0;
  /// Makes the data written so far durable (fsync / fdatasync); not the file's name.
  virtual protocol::Status Sync(Handle handle) = 0;
  virtual void Close(Handle handle) = 0;
  /// Whether the open file still has a name in the file system (st_nlink > 0).
  virtual protocol::StatusOr<bool> Linked(Handle handle) = 0;
  /// rename(2): atomically replaces `to`; durable once `to`'s directory is synced.
  virtual protocol::Status Rename(const std::string& from, const std::string& to) = 0;
  /// fsync of the directory: makes its names (creations, renames, removals) durable.
  virtual protocol::Status SyncDirectory(const std::string& directory) = 0;
  /// unlink(2); a missing file is fine.
  virtual void Remove(const std::string& path) = 0;
};

/// The real file system: open/write/fsync/fdatasync/rename/unlink. Shared, stateless.
std::shared_ptr<RecordStorage> PosixRecordStorage();

/// A test double over PosixRecordStorage that remembers what is durable and can lose the rest:
/// every operation also happens on disk at once, and PowerLoss() turns the disk back into
/// what a machine that lost power at that moment would show. Strict model: a file's data is
/// durable only up to its last Sync(); a name (create, rename, remove) only once its
/// directory was synced; a truncation only with the file's next Sync(). Only paths it has
/// touched are tracked.
class PowerLossRecordStorage final : public RecordStorage {
 public:
  PowerLossRecordStorage();

  protocol::StatusOr<Handle> Create(const std::string& path) override;
  protocol::StatusOr<Handle> OpenForAppend(const std::string& path) override;
  protocol::Status Write(Handle handle, std::string_view data) override;
  protocol::Status Sync(Handle handle) override;
  void Close(Handle handle) override;
  protocol::StatusOr<bool> Linked(Handle handle) override;
  protocol::Status Rename(const std::string& from, const std::string& to) override;
  protocol::Status SyncDirectory(const std::string& directory) override;
  void Remove(const std::string& path) override;

  /// The power goes: open handles are closed (later use fails), and every tracked path on
  /// disk is rewritten to its durable state (or removed). Then the power comes back: later
  /// operations work again, and CrashAfter is cleared.
  void PowerLoss();
  /// The machine dies after `operations` more operations: later ones fail with IoError and
  /// do nothing, until PowerLoss().
  void CrashAfter(uint64_t operations);
  /// Every operation that ran, in order: "create P", "open-append P", "write P", "sync P",
  /// "close P", "rename F T", "sync-dir D", "remove P".
  std::vector<std::string> Log() const;

 private:
  struct Inode {
    std::string now;     // what the file holds
    std::string synced;  // what survives a power loss
  };
  struct Open {
    int inode = 0;
    std::string path;
  };
  /// Starts tracking `path` with what is on disk (durable as it is).
  void TrackLocked(const std::string& path) OSSUP_REQUIRES(mu_);
  /// False (and counts nothing) once the machine is dead.
  bool AliveLocked(const std::string& entry) OSSUP_REQUIRES(mu_);

  std::shared_ptr<RecordStorage> disk_;
  mutable protocol::Mutex mu_;
  std::map<int, Inode> inodes_ OSSUP_GUARDED_BY(mu_);
  int next_inode_ OSSUP_GUARDED_BY(mu_) = 1;
  // path -> inode, as the disk is now
  std::map<std::string, int> names_ OSSUP_GUARDED_BY(mu_);
  // path -> inode after a power loss
  std::map<std::string, std::optional<int>> durable_ OSSUP_GUARDED_BY(mu_);
  std::map<Handle, Open> open_ OSSUP_GUARDED_BY(mu_);
  std::optional<uint64_t> crash_after_ OSSUP_GUARDED_BY(mu_);
  std::vector<std::string> log_ OSSUP_GUARDED_BY(mu_);
};

}  // namespace ossup::client
