#include "resumable_uploader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "object_headers.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "part_io.h"

namespace ossup::client::internal {
namespace {

namespace fs = std::filesystem;
using protocol::Error;

Error ClientError(std::string_view code, std::string message) {
  Error e;
  e.code = std::string(code);
  e.message = std::move(message);
  return e;
}

/// Marks an error that only asks MultipartOnce's caller to start over.
constexpr std::string_view kRestartMarker = "ossup-internal-restart";

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto abs = fs::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

uint64_t SimpleThreshold(const UploadRequest& r) {
  return r.simple_upload_threshold_bytes.value_or(r.part_size_bytes);
}

bool IsRestart(const Error& e) { return e.code == kRestartMarker; }

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
    : env_(std::move(env)), request_(std::move(request)), cancel_(cancel) {
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
    if (outcome.ok() || !IsRestart(outcome.error())) return outcome;
    if (round > 0) {
      return ClientError(protocol::client_codes::kCannotResumeUpload,
                         "the upload was lost again right after restarting it");
    }
  }
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
    record_path_ = (fs::path(request_.record_directory) /
                    RecordFileName(env_.endpoint_id, request_.bucket, request_.key, abs_path_,
                                   plan_.part_size_bytes))
                       .string();
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
    std::string upload_id;
    {
      std::lock_guard lock(mu_);
      upload_id = upload_id_;
    }
    if (!upload_id.empty()) AbortQuietly(upload_id);
    RemoveFile(record_path_);
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
    std::lock_guard lock(mu_);
    upload_id = upload_id_;
    upload_id_.clear();
    done_.clear();
    done_bytes_ = 0;
    parts_skipped_ = 0;
  }
  if (abort && !upload_id.empty()) AbortQuietly(upload_id);
  RemoveFile(record_path_);
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

UploadOutcome ResumableUploader::SimpleUpload() {
  std::vector<char> buffer;
  if (auto s = ReadExactly(fd_, 0, identity_.size_bytes, buffer); !s.ok()) return s.error();
  PartDigest digest = Fingerprint(buffer);
  PutObjectArgs args;
  args.bucket = request_.bucket;
  args.key = request_.key;
  args.body = buffer;
  args.content_md5 = digest.ContentMd5();
  args.headers = ObjectHeadersToWire(request_.object_headers);
  AddCallbackHeaders(request_.callback, args.headers);
  int attempts = 0;
  CallContext ctx = ctx_;
  ctx.attempts = &attempts;
  auto response = env_.stub->PutObject(ctx, args);
  if (!response.ok()) {
    if (response.error().code == protocol::client_codes::kCancelled) return Cancelled();
    return response.error();
  }
  if (request_.crc64_check && response->crc64 && *response->crc64 != digest.crc64) {
    return ClientError(protocol::client_codes::kChecksumMismatch,
                       "PutObject: server CRC-64 " + protocol::Crc64ToString(*response->crc64) +
                           " != local " + protocol::Crc64ToString(digest.crc64));
  }
  if (!request_.callback && !response->etag.empty() &&
      protocol::NormalizeETag(response->etag) != protocol::NormalizeETag(digest.ETag())) {
    return ClientError(protocol::client_codes::kChecksumMismatch,
                       "PutObject: server ETag " + response->etag + " != local " + digest.ETag());
  }
  UploadResult r = BaseResult();
  r.parts_total = 0;
  r.simple_upload = true;
  r.etag = response->etag;
  r.crc64 = digest.crc64;
  r.bytes_sent = identity_.size_bytes * static_cast<uint64_t>(attempts);
  r.bytes_resent = identity_.size_bytes * static_cast<uint64_t>(attempts - 1);
  if (request_.callback) r.callback_body = response->body;
  if (request_.progress) {
    request_.progress(identity_.size_bytes, identity_.size_bytes, identity_.size_bytes);
  }
  return r;
}

UploadOutcome ResumableUploader::MultipartOnce() {
  if (!record_path_.empty()) RetireOtherRecords();
  std::optional<CheckpointRecord> record;
  if (!record_path_.empty()) {
    auto loaded = LoadRecord();
    if (!loaded.ok()) return loaded.error();
    record = std::move(*loaded);
  }
  if (cancel_->cancelled()) return Cancelled();
  if (record) {
    if (auto s = Reconcile(*record); !s.ok()) return s.error();
    if (completed_earlier_) {
      RemoveFile(record_path_);
      return *completed_earlier_;
    }
  } else {
    if (auto s = Initiate(); !s.ok()) return s.error();
  }
  if (auto s = UploadRemainingParts(); !s.ok()) return s.error();
  return Complete();
}

void ResumableUploader::RetireOtherRecords() {
  const std::string prefix =
      RecordNamePrefix(env_.endpoint_id, request_.bucket, request_.key, abs_path_);
  const std::string own = fs::path(record_path_).filename().string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(request_.record_directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == own || !name.starts_with(prefix) || !name.ends_with(kRecordSuffix)) continue;
    auto text = ReadWholeFile(entry.path().string());
    if (text.ok() && text->has_value()) {
      std::string upload_id;
      auto old = DecodeRecord(**text, &upload_id);
      if (old.ok()) upload_id = old->upload_id;
      if (!upload_id.empty()) AbortQuietly(upload_id);
    }
    RemoveFile(entry.path().string());
  }
}

