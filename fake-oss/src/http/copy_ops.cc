// CopyObject and the copy-source rules it shares with UploadPartCopy: the
// `x-oss-copy-source` header, the source object it names, and its preconditions.
#include <algorithm>

#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

struct SourceName {
  std::string bucket;
  std::string key;
};

protocol::Error BadCopySource(std::string_view header) {
  return errors::InvalidArgument(
      "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
      "x-oss-copy-source", std::string(header));
}

protocol::Error NoSuchVersion(std::string_view version) {
  auto e = errors::Oss("NoSuchVersion");
  e.details.emplace_back("VersionId", std::string(version));
  return e;
}

// The key part of the header: percent-encoded, with '+' read as a space (Go's
// url.QueryEscape, which the Go SDK uses here, writes a space as '+' and '+' as %2B).
std::optional<std::string> DecodeSourceKey(std::string_view encoded) {
  std::string text;
  for (char c : encoded) text += c == '+' ? std::string("%20") : std::string(1, c);
  return protocol::UriDecode(text);
}

// `/bucket/key[?versionId=id]`. Versioning is not modelled: every object's only version is
// "null" (as in an unversioned OSS bucket), so any other versionId is NoSuchVersion.
protocol::StatusOr<SourceName> ParseCopySource(std::string_view header) {
  std::string_view path = header;
  std::optional<std::string_view> version;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    std::string_view query = path.substr(q + 1);
    path = path.substr(0, q);
    constexpr std::string_view kVersion = "versionId=";
    if (query.substr(0, kVersion.size()) != kVersion) return BadCopySource(header);
    version = query.substr(kVersion.size());
  }
  if (path.size() < 2 || path[0] != '/') return BadCopySource(header);
  const size_t slash = path.find('/', 1);
  if (slash == std::string_view::npos || slash == 1 || slash + 1 == path.size()) {
    return BadCopySource(header);
  }
  auto key = DecodeSourceKey(path.substr(slash + 1));
  if (!key) return BadCopySource(header);
  SourceName name{std::string(path.substr(1, slash - 1)), std::move(*key)};
  if (auto s = protocol::ValidateBucketName(name.bucket); !s.ok()) return s.error();
  if (auto s = protocol::ValidateObjectKey(name.key); !s.ok()) return s.error();
  if (version && *version != "null") return NoSuchVersion(*version);
  return name;
}

protocol::Error PreconditionFailed() { return errors::Oss("PreconditionFailed"); }

// x-oss-metadata-directive: COPY (default) keeps the source's Content-Type and kept headers;
// REPLACE takes them from this request. The ACL is the request's x-oss-object-acl either way
// (default when absent): an ACL is never copied. Tags follow x-oss-tagging-directive.
protocol::StatusOr<ObjectMeta> CopiedMeta(const Exchange& ex, const StoredObject& source) {
  std::string_view directive = ex.Header("x-oss-metadata-directive").value_or("COPY");
  if (directive != "COPY" && directive != "REPLACE") {
    return errors::InvalidArgument("Invalid metadata directive.", "x-oss-metadata-directive",
                                   std::string(directive));
  }
  auto acl = ObjectAclFromHeaders(ex);
  if (!acl.ok()) return acl.status();
  auto meta =
      directive == "COPY" ? protocol::StatusOr<ObjectMeta>(source.meta) : MetaFromHeaders(ex);
  if (!meta.ok()) return meta.status();
  meta->acl = *acl;
  // The storage class is the request's x-oss-storage-class, else the destination bucket's: it
  // is never copied.
  auto storage_class = StorageClassFromHeaders(ex);
  if (!storage_class.ok()) return storage_class.status();
  meta->storage_class = std::move(*storage_class);
  // x-oss-tagging-directive: Copy (default) keeps the source's tags; Replace takes x-oss-tagging.
  std::string_view tagging = ex.Header("x-oss-tagging-directive").value_or("Copy");
  if (tagging == "Copy") {
    meta->tagging = source.meta.tagging;
  } else if (tagging == "Replace") {
    auto replaced = MetaFromHeaders(ex);
    if (!replaced.ok()) return replaced.status();
    meta->tagging = std::move(replaced->tagging);
  } else {
    return errors::InvalidArgument("Invalid tagging directive.", "x-oss-tagging-directive",
                                   std::string(tagging));
  }
  return meta;
}

}  // namespace

namespace {

protocol::StatusOr<ObjectPtr> CopySource(const Exchange& ex) {
  auto header = ex.Header("x-oss-copy-source");
  if (!header) return BadCopySource("");
  auto name = ParseCopySource(*header);
  if (!name.ok()) return name.status();
  return ex.ctx.service.GetObject(name->bucket, name->key);
}

// True = copy; false = answer 304; or 412 PreconditionFailed.
protocol::StatusOr<bool> CopyPreconditionsHold(const Exchange& ex, const StoredObject& source) {
  const std::string etag = protocol::NormalizeETag(source.etag);
  if (auto match = ex.Header("x-oss-copy-source-if-match");
      match && protocol::NormalizeETag(*match) != etag) {
    return PreconditionFailed();
  }
  if (auto none = ex.Header("x-oss-copy-source-if-none-match");
      none && protocol::NormalizeETag(*none) == etag) {
    return false;
  }
  auto time_header = [&](std::string_view name) -> std::optional<protocol::TimePoint> {
    auto text = ex.Header(name);
    return text ? protocol::ParseHttpDate(*text) : std::nullopt;
  };
  if (auto since = time_header("x-oss-copy-source-if-unmodified-since");
      since && source.last_modified > *since) {
    return PreconditionFailed();
  }
  if (auto since = time_header("x-oss-copy-source-if-modified-since");
      since && source.last_modified <= *since) {
    return false;
  }
  return true;
}

}  // namespace

protocol::StatusOr<std::optional<ObjectPtr>> CopySourceToCopy(Exchange& ex) {
  auto source = CopySource(ex);
  if (!source.ok()) return source.status();
  auto proceed = CopyPreconditionsHold(ex, **source);
  if (!proceed.ok()) return proceed.status();
  if (!*proceed) {
    ex.SetEmpty(304);
    return std::optional<ObjectPtr>();
  }
  return std::optional<ObjectPtr>(std::move(*source));
}

protocol::Status CopyObject(Exchange& ex) {
  const bool forbid = HeaderIsTrue(ex, "x-oss-forbid-overwrite");
  if (auto s = ex.ctx.service.CheckBucket(ex.wire.bucket); !s.ok()) return s;
  auto source = CopySourceToCopy(ex);
  if (!source.ok()) return source.status();
  if (!*source) return {};  // 304
  const ObjectPtr& from = **source;
  auto meta = CopiedMeta(ex, *from);
  if (!meta.ok()) return meta.status();
  auto object = ex.ctx.service.CopyObject(from, ex.wire.bucket, ex.wire.key, std::move(*meta),
                                          forbid, ex.now);
  if (!object.ok()) return object.status();
  ex.res.set_header("ETag", (*object)->etag);  // docs/protocol.md, "Copy answers"
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString((*object)->crc64));
  ex.SetXml(200, protocol::EncodeXml(
                     protocol::CopyObjectResult{(*object)->etag, (*object)->last_modified}));
  return {};
}

}  // namespace ossup::fake::ops
