#include <charconv>

#include "http/callback.h"
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

std::string EncodingType(const Exchange& ex) {
  auto value = ex.Param("encoding-type");
  return value && *value == "url" ? "url" : "";
}

std::string UploadIdOf(const Exchange& ex) {
  return std::string(ex.Param("uploadId").value_or(""));
}

// partNumber as OSS validates it (docs/protocol.md, "UploadPart").
protocol::StatusOr<int> PartNumberOf(const Exchange& ex) {
  auto text = ex.Param("partNumber");
  if (!text) {
    auto e =
        errors::InvalidArgument("Unexpected query string parameter", "ResourceType", "partNumber");
    e.ec = "0017-00000219";
    return e;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() ||
      value < protocol::limits::kMinPartNumber || value > protocol::limits::kMaxPartNumber) {
    auto e =
        errors::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive.",
                                "PartNumber", std::string(*text));
    e.ec = "0017-00000220";
    return e;
  }
  return value;
}

struct ByteSpan {
  uint64_t first = 0;
  uint64_t length = 0;
};

std::optional<uint64_t> ParseOffset(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// x-oss-copy-source-range `bytes=first-last` within the source; absent or not of that form
// (open-ended, reversed, past the end), the whole source, as OSS documents.
ByteSpan CopyRangeOf(const Exchange& ex, uint64_t size) {
  const ByteSpan whole{0, size};
  auto header = ex.Header("x-oss-copy-source-range");
  if (!header || header->substr(0, 6) != "bytes=") return whole;
  std::string_view spec = header->substr(6);
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  auto first = ParseOffset(spec.substr(0, dash));
  auto last = ParseOffset(spec.substr(dash + 1));
  if (!first || !last || *first > *last || *last >= size) return whole;
  return ByteSpan{*first, *last - *first + 1};
}

}  // namespace

protocol::Status InitiateMultipartUpload(Exchange& ex) {
  auto meta = MetaFromHeaders(ex);
  if (!meta.ok()) return meta.status();
  auto storage_class = StorageClassFromHeaders(ex);
  if (!storage_class.ok()) return storage_class.status();
  meta->storage_class = std::move(*storage_class);
  auto upload_id = ex.ctx.service.InitiateUpload(ex.wire.bucket, ex.wire.key, std::move(*meta),
                                                 ex.HasParam("sequential"), ex.now);
  if (!upload_id.ok()) return upload_id.status();
  ex.entry.upload_id = *upload_id;
  protocol::InitiateMultipartUploadResult result{.bucket = ex.wire.bucket,
                                                 .key = ex.wire.key,
                                                 .upload_id = *upload_id,
                                                 .encoding_type = EncodingType(ex)};
  ex.SetXml(200, protocol::EncodeXml(result));
  return {};
}

protocol::Status UploadPart(Exchange& ex) {
  if (auto s = CheckBodyLength(ex); !s.ok()) return s;
  auto part_number = PartNumberOf(ex);
  if (!part_number.ok()) return part_number.status();
  const std::string upload_id = UploadIdOf(ex);
  if (auto s = ex.ctx.service.CheckUpload(ex.wire.bucket, ex.wire.key, upload_id); !s.ok()) {
    return s;
  }
  auto body = ReceiveBlob(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset: nothing is stored
  auto md5 = (*body)->md5;
  uint64_t size = (*body)->blob->size();
  auto part = ex.ctx.service.UploadPart(ex.wire.bucket, ex.wire.key, upload_id, *part_number,
                                        std::move(**body), size, ex.now);
  if (!part.ok()) return part.status();
  ex.res.set_header("ETag", part->etag);
  ex.res.set_header("Content-MD5", protocol::Base64Encode(md5));
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString(part->crc64));
  ex.SetEmpty(200);
  return {};
}