protocol::StatusOr<std::optional<CheckpointRecord>> ResumableUploader::LoadRecord() {
  auto text = ReadWholeFile(record_path_);
  if (!text.ok()) return text.error();
  if (!text->has_value()) return std::optional<CheckpointRecord>();
  std::string salvaged_upload_id;
  auto record = DecodeRecord(**text, &salvaged_upload_id);
  bool usable = record.ok() && record->endpoint == env_.endpoint_id &&
                record->bucket == request_.bucket && record->key == request_.key &&
                record->file_path == abs_path_ && record->part_size_bytes == plan_.part_size_bytes;
  if (usable && record->file == identity_) return std::optional<CheckpointRecord>(*record);
  // Corrupt, foreign or for a changed file: retire it and its upload, then start fresh.
  std::string upload_id = record.ok() ? record->upload_id : salvaged_upload_id;
  if (!upload_id.empty()) AbortQuietly(upload_id);
  RemoveFile(record_path_);
  return std::optional<CheckpointRecord>();
}

protocol::Status ResumableUploader::Reconcile(const CheckpointRecord& record) {
  {
    std::lock_guard lock(mu_);
    upload_id_ = record.upload_id;
    resumed_ = true;
  }
  std::vector<protocol::PartInfo> listed;
  int marker = 0;
  for (int page = 0; page <= protocol::limits::kMaxPartNumber / 1000 + 1; ++page) {
    auto result =
        env_.stub->ListParts(ctx_, request_.bucket, request_.key, record.upload_id, marker);
    if (!result.ok()) {
      if (result.error().code == "NoSuchUpload") {
        if (CompletedEarlier(record)) return protocol::Status();
        return LoseUpload("ListParts: the server no longer knows the upload", false);
      }
      if (result.error().code == protocol::client_codes::kCancelled) return Cancelled();
      return result.error();
    }
    listed.insert(listed.end(), result->parts.begin(), result->parts.end());
    if (!result->is_truncated) break;
    if (result->next_part_number_marker <= marker) {
      return ClientError(protocol::client_codes::kInvalidResponse,
                         "ListParts: NextPartNumberMarker does not advance");
    }
    marker = result->next_part_number_marker;
  }
  std::vector<protocol::PartInfo> candidates;
  for (const auto& part : listed) {
    if (part.part_number < 1 || part.part_number > plan_.part_count ||
        part.size > plan_.SizeOf(part.part_number)) {
      return LoseUpload("the server's part " + std::to_string(part.part_number) + " (" +
                            std::to_string(part.size) + " bytes) cannot belong to this " +
                            std::to_string(plan_.file_size_bytes) + "-byte file",
                        true);
    }
    if (part.size == plan_.SizeOf(part.part_number)) candidates.push_back(part);
  }
  if (auto s = VerifyListedParts(candidates); !s.ok()) return s;
  std::lock_guard lock(mu_);
  if (auto s = SaveRecordLocked(); !s.ok()) return s;
  if (done_bytes_ > 0) ReportProgressLocked(done_bytes_);
  return protocol::Status();
}

bool ResumableUploader::CompletedEarlier(const CheckpointRecord& record) {
  if (static_cast<int>(record.parts.size()) != plan_.part_count) return false;
  uint64_t combined_crc = 0;
  for (size_t i = 0; i < record.parts.size(); ++i) {
    const RecordedPart& part = record.parts[i];
    const int number = static_cast<int>(i) + 1;
    if (part.number != number || part.size_bytes != plan_.SizeOf(number)) return false;
    combined_crc =
        i == 0 ? part.crc64 : protocol::Crc64Combine(combined_crc, part.crc64, part.size_bytes);
  }
  CallContext head_ctx;
  head_ctx.retry = ctx_.retry;
  auto meta = env_.stub->HeadObject(head_ctx, request_.bucket, request_.key);
  if (!meta.ok()) return false;
  std::lock_guard lock(mu_);
  for (const auto& part : record.parts) done_[part.number] = part;
  if (!ObjectMatches(*meta, combined_crc)) {
    done_.clear();
    return false;
  }
  UploadResult r = BaseResult();
  r.upload_id = record.upload_id;
  r.crc64 = combined_crc;
  r.etag = meta->etag;
  r.parts_skipped = plan_.part_count;
  r.resumed = true;
  r.verified_by_head = true;
  completed_earlier_ = std::move(r);
  return true;
}

