// OssStub: one OSS operation per call, typed in and out. Two implementations stack on each
// other (google-cloud-cpp style decorators over one interface):
//   OssStubImpl   (oss_stub_impl.h)  encode, sign, send once, decode;
//   RetryingStub  (retrying_stub.h)  retries, backoff, clock-skew and credential refresh.
// Nothing else in the client sends requests.
//
// Errors: OSS error documents (http_status set), kConnectionError (no response),
// kCancelled, kInvalidResponse (undecodable body or missing header).
// Thread-safety: implementations are safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "cancel_token.h"
#include "ossup/client/client.h"
#include "ossup/client/retry_policy.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"
#include "ossup/protocol/xml.h"

namespace ossup::client::internal {

using protocol::Status;
using protocol::StatusOr;

/// Per-call settings: who can cancel it and how hard to retry it.
struct CallContext {
  const CancelToken* cancel = nullptr;
  RetryPolicy retry;
  /// When set, incremented once per attempt (to count re-sent bytes).
  int* attempts = nullptr;
};

struct UploadPartArgs {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  /// REQUIRES: outlives the call.
  std::span<const char> body;
  /// base64 MD5 of `body`; "" = no Content-MD5 header.
  std::string content_md5;
};

/// What a write (UploadPart, PutObject, Complete) returned.
struct WriteResponse {
  std::string etag;
  std::optional<uint64_t> crc64;
  std::string request_id;
  /// Response body (Complete's XML, or the upload-callback server's answer).
  std::string body;
  /// 200, or 203 when the object was stored but the upload callback failed.
  int http_status = 200;
};

/// The CallbackFailed error a 203 answer carries: the object is stored, the callback failed.
protocol::Error CallbackFailedError(const WriteResponse& response);

struct CompleteArgs {
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::vector<protocol::CompletePart> parts;  // ascending part numbers
  protocol::Headers headers;                  // callback, forbid-overwrite
  /// Send Content-MD5 of the XML body (IntegrityMode::kMd5AndCrc64 only).
  bool content_md5 = true;
};

struct PutObjectArgs {
  std::string bucket;
  std::string key;
  std::span<const char> body;
  std::string content_md5;  // as in UploadPartArgs
  protocol::Headers headers;
};

/// Receives a GET body. `reset` is called before each attempt (a retry starts over).
struct BodySink {
  std::function<void()> reset;
  std::function<bool(const char* data, size_t size)> write;
};

class OssStub {
 public:
  virtual ~OssStub() = default;

  virtual StatusOr<protocol::InitiateMultipartUploadResult> InitiateMultipartUpload(
      const CallContext& ctx, const std::string& bucket, const std::string& key,
      const protocol::Headers& headers) = 0;
  virtual StatusOr<WriteResponse> UploadPart(const CallContext& ctx,
                                             const UploadPartArgs& args) = 0;
  virtual StatusOr<protocol::ListPartsResult> ListParts(const CallContext& ctx,
                                                        const std::string& bucket,
                                                        const std::string& key,
                                                        const std::string& upload_id,
                                                        int part_number_marker) = 0;
  virtual StatusOr<WriteResponse> CompleteMultipartUpload(const CallContext& ctx,
                                                          const CompleteArgs& args) = 0;
  virtual Status AbortMultipartUpload(const CallContext& ctx, const std::string& bucket,
                                      const std::string& key, const std::string& upload_id) = 0;
  virtual StatusOr<WriteResponse> PutObject(const CallContext& ctx, const PutObjectArgs& args) = 0;
  virtual StatusOr<ObjectMeta> HeadObject(const CallContext& ctx, const std::string& bucket,
                                          const std::string& key) = 0;
  virtual StatusOr<ObjectMeta> GetObject(const CallContext& ctx, const std::string& bucket,
                                         const std::string& key, const BodySink& sink) = 0;
  virtual StatusOr<protocol::ListMultipartUploadsResult> ListMultipartUploads(
      const CallContext& ctx, const std::string& bucket, const std::string& prefix,
      const std::string& key_marker, const std::string& upload_id_marker) = 0;
};

}  // namespace ossup::client::internal