protocol::Status UploadPartCopy(Exchange& ex) {
  auto part_number = PartNumberOf(ex);
  if (!part_number.ok()) return part_number.status();
  const std::string upload_id = UploadIdOf(ex);
  if (auto s = ex.ctx.service.CheckUpload(ex.wire.bucket, ex.wire.key, upload_id); !s.ok()) {
    return s;
  }
  auto source = CopySourceToCopy(ex);
  if (!source.ok()) return source.status();
  if (!*source) return {};  // 304
  const ObjectPtr& from = **source;
  const ByteSpan span = CopyRangeOf(ex, from->size);
  auto data = ex.ctx.service.CopyRange(*from, span.first, span.length);
  if (!data.ok()) return data.status();
  auto part = ex.ctx.service.UploadPart(ex.wire.bucket, ex.wire.key, upload_id, *part_number,
                                        std::move(*data), span.length, ex.now);
  if (!part.ok()) return part.status();
  // The ETag in a header as well as in the body: ali-oss multipartCopy and python
  // upload_part_copy read the header (docs/protocol.md, "Copy answers").
  ex.res.set_header("ETag", part->etag);
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString(part->crc64));
  ex.SetXml(200, protocol::EncodeXml(protocol::CopyPartResult{part->last_modified, part->etag}));
  return {};
}

protocol::Status ListParts(Exchange& ex) {
  auto max_parts = IntParam(ex, "max-parts", protocol::limits::kMaxListParts, 1,
                            protocol::limits::kMaxListParts);
  if (!max_parts.ok()) return max_parts.status();
  auto marker = IntParam(ex, "part-number-marker", 0, 0, protocol::limits::kMaxPartNumber);
  if (!marker.ok()) return marker.status();
  auto result =
      ex.ctx.service.ListParts(ex.wire.bucket, ex.wire.key, UploadIdOf(ex), *marker, *max_parts);
  if (!result.ok()) return result.status();
  result->encoding_type = EncodingType(ex);
  ex.SetXml(200, protocol::EncodeXml(*result));
  return {};
}

protocol::Status CompleteMultipartUpload(Exchange& ex) {
  auto read = ReadXmlBody(ex);
  if (!read.ok()) return read.status();
  if (!*read) return {};  // the connection was reset: answer nothing
  const std::string& body = **read;
  const std::string upload_id = UploadIdOf(ex);
  auto callback = ParseCallback(ex);
  if (!callback.ok()) return callback.status();
  auto complete_all = ex.Header("x-oss-complete-all");
  std::optional<std::vector<protocol::CompletePart>> parts;
  if (complete_all && *complete_all == "yes") {
    if (!body.empty()) {
      auto e = errors::InvalidArgument("Should not speficy both complete all header and http body.",
                                       "x-oss-complete-all", "yes");
      e.ec = "0042-00000216";
      return e;
    }
    // Still an unknown upload first, as OSS checks it before anything else.
    if (auto s = ex.ctx.service.CheckUpload(ex.wire.bucket, ex.wire.key, upload_id); !s.ok()) {
      return s;
    }
  } else {
    if (auto s = ex.ctx.service.CheckUpload(ex.wire.bucket, ex.wire.key, upload_id); !s.ok()) {
      return s;
    }
    auto decoded = protocol::DecodeCompleteMultipartUpload(body);
    if (!decoded.ok()) return decoded.status();
    parts = std::move(decoded->parts);
  }
  auto object = ex.ctx.service.Complete(ex.wire.bucket, ex.wire.key, upload_id, parts,
                                        HeaderIsTrue(ex, "x-oss-forbid-overwrite"), ex.now);
  if (!object.ok()) return object.status();
  protocol::CompleteMultipartUploadResult result;
  result.location = std::string(ex.ctx.options.tls ? "https" : "http") + "://" +
                    ex.req.get_header_value("Host") + "/" + ex.wire.bucket + "/" +
                    protocol::UriEncode(ex.wire.key, /*keep_slash=*/true);
  result.bucket = ex.wire.bucket;
  result.key = ex.wire.key;
  result.etag = (*object)->etag;
  result.encoding_type = EncodingType(ex);
  ex.res.set_header("ETag", (*object)->etag);
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString((*object)->crc64));
  ex.SetXml(200, protocol::EncodeXml(result));
  if (*callback) RunCallback(ex, **callback, **object);
  return {};
}

protocol::Status AbortMultipartUpload(Exchange& ex) {
  if (auto s = ex.ctx.service.Abort(ex.wire.bucket, ex.wire.key, UploadIdOf(ex)); !s.ok()) {
    return s;
  }
  ex.SetEmpty(204);
  return {};
}

}  // namespace ossup::fake::ops