protocol::Status ResumableUploader::VerifyListedParts(
    const std::vector<protocol::PartInfo>& candidates) {
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  protocol::Status first_error;
  auto worker = [&] {
    std::vector<char> buffer;
    for (size_t i = next++; i < candidates.size(); i = next++) {
      if (cancel_->cancelled()) return;
      const auto& part = candidates[i];
      auto s = ReadExactly(fd_, plan_.OffsetOf(part.part_number), part.size, buffer);
      if (!s.ok()) {
        std::lock_guard lock(error_mu);
        if (first_error.ok()) first_error = s;
        return;
      }
      uint64_t crc = protocol::Crc64(buffer.data(), buffer.size());
      bool same = part.crc64 ? *part.crc64 == crc
                             : protocol::NormalizeETag(part.etag) ==
                                   protocol::NormalizeETag(protocol::ETagOf(protocol::Md5Of(
                                       std::string_view(buffer.data(), buffer.size()))));
      if (!same) continue;  // differs from the local bytes: re-send it
      std::lock_guard lock(mu_);
      done_[part.part_number] = RecordedPart{part.part_number, part.size, part.etag, crc};
      done_bytes_ += part.size;
      ++parts_skipped_;
    }
  };
  size_t threads = std::min<size_t>(request_.parallelism, candidates.size());
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (cancel_->cancelled()) return Cancelled();
  return first_error;
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
  std::lock_guard lock(mu_);
  upload_id_ = result->upload_id;
  return SaveRecordLocked();
}

protocol::Status ResumableUploader::SaveRecordLocked() {
  if (record_path_.empty()) return protocol::Status();
  CheckpointRecord record;
  record.endpoint = env_.endpoint_id;
  record.bucket = request_.bucket;
  record.key = request_.key;
  record.file_path = abs_path_;
  record.part_size_bytes = plan_.part_size_bytes;
  record.upload_id = upload_id_;
  record.file = identity_;
  for (const auto& [number, part] : done_) record.parts.push_back(part);
  return WriteFileAtomically(record_path_, EncodeRecord(record));
}

void ResumableUploader::ReportProgressLocked(uint64_t bytes) {
  if (request_.progress) request_.progress(bytes, done_bytes_, identity_.size_bytes);
}

