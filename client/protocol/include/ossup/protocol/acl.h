// Canned ACLs: the values of x-oss-acl (buckets), x-oss-object-acl (objects) and <Grant>.
// docs/protocol.md, "Object ACL".
#pragma once

#include <optional>
#include <string_view>

namespace ossup::protocol {

enum class CannedAcl { kDefault, kPrivate, kPublicRead, kPublicReadWrite };

/// "default", "private", "public-read", "public-read-write".
std::string_view CannedAclName(CannedAcl acl);
/// Inverse of CannedAclName; nullopt for anything else (OSS: 400 InvalidArgument).
std::optional<CannedAcl> CannedAclFromName(std::string_view name);
/// Whether anyone may read an object with `object_acl` in a bucket with `bucket_acl` without
/// signing: the object's own ACL, or its bucket's when the object's is kDefault.
bool AllowsAnonymousRead(CannedAcl object_acl, CannedAcl bucket_acl);
/// Whether anyone may write objects (put, delete, multipart, form upload) in a bucket with
/// `bucket_acl` without signing: only public-read-write buckets allow it.
bool AllowsAnonymousWrite(CannedAcl bucket_acl);

}  // namespace ossup::protocol
