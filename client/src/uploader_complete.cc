#include "object_headers.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "resumable_uploader.h"
#include "uploader_support.h"

namespace ossup::client::internal {
using protocol::Error;

bool ResumableUploader::ObjectMatches(const ObjectMeta& meta, uint64_t combined_crc) const {
  if (meta.size_bytes != identity_.size_bytes) return false;
  if (meta.crc64 && request_.integrity != IntegrityMode::kNone) {
    return *meta.crc64 == combined_crc;
  }
  std::vector<std::string> etags;
  for (const auto& [number, part] : done_) etags.push_back(part.etag);
  return protocol::NormalizeETag(meta.etag) ==
         protocol::NormalizeETag(protocol::MultipartETag(etags));
}

protocol::StatusOr<bool> ResumableUploader::TakeListedETags() {
  auto listed = ListAllParts(CurrentUploadId());
  if (!listed.ok()) return listed.error();
  bool changed = false;
  protocol::MutexLock lock(mu_);
  for (const auto& part : *listed) {
    auto it = done_.find(part.part_number);
    if (it == done_.end() || part.size != it->second.size_bytes) continue;
    const bool crc_known = request_.integrity != IntegrityMode::kNone;
    if (crc_known && (!part.crc64 || *part.crc64 != it->second.crc64)) continue;
    if (protocol::NormalizeETag(part.etag) == protocol::NormalizeETag(it->second.etag)) continue;
    it->second.etag = part.etag;
    changed = true;
  }
  if (!changed) return false;
  if (auto s = RewriteRecordLocked(); !s.ok()) return s.error();
  return true;
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
  args.content_md5 = request_.integrity == IntegrityMode::kMd5AndCrc64;
  uint64_t combined_crc = 0;
  // The parts as recorded: number, ETag, and the CRC-64 of the whole object combined from them.
  auto name_parts = [&] {
    protocol::MutexLock lock(mu_);
    args.upload_id = upload_id_;
    args.parts.clear();
    bool first = true;
    for (const auto& [number, part] : done_) {
      args.parts.push_back({number, part.etag});
      combined_crc =
          first ? part.crc64 : protocol::Crc64Combine(combined_crc, part.crc64, part.size_bytes);
      first = false;
    }
  };
  name_parts();
  if (request_.object_headers.forbid_overwrite) {
    args.headers.emplace_back("x-oss-forbid-overwrite",
                              *request_.object_headers.forbid_overwrite ? "true" : "false");
  }
  AddCallbackHeaders(request_.callback, args.headers);

  UploadResult r = BaseResult();
  r.upload_id = args.upload_id;
  r.crc64 = request_.integrity == IntegrityMode::kNone ? 0 : combined_crc;
  {
    protocol::MutexLock lock(mu_);
    r.parts_uploaded = parts_uploaded_;
    r.parts_skipped = parts_skipped_;
    r.bytes_sent = bytes_sent_;
    r.bytes_resent = bytes_resent_;
    r.resumed = resumed_;
  }

  auto response = env_.stub->CompleteMultipartUpload(ctx_, args);
  if (!response.ok() && response.error().code == "InvalidPart") {
    // Without MD5 an answer's ETag is unchecked: name the server's own ETags (of parts whose
    // size and CRC-64 match) and try once more.
    auto changed = TakeListedETags();
    if (changed.ok() && *changed) {
      name_parts();
      response = env_.stub->CompleteMultipartUpload(ctx_, args);
    }
  }
  if (response.ok()) {
    record_->Remove();  // the upload id is spent either way
    {
      protocol::MutexLock lock(mu_);
      upload_id_.clear();
    }
    if (request_.integrity != IntegrityMode::kNone && response->crc64 &&
        *response->crc64 != combined_crc) {
      Error e = ClientError(protocol::client_codes::kChecksumMismatch,
                            "CompleteMultipartUpload: object CRC-64 " +
                                protocol::Crc64ToString(*response->crc64) + " != local " +
                                protocol::Crc64ToString(combined_crc) +
                                "; the object was stored and the upload id is spent, so the "
                                "record was removed: calling again uploads the file anew");
      e.request_id = response->request_id;
      return e;
    }
    if (response->http_status == 203) return CallbackFailedError(*response);
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
      protocol::MutexLock lock(mu_);
      matches = ObjectMatches(*meta, combined_crc);
    }
    if (matches) {
      record_->Remove();
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
