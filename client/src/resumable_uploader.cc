#include "resumable_uploader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "object_headers.h"
#include "ossup/protocol/errors.h"
#include "uploader_support.h"

namespace ossup::client::internal {
namespace {

namespace fs = std::filesystem;
using protocol::Error;

uint64_t SimpleThreshold(const UploadRequest& r) {
  return r.simple_upload_threshold_bytes.value_or(r.part_size_bytes);
}

bool IsRestart(const Error& e) { return e.code == kRestartMarker; }

/// How long a failed upload without a record may spend aborting itself.
constexpr std::chrono::milliseconds kUnresumableAbortBudget{10000};

}  // namespace

std::string CheckpointPathFor(const std::string& endpoint_id, const UploadRequest& request) {
  if (request.record_directory.empty()) return "";
  auto identity = StatFile(request.file_path);
  if (!identity.ok()) return "";
  auto plan = PlanParts(identity->size_bytes, request.part_size_bytes);
  if (!plan.ok()) return "";
  return (fs::path(request.record_directory) /
          RecordFileName(endpoint_id, request.bucket, request.key, AbsolutePath(request.file_path),
                         plan->part_size_bytes))
      .string();
}

ResumableUploader::ResumableUploader(UploaderEnv env, UploadRequest request,
                                     const CancelToken* cancel)
    : env_(std::move(env)),
      request_(std::move(request)),
      cancel_(cancel),
      record_(std::make_unique<RecordFile>(env_.record_storage, "")) {
  ctx_.cancel = cancel_;
  ctx_.retry = request_.retry_policy.value_or(env_.default_retry);
}

ResumableUploader::~ResumableUploader() {
  if (fd_ >= 0) ::close(fd_);
}

UploadOutcome ResumableUploader::Run() {
  if (auto s = Prepare(); !s.ok()) return s.error();
  if (identity_.size_bytes == 0 || identity_.size_bytes < SimpleThreshold(request_)) {
    return SimpleUpload();
  }
  for (int round = 0;; ++round) {
    restart_requested_ = false;
    UploadOutcome outcome = MultipartOnce();
    if (outcome.ok()) return outcome;
    if (!IsRestart(outcome.error())) {
      AbortUnresumable(outcome.error());
      return outcome;
    }
    if (round > 0) {
      return ClientError(protocol::client_codes::kCannotResumeUpload,
                         "the upload was lost again right after restarting it");
    }
  }
}

void ResumableUploader::AbortUnresumable(const Error& error) {
  // With a record the failure is resumable; a cancel has already done what was asked.
  if (!record_->path().empty() || error.code == protocol::client_codes::kCancelled) return;
  const std::string upload_id = CurrentUploadId();
  if (upload_id.empty()) return;
  // The failure may be a dead network: bound the attempt instead of waiting out timeouts.
  CancelToken deadline;
  CancelToken finished;
  std::thread timer([&] {
    if (!finished.WaitFor(kUnresumableAbortBudget)) deadline.Cancel();
  });
  CallContext ctx;
  ctx.cancel = &deadline;
  ctx.retry = ctx_.retry;
  ctx.retry.max_attempts = std::min(ctx.retry.max_attempts, 3);
  ctx.retry.max_elapsed = kUnresumableAbortBudget;
  (void)env_.stub->AbortMultipartUpload(ctx, request_.bucket, request_.key, upload_id);
  finished.Cancel();
  timer.join();
}

protocol::Status ResumableUploader::Prepare() {
  using protocol::client_codes::kInvalidRequest;
  if (auto s = protocol::ValidateBucketName(request_.bucket); !s.ok()) return s;
  if (auto s = protocol::ValidateObjectKey(request_.key); !s.ok()) return s;
  if (request_.parallelism < 1) return ClientError(kInvalidRequest, "parallelism must be >= 1");
  abs_path_ = AbsolutePath(request_.file_path);
  auto identity = StatFile(abs_path_);
  if (!identity.ok()) return identity.error();
  identity_ = *identity;
  fd_ = ::open(abs_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    return ClientError(protocol::client_codes::kIoError, "cannot open " + abs_path_);
  }
  auto plan = PlanParts(identity_.size_bytes, request_.part_size_bytes);
  if (!plan.ok()) return plan.error();
  plan_ = *plan;
  if (!request_.record_directory.empty()) {
    std::error_code ec;
    fs::create_directories(request_.record_directory, ec);
    if (ec) {
      return ClientError(
          protocol::client_codes::kIoError,
          "cannot create the record directory " + request_.record_directory + ": " + ec.message());
    }
    record_ = std::make_unique<RecordFile>(
        env_.record_storage, (fs::path(request_.record_directory) /
                              RecordFileName(env_.endpoint_id, request_.bucket, request_.key,
                                             abs_path_, plan_.part_size_bytes))
                                 .string());
  }
  return protocol::Status();
}

UploadResult ResumableUploader::BaseResult() const {
  UploadResult r;
  r.bucket = request_.bucket;
  r.key = request_.key;
  r.file_size_bytes = identity_.size_bytes;
  r.part_size_bytes = plan_.part_size_bytes;
  r.part_size_grown = plan_.grown;
  r.parts_total = plan_.part_count;
  return r;
}

Error ResumableUploader::Cancelled() {
  if (request_.delete_upload_id_on_cancelling) {
    const std::string upload_id = CurrentUploadId();
    if (!upload_id.empty()) AbortQuietly(upload_id);
    record_->Remove();
  }
  return ClientError(protocol::client_codes::kCancelled, "the upload was cancelled");
}

void ResumableUploader::AbortQuietly(const std::string& upload_id) {
  CallContext ctx;  // not cancellable: it runs after a cancel
  ctx.retry = ctx_.retry;
  ctx.retry.max_attempts = std::min(ctx.retry.max_attempts, 3);
  (void)env_.stub->AbortMultipartUpload(ctx, request_.bucket, request_.key, upload_id);
}

Error ResumableUploader::LoseUpload(const std::string& why, bool abort) {
  std::string upload_id;
  {
    protocol::MutexLock lock(mu_);
    upload_id = upload_id_;
    upload_id_.clear();
    done_.clear();
    done_bytes_ = 0;
    parts_skipped_ = 0;
  }
  if (abort && !upload_id.empty()) AbortQuietly(upload_id);
  record_->Remove();
  if (request_.lost_upload_policy == LostUploadPolicy::kRestart) {
    restart_requested_ = true;
    return ClientError(kRestartMarker, why);
  }
  Error e = ClientError(protocol::client_codes::kCannotResumeUpload,
                        "cannot resume upload " + upload_id + ": " + why +
                            "; the checkpoint record was removed, so the next request starts a "
                            "new upload");
  e.details.emplace_back("UploadId", upload_id);
  return e;
}

UploadOutcome ResumableUploader::MultipartOnce() {
  std::optional<CheckpointRecord> record;
  if (!record_->path().empty()) {
    RetireOtherRecords();
    auto loaded = LoadRecord();
    if (!loaded.ok()) return loaded.error();
    record = std::move(*loaded);
  }
  if (cancel_->cancelled()) return Cancelled();
  if (record) {
    if (auto s = Reconcile(*record); !s.ok()) return s.error();
    if (completed_earlier_) {
      record_->Remove();
      return *completed_earlier_;
    }
  } else {
    if (auto s = Initiate(); !s.ok()) return s.error();
  }
  if (auto s = UploadRemainingParts(); !s.ok()) return s.error();
  return Complete();
}

protocol::Status ResumableUploader::Initiate() {
  auto result = env_.stub->InitiateMultipartUpload(ctx_, request_.bucket, request_.key,
                                                   ObjectHeadersToWire(request_.object_headers));
  if (!result.ok()) {
    if (result.error().code == protocol::client_codes::kCancelled) return Cancelled();
    return result.error();
  }
  if (result->upload_id.empty()) {
    return ClientError(protocol::client_codes::kInvalidResponse,
                       "InitiateMultipartUpload returned no UploadId");
  }
  protocol::MutexLock lock(mu_);
  upload_id_ = result->upload_id;
  return RewriteRecordLocked();
}

protocol::Status ResumableUploader::RewriteRecordLocked() {
  if (record_->path().empty()) return protocol::Status();
  CheckpointRecord record;
  record.endpoint = env_.endpoint_id;
  record.bucket = request_.bucket;
  record.key = request_.key;
  record.file_path = abs_path_;
  record.part_size_bytes = plan_.part_size_bytes;
  record.upload_id = upload_id_;
  record.file = identity_;
  for (const auto& [number, part] : done_) record.parts.push_back(part);
  return record_->Rewrite(record);
}

std::string ResumableUploader::CurrentUploadId() {
  protocol::MutexLock lock(mu_);
  return upload_id_;
}

void ResumableUploader::ReportProgressLocked(uint64_t bytes) {
  if (request_.progress) request_.progress(bytes, done_bytes_, identity_.size_bytes);
}

}  // namespace ossup::client::internal
