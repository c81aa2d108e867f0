// The OSS operations this project speaks, and the one table that states each one's facts: its
// wire name, how a request is recognised as it, whether the fake reads its body, and whether
// fault plans may target it. Adding an operation: CONTRIBUTING.md, "Adding an OSS operation".
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "ossup/protocol/wire.h"

namespace ossup::protocol {

enum class Operation {
  kUnknown,
  // Service and bucket.
  kListBuckets,
  kPutBucket,
  kDeleteBucket,
  kGetBucketAcl,
  kPutBucketAcl,
  kGetBucketInfo,
  kGetBucketLocation,
  kListObjects,
  kListObjectsV2,
  kListMultipartUploads,
  kPutBucketLifecycle,
  kGetBucketLifecycle,
  kDeleteBucketLifecycle,
  // Object.
  kPutObject,
  kGetObject,
  kHeadObject,
  kGetObjectMeta,
  kDeleteObject,
  kCopyObject,
  kDeleteMultipleObjects,
  kPostObject,  // browser form upload: POST on the bucket, the key is a form field
  kPutObjectAcl,
  kGetObjectAcl,
  kPutObjectTagging,
  kGetObjectTagging,
  kDeleteObjectTagging,
  kAppendObject,
  kPutSymlink,
  kGetSymlink,
  // Multipart.
  kInitiateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kListParts,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,  // last: kOperations has one row per value up to here
};

/// What a request names: the service (no bucket), a bucket, or an object in a bucket.
enum class Target { kService, kBucket, kObject };

/// What the fake reads of the request body before it answers. A reset fault with afterBytes
/// fires inside a body that is read; any other operation is reset before its answer.
enum class Body {
  kNone,  // answered from the head (a body, if any, is drained unread)
  kXml,   // a small XML document (at most limits::kMaxXmlBodySize)
  kData,  // object bytes; a Content-Length above the part limit is EntityTooLarge unread
  kForm,  // a multipart/form-data upload form (PostObject)
};

/// May a fault plan's rule name the operation ("op")?
enum class Faults { kNotTargetable, kTargetable };

/// The facts of one operation. A request is `op` when its method is one of `methods`, it names
/// `target`, every selector of `required` is present (a "name=value" selector also with that
/// value), every other selector it carries is in `optional`, and it carries `header` when that
/// is not empty. Selectors are the query parameters named in `required` and `optional` of any
/// row, and those of features out of scope (OutOfScopeFeature); every other query parameter is
/// an argument of the operation. Lists are separated by single spaces.
struct OperationRow {
  Operation op;
  std::string_view name;  // OSS's API name: in journals, fault plans and scenario files
  std::string_view methods;
  Target target;
  std::string_view required;
  std::string_view optional;
  std::string_view header;  // a row with a header wins over the same shape without one
  Body body;
  Faults faults;
};

/// One row per Operation, in enum order (checked at compile time below). kUnknown is what
/// nothing else matches: no method, not targetable.
inline constexpr OperationRow kOperations[] = {
    // clang-format off
    // op                                   name                       methods     target            required                 optional              header               body         faults
    {Operation::kUnknown,                  "Unknown",                  "",         Target::kService, "",                      "",                   "",                  Body::kNone, Faults::kNotTargetable},
    {Operation::kListBuckets,              "ListBuckets",              "GET",      Target::kService, "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kPutBucket,                "PutBucket",                "PUT",      Target::kBucket,  "",                      "",                   "",                  Body::kXml,  Faults::kTargetable},
    {Operation::kDeleteBucket,             "DeleteBucket",             "DELETE",   Target::kBucket,  "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetBucketAcl,             "GetBucketAcl",             "GET",      Target::kBucket,  "acl",                   "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kPutBucketAcl,             "PutBucketAcl",             "PUT",      Target::kBucket,  "acl",                   "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetBucketInfo,            "GetBucketInfo",            "GET",      Target::kBucket,  "bucketInfo",            "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetBucketLocation,        "GetBucketLocation",        "GET",      Target::kBucket,  "location",              "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kListObjects,              "ListObjects",              "GET",      Target::kBucket,  "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kListObjectsV2,            "ListObjectsV2",            "GET",      Target::kBucket,  "list-type=2",           "continuation-token", "",                  Body::kNone, Faults::kTargetable},
    {Operation::kListMultipartUploads,     "ListMultipartUploads",     "GET",      Target::kBucket,  "uploads",               "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kPutBucketLifecycle,       "PutBucketLifecycle",       "PUT",      Target::kBucket,  "lifecycle",             "",                   "",                  Body::kXml,  Faults::kTargetable},
    {Operation::kGetBucketLifecycle,       "GetBucketLifecycle",       "GET",      Target::kBucket,  "lifecycle",             "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kDeleteBucketLifecycle,    "DeleteBucketLifecycle",    "DELETE",   Target::kBucket,  "lifecycle",             "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kPutObject,                "PutObject",                "PUT",      Target::kObject,  "",                      "",                   "",                  Body::kData, Faults::kTargetable},
    {Operation::kGetObject,                "GetObject",                "GET",      Target::kObject,  "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kHeadObject,               "HeadObject",               "HEAD",     Target::kObject,  "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetObjectMeta,            "GetObjectMeta",            "GET HEAD", Target::kObject,  "objectMeta",            "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kDeleteObject,             "DeleteObject",             "DELETE",   Target::kObject,  "",                      "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kCopyObject,               "CopyObject",               "PUT",      Target::kObject,  "",                      "",                   "x-oss-copy-source", Body::kNone, Faults::kTargetable},
    {Operation::kDeleteMultipleObjects,    "DeleteMultipleObjects",    "POST",     Target::kBucket,  "delete",                "",                   "",                  Body::kXml,  Faults::kTargetable},
    {Operation::kPostObject,               "PostObject",               "POST",     Target::kBucket,  "",                      "",                   "",                  Body::kForm, Faults::kTargetable},
    {Operation::kPutObjectAcl,             "PutObjectACL",             "PUT",      Target::kObject,  "acl",                   "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetObjectAcl,             "GetObjectACL",             "GET",      Target::kObject,  "acl",                   "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kPutObjectTagging,         "PutObjectTagging",         "PUT",      Target::kObject,  "tagging",               "",                   "",                  Body::kXml,  Faults::kTargetable},
    {Operation::kGetObjectTagging,         "GetObjectTagging",         "GET",      Target::kObject,  "tagging",               "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kDeleteObjectTagging,      "DeleteObjectTagging",      "DELETE",   Target::kObject,  "tagging",               "",                   "",                  Body::kNone, Faults::kTargetable},
    // `?append` without `?position` is still AppendObject: the server answers the error.
    {Operation::kAppendObject,             "AppendObject",             "POST",     Target::kObject,  "append",                "position",           "",                  Body::kData, Faults::kTargetable},
    {Operation::kPutSymlink,               "PutSymlink",               "PUT",      Target::kObject,  "symlink",               "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kGetSymlink,               "GetSymlink",               "GET",      Target::kObject,  "symlink",               "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kInitiateMultipartUpload,  "InitiateMultipartUpload",  "POST",     Target::kObject,  "uploads",               "",                   "",                  Body::kNone, Faults::kTargetable},
    // uploadId without partNumber is still UploadPart, so the server can answer OSS's
    // InvalidArgument ("Unexpected query string parameter") instead of a generic error.
    {Operation::kUploadPart,               "UploadPart",               "PUT",      Target::kObject,  "uploadId",              "partNumber",         "",                  Body::kData, Faults::kTargetable},
    {Operation::kUploadPartCopy,           "UploadPartCopy",           "PUT",      Target::kObject,  "uploadId",              "partNumber",         "x-oss-copy-source", Body::kNone, Faults::kTargetable},
    {Operation::kListParts,                "ListParts",                "GET",      Target::kObject,  "uploadId",              "",                   "",                  Body::kNone, Faults::kTargetable},
    {Operation::kCompleteMultipartUpload,  "CompleteMultipartUpload",  "POST",     Target::kObject,  "uploadId",              "",                   "",                  Body::kXml,  Faults::kTargetable},
    {Operation::kAbortMultipartUpload,     "AbortMultipartUpload",     "DELETE",   Target::kObject,  "uploadId",              "",                   "",                  Body::kNone, Faults::kTargetable},
    // clang-format on
};

/// Number of Operation values (kUnknown included).
inline constexpr std::size_t kOperationCount = std::size(kOperations);

constexpr bool OperationRowsInEnumOrder() {
  for (std::size_t i = 0; i < kOperationCount; ++i) {
    if (kOperations[i].op != static_cast<Operation>(i)) return false;
  }
  return kOperations[kOperationCount - 1].op == Operation::kAbortMultipartUpload;
}
static_assert(OperationRowsInEnumOrder(),
              "kOperations needs one row per Operation, in enum order (a new value goes before "
              "kAbortMultipartUpload, its row at the same place)");

/// The row of `op` (kUnknown's for a value outside the enum).
constexpr const OperationRow& RowOf(Operation op) {
  const auto index = static_cast<std::size_t>(op);
  return index < kOperationCount ? kOperations[index] : kOperations[0];
}

/// "UploadPart", "InitiateMultipartUpload", ... (OSS's API names). "Unknown" for kUnknown.
constexpr std::string_view OperationName(Operation op) { return RowOf(op).name; }
/// Inverse of OperationName; nullopt for names it does not produce.
std::optional<Operation> OperationFromName(std::string_view name);

/// The row of kOperations without a `header` that `method`, `bucket`, `key` and `query` match;
/// kUnknown when none does. So never kCopyObject or kUploadPartCopy (see ClassifyRequest).
Operation ClassifyOperation(std::string_view method, std::string_view bucket, std::string_view key,
                            const QueryParams& query);

/// The feature of the first sub-resource in `query` that no operation here implements ("bucket
/// CORS" for ?cors, "image processing" for ?x-oss-process, ...); nullopt when there is none.
std::optional<std::string_view> OutOfScopeFeature(const QueryParams& query);

/// The row of kOperations that `request` matches, headers included: a PutObject or UploadPart
/// that carries `x-oss-copy-source` is CopyObject or UploadPartCopy.
Operation ClassifyRequest(const WireRequest& request);

}  // namespace ossup::protocol
