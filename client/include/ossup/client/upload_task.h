// The handle of one running upload and the result it produces.
//
// Ownership: an UploadTask is a movable handle to shared state; the upload keeps running if
// the handle is destroyed (it is then detached: the completion callback still fires).
// Thread-safety: Cancel(), Wait() and Done() may be called from any thread, concurrently.
// Errors: Wait() returns a typed protocol::Error; the code is an OSS code (AccessDenied,
// ...) or a client code from protocol::client_codes:
//   kCancelled          Cancel() was called;
//   kCannotResumeUpload the recorded upload is gone on the server, or its parts cannot
//                       belong to this file (the stale record has been removed);
//   kChecksumMismatch   a part's or the object's CRC-64/ETag differs from the local one;
//   kConnectionError    network failure after the retry budget (record and upload kept);
//   kIoError            the file could not be read or the record could not be written;
//   kInvalidRequest     the request is invalid (bad part size, parallelism < 1, ...);
//   CallbackFailed      (HTTP 203) the object was stored but the upload callback failed.
// Failures other than kCancelled keep the checkpoint record and the server upload, so an
// identical request resumes, except for failures found after CompleteMultipartUpload
// succeeded (the object's CRC-64 differs: kChecksumMismatch; CallbackFailed): the upload is
// then an object, nothing is left to resume, and the record has been deleted. Without a
// record_directory nothing could resume it, so the upload is aborted (best effort) and the original
// error returned. See upload_request.h for what Cancel() does to them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ossup/protocol/status.h"

namespace ossup::client {

struct UploadResult {
  std::string bucket;
  std::string key;
  /// The object's ETag as the server returned it (quotes included).
  std::string etag;
  /// CRC-64/XZ of the whole object (computed locally from the parts); 0 under
  /// IntegrityMode::kNone, which computes none.
  uint64_t crc64 = 0;
  /// Empty when the file went up with PutObject.
  std::string upload_id;
  uint64_t file_size_bytes = 0;
  /// The part size used; differs from the request when it was grown past 10,000 parts.
  uint64_t part_size_bytes = 0;
  bool part_size_grown = false;
  int parts_total = 0;
  /// Parts sent by this run, and parts found complete on the server at resume.
  int parts_uploaded = 0;
  int parts_skipped = 0;
  /// Request body bytes sent by this run (retries included).
  uint64_t bytes_sent = 0;
  /// Body bytes sent more than once by this run (retried parts).
  uint64_t bytes_resent = 0;
  /// A checkpoint record was found and the upload resumed from it.
  bool resumed = false;
  /// Complete's response was lost; the object was verified with HEAD instead.
  bool verified_by_head = false;
  /// Used PutObject instead of multipart.
  bool simple_upload = false;
  /// Body of the upload-callback server's response, when a callback was requested.
  std::string callback_body;
};

using UploadOutcome = protocol::StatusOr<UploadResult>;
using CompletionCallback = std::function<void(const UploadOutcome&)>;

class UploadTask {
 public:
  struct State;  // shared with the worker; defined in client/src
  explicit UploadTask(std::shared_ptr<State> state);
  UploadTask(UploadTask&&) noexcept = default;
  UploadTask& operator=(UploadTask&&) noexcept = default;
  ~UploadTask() = default;

  /// Requests cancellation of this upload only; in-flight requests are abandoned promptly.
  /// Idempotent; a no-op once the upload has finished.
  void Cancel();
  /// Blocks until the upload finishes. May be called more than once.
  const UploadOutcome& Wait();
  /// Waits at most `timeout`; true when the upload has finished.
  bool WaitFor(std::chrono::milliseconds timeout);
  bool Done() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ossup::client
