#include "ossup/client/client.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "checkpoint.h"
#include "client_error.h"
#include "client_impl.h"
#include "object_headers.h"
#include "oss_stub_impl.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "resumable_uploader.h"
#include "retrying_stub.h"
#include "upload_task_state.h"
#include "uploader_support.h"

namespace ossup::client {
namespace {

using internal::ClientError;
using protocol::Error;
using protocol::Status;
using protocol::StatusOr;

}  // namespace

StatusOr<Client> Client::Create(ClientOptions options) {
  auto endpoint = protocol::ParseEndpoint(options.endpoint);
  if (!endpoint.ok()) return endpoint.error();
  if (options.region.empty()) options.region = protocol::RegionOfEndpointHost(endpoint->host);
  if (options.signature_version == protocol::SignatureVersion::kV4 && options.region.empty()) {
    return ClientError(protocol::client_codes::kInvalidRequest,
                       "V4 signing needs a region (e.g. cn-hangzhou); none can be read from "
                       "the endpoint " +
                           endpoint->host);
  }
  if (!options.credentials) options.credentials = MakeEnvironmentCredentialsProvider();
  auto impl = std::make_shared<Impl>();
  impl->endpoint = *endpoint;
  impl->endpoint_id =
      endpoint->scheme + "://" + endpoint->host + ":" + std::to_string(endpoint->port);
  impl->clock = std::make_shared<internal::ServerClock>();
  impl->transport = std::make_shared<internal::HttpTransport>(
      *endpoint, static_cast<const ConnectionOptions&>(options));
  internal::SigningOptions signing;
  signing.version = options.signature_version;
  signing.region = options.region;
  signing.addressing = options.addressing_style;
  auto base = std::make_shared<internal::OssStubImpl>(impl->transport, signing, options.credentials,
                                                      impl->clock);
  impl->stub = std::make_shared<internal::RetryingStub>(base, options.credentials, impl->clock);
  impl->options = std::move(options);
  return Client(std::move(impl));
}

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const ClientOptions& Client::options() const { return impl_->options; }

UploadTask Client::ResumableUpload(UploadRequest request, CompletionCallback on_complete) {
  auto state = std::make_shared<UploadTask::State>();
  internal::UploaderEnv env{
      impl_->stub, impl_->endpoint_id, impl_->options.retry_policy,
      impl_->options.record_storage ? impl_->options.record_storage : PosixRecordStorage()};
  std::thread([state, env = std::move(env), request = std::move(request),
               on_complete = std::move(on_complete)]() mutable {
    UploadOutcome outcome = [&] {
      internal::ResumableUploader uploader(std::move(env), std::move(request), &state->cancel);
      return uploader.Run();
    }();
    if (on_complete) on_complete(outcome);
    state->Finish(std::move(outcome));
  }).detach();
  return UploadTask(state);
}

UploadOutcome Client::Upload(UploadRequest request) {
  UploadTask task = ResumableUpload(std::move(request));
  return task.Wait();
}

std::string Client::CheckpointPath(const UploadRequest& request) const {
  return internal::CheckpointPathFor(impl_->endpoint_id, request);
}

uint64_t CheckpointInfo::bytes_done() const {
  uint64_t bytes = 0;
  for (const auto& part : parts) bytes += part.size_bytes;
  return bytes;
}

StatusOr<std::optional<CheckpointInfo>> Client::ReadCheckpoint(const UploadRequest& request) const {
  const std::string path = CheckpointPath(request);
  if (path.empty()) return std::optional<CheckpointInfo>();
  auto text = internal::ReadWholeFile(path);
  if (!text.ok()) return text.error();
  if (!text->has_value()) return std::optional<CheckpointInfo>();
  internal::DecodeReport report;
  auto record = internal::DecodeRecord(**text, &report);
  if (!record.ok()) return record.error();
  CheckpointInfo info;
  info.path = path;
  info.upload_id = record->upload_id;
  info.part_size_bytes = record->part_size_bytes;
  for (const auto& part : record->parts) {
    info.parts.push_back({part.number, part.size_bytes, part.etag, part.crc64});
  }
  info.file = {record->file.size_bytes, record->file.mtime_ns, record->file.inode,
               record->file.device};
  auto identity = internal::StatFile(request.file_path);
  info.resumable = identity.ok() && *identity == record->file &&
                   record->endpoint == impl_->endpoint_id && record->bucket == request.bucket &&
                   record->key == request.key &&
                   record->file_path == internal::AbsolutePath(request.file_path);
  info.skipped_part_lines = report.skipped_part_lines;
  return std::optional<CheckpointInfo>(std::move(info));
}

StatusOr<std::vector<protocol::UploadInfo>> Client::ListMultipartUploads(
    const std::string& bucket, const std::string& prefix) {
  std::vector<protocol::UploadInfo> uploads;
  std::string key_marker, upload_id_marker;
  for (int page = 0; page < 100000; ++page) {
    auto result = impl_->stub->ListMultipartUploads(impl_->DefaultContext(), bucket, prefix,
                                                    key_marker, upload_id_marker);
    if (!result.ok()) return result.error();
    uploads.insert(uploads.end(), result->uploads.begin(), result->uploads.end());
    if (!result->is_truncated) break;
    if (result->next_key_marker == key_marker &&
        result->next_upload_id_marker == upload_id_marker) {
      return ClientError(protocol::client_codes::kInvalidResponse,
                         "ListMultipartUploads: markers do not advance");
    }
    key_marker = result->next_key_marker;
    upload_id_marker = result->next_upload_id_marker;
  }
  return uploads;
}

StatusOr<std::vector<protocol::PartInfo>> Client::ListParts(const std::string& bucket,
                                                            const std::string& key,
                                                            const std::string& upload_id) {
  std::vector<protocol::PartInfo> parts;
  int marker = 0;
  for (int page = 0; page < 20; ++page) {
    auto result = impl_->stub->ListParts(impl_->DefaultContext(), bucket, key, upload_id, marker);
    if (!result.ok()) return result.error();
    parts.insert(parts.end(), result->parts.begin(), result->parts.end());
    if (!result->is_truncated || result->next_part_number_marker <= marker) break;
    marker = result->next_part_number_marker;
  }
  return parts;
}

Status Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                    const std::string& upload_id) {
  return impl_->stub->AbortMultipartUpload(impl_->DefaultContext(), bucket, key, upload_id);
}

