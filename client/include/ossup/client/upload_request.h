// What one resumable upload should do: which local file goes to which object, in what part
// size and parallelism, where its checkpoint record lives, and how it reacts to cancel,
// failures and a lost upload.
//
// Plain value; the client copies it when the upload starts. Callbacks are invoked from
// upload worker threads (one at a time per upload, never concurrently), with the upload's
// bookkeeping locked: while one runs, no other part of that upload can complete (its bytes
// keep flowing), so they must return quickly and must not call Wait() on their own task.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ossup/client/retry_policy.h"

namespace ossup::client {

/// Progress of one upload. `bytes_sent` is what this update added; `total_bytes_sent` counts
/// every byte of the file that is safely on the server (parts reconciled at resume
/// included), so it only grows and ends at `total_bytes_expected` (the file size) on
/// success.
using ProgressCallback = std::function<void(uint64_t bytes_sent, uint64_t total_bytes_sent,
                                            uint64_t total_bytes_expected)>;

/// Headers stored with the object (sent on InitiateMultipartUpload or PutObject).
struct ObjectHeaders {
  /// Empty = "application/octet-stream".
  std::string content_type;
  /// User metadata; names without the "x-oss-meta-" prefix (it is added).
  std::vector<std::pair<std::string, std::string>> metadata;
  /// "Standard", "IA", "Archive", ...; empty = the bucket's default.
  std::string storage_class;
  /// Sent as x-oss-forbid-overwrite on Initiate/Complete/Put when set.
  std::optional<bool> forbid_overwrite;
  /// Any other headers, sent verbatim on Initiate/PutObject (e.g. Cache-Control).
  std::vector<std::pair<std::string, std::string>> extra;
};

/// Upload callback (docs/protocol.md, "Upload callbacks"): JSON documents, base64-encoded into
/// x-oss-callback / x-oss-callback-var on Complete or PutObject.
struct UploadCallbackParams {
  std::string callback_json;
  std::string callback_var_json;  // optional
};

/// What to do when the server no longer knows a recorded upload (NoSuchUpload on ListParts,
/// UploadPart or Complete, or server parts that cannot belong to this file).
enum class LostUploadPolicy {
  /// Fail with client_codes::kCannotResumeUpload and remove the stale record, so the next
  /// identical request starts fresh. The default.
  kFail,
  /// Remove the record and start a new multipart upload at once.
  kRestart,
};

struct UploadRequest {
  std::string bucket;
  std::string key;
  /// Local regular file to upload.
  std::string file_path;

  /// Part size; at least protocol::limits::kMinPartSize (100 KiB). When the file would need
  /// more than 10,000 parts the client grows it (rounded up to 4 KiB) and reports the size
  /// used in UploadResult::part_size_bytes.
  uint64_t part_size_bytes = 1024 * 1024;
  /// Parts in flight at once, >= 1. Memory use is about parallelism x part_size_bytes.
  int parallelism = 4;

  /// Directory for the checkpoint record; created if missing. Empty = keep no record: a
  /// failed multipart upload cannot be resumed, so the client aborts it on the server (best
  /// effort, at most about 10 s) before returning the error, and the next request starts
  /// from scratch.
  std::string record_directory;
  /// On Cancel(): true = abort the upload on the server and remove the record; false = keep
  /// both so a later identical request resumes (without a record directory the upload is
  /// kept all the same, as asked). Failures never abort an upload that has a record,
  /// whatever this says.
  bool delete_upload_id_on_cancelling = true;
  LostUploadPolicy lost_upload_policy = LostUploadPolicy::kFail;

  ProgressCallback progress;
  /// Retry policy for every request of this upload; nullopt = the client's default.
  std::optional<RetryPolicy> retry_policy;

  ObjectHeaders object_headers;
  std::optional<UploadCallbackParams> callback;

  /// Check each part's and the object's x-oss-hash-crc64ecma against the local CRC-64.
  bool crc64_check = true;
  /// Files smaller than this are sent with one PutObject (no record, no resume).
  /// nullopt = part_size_bytes (a file that fits in one part goes up in one request).
  /// Empty files always use PutObject.
  std::optional<uint64_t> simple_upload_threshold_bytes;
};

}  // namespace ossup::client
