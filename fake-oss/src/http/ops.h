// One function per OSS operation. Each reads what it needs from the Exchange, calls the
// Service, and fills in the response; an error return is written as an OSS error document
// by Exchange::Finish. Functions that take a body stream it themselves (or leave it for
// Finish to drain).
#pragma once

#include "http/exchange.h"
#include "ossup/protocol/acl.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/xml.h"
#include "ossup/protocol/xml_escape.h"

namespace ossup::fake::ops {

protocol::Status ListBuckets(Exchange& ex);
protocol::Status PutBucket(Exchange& ex);
protocol::Status DeleteBucket(Exchange& ex);
protocol::Status GetBucketAcl(Exchange& ex);
protocol::Status PutBucketAcl(Exchange& ex);
protocol::Status GetBucketInfo(Exchange& ex);      // extra_ops.cc
protocol::Status GetBucketLocation(Exchange& ex);  // extra_ops.cc
protocol::Status ListObjects(Exchange& ex);
protocol::Status ListObjectsV2(Exchange& ex);  // extra_ops.cc
protocol::Status ListMultipartUploads(Exchange& ex);
protocol::Status PutBucketLifecycle(Exchange& ex);
protocol::Status GetBucketLifecycle(Exchange& ex);
protocol::Status DeleteBucketLifecycle(Exchange& ex);

protocol::Status PutObject(Exchange& ex);
protocol::Status GetObject(Exchange& ex);  // also HeadObject
protocol::Status PutObjectAcl(Exchange& ex);
protocol::Status GetObjectAcl(Exchange& ex);
protocol::Status PutObjectTagging(Exchange& ex);
protocol::Status GetObjectTagging(Exchange& ex);
protocol::Status DeleteObjectTagging(Exchange& ex);
protocol::Status GetObjectMeta(Exchange& ex);
protocol::Status DeleteObject(Exchange& ex);
protocol::Status CopyObject(Exchange& ex);
protocol::Status DeleteMultipleObjects(Exchange& ex);
protocol::Status AppendObject(Exchange& ex);
protocol::Status PutSymlink(Exchange& ex);
protocol::Status GetSymlink(Exchange& ex);
protocol::Status PostObject(Exchange& ex);  // post_object.cc

protocol::Status InitiateMultipartUpload(Exchange& ex);
protocol::Status UploadPart(Exchange& ex);
protocol::Status UploadPartCopy(Exchange& ex);
protocol::Status ListParts(Exchange& ex);
protocol::Status CompleteMultipartUpload(Exchange& ex);
protocol::Status AbortMultipartUpload(Exchange& ex);

// Helpers shared by the operation files.

/// The owner every bucket and object of the fake reports (<Owner> in listings, ACLs, info).
const protocol::Owner& FakeOwner();
/// The region every bucket of the fake is in: ServerOptions::region, "cn-hangzhou" when empty.
std::string Region(const Exchange& ex);

/// Integer query parameter in [min, max]; absent = `fallback`. InvalidArgument otherwise.
protocol::StatusOr<int> IntParam(const Exchange& ex, std::string_view name, int fallback, int min,
                                 int max);
/// The Content-MD5 header decoded; nullopt when absent. InvalidDigest when malformed.
protocol::StatusOr<std::optional<protocol::Md5Digest>> ContentMd5(const Exchange& ex);
/// True when the header is "true" (case-insensitive).
bool HeaderIsTrue(const Exchange& ex, std::string_view name);
/// Content-Type, the kept headers and the x-oss-tagging tags of a write (its ACL is the caller's:
/// InitiateMultipartUpload ignores x-oss-object-acl, as OSS does). Errors, in order:
/// InvalidEncryptionAlgorithmError for an x-oss-server-side-encryption other than AES256, KMS or
/// SM4; InvalidArgument for tags that are malformed or break a tag rule.
protocol::StatusOr<ObjectMeta> MetaFromHeaders(const Exchange& ex);
/// x-oss-storage-class when given, else the bucket's storage class. Errors: 400
/// InvalidArgument for a class not in kStorageClasses; NoSuchBucket.
protocol::StatusOr<std::string> StorageClassFromHeaders(const Exchange& ex);
/// MetaFromHeaders over any header-like list (PostObject's form fields).
protocol::StatusOr<ObjectMeta> MetaFromFields(const protocol::Headers& fields);
/// x-oss-object-acl, or kDefault when absent; InvalidArgument for another value.
protocol::StatusOr<protocol::CannedAcl> ObjectAclFromHeaders(const Exchange& ex);
/// What a write that creates an object states of it (PutObject, AppendObject, PutSymlink):
/// MetaFromHeaders with the ObjectAclFromHeaders ACL and the StorageClassFromHeaders class.
/// Errors in that order.
protocol::StatusOr<ObjectMeta> NewObjectMetaFromHeaders(const Exchange& ex);
/// PutObject and UploadPart need a Content-Length or chunked transfer encoding: 411
/// MissingContentLength (EC 0017-00000101) otherwise, as OSS answers.
protocol::Status CheckBodyLength(const Exchange& ex);
/// The body of a small XML request (at most kMaxXmlBodySize), checked against Content-MD5 when
/// given. nullopt after a reset (answer nothing); MalformedXML when too large, IncompleteBody
/// when it ended early, InvalidDigest on a malformed header or a mismatch.
protocol::StatusOr<std::optional<std::string>> ReadXmlBody(Exchange& ex);
/// The source of a copy: the object `x-oss-copy-source` names (`/bucket/key`, key
/// percent-encoded, optional `?versionId=null`), once its x-oss-copy-source-if-* conditions
/// hold. nullopt when they say not to copy (if-none-match matched, or not modified since): the
/// answer is then set to 304. Errors: InvalidArgument (header missing or malformed),
/// NoSuchVersion (another versionId), NoSuchBucket / NoSuchKey, 412 PreconditionFailed
/// (if-match did not match, or modified since if-unmodified-since).
protocol::StatusOr<std::optional<ObjectPtr>> CopySourceToCopy(Exchange& ex);
/// What GET and HEAD read for `object`: the object itself, or for a Symlink a view of its
/// target (same bucket): the target's bytes, size, ETag, CRC64, type and storage class, the
/// later of the two Last-Modified times, and the link's other metadata. Errors: 404
/// SymlinkTargetNotExist when the target is missing; 400 InvalidTargetType when it is itself a
/// symlink.
protocol::StatusOr<ObjectPtr> FollowSymlink(const Exchange& ex, const ObjectPtr& object);
/// Streams the body into a new blob. nullopt after a reset (answer nothing); 500
/// InternalError when the body could not be stored (disk full); IncompleteBody (or another
/// BodyError) when it ended early; InvalidDigest on a Content-MD5 mismatch.
protocol::StatusOr<std::optional<BlobWriter::Result>> ReceiveBlob(Exchange& ex);

}  // namespace ossup::fake::ops