protocol::Status ResumableUploader::UploadRemainingParts() {
  std::vector<int> todo;
  {
    std::lock_guard lock(mu_);
    for (int n = 1; n <= plan_.part_count; ++n) {
      if (!done_.contains(n)) todo.push_back(n);
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  protocol::Status first_error;
  auto worker = [&] {
    std::vector<char> buffer;
    buffer.reserve(plan_.part_size_bytes);
    while (!failed && !cancel_->cancelled()) {
      size_t i = next++;
      if (i >= todo.size()) return;
      auto s = UploadOnePart(todo[i], buffer);
      if (!s.ok()) {
        std::lock_guard lock(error_mu);
        if (first_error.ok()) first_error = s;
        failed = true;
        return;
      }
    }
  };
  size_t threads = std::min<size_t>(request_.parallelism, todo.size());
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (cancel_->cancelled()) return Cancelled();
  if (first_error.ok()) return first_error;
  const Error& error = first_error.error();
  if (error.code == "NoSuchUpload") {
    return LoseUpload("UploadPart: the server no longer knows the upload", false);
  }
  return first_error;
}

protocol::Status ResumableUploader::UploadOnePart(int part_number, std::vector<char>& buffer) {
  const uint64_t size = plan_.SizeOf(part_number);
  if (auto s = ReadExactly(fd_, plan_.OffsetOf(part_number), size, buffer); !s.ok()) return s;
  const PartDigest digest = Fingerprint(buffer);
  UploadPartArgs args;
  args.bucket = request_.bucket;
  args.key = request_.key;
  {
    std::lock_guard lock(mu_);
    args.upload_id = upload_id_;
  }
  args.part_number = part_number;
  args.body = buffer;
  args.content_md5 = digest.ContentMd5();
  int attempts = 0;
  CallContext ctx = ctx_;
  ctx.attempts = &attempts;
  auto response = env_.stub->UploadPart(ctx, args);
  {
    std::lock_guard lock(mu_);
    bytes_sent_ += size * static_cast<uint64_t>(attempts);
    if (attempts > 1) bytes_resent_ += size * static_cast<uint64_t>(attempts - 1);
  }
  if (!response.ok()) return response.error();
  const std::string where = "UploadPart " + std::to_string(part_number) + ": ";
  if (protocol::NormalizeETag(response->etag) != protocol::NormalizeETag(digest.ETag())) {
    Error e = ClientError(protocol::client_codes::kChecksumMismatch,
                          where + "server ETag " + response->etag + " != local " + digest.ETag());
    e.request_id = response->request_id;
    return e;
  }
  if (request_.crc64_check && response->crc64 && *response->crc64 != digest.crc64) {
    Error e = ClientError(protocol::client_codes::kChecksumMismatch,
                          where + "server CRC-64 " + protocol::Crc64ToString(*response->crc64) +
                              " != local " + protocol::Crc64ToString(digest.crc64));
    e.request_id = response->request_id;
    return e;
  }
  std::lock_guard lock(mu_);
  done_[part_number] = RecordedPart{part_number, size, response->etag, digest.crc64};
  done_bytes_ += size;
  ++parts_uploaded_;
  auto saved = SaveRecordLocked();
  ReportProgressLocked(size);
  return saved;
}

bool ResumableUploader::ObjectMatches(const ObjectMeta& meta, uint64_t combined_crc) const {
  if (meta.size_bytes != identity_.size_bytes) return false;
  if (meta.crc64) return *meta.crc64 == combined_crc;
  std::vector<std::string> etags;
  for (const auto& [number, part] : done_) etags.push_back(part.etag);
  return protocol::NormalizeETag(meta.etag) ==
         protocol::NormalizeETag(protocol::MultipartETag(etags));
}

UploadOutcome ResumableUploader::Complete() {
  auto now = StatFile(abs_path_);
  if (!now.ok()) return now.error();
  if (!(*now == identity_)) {
    return ClientError(protocol::client_codes::kIoError,
                       abs_path_ + " changed while it was being uploaded");
  }
  CompleteArgs args;
  args.bucket = request_.bucket;
  args.key = request_.key;
  uint64_t combined_crc = 0;
  {
    std::lock_guard lock(mu_);
    args.upload_id = upload_id_;
    bool first = true;
    for (const auto& [number, part] : done_) {
      args.parts.push_back({number, part.etag});
      combined_crc =
          first ? part.crc64 : protocol::Crc64Combine(combined_crc, part.crc64, part.size_bytes);
      first = false;
    }
  }
  if (request_.object_headers.forbid_overwrite) {
    args.headers.emplace_back("x-oss-forbid-overwrite",
                              *request_.object_headers.forbid_overwrite ? "true" : "false");
  }
  AddCallbackHeaders(request_.callback, args.headers);

  UploadResult r = BaseResult();
  r.upload_id = args.upload_id;
  r.crc64 = combined_crc;
  {
    std::lock_guard lock(mu_);
    r.parts_uploaded = parts_uploaded_;
    r.parts_skipped = parts_skipped_;
    r.bytes_sent = bytes_sent_;
    r.bytes_resent = bytes_resent_;
    r.resumed = resumed_;
  }

  auto response = env_.stub->CompleteMultipartUpload(ctx_, args);
  if (response.ok()) {
    RemoveFile(record_path_);  // the upload id is spent either way
    if (request_.crc64_check && response->crc64 && *response->crc64 != combined_crc) {
      Error e = ClientError(protocol::client_codes::kChecksumMismatch,
                            "CompleteMultipartUpload: object CRC-64 " +
                                protocol::Crc64ToString(*response->crc64) + " != local " +
                                protocol::Crc64ToString(combined_crc));
      e.request_id = response->request_id;
      return e;
    }
    r.etag = response->etag;
    if (request_.callback) r.callback_body = response->body;
    return r;
  }
  const Error& error = response.error();
  if (error.code == protocol::client_codes::kCancelled) return Cancelled();
  const bool maybe_committed = error.code == "NoSuchUpload" ||
                               error.code == protocol::client_codes::kConnectionError ||
                               error.http_status >= 500;
  if (maybe_committed) {
    CallContext head_ctx;
    head_ctx.retry = ctx_.retry;
    auto meta = env_.stub->HeadObject(head_ctx, request_.bucket, request_.key);
    bool matches = false;
    if (meta.ok()) {
      std::lock_guard lock(mu_);
      matches = ObjectMatches(*meta, combined_crc);
    }
    if (matches) {
      RemoveFile(record_path_);
      r.etag = meta->etag;
      r.verified_by_head = true;
      return r;
    }
  }
  if (error.code == "NoSuchUpload") {
    return LoseUpload("CompleteMultipartUpload: the server no longer knows the upload", false);
  }
  return error;
}

}  // namespace ossup::client::internal
