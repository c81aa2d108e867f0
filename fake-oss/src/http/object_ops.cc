#include <charconv>

#include "http/callback.h"
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The range to serve for a `Range` header (docs/protocol.md, "GetObject and ranges"): nullopt = the
// whole object with 200. Only the first range counts. Default behaviour ignores any invalid range;
// with `x-oss-range-behavior: standard` an end past EOF is clipped and a start past EOF is 416.
protocol::StatusOr<std::optional<ByteRange>> ResolveRange(std::string_view header, uint64_t size,
                                                          bool standard) {
  using Result = std::optional<ByteRange>;
  if (header.substr(0, 6) != "bytes=") return Result();
  std::string_view spec = header.substr(6);
  spec = spec.substr(0, spec.find(','));
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return Result();
  auto first_text = spec.substr(0, dash);
  auto last_text = spec.substr(dash + 1);
  auto unsatisfiable = [&]() -> protocol::StatusOr<Result> {
    if (!standard) return Result();
    auto e = errors::Oss("InvalidRange", 416, "The requested range cannot be satisfied");
    return e;
  };
  if (first_text.empty()) {  // suffix: the last N bytes
    auto n = ParseNumber(last_text);
    if (!n || *n == 0) return Result();
    if (size == 0) return unsatisfiable();
    if (*n > size && !standard) return Result();
    uint64_t length = std::min(*n, size);
    return Result(ByteRange{size - length, length});
  }
  auto first = ParseNumber(first_text);
  if (!first) return Result();
  if (*first >= size) return unsatisfiable();
  uint64_t last = size - 1;
  if (!last_text.empty()) {
    auto parsed = ParseNumber(last_text);
    if (!parsed || *parsed < *first) return Result();
    if (*parsed >= size && !standard) return Result();
    last = std::min(*parsed, size - 1);
  }
  return Result(ByteRange{*first, last - *first + 1});
}

void SetObjectHeaders(Exchange& ex, const StoredObject& object) {
  ex.res.set_header("ETag", object.etag);
  ex.res.set_header("Last-Modified", protocol::FormatHttpDate(object.last_modified));
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString(object.crc64));
}

// DeleteMultipleObjects needs Content-MD5 (EC 0016-00000606). OSS documents the EC but not the
// code; SDKs always send the header, so the code matters little.
protocol::Error MissingContentMd5() {
  auto e = errors::InvalidDigest();
  e.message = "Missing Content-MD5 header: DeleteMultipleObjects requires it.";
  e.ec = "0016-00000606";
  return e;
}

}  // namespace

protocol::Status PutObject(Exchange& ex) {
  if (auto s = CheckBodyLength(ex); !s.ok()) return s;
  const bool forbid = HeaderIsTrue(ex, "x-oss-forbid-overwrite");
  auto callback = ParseCallback(ex);
  if (!callback.ok()) return callback.status();
  if (auto s = ex.ctx.service.CheckPutObject(ex.wire.bucket, ex.wire.key, forbid); !s.ok()) {
    return s;
  }
  auto body = ReceiveBlob(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset
  auto md5 = (*body)->md5;
  auto object = ex.ctx.service.PutObject(ex.wire.bucket, ex.wire.key, MetaFromHeaders(ex),
                                         std::move(**body), forbid, ex.now);
  if (!object.ok()) return object.status();
  ex.res.set_header("ETag", (*object)->etag);
  ex.res.set_header("Content-MD5", protocol::Base64Encode(md5));
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString((*object)->crc64));
  ex.SetEmpty(200);
  if (*callback) RunCallback(ex, **callback, **object);
  return {};
}

protocol::Status GetObject(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  const ObjectPtr& object = *found;
  if (auto match = ex.Header("If-Match");
      match && protocol::NormalizeETag(*match) != protocol::NormalizeETag(object->etag)) {
    return errors::Oss("PreconditionFailed", 412,
                       "At least one of the pre-conditions you specified did not hold.");
  }
  if (auto none = ex.Header("If-None-Match");
      none && protocol::NormalizeETag(*none) == protocol::NormalizeETag(object->etag)) {
    SetObjectHeaders(ex, *object);
    ex.SetEmpty(304);
    return {};
  }
  std::optional<ByteRange> range;
  if (auto header = ex.Header("Range")) {
    auto behavior = ex.Header("x-oss-range-behavior");
    auto resolved = ResolveRange(*header, object->size, behavior && *behavior == "standard");
    if (!resolved.ok()) return resolved.status();
    range = *resolved;
  }
  SetObjectHeaders(ex, *object);
  ex.res.set_header("Accept-Ranges", "bytes");
  ex.res.set_header("x-oss-object-type", object->type);
  ex.res.set_header("x-oss-storage-class", "Standard");
  for (const auto& [name, value] : object->meta.headers) ex.res.set_header(name, value);
  uint64_t first = range ? range->first : 0;
  uint64_t length = range ? range->length : object->size;
  if (range) {
    ex.res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" +
                                           std::to_string(first + length - 1) + "/" +
                                           std::to_string(object->size));
  }
  ex.res.status = range ? 206 : 200;
  if (length > 0) {
    ex.SetObjectBody(object, first, length, object->meta.content_type);
  } else {
    ex.res.set_header("Content-Type", object->meta.content_type);
  }
  return {};
}

protocol::Status GetObjectMeta(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  SetObjectHeaders(ex, **found);
  ex.res.status = 200;
  if ((*found)->size > 0) ex.SetObjectBody(*found, 0, (*found)->size, (*found)->meta.content_type);
  return {};
}

protocol::Status DeleteObject(Exchange& ex) {
  if (auto s = ex.ctx.service.DeleteObject(ex.wire.bucket, ex.wire.key); !s.ok()) return s;
  ex.SetEmpty(204);
  return {};
}

protocol::Status DeleteMultipleObjects(Exchange& ex) {
  if (auto s = ex.ctx.service.CheckBucket(ex.wire.bucket); !s.ok()) return s;
  auto body = ReadXmlBody(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset: answer nothing
  if (!ex.Header("Content-MD5")) return MissingContentMd5();
  auto encoding = ex.Param("encoding-type");
  auto request =
      protocol::DecodeDeleteMultipleObjects(**body, encoding == "url" ? "url" : std::string_view());
  if (!request.ok()) return request.status();
  for (const auto& key : request->keys) {
    if (auto s = protocol::ValidateObjectKey(key); !s.ok()) return s;
  }
  protocol::DeleteMultipleObjectsResult result;
  result.encoding_type = request->encoding_type;
  for (const auto& key : request->keys) {
    if (auto s = ex.ctx.service.DeleteObject(ex.wire.bucket, key); !s.ok()) return s;
    if (!request->quiet) result.deleted.push_back(key);
  }
  ex.SetXml(200, protocol::EncodeXml(result));
  return {};
}

}  // namespace ossup::fake::ops