StatusOr<ObjectMeta> Client::HeadObject(const std::string& bucket, const std::string& key) {
  return impl_->stub->HeadObject(impl_->DefaultContext(), bucket, key);
}

StatusOr<std::string> Client::GetObject(const std::string& bucket, const std::string& key) {
  std::string body;
  internal::BodySink sink;
  sink.reset = [&body] { body.clear(); };
  sink.write = [&body](const char* data, size_t size) {
    body.append(data, size);
    return true;
  };
  auto meta = impl_->stub->GetObject(impl_->DefaultContext(), bucket, key, sink);
  if (!meta.ok()) return meta.error();
  return body;
}

StatusOr<uint64_t> Client::GetObjectToFile(const std::string& bucket, const std::string& key,
                                           const std::string& file_path) {
  const std::string tmp = file_path + ".ossup-part." + std::to_string(::getpid());
  std::ofstream out;
  uint64_t crc = 0, size = 0;
  bool write_failed = false;
  internal::BodySink sink;
  sink.reset = [&] {
    out.close();
    out.open(tmp, std::ios::binary | std::ios::trunc);
    crc = 0;
    size = 0;
    write_failed = !out;
  };
  sink.write = [&](const char* data, size_t n) {
    out.write(data, static_cast<std::streamsize>(n));
    crc = protocol::Crc64Extend(crc, data, n);
    size += n;
    if (!out) write_failed = true;
    return !write_failed;
  };
  auto meta = impl_->stub->GetObject(impl_->DefaultContext(), bucket, key, sink);
  out.close();
  if (write_failed) {
    std::filesystem::remove(tmp);
    return ClientError(protocol::client_codes::kIoError, "cannot write " + tmp);
  }
  if (!meta.ok()) {
    std::filesystem::remove(tmp);
    return meta.error();
  }
  if (meta->crc64 && *meta->crc64 != crc) {
    std::filesystem::remove(tmp);
    return ClientError(protocol::client_codes::kChecksumMismatch,
                       "GetObject: server CRC-64 " + protocol::Crc64ToString(*meta->crc64) +
                           " != CRC-64 of the received bytes " + protocol::Crc64ToString(crc));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    return ClientError(protocol::client_codes::kIoError,
                       "cannot rename " + tmp + " to " + file_path + ": " + ec.message());
  }
  return size;
}

StatusOr<std::string> Client::PutObject(const std::string& bucket, const std::string& key,
                                        const std::string& body, const ObjectHeaders& headers) {
  internal::PutObjectArgs args;
  args.bucket = bucket;
  args.key = key;
  args.body = std::span<const char>(body.data(), body.size());
  auto md5 = protocol::Md5Of(body);
  args.content_md5 = protocol::Base64Encode(md5);
  args.headers = internal::ObjectHeadersToWire(headers);
  auto response = impl_->stub->PutObject(impl_->DefaultContext(), args);
  if (!response.ok()) return response.error();
  if (response->crc64 && *response->crc64 != protocol::Crc64(body)) {
    return ClientError(protocol::client_codes::kChecksumMismatch, "PutObject: CRC-64 mismatch");
  }
  return response->etag;
}

}  // namespace ossup::client
