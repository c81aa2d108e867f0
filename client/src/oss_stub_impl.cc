#include "oss_stub_impl.h"

#include <charconv>

#include "client_error.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

using protocol::Error;
using protocol::Headers;
using protocol::WireRequest;

Error InvalidResponse(std::string message) {
  return ClientError(protocol::client_codes::kInvalidResponse, std::move(message));
}

/// A decoded XML body, with MalformedXML relabelled as a bad response.
template <typename T>
StatusOr<T> DecodeBody(StatusOr<T> decoded, const HttpResponse& response) {
  if (decoded.ok()) return decoded;
  Error e = InvalidResponse(decoded.error().message);
  e.http_status = response.status;
  if (auto id = protocol::FindHeader(response.headers, "x-oss-request-id")) e.request_id = *id;
  return e;
}

std::optional<uint64_t> HeaderCrc64(const Headers& headers) {
  auto value = protocol::FindHeader(headers, "x-oss-hash-crc64ecma");
  if (!value) return std::nullopt;
  return protocol::ParseCrc64(*value);
}

WriteResponse ToWriteResponse(HttpResponse response) {
  WriteResponse out;
  if (auto etag = protocol::FindHeader(response.headers, "ETag")) out.etag = *etag;
  out.crc64 = HeaderCrc64(response.headers);
  if (auto id = protocol::FindHeader(response.headers, "x-oss-request-id")) out.request_id = *id;
  out.http_status = response.status;
  out.body = std::move(response.body);
  return out;
}

WireRequest MakeRequest(std::string method, const std::string& bucket, const std::string& key) {
  WireRequest r;
  r.method = std::move(method);
  r.bucket = bucket;
  r.key = key;
  return r;
}

}  // namespace

Error DecodeErrorResponse(const HttpResponse& response) {
  Error error;
  bool decoded = false;
  if (!response.body.empty()) {
    auto doc = protocol::DecodeErrorDocument(response.body);
    if (doc.ok()) {
      error = *doc;
      decoded = true;
    }
  }
  if (!decoded) {
    if (auto header = protocol::FindHeader(response.headers, "x-oss-err")) {
      if (auto xml = protocol::Base64Decode(*header)) {
        auto doc = protocol::DecodeErrorDocument(
            std::string_view(reinterpret_cast<const char*>(xml->data()), xml->size()));
        if (doc.ok()) {
          error = *doc;
          decoded = true;
        }
      }
    }
  }
  if (!decoded) {
    switch (response.status) {
      case 403:
        error.code = "AccessDenied";
        break;
      case 404:
        error.code = "NoSuchKey";
        break;
      case 503:
        error.code = "ServiceUnavailable";
        break;
      default:
        error.code = response.status >= 500 ? "InternalError" : "UnknownError";
    }
    error.message = "HTTP " + std::to_string(response.status) + " without an error document";
    if (auto ec = protocol::FindHeader(response.headers, "x-oss-ec")) error.ec = *ec;
  }
  error.http_status = response.status;
  if (error.request_id.empty()) {
    if (auto id = protocol::FindHeader(response.headers, "x-oss-request-id")) {
      error.request_id = *id;
    }
  }
  return error;
}

Error CallbackFailedError(const WriteResponse& response) {
  auto doc = protocol::DecodeErrorDocument(response.body);
  Error e = doc.ok() ? *doc : protocol::MakeError("CallbackFailed");
  e.http_status = response.http_status;
  if (e.request_id.empty()) e.request_id = response.request_id;
  e.message = "the object was stored, but the upload callback failed: " + e.message;
  return e;
}

ObjectMeta ObjectMetaFromHeaders(const Headers& headers) {
  ObjectMeta meta;
  if (auto v = protocol::FindHeader(headers, "Content-Length")) {
    std::from_chars(v->data(), v->data() + v->size(), meta.size_bytes);
  }
  if (auto v = protocol::FindHeader(headers, "ETag")) meta.etag = *v;
  meta.crc64 = HeaderCrc64(headers);
  if (auto v = protocol::FindHeader(headers, "Content-Type")) meta.content_type = *v;
  if (auto v = protocol::FindHeader(headers, "x-oss-object-type")) meta.object_type = *v;
  meta.headers = headers;
  return meta;
}

