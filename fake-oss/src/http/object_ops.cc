#include <charconv>

#include "http/callback.h"
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/tagging.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

std::optional<uint8_t> ParseHexByte(std::string_view text) {
  uint8_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.size() != 2 || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

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
    auto e = errors::Oss("InvalidRange");
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

// Content-MD5 of a whole Normal object: its ETag is the hex MD5 of its bytes (docs/protocol.md,
// "Simple ETag"), which OSS also states as Content-MD5 on GET and HEAD. nullopt for multipart
// and appendable objects, whose ETag is no MD5 of the bytes.
std::optional<std::string> ContentMd5Of(const StoredObject& object) {
  if (object.type != "Normal") return std::nullopt;
  const std::string hex = protocol::NormalizeETag(object.etag);
  if (hex.size() != 32) return std::nullopt;
  protocol::Md5Digest md5{};
  for (size_t i = 0; i < md5.size(); ++i) {
    auto byte = ParseHexByte(std::string_view(hex).substr(2 * i, 2));
    if (!byte) return std::nullopt;
    md5[i] = *byte;
  }
  return protocol::Base64Encode(md5);
}

/// What the GET/HEAD preconditions decide (docs/protocol.md, "GetObject preconditions"), in
/// RFC 9110 13.2.2's order: If-Match, else If-Unmodified-Since; then If-None-Match, else
/// If-Modified-Since. Dates compare whole seconds; an unparsable date is ignored.
enum class Precondition { kServe, kNotModified, kFailed };

Precondition EvaluatePreconditions(const Exchange& ex, const StoredObject& object) {
  const std::string etag = protocol::NormalizeETag(object.etag);
  if (auto match = ex.Header("If-Match")) {
    if (protocol::NormalizeETag(*match) != etag) return Precondition::kFailed;
  } else if (auto since = ex.Header("If-Unmodified-Since")) {
    auto t = protocol::ParseHttpDate(*since);
    if (t && object.last_modified > *t) return Precondition::kFailed;
  }
  if (auto none = ex.Header("If-None-Match")) {
    if (protocol::NormalizeETag(*none) == etag) return Precondition::kNotModified;
  } else if (auto since = ex.Header("If-Modified-Since")) {
    auto t = protocol::ParseHttpDate(*since);
    if (t && object.last_modified <= *t) return Precondition::kNotModified;
  }
  return Precondition::kServe;
}

/// GetObject's response-* query parameters and the headers they override.
constexpr std::pair<std::string_view, std::string_view> kResponseOverrides[] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

// DeleteMultipleObjects needs Content-MD5 (EC 0016-00000606). OSS documents the EC but not the
// code; SDKs always send the header, so the code matters little.
protocol::Error MissingContentMd5() {
  auto e = errors::InvalidDigest();
  e.message = "Missing Content-MD5 header: DeleteMultipleObjects requires it.";
  e.ec = "0016-00000606";
  return e;
}

// PutObject takes no precondition: any of If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since is 400 NotImplemented naming the header (docs/protocol.md, "PutObject").
protocol::Status RefuseConditionalPut(const Exchange& ex) {
  for (std::string_view name :
       {"If-Modified-Since", "If-Unmodified-Since", "If-Match", "If-None-Match"}) {
    if (!ex.Header(name)) continue;
    auto e = errors::Oss("NotImplemented");
    e.http_status = 400;
    e.ec = "0017-00000245";
    e.details.emplace_back("Header", std::string(name));
    return e;
  }
  return {};
}

}  // namespace

protocol::Status PutObject(Exchange& ex) {
  if (auto s = CheckBodyLength(ex); !s.ok()) return s;
  if (auto s = RefuseConditionalPut(ex); !s.ok()) return s;
  const bool forbid = HeaderIsTrue(ex, "x-oss-forbid-overwrite");
  auto callback = ParseCallback(ex);
  if (!callback.ok()) return callback.status();
  auto meta = NewObjectMetaFromHeaders(ex);
  if (!meta.ok()) return meta.status();
  if (auto s = ex.ctx.service.CheckPutObject(ex.wire.bucket, ex.wire.key, forbid); !s.ok()) {
    return s;
  }
  auto body = ReceiveBlob(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset
  auto md5 = (*body)->md5;
  auto object = ex.ctx.service.PutObject(ex.wire.bucket, ex.wire.key, std::move(*meta),
                                         std::move(**body), forbid, ex.now);
  if (!object.ok()) return object.status();
  ex.res.set_header("ETag", (*object)->etag);
  ex.res.set_header("Content-MD5", protocol::Base64Encode(md5));
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString((*object)->crc64));
  ex.SetEmpty(200);
  if (*callback) RunCallback(ex, **callback, **object);
  return {};
}

