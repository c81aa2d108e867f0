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
  // Multipart.
  kInitiateMultipartUpload,
  kUploadPart,
  kListParts,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
};

/// "UploadPart", "InitiateMultipartUpload", ... (OSS's API names). "Unknown" for kUnknown.
std::string_view OperationName(Operation op);
/// Inverse of OperationName; nullopt for names it does not produce.
std::optional<Operation> OperationFromName(std::string_view name);

/// Classifies by method, which of bucket/key is present, and sub-resources.
/// Unsupported combinations (e.g. POST on an object without ?uploads/?uploadId) are kUnknown.
Operation ClassifyOperation(std::string_view method, std::string_view bucket, std::string_view key,
                            const QueryParams& query);

}  // namespace ossup::protocol