OssStubImpl::OssStubImpl(std::shared_ptr<HttpTransport> transport, SigningOptions signing,
                         std::shared_ptr<CredentialsProvider> credentials,
                         std::shared_ptr<ServerClock> clock)
    : transport_(std::move(transport)),
      signing_(std::move(signing)),
      credentials_(std::move(credentials)),
      clock_(std::move(clock)) {}

StatusOr<HttpResponse> OssStubImpl::Execute(const CallContext& ctx, WireRequest request,
                                            std::span<const char> body,
                                            std::function<bool(const char*, size_t)> body_sink) {
  auto credentials = credentials_->GetCredentials();
  if (!credentials.ok()) return credentials.error();
  switch (signing_.version) {
    case protocol::SignatureVersion::kV1:
      protocol::SignV1(request, *credentials, clock_->Now());
      break;
    case protocol::SignatureVersion::kV2:
      protocol::SignV2(request, *credentials, protocol::V2Params{}, clock_->Now());
      break;
    case protocol::SignatureVersion::kV4: {
      protocol::V4Params params;
      params.region = signing_.region;
      protocol::SignV4(request, *credentials, params, clock_->Now());
      break;
    }
  }
  auto target = protocol::ResolveTarget(transport_->endpoint(), signing_.addressing, request.bucket,
                                        request.key);
  HttpRequest http;
  http.method = request.method;
  std::string host = target.host;
  if (auto colon = host.rfind(':');
      colon != std::string::npos && host.find(']') == std::string::npos) {
    host.resize(colon);
  }
  http.connect_host = host;
  http.target = target.path;
  if (!request.query.empty()) http.target += "?" + protocol::EncodeQueryString(request.query);
  http.headers = std::move(request.headers);
  protocol::SetHeader(http.headers, "Host", target.host);
  http.body = body;
  http.body_sink = std::move(body_sink);

  auto response = transport_->Send(http, ctx.cancel);
  if (!response.ok()) return response;
  if (response->status < 200 || response->status >= 300) return DecodeErrorResponse(*response);
  return response;
}

StatusOr<protocol::InitiateMultipartUploadResult> OssStubImpl::InitiateMultipartUpload(
    const CallContext& ctx, const std::string& bucket, const std::string& key,
    const Headers& headers) {
  auto request = MakeRequest("POST", bucket, key);
  request.query = {{"uploads", ""}};
  request.headers = headers;
  auto response = Execute(ctx, std::move(request), {});
  if (!response.ok()) return response.error();
  return DecodeBody(protocol::DecodeInitiateMultipartUploadResult(response->body), *response);
}

StatusOr<WriteResponse> OssStubImpl::UploadPart(const CallContext& ctx,
                                                const UploadPartArgs& args) {
  auto request = MakeRequest("PUT", args.bucket, args.key);
  request.query = {{"partNumber", std::to_string(args.part_number)}, {"uploadId", args.upload_id}};
  request.headers = {{"Content-Type", "application/octet-stream"}};
  if (!args.content_md5.empty()) request.headers.emplace_back("Content-MD5", args.content_md5);
  auto response = Execute(ctx, std::move(request), args.body);
  if (!response.ok()) return response.error();
  return ToWriteResponse(std::move(*response));
}

StatusOr<protocol::ListPartsResult> OssStubImpl::ListParts(const CallContext& ctx,
                                                           const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& upload_id,
                                                           int part_number_marker) {
  auto request = MakeRequest("GET", bucket, key);
  request.query = {{"uploadId", upload_id}, {"max-parts", "1000"}};
  if (part_number_marker > 0) {
    request.query.emplace_back("part-number-marker", std::to_string(part_number_marker));
  }
  auto response = Execute(ctx, std::move(request), {});
  if (!response.ok()) return response.error();
  return DecodeBody(protocol::DecodeListPartsResult(response->body), *response);
}

