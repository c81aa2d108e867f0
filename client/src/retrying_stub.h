// RetryingStub: decorates an OssStub so that each operation is retried per the call's
// RetryPolicy. The ONLY place in the client that sleeps between attempts.
//
// Decisions, per failed attempt:
//   kCancelled                            -> return at once;
//   SecurityTokenExpired / InvalidSecurityToken -> credentials->Invalidate(); retry at once
//                                            when it will refresh, else return the error;
//   RequestTimeTooSkewed                  -> clock->Observe(ServerTime), retry at once;
//   protocol::IsRetryable(error)          -> sleep (exponential, equal jitter), retry;
//   anything else                         -> return the error.
// A retry is made only while attempts < max_attempts and the elapsed time < max_elapsed.
// Sleeps wake early on cancel (the result is then kCancelled).
#pragma once

#include <memory>

#include "oss_stub.h"
#include "ossup/client/credentials.h"
#include "server_clock.h"

namespace ossup::client::internal {

class RetryingStub : public OssStub {
 public:
  RetryingStub(std::shared_ptr<OssStub> child, std::shared_ptr<CredentialsProvider> credentials,
               std::shared_ptr<ServerClock> clock);

  StatusOr<protocol::InitiateMultipartUploadResult> InitiateMultipartUpload(
      const CallContext& ctx, const std::string& bucket, const std::string& key,
      const protocol::Headers& headers) override;
  StatusOr<WriteResponse> UploadPart(const CallContext& ctx, const UploadPartArgs& args) override;
  StatusOr<protocol::ListPartsResult> ListParts(const CallContext& ctx, const std::string& bucket,
                                                const std::string& key,
                                                const std::string& upload_id,
                                                int part_number_marker) override;
  StatusOr<WriteResponse> CompleteMultipartUpload(const CallContext& ctx,
                                                  const CompleteArgs& args) override;
  Status AbortMultipartUpload(const CallContext& ctx, const std::string& bucket,
                              const std::string& key, const std::string& upload_id) override;
  StatusOr<WriteResponse> PutObject(const CallContext& ctx, const PutObjectArgs& args) override;
  StatusOr<ObjectMeta> HeadObject(const CallContext& ctx, const std::string& bucket,
                                  const std::string& key) override;
  StatusOr<ObjectMeta> GetObject(const CallContext& ctx, const std::string& bucket,
                                 const std::string& key, const BodySink& sink) override;
  StatusOr<protocol::ListMultipartUploadsResult> ListMultipartUploads(
      const CallContext& ctx, const std::string& bucket, const std::string& prefix,
      const std::string& key_marker, const std::string& upload_id_marker) override;

  enum class Verdict { kReturn, kRetryNow, kRetryAfterBackoff };
  /// What to do after `error`; applies its side effects (credential invalidation, clock
  /// correction).
  Verdict Classify(const protocol::Error& error);

 private:
  template <typename Call>
  auto Retry(const CallContext& ctx, Call&& call) -> decltype(call());

  std::shared_ptr<OssStub> child_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::shared_ptr<ServerClock> clock_;
};

/// A delay drawn uniformly from [ceiling/2, ceiling].
std::chrono::milliseconds JitteredBackoff(const RetryPolicy& policy, int attempt);

}  // namespace ossup::client::internal
