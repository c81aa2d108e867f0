#include <algorithm>

#include "object_headers.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "part_io.h"
#include "resumable_uploader.h"
#include "uploader_support.h"

namespace ossup::client::internal {
using protocol::Error;

UploadOutcome ResumableUploader::SimpleUpload() {
  std::vector<char> buffer;
  if (auto s = ReadExactly(fd_, 0, identity_.size_bytes, buffer); !s.ok()) return s.error();
  const PartDigest digest = Fingerprint(buffer, request_.integrity);
  PutObjectArgs args;
  args.bucket = request_.bucket;
  args.key = request_.key;
  args.body = buffer;
  args.content_md5 = digest.ContentMd5();
  args.headers = ObjectHeadersToWire(request_.object_headers);
  AddCallbackHeaders(request_.callback, args.headers);
  // A second PutObject would run the callback again, or meet the object the first one wrote.
  const bool may_resend =
      !request_.callback && !request_.object_headers.forbid_overwrite.value_or(false);
  int attempts = 0;
  auto response = SendUntilVerified(
      [&](const CallContext& ctx) { return env_.stub->PutObject(ctx, args); }, ctx_, digest,
      !request_.callback, may_resend ? request_.checksum_resends : 0, "PutObject: ", &attempts);
  if (!response.ok()) {
    if (response.error().code == protocol::client_codes::kCancelled) return Cancelled();
    return response.error();
  }
  if (response->http_status == 203) return CallbackFailedError(*response);
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

protocol::Status ResumableUploader::UploadRemainingParts() {
  std::vector<int> todo;
  {
    protocol::MutexLock lock(mu_);
    for (int n = 1; n <= plan_.part_count; ++n) {
      if (!done_.contains(n)) todo.push_back(n);
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  FirstError first_error;
  auto worker = [&] {
    std::vector<char> buffer;
    buffer.reserve(plan_.part_size_bytes);
    while (!failed && !cancel_->cancelled()) {
      size_t i = next++;
      if (i >= todo.size()) return;
      auto s = UploadOnePart(todo[i], buffer);
      if (!s.ok()) {
        first_error.Report(s);
        failed = true;
        return;
      }
    }
  };
  RunWorkers(request_.parallelism, todo.size(), worker);
  if (cancel_->cancelled()) return Cancelled();
  const protocol::Status first = first_error.Get();
  if (first.ok()) return first;
  const Error& error = first.error();
  if (error.code == "NoSuchUpload") {
    return LoseUpload("UploadPart: the server no longer knows the upload", false);
  }
  return first;
}

protocol::Status ResumableUploader::UploadOnePart(int part_number, std::vector<char>& buffer) {
  const uint64_t size = plan_.SizeOf(part_number);
  if (auto s = ReadExactly(fd_, plan_.OffsetOf(part_number), size, buffer); !s.ok()) return s;
  const PartDigest digest = Fingerprint(buffer, request_.integrity);
  UploadPartArgs args;
  args.bucket = request_.bucket;
  args.key = request_.key;
  {
    protocol::MutexLock lock(mu_);
    args.upload_id = upload_id_;
  }
  args.part_number = part_number;
  args.body = buffer;
  args.content_md5 = digest.ContentMd5();
  int attempts = 0;
  auto response = SendUntilVerified(
      [&](const CallContext& ctx) { return env_.stub->UploadPart(ctx, args); }, ctx_, digest, true,
      request_.checksum_resends, "UploadPart " + std::to_string(part_number) + ": ", &attempts);
  {
    protocol::MutexLock lock(mu_);
    bytes_sent_ += size * static_cast<uint64_t>(attempts);
    if (attempts > 1) bytes_resent_ += size * static_cast<uint64_t>(attempts - 1);
  }
  if (!response.ok()) return response.error();
  RecordedPart done{part_number, size, response->etag, digest.crc64};
  auto saved = record_->Append(done);  // outside mu_: concurrent appends share one sync
  protocol::MutexLock lock(mu_);
  done_[part_number] = std::move(done);
  done_bytes_ += size;
  ++parts_uploaded_;
  ReportProgressLocked(size);
  return saved;
}

}  // namespace ossup::client::internal
