// ResumableUploader: runs one UploadRequest to completion, failure or cancellation.
//
// Protocol notes (the traps this code exists for):
//  1. The server is the truth. A record only says which upload to continue; on resume the
//     parts are listed (all pages) and each listed part is kept only when its size is the
//     planned size AND its HashCrc64ecma equals the CRC-64 of the local bytes (MD5 vs ETag
//     when the server sends no CRC and the mode has MD5; size alone under kNone). Others are
//     re-sent.
//  2. Listed parts that cannot belong to this file (number past the plan, size above the
//     planned size) and NoSuchUpload anywhere mean the upload is lost: the record is removed
//     (and the upload aborted) and the result is kCannotResumeUpload, or a fresh upload when
//     LostUploadPolicy::kRestart.
//  3. Whenever a record is thrown away (corrupt, file changed, other part size), its upload
//     is aborted on the server first (best effort).
//  4. A record is written whole (atomically) right after Initiate and after a resume is
//     reconciled; every completed part is then appended to it as one durable line
//     (RecordFile), so a crash loses at most the parts in flight and a part costs O(1).
//  5. Failure is not cancel: on failure the record and the upload are kept. Only Cancel()
//     with delete_upload_id_on_cancelling aborts and removes the record. Without a record
//     directory nothing could ever resume a failed upload, so it is aborted (best effort,
//     bounded in time) before the original error is returned; Cancel() still keeps or
//     aborts it as asked.
//  6. A part is sent only after exactly its planned length was read (with Content-MD5 under
//     kMd5AndCrc64); the answer's CRC-64 (and ETag with MD5) must match, else the part is
//     sent again, at most checksum_resends more times in this run (SendUntilVerified). Under
//     kCrc64/kNone an unchecked wrong ETag surfaces as InvalidPart at Complete: the ETags are
//     then taken from ListParts (TakeListedETags) and Complete is sent once more.
//  7. Complete is sent once with every part in order. If its response is lost (transport
//     error, or NoSuchUpload because a retried Complete found it already done), HEAD the
//     object and accept it when its CRC-64 (else multipart ETag) matches the local one.
//     The same check runs on resume when the record lists every part and ListParts says
//     NoSuchUpload: a Complete that committed just before a crash is a success, not a loss.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cancel_token.h"
#include "checkpoint.h"
#include "oss_stub.h"
#include "ossup/client/upload_request.h"
#include "ossup/client/upload_task.h"
#include "ossup/protocol/mutex.h"
#include "part_plan.h"
#include "record_file.h"

namespace ossup::client::internal {

struct UploaderEnv {
  std::shared_ptr<OssStub> stub;  // the retrying stub
  /// Canonical endpoint text ("https://host:443"), part of the record's identity.
  std::string endpoint_id;
  RetryPolicy default_retry;
  /// Where the checkpoint record is written (ClientOptions::record_storage).
  std::shared_ptr<RecordStorage> record_storage;
};

/// The record path `request` uses under `endpoint_id`; "" without a record_directory, or
/// when the file cannot be sized (the effective part size depends on the file size).
std::string CheckpointPathFor(const std::string& endpoint_id, const UploadRequest& request);

class ResumableUploader {
 public:
  /// `cancel` must outlive Run().
  ResumableUploader(UploaderEnv env, UploadRequest request, const CancelToken* cancel);
  ~ResumableUploader();
  ResumableUploader(const ResumableUploader&) = delete;
  ResumableUploader& operator=(const ResumableUploader&) = delete;

  UploadOutcome Run();

 private:
  protocol::Status Prepare();
  UploadOutcome SimpleUpload();
  UploadOutcome MultipartOnce();
  void RetireOtherRecords();
  protocol::StatusOr<std::optional<CheckpointRecord>> LoadRecord();
  protocol::Status Reconcile(const CheckpointRecord& record);
  /// True when the record lists every part, the upload is gone and the object on the server
  /// is this file (HEAD, CRC-64): a Complete that committed before the last run ended.
  /// Sets completed_earlier_.
  bool CompletedEarlier(const CheckpointRecord& record);
  protocol::Status VerifyListedParts(const std::vector<protocol::PartInfo>& candidates);
  protocol::Status Initiate();
  protocol::Status UploadRemainingParts();
  protocol::Status UploadOnePart(int part_number, std::vector<char>& buffer);
  UploadOutcome Complete();
  /// Every part of `upload_id` the server lists (all pages).
  protocol::StatusOr<std::vector<protocol::PartInfo>> ListAllParts(const std::string& upload_id);
  /// After Complete answered InvalidPart: replaces each recorded ETag by the listed one of
  /// the same part when the listed size (and, unless IntegrityMode::kNone, CRC-64) match the
  /// recorded part, and rewrites the record. True when an ETag changed.
  protocol::StatusOr<bool> TakeListedETags();
  std::string CurrentUploadId();
  bool ObjectMatches(const ObjectMeta& meta, uint64_t combined_crc) const OSSUP_REQUIRES(mu_);
  /// Handles a lost upload per the policy: removes the record (aborting the upload when
  /// `abort` is set) and returns CannotResumeUpload, or arms a restart.
  protocol::Error LoseUpload(const std::string& why, bool abort);
  protocol::Error Cancelled();
  /// Rewrites the record whole: header and every part in done_.
  protocol::Status RewriteRecordLocked() OSSUP_REQUIRES(mu_);
  void AbortQuietly(const std::string& upload_id);
  /// Point 5: aborts the current upload after a failure when no record can resume it.
  void AbortUnresumable(const protocol::Error& error);
  void ReportProgressLocked(uint64_t bytes) OSSUP_REQUIRES(mu_);
  UploadResult BaseResult() const;

  UploaderEnv env_;
  UploadRequest request_;
  const CancelToken* cancel_;
  CallContext ctx_;

  std::string abs_path_;
  FileIdentity identity_;
  PartPlan plan_;
  std::unique_ptr<RecordFile> record_;  // path "" without a record_directory
  int fd_ = -1;
  bool restart_requested_ = false;
  std::optional<UploadResult> completed_earlier_;

  protocol::Mutex mu_;
  std::string upload_id_ OSSUP_GUARDED_BY(mu_);
  std::map<int, RecordedPart> done_ OSSUP_GUARDED_BY(mu_);
  uint64_t done_bytes_ OSSUP_GUARDED_BY(mu_) = 0;
  int parts_uploaded_ OSSUP_GUARDED_BY(mu_) = 0;
  int parts_skipped_ OSSUP_GUARDED_BY(mu_) = 0;
  uint64_t bytes_sent_ OSSUP_GUARDED_BY(mu_) = 0;
  uint64_t bytes_resent_ OSSUP_GUARDED_BY(mu_) = 0;
  bool resumed_ OSSUP_GUARDED_BY(mu_) = false;
};

}  // namespace ossup::client::internal
