// OssStubImpl: the operation layer. Encodes one OSS operation, signs it (V1 or V4, with the
// server-corrected clock and the provider's current credentials), sends it once through the
// transport and decodes the answer: XML bodies, error documents, and HEAD errors carried in
// the base64 `x-oss-err` header. Never retries, never sleeps.
#pragma once

#include <memory>

#include "http_transport.h"
#include "oss_stub.h"
#include "ossup/client/credentials.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/signing.h"
#include "server_clock.h"

namespace ossup::client::internal {

struct SigningOptions {
  protocol::SignatureVersion version = protocol::SignatureVersion::kV4;
  std::string region;
  protocol::AddressingStyle addressing = protocol::AddressingStyle::kAuto;
};

class OssStubImpl : public OssStub {
 public:
  OssStubImpl(std::shared_ptr<HttpTransport> transport, SigningOptions signing,
              std::shared_ptr<CredentialsProvider> credentials, std::shared_ptr<ServerClock> clock);

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

 private:
  /// Signs and sends `request`; a non-2xx answer becomes its decoded Error.
  StatusOr<HttpResponse> Execute(const CallContext& ctx, protocol::WireRequest request,
                                 std::span<const char> body,
                                 std::function<bool(const char*, size_t)> body_sink = nullptr);

  std::shared_ptr<HttpTransport> transport_;
  SigningOptions signing_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::shared_ptr<ServerClock> clock_;
};

/// The Error a non-2xx response carries: its XML error document, else the base64 document
/// in `x-oss-err` (HEAD), else a code derived from the status. `x-oss-request-id` fills a
/// missing request id.
protocol::Error DecodeErrorResponse(const HttpResponse& response);

/// An ObjectMeta from HEAD/GET response headers.
ObjectMeta ObjectMetaFromHeaders(const protocol::Headers& headers);

}  // namespace ossup::client::internal
