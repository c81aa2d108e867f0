// The OSS operations this project speaks, their wire names, and how a request maps to one.
#pragma once

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
  kListObjects,
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
  kAbortMultipartUpload,  // last: tests and generators iterate [kListBuckets, here]
};

/// "UploadPart", "InitiateMultipartUpload", ... (OSS's API names). "Unknown" for kUnknown.
std::string_view OperationName(Operation op);
/// Inverse of OperationName; nullopt for names it does not produce.
std::optional<Operation> OperationFromName(std::string_view name);

/// Classifies by method, which of bucket/key is present, and sub-resources.
/// Unsupported combinations (e.g. POST on an object without ?uploads, ?uploadId or ?append) are
/// kUnknown. `?append` without `?position` is still AppendObject (the server answers the error).
/// Never answers kCopyObject or kUploadPartCopy: those differ from PutObject and UploadPart
/// only by a header (see ClassifyRequest).
Operation ClassifyOperation(std::string_view method, std::string_view bucket, std::string_view key,
                            const QueryParams& query);

/// The feature of the first sub-resource in `query` that no operation here implements ("bucket
/// CORS" for ?cors, "image processing" for ?x-oss-process, ...); nullopt when there is none.
std::optional<std::string_view> OutOfScopeFeature(const QueryParams& query);

/// ClassifyOperation, with a PutObject or UploadPart that carries `x-oss-copy-source`
/// answered as CopyObject or UploadPartCopy.
Operation ClassifyRequest(const WireRequest& request);

}  // namespace ossup::protocol
