#include <algorithm>

#include "http/ops.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

std::string EncodingType(const Exchange& ex) {
  auto value = ex.Param("encoding-type");
  return value && *value == "url" ? "url" : "";
}

// x-oss-acl of PutBucket and PutBucketAcl: nullopt when absent. A value other than private,
// public-read and public-read-write is 400 InvalidArgument, EC 0015-00000204 (docs/protocol.md,
// "Bucket ACL").
protocol::StatusOr<std::optional<protocol::CannedAcl>> BucketAclFromHeader(const Exchange& ex) {
  auto header = ex.Header("x-oss-acl");
  if (!header) return std::optional<protocol::CannedAcl>();
  auto acl = protocol::CannedAclFromName(*header);
  if (!acl || *acl == protocol::CannedAcl::kDefault) {
    auto e = errors::InvalidArgument("no such bucket access control exists", "x-oss-acl",
                                     std::string(*header));
    e.ec = "0015-00000204";
    return e;
  }
  return std::optional<protocol::CannedAcl>(*acl);
}

}  // namespace

protocol::Status ListBuckets(Exchange& ex) {
  protocol::ListBucketsResult result;
  result.owner_id = FakeOwner().id;
  result.owner_display_name = FakeOwner().display_name;
  // docs/protocol.md, "ListBuckets": prefix, marker (names after it) and max-keys (1-1000,
  // default 100) page the answer by bucket name.
  result.paged = ex.Param("prefix") || ex.Param("marker") || ex.Param("max-keys");
  result.prefix = std::string(ex.Param("prefix").value_or(""));
  // A prefix no bucket name can start with (a character outside a-z, 0-9 and '-') is 400
  // InvalidArgument, EC 0017-00000290 (docs/protocol.md, "ListBuckets").
  for (char c : result.prefix) {
    if ((c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-') {
      auto e = errors::InvalidArgument("The prefix parameter is invalid.", "prefix", result.prefix);
      e.ec = "0017-00000290";
      return e;
    }
  }
  result.marker = std::string(ex.Param("marker").value_or(""));
  auto max_keys = IntParam(ex, "max-keys", 100, 1, 1000);
  if (!max_keys.ok()) return max_keys.status();
  result.max_keys = *max_keys;
  const std::string region = Region(ex);
  for (auto& bucket : ex.ctx.service.ListBuckets()) {  // ascending names
    if (!bucket.name.starts_with(result.prefix) || bucket.name <= result.marker) continue;
    if (static_cast<int>(result.buckets.size()) == result.max_keys) {
      result.is_truncated = true;
      result.next_marker = result.buckets.back().name;
      break;
    }
    bucket.region = region;
    bucket.location = "oss-" + region;
    result.buckets.push_back(std::move(bucket));
  }
  ex.SetXml(200, protocol::EncodeXml(result));
  return {};
}

protocol::Status PutBucket(Exchange& ex) {
  auto body = ex.ReadSmallBody(protocol::limits::kMaxXmlBodySize);
  if (ex.killed()) return {};
  if (!body.ok()) return body.status();
  std::string storage_class = "Standard";
  if (!body->empty()) {
    auto config = protocol::DecodeCreateBucketConfiguration(*body);
    if (!config.ok()) return config.status();
    if (std::find(std::begin(kStorageClasses), std::end(kStorageClasses), config->storage_class) ==
        std::end(kStorageClasses)) {
      return errors::InvalidArgument("Invalid storage class.", "StorageClass",
                                     config->storage_class);
    }
    storage_class = config->storage_class;
  }
  auto acl = BucketAclFromHeader(ex);
  if (!acl.ok()) return acl.status();
  if (auto s = ex.ctx.service.PutBucket(
          ex.wire.bucket, ex.now, acl->value_or(protocol::CannedAcl::kPrivate), storage_class);
      !s.ok()) {
    return s;
  }
  // On a bucket that already exists, x-oss-acl changes its ACL: the original form of
  // PutBucketACL, `PUT /` without `?acl`, which older SDKs still send (docs/protocol.md,
  // "Bucket ACL").
  if (*acl) {
    if (auto s = ex.ctx.service.PutBucketAcl(ex.wire.bucket, **acl); !s.ok()) return s;
  }
  ex.res.set_header("Location", "/" + ex.wire.bucket);
  ex.SetEmpty(200);
  return {};
}

protocol::Status DeleteBucket(Exchange& ex) {
  if (auto s = ex.ctx.service.DeleteBucket(ex.wire.bucket); !s.ok()) return s;
  ex.SetEmpty(204);
  return {};
}

protocol::Status PutBucketAcl(Exchange& ex) {
  auto acl = BucketAclFromHeader(ex);
  if (!acl.ok()) return acl.status();
  // Without the header nothing changes; a missing bucket is created (docs/protocol.md,
  // "Bucket ACL").
  if (auto s = ex.ctx.service.PutBucket(ex.wire.bucket, ex.now); !s.ok()) return s;
  if (*acl) {
    if (auto s = ex.ctx.service.PutBucketAcl(ex.wire.bucket, **acl); !s.ok()) return s;
  }
  ex.SetEmpty(200);
  return {};
}

protocol::Status GetBucketAcl(Exchange& ex) {
  auto acl = ex.ctx.service.GetBucketAcl(ex.wire.bucket);
  if (!acl.ok()) return acl.status();
  protocol::AccessControlPolicy policy{FakeOwner().id, FakeOwner().display_name,
                                       std::string(protocol::CannedAclName(*acl))};
  ex.SetXml(200, protocol::EncodeXml(policy));
  return {};
}

protocol::Status ListObjects(Exchange& ex) {
  ListObjectsQuery q;
  q.prefix = std::string(ex.Param("prefix").value_or(""));
  q.marker = std::string(ex.Param("marker").value_or(""));
  q.delimiter = std::string(ex.Param("delimiter").value_or(""));
  auto max_keys =
      IntParam(ex, "max-keys", protocol::limits::kDefaultMaxKeys, 0, protocol::limits::kMaxKeys);
  if (!max_keys.ok()) return max_keys.status();
  q.max_keys = *max_keys;
  auto result = ex.ctx.service.ListObjects(ex.wire.bucket, q);
  if (!result.ok()) return result.status();
  result->encoding_type = EncodingType(ex);
  // OSS names the owner in every ListObjects (v1) entry; ali-oss's list() requires it.
  for (auto& object : result->contents) object.owner = FakeOwner();
  ex.SetXml(200, protocol::EncodeXml(*result));
  return {};
}

protocol::Status ListMultipartUploads(Exchange& ex) {
  ListUploadsQuery q;
  q.prefix = std::string(ex.Param("prefix").value_or(""));
  q.key_marker = std::string(ex.Param("key-marker").value_or(""));
  q.upload_id_marker = std::string(ex.Param("upload-id-marker").value_or(""));
  q.delimiter = std::string(ex.Param("delimiter").value_or(""));
  auto max_uploads = IntParam(ex, "max-uploads", protocol::limits::kMaxListUploads, 1,
                              protocol::limits::kMaxListUploads);
  if (!max_uploads.ok()) return max_uploads.status();
  q.max_uploads = *max_uploads;
  auto result = ex.ctx.service.ListUploads(ex.wire.bucket, q);
  if (!result.ok()) return result.status();
  result->encoding_type = EncodingType(ex);
  ex.SetXml(200, protocol::EncodeXml(*result));
  return {};
}

protocol::Status PutBucketLifecycle(Exchange& ex) {
  auto body = ex.ReadSmallBody(protocol::limits::kMaxXmlBodySize);
  if (ex.killed()) return {};
  if (!body.ok()) return body.status();
  auto config = protocol::DecodeLifecycleConfiguration(*body);
  if (!config.ok()) return config.status();
  if (auto s = ex.ctx.service.PutLifecycle(ex.wire.bucket, std::move(*config), ex.now); !s.ok()) {
    return s;
  }
  ex.SetEmpty(200);
  return {};
}

protocol::Status GetBucketLifecycle(Exchange& ex) {
  auto config = ex.ctx.service.GetLifecycle(ex.wire.bucket);
  if (!config.ok()) return config.status();
  ex.SetXml(200, protocol::EncodeXml(*config));
  return {};
}

protocol::Status DeleteBucketLifecycle(Exchange& ex) {
  if (auto s = ex.ctx.service.DeleteLifecycle(ex.wire.bucket); !s.ok()) return s;
  ex.SetEmpty(204);
  return {};
}

}  // namespace ossup::fake::ops
