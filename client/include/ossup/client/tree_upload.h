// TreeUploader: uploads every regular file under a local directory to oss://BUCKET/PREFIX,
// several files at once, each one as a resumable upload (client.h), and skips on a later run
// the files the server verifiably already holds.
//
// What one run does, in order:
//   1. Walks the directory (entries in byte order of their names) and selects the files
//      (TreePathSelected). Symlinks are reported and not followed unless `follow_symlinks`;
//      when followed, a link to a directory that is already being walked (an ancestor: a
//      loop) is a failure of that entry. Other non-regular files (FIFOs, sockets, devices)
//      are reported as skipped. An unreadable directory is a failure of that entry.
//   2. Reads the tree record (below) of (endpoint, bucket, prefix, directory), if any.
//   3. Uploads the files, `jobs` at a time, each with `file_request`'s part size, parallelism
//      and record directory: below the simple-upload threshold with one PutObject, otherwise
//      as a multipart upload with its own checkpoint, which a later run resumes.
//      A file is skipped instead, without being re-sent, when a tree record exists and HEAD
//      of its key shows an object whose size and x-oss-hash-crc64ecma equal the file's:
//      the file's CRC-64 comes from the record when the record lists the file with its
//      current size, mtime, inode and device, and is computed from the file otherwise. A
//      checkpoint such a file still has is stale: its upload is aborted (best effort) and the
//      checkpoint removed.
//   4. Appends one line to the tree record per file found or put on the server.
// A failure of one file (unreadable, rejected by the server, ...) is reported through
// `on_file` and in the summary, and does not stop the others.
//
// The tree record (one per (endpoint, bucket, prefix, directory), in file_request's
// record_directory; none when that is empty) is kept after the run, so an identical run
// later verifies and skips what is unchanged. It is written like a checkpoint record
// (docs/client.md): header by temp file, fsync, rename, directory fsync; then one checksummed
// line per file, each fsynced before the file counts as done. A crash can tear only the last
// line, which the next run ignores. It only ever lets a run skip a file after the server
// confirmed size and CRC-64 with HEAD.
//
// Thread-safety: Run() once per TreeUploader; Cancel() from any thread. The callbacks run on
// worker threads, one at a time (serialised), and must return quickly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/client/client.h"
#include "ossup/client/upload_request.h"
#include "ossup/client/upload_task.h"
#include "ossup/protocol/status.h"

namespace ossup::client {

/// True when `relative_path` ('/'-separated, relative to the tree's root) is selected: it
/// matches at least one `include` pattern (or `include` is empty) and no `exclude` pattern.
/// Exclude wins over include, whatever the order the patterns were given in. Patterns are
/// fnmatch(3) globs without FNM_PATHNAME, so `*` also matches '/': `*.log` selects every .log
/// file at any depth, `build/*` everything under build/.
bool TreePathSelected(const std::vector<std::string>& include,
                      const std::vector<std::string>& exclude, std::string_view relative_path);

/// What became of one entry of the tree.
enum class TreeFileResult {
  kUploaded,        // sent by this run (resumed from a checkpoint or not)
  kAlreadyThere,    // the server holds it (size and CRC-64 verified): not sent
  kSymlinkSkipped,  // a symlink, and follow_symlinks is off
  kNotRegular,      // a FIFO, socket or device: skipped
  kFailed,          // see `error`
  kCancelled,       // Cancel() stopped it; a later run resumes it
};
std::string_view TreeFileResultName(TreeFileResult result);

struct TreeFileEvent {
  /// Relative to the tree's root, '/'-separated.
  std::string relative_path;
  std::string key;
  TreeFileResult result = TreeFileResult::kUploaded;
  uint64_t size_bytes = 0;
  /// The object's CRC-64 (uploaded or already there).
  std::optional<uint64_t> crc64;
  /// kUploaded: what the file's upload reported.
  std::optional<UploadResult> upload;
  /// kFailed: why (client codes as in upload_task.h; kIoError for unreadable entries).
  std::optional<protocol::Error> error;
};

/// The tree's progress; `*_done` counts finished files of any result (and their bytes) plus
/// the bytes of files in flight that are safely on the server.
struct TreeProgress {
  int files_total = 0;
  int files_done = 0;
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
  /// Body bytes this run sent so far (retries included), for a transfer rate.
  uint64_t bytes_sent = 0;
};

struct TreeUploadRequest {
  /// Local directory to upload.
  std::string directory;
  std::string bucket;
  /// Keys are prefix + relative path. A non-empty prefix without a trailing '/' gets one.
  std::string prefix;
  /// The template of every file's upload: part size, parallelism, record directory (also
  /// where the tree record lives), cancel behaviour, retry policy, headers, integrity checks.
  /// Its bucket, key, file_path and progress are ignored.
  UploadRequest file_request;
  /// Files uploading at once, >= 1 (each with file_request.parallelism parts in flight).
  int jobs = 4;
  bool follow_symlinks = false;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  /// Once per entry, when its result is known.
  std::function<void(const TreeFileEvent&)> on_file;
  /// Whenever bytes or files are done.
  std::function<void(const TreeProgress&)> progress;
};

struct TreeUploadSummary {
  /// Every entry that did not make it (kFailed), sorted by relative path.
  std::vector<TreeFileEvent> failures;
  int files_total = 0;  // selected regular files (symlinks and special files not counted)
  int uploaded = 0;
  int already_there = 0;
  int skipped = 0;  // symlinks not followed and special files
  int cancelled = 0;
  uint64_t bytes_total = 0;
  uint64_t bytes_sent = 0;
  /// The tree record could not be written (the uploads went on; a later run re-verifies
  /// those files with HEAD and the local CRC-64 instead).
  std::optional<protocol::Error> record_error;

  bool all_done() const { return failures.empty() && cancelled == 0; }
};

class TreeUploader {
 public:
  TreeUploader(Client client, TreeUploadRequest request);
  ~TreeUploader();
  TreeUploader(const TreeUploader&) = delete;
  TreeUploader& operator=(const TreeUploader&) = delete;

  /// Runs the whole tree and returns once every file has a result. Errors, only for the
  /// tree as a whole, in order: InvalidRequest (jobs < 1, empty bucket); IoError (the
  /// directory cannot be read). Failures of single files are in the summary.
  protocol::StatusOr<TreeUploadSummary> Run();
  /// Stops starting files and cancels the uploads in flight (what happens to their
  /// checkpoints follows file_request.delete_upload_id_on_cancelling). Idempotent.
  void Cancel();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ossup::client
