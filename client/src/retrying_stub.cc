#include "retrying_stub.h"

#include <random>
#include <thread>

#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

const protocol::Error& ErrorOf(const Status& s) { return s.error(); }
template <typename T>
const protocol::Error& ErrorOf(const StatusOr<T>& s) {
  return s.error();
}

}  // namespace

std::chrono::milliseconds JitteredBackoff(const RetryPolicy& policy, int attempt) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  auto ceiling = BackoffCeiling(policy, attempt).count();
  if (ceiling <= 1) return std::chrono::milliseconds(ceiling);
  std::uniform_int_distribution<int64_t> dist(ceiling / 2, ceiling);
  return std::chrono::milliseconds(dist(rng));
}

RetryingStub::RetryingStub(std::shared_ptr<OssStub> child,
                           std::shared_ptr<CredentialsProvider> credentials,
                           std::shared_ptr<ServerClock> clock)
    : child_(std::move(child)), credentials_(std::move(credentials)), clock_(std::move(clock)) {}

RetryingStub::Verdict RetryingStub::Classify(const protocol::Error& error) {
  if (error.code == protocol::client_codes::kCancelled) return Verdict::kReturn;
  if (error.code == "SecurityTokenExpired" || error.code == "InvalidSecurityToken") {
    return credentials_->Invalidate() ? Verdict::kRetryNow : Verdict::kReturn;
  }
  if (error.code == "RequestTimeTooSkewed") {
    if (auto server_time = protocol::ParseIso8601(error.Detail("ServerTime"))) {
      clock_->Observe(*server_time);
      return Verdict::kRetryNow;
    }
    return Verdict::kRetryAfterBackoff;
  }
  return protocol::IsRetryable(error) ? Verdict::kRetryAfterBackoff : Verdict::kReturn;
}

template <typename Call>
auto RetryingStub::Retry(const CallContext& ctx, Call&& call) -> decltype(call()) {
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    if (ctx.attempts != nullptr) ++*ctx.attempts;
    auto result = call();
    if (result.ok()) return result;
    Verdict verdict = Classify(ErrorOf(result));
    if (verdict == Verdict::kReturn || attempt >= ctx.retry.max_attempts ||
        std::chrono::steady_clock::now() - start >= ctx.retry.max_elapsed) {
      return result;
    }
    if (verdict == Verdict::kRetryAfterBackoff) {
      auto delay = JitteredBackoff(ctx.retry, attempt);
      if (ctx.cancel != nullptr) {
        if (ctx.cancel->WaitFor(delay)) return CancelledError();
      } else {
        std::this_thread::sleep_for(delay);
      }
    }
  }
}

StatusOr<protocol::InitiateMultipartUploadResult> RetryingStub::InitiateMultipartUpload(
    const CallContext& ctx, const std::string& bucket, const std::string& key,
    const protocol::Headers& headers) {
  return Retry(ctx, [&] { return child_->InitiateMultipartUpload(ctx, bucket, key, headers); });
}

StatusOr<WriteResponse> RetryingStub::UploadPart(const CallContext& ctx,
                                                 const UploadPartArgs& args) {
  return Retry(ctx, [&] { return child_->UploadPart(ctx, args); });
}

StatusOr<protocol::ListPartsResult> RetryingStub::ListParts(const CallContext& ctx,
                                                            const std::string& bucket,
                                                            const std::string& key,
                                                            const std::string& upload_id,
                                                            int part_number_marker) {
  return Retry(ctx,
               [&] { return child_->ListParts(ctx, bucket, key, upload_id, part_number_marker); });
}

StatusOr<WriteResponse> RetryingStub::CompleteMultipartUpload(const CallContext& ctx,
                                                              const CompleteArgs& args) {
  return Retry(ctx, [&] { return child_->CompleteMultipartUpload(ctx, args); });
}

Status RetryingStub::AbortMultipartUpload(const CallContext& ctx, const std::string& bucket,
                                          const std::string& key, const std::string& upload_id) {
  return Retry(ctx, [&] { return child_->AbortMultipartUpload(ctx, bucket, key, upload_id); });
}

StatusOr<WriteResponse> RetryingStub::PutObject(const CallContext& ctx, const PutObjectArgs& args) {
  return Retry(ctx, [&] { return child_->PutObject(ctx, args); });
}

StatusOr<ObjectMeta> RetryingStub::HeadObject(const CallContext& ctx, const std::string& bucket,
                                              const std::string& key) {
  return Retry(ctx, [&] { return child_->HeadObject(ctx, bucket, key); });
}

StatusOr<ObjectMeta> RetryingStub::GetObject(const CallContext& ctx, const std::string& bucket,
                                             const std::string& key, const BodySink& sink) {
  return Retry(ctx, [&] { return child_->GetObject(ctx, bucket, key, sink); });
}

StatusOr<protocol::ListMultipartUploadsResult> RetryingStub::ListMultipartUploads(
    const CallContext& ctx, const std::string& bucket, const std::string& prefix,
    const std::string& key_marker, const std::string& upload_id_marker) {
  return Retry(ctx, [&] {
    return child_->ListMultipartUploads(ctx, bucket, prefix, key_marker, upload_id_marker);
  });
}

}  // namespace ossup::client::internal