StatusOr<WriteResponse> OssStubImpl::CompleteMultipartUpload(const CallContext& ctx,
                                                             const CompleteArgs& args) {
  protocol::CompleteMultipartUpload doc;
  doc.parts = args.parts;
  const std::string xml = protocol::EncodeXml(doc);
  auto request = MakeRequest("POST", args.bucket, args.key);
  request.query = {{"uploadId", args.upload_id}};
  request.headers = args.headers;
  protocol::SetHeader(request.headers, "Content-Type", "application/xml");
  if (args.content_md5) {
    protocol::SetHeader(request.headers, "Content-MD5",
                        protocol::Base64Encode(protocol::Md5Of(xml)));
  }
  auto response = Execute(ctx, std::move(request), std::span<const char>(xml.data(), xml.size()));
  if (!response.ok()) return response.error();
  WriteResponse out = ToWriteResponse(std::move(*response));
  if (out.etag.empty()) {
    // Some servers only put the ETag in the body.
    auto result = protocol::DecodeCompleteMultipartUploadResult(out.body);
    if (result.ok()) out.etag = result->etag;
  }
  return out;
}

Status OssStubImpl::AbortMultipartUpload(const CallContext& ctx, const std::string& bucket,
                                         const std::string& key, const std::string& upload_id) {
  auto request = MakeRequest("DELETE", bucket, key);
  request.query = {{"uploadId", upload_id}};
  auto response = Execute(ctx, std::move(request), {});
  if (!response.ok()) return response.error();
  return Status();
}

StatusOr<WriteResponse> OssStubImpl::PutObject(const CallContext& ctx, const PutObjectArgs& args) {
  auto request = MakeRequest("PUT", args.bucket, args.key);
  request.headers = args.headers;
  if (!protocol::FindHeader(request.headers, "Content-Type")) {
    protocol::SetHeader(request.headers, "Content-Type", "application/octet-stream");
  }
  if (!args.content_md5.empty()) {
    protocol::SetHeader(request.headers, "Content-MD5", args.content_md5);
  }
  auto response = Execute(ctx, std::move(request), args.body);
  if (!response.ok()) return response.error();
  return ToWriteResponse(std::move(*response));
}

StatusOr<ObjectMeta> OssStubImpl::HeadObject(const CallContext& ctx, const std::string& bucket,
                                             const std::string& key) {
  auto response = Execute(ctx, MakeRequest("HEAD", bucket, key), {});
  if (!response.ok()) return response.error();
  return ObjectMetaFromHeaders(response->headers);
}

StatusOr<ObjectMeta> OssStubImpl::GetObject(const CallContext& ctx, const std::string& bucket,
                                            const std::string& key, const BodySink& sink) {
  if (sink.reset) sink.reset();
  auto response = Execute(ctx, MakeRequest("GET", bucket, key), {}, sink.write);
  if (!response.ok()) return response.error();
  return ObjectMetaFromHeaders(response->headers);
}

StatusOr<protocol::ListMultipartUploadsResult> OssStubImpl::ListMultipartUploads(
    const CallContext& ctx, const std::string& bucket, const std::string& prefix,
    const std::string& key_marker, const std::string& upload_id_marker) {
  auto request = MakeRequest("GET", bucket, "");
  request.query = {{"uploads", ""}};
  if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
  if (!key_marker.empty()) request.query.emplace_back("key-marker", key_marker);
  if (!upload_id_marker.empty()) request.query.emplace_back("upload-id-marker", upload_id_marker);
  auto response = Execute(ctx, std::move(request), {});
  if (!response.ok()) return response.error();
  return DecodeBody(protocol::DecodeListMultipartUploadsResult(response->body), *response);
}

}  // namespace ossup::client::internal
