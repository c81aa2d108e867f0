#include <algorithm>
#include <filesystem>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "part_io.h"
#include "resumable_uploader.h"
#include "uploader_support.h"

namespace ossup::client::internal {
namespace fs = std::filesystem;

void ResumableUploader::RetireOtherRecords() {
  const std::string prefix =
      RecordNamePrefix(env_.endpoint_id, request_.bucket, request_.key, abs_path_);
  const std::string own = fs::path(record_->path()).filename().string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(request_.record_directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == own || !name.starts_with(prefix) || !name.ends_with(kRecordSuffix)) continue;
    auto text = ReadWholeFile(entry.path().string());
    if (text.ok() && text->has_value()) {
      DecodeReport report;
      auto old = DecodeRecord(**text, &report);
      const std::string upload_id = old.ok() ? old->upload_id : report.salvaged_upload_id;
      if (!upload_id.empty()) AbortQuietly(upload_id);
    }
    RemoveFile(*env_.record_storage, entry.path().string());
  }
}

protocol::StatusOr<std::optional<CheckpointRecord>> ResumableUploader::LoadRecord() {
  auto text = ReadWholeFile(record_->path());
  if (!text.ok()) return text.error();
  if (!text->has_value()) return std::optional<CheckpointRecord>();
  DecodeReport report;
  auto record = DecodeRecord(**text, &report);
  bool usable = record.ok() && record->endpoint == env_.endpoint_id &&
                record->bucket == request_.bucket && record->key == request_.key &&
                record->file_path == abs_path_ && record->part_size_bytes == plan_.part_size_bytes;
  if (usable && record->file == identity_) return std::optional<CheckpointRecord>(*record);
  // Corrupt, foreign or for a changed file: retire it and its upload, then start fresh.
  const std::string upload_id = record.ok() ? record->upload_id : report.salvaged_upload_id;
  if (!upload_id.empty()) AbortQuietly(upload_id);
  record_->Remove();
  return std::optional<CheckpointRecord>();
}

protocol::Status ResumableUploader::Reconcile(const CheckpointRecord& record) {
  {
    protocol::MutexLock lock(mu_);
    upload_id_ = record.upload_id;
    resumed_ = true;
  }
  auto listed = ListAllParts(record.upload_id);
  if (!listed.ok()) {
    if (listed.error().code == "NoSuchUpload") {
      if (CompletedEarlier(record)) return protocol::Status();
      return LoseUpload("ListParts: the server no longer knows the upload", false);
    }
    if (listed.error().code == protocol::client_codes::kCancelled) return Cancelled();
    return listed.error();
  }
  std::vector<protocol::PartInfo> candidates;
  for (const auto& part : *listed) {
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
  protocol::MutexLock lock(mu_);
  if (auto s = RewriteRecordLocked(); !s.ok()) return s;  // also compacts the part lines
  if (done_bytes_ > 0) ReportProgressLocked(done_bytes_);
  return protocol::Status();
}

protocol::StatusOr<std::vector<protocol::PartInfo>> ResumableUploader::ListAllParts(
    const std::string& upload_id) {
  std::vector<protocol::PartInfo> listed;
  int marker = 0;
  for (int page = 0; page <= protocol::limits::kMaxPartNumber / 1000 + 1; ++page) {
    auto result = env_.stub->ListParts(ctx_, request_.bucket, request_.key, upload_id, marker);
    if (!result.ok()) return result.error();
    listed.insert(listed.end(), result->parts.begin(), result->parts.end());
    if (!result->is_truncated) break;
    if (result->next_part_number_marker <= marker) {
      return ClientError(protocol::client_codes::kInvalidResponse,
                         "ListParts: NextPartNumberMarker does not advance");
    }
    marker = result->next_part_number_marker;
  }
  return listed;
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
  protocol::MutexLock lock(mu_);
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
  // Progress always ends at the file size, even when no byte had to be sent.
  done_bytes_ = plan_.file_size_bytes;
  ReportProgressLocked(done_bytes_);
  return true;
}

protocol::Status ResumableUploader::VerifyListedParts(
    const std::vector<protocol::PartInfo>& candidates) {
  std::atomic<size_t> next{0};
  FirstError first_error;
  auto worker = [&] {
    std::vector<char> buffer;
    for (size_t i = next++; i < candidates.size(); i = next++) {
      if (cancel_->cancelled()) return;
      const auto& part = candidates[i];
      uint64_t crc = 0;
      bool same = true;  // kNone: kept by size alone
      if (request_.integrity != IntegrityMode::kNone) {
        auto s = ReadExactly(fd_, plan_.OffsetOf(part.part_number), part.size, buffer);
        if (!s.ok()) {
          first_error.Report(s);
          return;
        }
        // Without a listed CRC-64 only MD5 can tell; kCrc64 computes none and re-sends.
        const PartDigest digest =
            Fingerprint(buffer, part.crc64 ? IntegrityMode::kCrc64 : request_.integrity);
        crc = digest.crc64;
        same = part.crc64 ? *part.crc64 == crc
                          : digest.has_md5() && protocol::NormalizeETag(part.etag) ==
                                                    protocol::NormalizeETag(digest.ETag());
      }
      if (!same) continue;  // differs from the local bytes: re-send it
      protocol::MutexLock lock(mu_);
      done_[part.part_number] = RecordedPart{part.part_number, part.size, part.etag, crc};
      done_bytes_ += part.size;
      ++parts_skipped_;
    }
  };
  RunWorkers(request_.parallelism, candidates.size(), worker);
  if (cancel_->cancelled()) return Cancelled();
  return first_error.Get();
}

}  // namespace ossup::client::internal