namespace {

// GetObject refuses the bytes of an Archive, ColdArchive or DeepColdArchive object (HEAD
// still answers): 403 InvalidObjectState, EC 0016-00000404. RestoreObject is not implemented.
protocol::Status CheckReadable(const Exchange& ex, const StoredObject& object) {
  if (ex.op != protocol::Operation::kGetObject || !NeedsRestore(object.meta.storage_class)) {
    return {};
  }
  auto e = errors::Oss("InvalidObjectState");
  e.ec = "0016-00000404";
  return e;
}

}  // namespace

protocol::Status GetObject(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  const std::string object_type = (*found)->type;
  auto followed = FollowSymlink(ex, *found);
  if (!followed.ok()) return followed.status();
  const ObjectPtr& object = *followed;
  if (auto s = CheckReadable(ex, *object); !s.ok()) return s;
  switch (EvaluatePreconditions(ex, *object)) {
    case Precondition::kFailed: {
      auto e = errors::Oss("PreconditionFailed");
      e.ec = "0017-00001001";  // a conditional header failed (docs/protocol.md, "EC values")
      return e;
    }
    case Precondition::kNotModified:
      SetObjectHeaders(ex, *object);
      ex.SetEmpty(304);
      return {};
    case Precondition::kServe:
      break;
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
  ex.res.set_header("x-oss-object-type", object_type);
  ex.res.set_header("x-oss-storage-class", object->meta.storage_class);
  if (object_type == "Appendable") {
    ex.res.set_header("x-oss-next-append-position", std::to_string(object->size));
  }
  // Stored headers, each replaced by its response-* override when the request names one.
  std::string content_type = object->meta.content_type;
  protocol::Headers headers = object->meta.headers;
  for (auto [param, header] : kResponseOverrides) {
    auto value = ex.Param(param);
    if (!value) continue;
    if (header == "Content-Type") {
      content_type = std::string(*value);
      continue;
    }
    protocol::SetHeader(headers, header, *value);
  }
  for (const auto& [name, value] : headers) ex.res.set_header(name, value);
  if (auto md5 = ContentMd5Of(*object); md5 && !range) ex.res.set_header("Content-MD5", *md5);
  if (!object->meta.tagging.tags.empty()) {
    ex.res.set_header("x-oss-tagging-count", std::to_string(object->meta.tagging.tags.size()));
  }
  uint64_t first = range ? range->first : 0;
  uint64_t length = range ? range->length : object->size;
  if (range) {
    ex.res.set_header("Content-Range", "bytes " + std::to_string(first) + "-" +
                                           std::to_string(first + length - 1) + "/" +
                                           std::to_string(object->size));
  }
  ex.res.status = range ? 206 : 200;
  if (length > 0) {
    ex.SetObjectBody(object, first, length, content_type);
  } else {
    ex.res.set_header("Content-Type", content_type);
  }
  return {};
}

protocol::Status GetObjectMeta(Exchange& ex) {
  auto link = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!link.ok()) return link.status();
  auto found = FollowSymlink(ex, *link);
  SetObjectHeaders(ex, **found);
  ex.res.status = 200;
  if ((*found)->size > 0) ex.SetObjectBody(*found, 0, (*found)->size, (*found)->meta.content_type);
  return {};
}

protocol::Status PutObjectAcl(Exchange& ex) {
  if (!ex.Header("x-oss-object-acl")) {
    return errors::InvalidArgument("x-oss-object-acl is required", "x-oss-object-acl", "");
  }
  auto acl = ObjectAclFromHeaders(ex);
  if (!acl.ok()) return acl.status();
  if (auto s = ex.ctx.service.UpdateObjectMeta(ex.wire.bucket, ex.wire.key,
                                               [&](ObjectMeta& meta) { meta.acl = *acl; });
      !s.ok()) {
    return s;
  }
  ex.SetEmpty(200);
  return {};
}

protocol::Status GetObjectAcl(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  protocol::AccessControlPolicy policy{FakeOwner().id, FakeOwner().display_name,
                                       std::string(protocol::CannedAclName((*found)->meta.acl))};
  ex.SetXml(200, protocol::EncodeXml(policy));
  return {};
}

protocol::Status PutObjectTagging(Exchange& ex) {
  auto body = ReadXmlBody(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset: answer nothing
  auto tagging = protocol::DecodeTagging(**body);
  if (!tagging.ok()) return tagging.status();
  if (auto s = protocol::ValidateObjectTags(*tagging); !s.ok()) return s;
  if (auto s = ex.ctx.service.UpdateObjectMeta(ex.wire.bucket, ex.wire.key,
                                               [&](ObjectMeta& meta) { meta.tagging = *tagging; });
      !s.ok()) {
    return s;
  }
  ex.SetEmpty(200);
  return {};
}

protocol::Status GetObjectTagging(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  ex.SetXml(200, protocol::EncodeXml((*found)->meta.tagging));
  return {};
}

protocol::Status DeleteObjectTagging(Exchange& ex) {
  if (auto s = ex.ctx.service.UpdateObjectMeta(ex.wire.bucket, ex.wire.key,
                                               [](ObjectMeta& meta) { meta.tagging = {}; });
      !s.ok()) {
    return s;
  }
  ex.SetEmpty(204);
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
