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
#include <string_view>
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

/// Which checksums an upload computes and compares. Every mode sends the same bytes; they
/// differ in what a corrupted body or a wrong answer is caught by. A part (or PutObject) whose
/// answer does not match is re-sent within the run (UploadRequest::checksum_resends); an
/// object whose CRC-64 in Complete's answer does not match is committed already, so that is
/// the error ChecksumMismatch (the record is removed with the spent upload id; calling again
/// uploads the file anew).
enum class IntegrityMode {
  /// The default. CRC-64 of every byte, no MD5 at all (no Content-MD5 header):
  ///  - each UploadPart / PutObject answer's x-oss-hash-crc64ecma == the part's CRC-64;
  ///  - Complete's x-oss-hash-crc64ecma == the CRC-64 combined from the parts;
  ///  - on resume a listed part is kept only when its size and HashCrc64ecma match the
  ///    local bytes (a listed part without a CRC-64 is re-sent);
  ///  - the HEAD after a lost Complete answer compares size and CRC-64.
  /// An answer without x-oss-hash-crc64ecma leaves that part unchecked (OSS always sends
  /// it). An answer's ETag cannot be checked without MD5: a wrong one is caught when
  /// Complete answers InvalidPart, and the ETags are then taken from ListParts (each listed
  /// part checked by size and CRC-64) and Complete is sent once more.
  kCrc64,
  /// kCrc64's checks plus MD5: Content-MD5 on every UploadPart and PutObject (the server
  /// rejects a body damaged in transit with InvalidDigest before storing it), each answer's
  /// ETag == the MD5 of what was sent, and a listed part without a CRC-64 compared by ETag.
  kMd5AndCrc64,
  /// UNSAFE: nothing is computed or compared, so the client cannot tell a stored object
  /// from a damaged one. Lost: Content-MD5 (a body damaged in transit is stored as is), every
  /// answer's CRC-64 and ETag check (parts, PutObject, the object after Complete), the
  /// content check of listed parts on resume (kept by size alone: a part the server holds
  /// with other bytes of the same size is kept), and the CRC-64 in the HEAD check after a
  /// lost Complete answer (size and multipart ETag from the answers instead).
  /// UploadResult::crc64 is 0. Only the file identity check (size, mtime, inode, device) and
  /// the part lengths remain.
  kNone,
};

/// "crc64", "md5+crc64", "none": the names the CLI (`--integrity`) and scenario files use.
std::string_view IntegrityModeName(IntegrityMode mode);
/// The mode `name` names (IntegrityModeName), nullopt for anything else.
std::optional<IntegrityMode> ParseIntegrityMode(std::string_view name);
/// Every mode, in declaration order.
const std::vector<IntegrityMode>& AllIntegrityModes();

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

  /// Which checksums the upload computes and compares (IntegrityMode).
  IntegrityMode integrity = IntegrityMode::kCrc64;
  /// How many more times, within this run, a part (or a PutObject) is sent when its answer's
  /// checksum does not match what was sent (IntegrityMode), before the upload fails with
  /// ChecksumMismatch. >= 0; each re-send gets the full retry_policy again. Default 2: at most
  /// 3 sends of one part per run. A PutObject with a callback (it would run again) or with
  /// object_headers.forbid_overwrite = true (the first one stored the object) is never re-sent.
  int checksum_resends = 2;
  /// Files smaller than this are sent with one PutObject (no record, no resume).
  /// nullopt = part_size_bytes (a file that fits in one part goes up in one request).
  /// Empty files always use PutObject.
  std::optional<uint64_t> simple_upload_threshold_bytes;
};

}  // namespace ossup::client
