#include <algorithm>
#include <cctype>
#include <charconv>

#include "http/ops.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/tagging.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsKeptHeader(std::string_view name) {
  // Server-side encryption is recorded and stated back on GET and HEAD; nothing is encrypted.
  static constexpr std::string_view kKept[] = {"Cache-Control",
                                               "Content-Disposition",
                                               "Content-Encoding",
                                               "Expires",
                                               "x-oss-server-side-encryption",
                                               "x-oss-server-side-encryption-key-id",
                                               "x-oss-server-side-data-encryption"};
  if (name.size() > 11 && EqualsIgnoreCase(name.substr(0, 11), "x-oss-meta-")) return true;
  return std::any_of(std::begin(kKept), std::end(kKept),
                     [&](std::string_view k) { return EqualsIgnoreCase(k, name); });
}

}  // namespace

const protocol::Owner& FakeOwner() {
  static const protocol::Owner owner{"1000000000000000", "fake-oss"};
  return owner;
}

protocol::StatusOr<int> IntParam(const Exchange& ex, std::string_view name, int fallback, int min,
                                 int max) {
  auto text = ex.Param(name);
  if (!text || text->empty()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min) {
    return errors::InvalidArgument("Argument " + std::string(name) + " is invalid.",
                                   std::string(name), std::string(*text));
  }
  return std::min(value, max);
}

protocol::StatusOr<std::optional<protocol::Md5Digest>> ContentMd5(const Exchange& ex) {
  auto header = ex.Header("Content-MD5");
  if (!header) return std::optional<protocol::Md5Digest>();
  auto bytes = protocol::Base64Decode(*header);
  if (!bytes || bytes->size() != 16) return errors::MalformedDigest();
  protocol::Md5Digest digest;
  std::copy(bytes->begin(), bytes->end(), digest.begin());
  return std::optional<protocol::Md5Digest>(digest);
}

bool HeaderIsTrue(const Exchange& ex, std::string_view name) {
  auto value = ex.Header(name);
  return value && EqualsIgnoreCase(*value, "true");
}

protocol::StatusOr<std::string> StorageClassFromHeaders(const Exchange& ex) {
  auto header = ex.Header("x-oss-storage-class");
  if (!header) return ex.ctx.service.BucketStorageClass(ex.wire.bucket);
  if (std::find(std::begin(kStorageClasses), std::end(kStorageClasses), *header) ==
      std::end(kStorageClasses)) {
    return errors::InvalidArgument("Invalid storage class.", "x-oss-storage-class",
                                   std::string(*header));
  }
  return std::string(*header);
}

protocol::StatusOr<protocol::CannedAcl> ObjectAclFromHeaders(const Exchange& ex) {
  auto header = ex.Header("x-oss-object-acl");
  if (!header) return protocol::CannedAcl::kDefault;
  auto acl = protocol::CannedAclFromName(*header);
  if (!acl) {
    return errors::InvalidArgument("no such object access control exists", "x-oss-object-acl",
                                   std::string(*header));
  }
  return *acl;
}

protocol::StatusOr<ObjectMeta> NewObjectMetaFromHeaders(const Exchange& ex) {
  auto meta = MetaFromHeaders(ex);
  if (!meta.ok()) return meta;
  auto acl = ObjectAclFromHeaders(ex);
  if (!acl.ok()) return acl.status();
  meta->acl = *acl;
  auto storage_class = StorageClassFromHeaders(ex);
  if (!storage_class.ok()) return storage_class.status();
  meta->storage_class = std::move(*storage_class);
  return meta;
}

protocol::StatusOr<ObjectMeta> MetaFromHeaders(const Exchange& ex) {
  return MetaFromFields(ex.wire.headers);
}

protocol::StatusOr<ObjectMeta> MetaFromFields(const protocol::Headers& fields) {
  if (auto sse = protocol::FindHeader(fields, "x-oss-server-side-encryption");
      sse && *sse != "AES256" && *sse != "KMS" && *sse != "SM4") {
    return errors::Oss("InvalidEncryptionAlgorithmError", 400,
                       "The Encryption request you specified is not valid. Supported value: "
                       "AES256/KMS/SM4");
  }
  ObjectMeta meta;
  if (auto header = protocol::FindHeader(fields, "x-oss-tagging")) {
    auto tagging = protocol::ParseTaggingHeader(*header);
    if (!tagging.ok()) return tagging.status();
    meta.tagging = std::move(*tagging);
  }
  meta.content_type = std::string(
      protocol::FindHeader(fields, "Content-Type").value_or("application/octet-stream"));
  for (const auto& [name, value] : fields) {
    if (IsKeptHeader(name)) meta.headers.emplace_back(name, value);
  }
  return meta;
}

protocol::Status CheckBodyLength(const Exchange& ex) {
  if (ex.HasBody()) return {};
  return errors::Oss("MissingContentLength", 411,
                     "You must provide the Content-Length HTTP header.");
}

protocol::StatusOr<std::optional<std::string>> ReadXmlBody(Exchange& ex) {
  auto body = ex.ReadSmallBody(protocol::limits::kMaxXmlBodySize);
  if (ex.killed()) return std::optional<std::string>();
  if (!body.ok()) return body.status();
  auto md5 = ContentMd5(ex);
  if (!md5.ok()) return md5.status();
  if (*md5 && **md5 != protocol::Md5Of(*body)) return errors::InvalidDigest();
  return std::optional<std::string>(std::move(*body));
}

protocol::StatusOr<std::optional<BlobWriter::Result>> ReceiveBlob(Exchange& ex) {
  auto md5 = ContentMd5(ex);
  if (!md5.ok()) return md5.error();
  std::optional<uint64_t> length;
  if (auto text = ex.Header("Content-Length")) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc() && end == text->data() + text->size()) length = value;
  }
  if (length && *length > ex.ctx.options.max_part_bytes) {
    ex.CloseAfterResponse();
    return errors::Oss("EntityTooLarge", 400,
                       "Your proposed upload exceeds the maximum allowed size.");
  }
  BlobWriter writer(ex.ctx.service.blobs(), length);
  bool complete =
      ex.ReadBody([&](const char* data, size_t size) { return writer.Append(data, size); },
                  ex.ctx.options.max_part_bytes);
  if (ex.killed()) return std::optional<BlobWriter::Result>();
  // A body that could not be stored is the server's fault (500, retryable), whatever the
  // client did; ReadBody consumed the rest, so the connection stays in sync.
  if (!complete && !writer.failed()) return ex.BodyError();
  auto result = writer.Finish();
  if (!result.ok()) return result.error();
  if (*md5 && **md5 != result->md5) {
    result->blob->Discard();
    return errors::InvalidDigest();
  }
  return std::optional<BlobWriter::Result>(std::move(*result));
}

}  // namespace ossup::fake::ops
