#include "ossup/protocol/operation.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>
#include <vector>

#include "ossup/protocol/name_table.h"

namespace ossup::protocol {
namespace {

constexpr NameTable<Operation, 33> kNames = {{
    {Operation::kUnknown, "Unknown"},
    {Operation::kListBuckets, "ListBuckets"},
    {Operation::kPutBucket, "PutBucket"},
    {Operation::kDeleteBucket, "DeleteBucket"},
    {Operation::kGetBucketAcl, "GetBucketAcl"},
    {Operation::kPutBucketAcl, "PutBucketAcl"},
    {Operation::kListObjects, "ListObjects"},
    {Operation::kListMultipartUploads, "ListMultipartUploads"},
    {Operation::kPutBucketLifecycle, "PutBucketLifecycle"},
    {Operation::kGetBucketLifecycle, "GetBucketLifecycle"},
    {Operation::kDeleteBucketLifecycle, "DeleteBucketLifecycle"},
    {Operation::kPutObject, "PutObject"},
    {Operation::kGetObject, "GetObject"},
    {Operation::kHeadObject, "HeadObject"},
    {Operation::kGetObjectMeta, "GetObjectMeta"},
    {Operation::kDeleteObject, "DeleteObject"},
    {Operation::kCopyObject, "CopyObject"},
    {Operation::kDeleteMultipleObjects, "DeleteMultipleObjects"},
    {Operation::kPostObject, "PostObject"},
    {Operation::kPutObjectAcl, "PutObjectACL"},
    {Operation::kGetObjectAcl, "GetObjectACL"},
    {Operation::kPutObjectTagging, "PutObjectTagging"},
    {Operation::kGetObjectTagging, "GetObjectTagging"},
    {Operation::kDeleteObjectTagging, "DeleteObjectTagging"},
    {Operation::kAppendObject, "AppendObject"},
    {Operation::kPutSymlink, "PutSymlink"},
    {Operation::kGetSymlink, "GetSymlink"},
    {Operation::kInitiateMultipartUpload, "InitiateMultipartUpload"},
    {Operation::kUploadPart, "UploadPart"},
    {Operation::kUploadPartCopy, "UploadPartCopy"},
    {Operation::kListParts, "ListParts"},
    {Operation::kCompleteMultipartUpload, "CompleteMultipartUpload"},
    {Operation::kAbortMultipartUpload, "AbortMultipartUpload"},
}};

// Query parameters that select a different operation (OSS "sub-resources"), and for those no
// operation here implements, the feature they belong to (docs/compatibility.md, "Out of
// scope"). Every other parameter (prefix, max-keys, encoding-type, response-content-type, ...)
// is an argument of the operation and does not affect classification. A selector we do not
// support makes the request kUnknown instead of silently falling back to the plain operation.
struct Subresource {
  std::string_view name;
  std::string_view out_of_scope;  // "" when some operation here takes it
};
constexpr Subresource kSubresources[] = {
    {"acl", ""},
    {"uploads", ""},
    {"uploadId", ""},
    {"partNumber", ""},
    {"objectMeta", ""},
    {"lifecycle", ""},
    {"location", ""},
    {"delete", ""},
    {"tagging", ""},
    {"list-type", ""},
    {"continuation-token", ""},
    {"bucketInfo", ""},
    {"append", ""},
    {"position", ""},
    {"symlink", ""},
    {"cors", "bucket CORS"},
    {"logging", "bucket logging"},
    {"website", "static website hosting"},
    {"referer", "hotlink protection (referer)"},
    {"policy", "bucket policy"},
    {"inventory", "bucket inventory"},
    {"encryption", "bucket encryption"},
    {"versions", "versioning"},
    {"versioning", "versioning"},
    {"versionId", "versioning"},
    {"replication", "cross-region replication"},
    {"worm", "retention policy (WORM)"},
    {"restore", "archive restore"},
    {"stat", "live channel"},
    {"live", "live channel"},
    {"comp", "live channel"},
    {"x-oss-process", "image processing"},
    {"qos", "QoS"},
    {"requestPayment", "pay-by-requester"},
    {"select", "SelectObject"},
    {"cname", "CNAME"},
};
// The distinct selectors present in `query`, in first-seen order.
std::vector<std::string_view> SelectorsIn(const QueryParams& query) {
  std::vector<std::string_view> found;
  for (const auto& param : query) {
    const std::string& name = param.first;
    bool is_selector = std::any_of(std::begin(kSubresources), std::end(kSubresources),
                                   [&](const Subresource& s) { return s.name == name; });
    if (is_selector && std::find(found.begin(), found.end(), name) == found.end()) {
      found.push_back(name);
    }
  }
  return found;
}

// True when `present` holds exactly the selectors in `expected` (in any order).
bool Exactly(const std::vector<std::string_view>& present,
             std::initializer_list<std::string_view> expected) {
  if (present.size() != expected.size()) return false;
  return std::all_of(expected.begin(), expected.end(), [&](std::string_view name) {
    return std::find(present.begin(), present.end(), name) != present.end();
  });
}

Operation ClassifyService(std::string_view method, const std::vector<std::string_view>& sel) {
  if (method == "GET" && sel.empty()) return Operation::kListBuckets;
  return Operation::kUnknown;
}

Operation ClassifyBucket(std::string_view method, const std::vector<std::string_view>& sel) {
  if (method == "GET") {
    if (sel.empty()) return Operation::kListObjects;
    if (Exactly(sel, {"uploads"})) return Operation::kListMultipartUploads;
    if (Exactly(sel, {"acl"})) return Operation::kGetBucketAcl;
    if (Exactly(sel, {"lifecycle"})) return Operation::kGetBucketLifecycle;
  } else if (method == "POST") {
    if (sel.empty()) return Operation::kPostObject;
    if (Exactly(sel, {"delete"})) return Operation::kDeleteMultipleObjects;
  } else if (method == "PUT") {
    if (sel.empty()) return Operation::kPutBucket;
    if (Exactly(sel, {"acl"})) return Operation::kPutBucketAcl;
    if (Exactly(sel, {"lifecycle"})) return Operation::kPutBucketLifecycle;
  } else if (method == "DELETE") {
    if (sel.empty()) return Operation::kDeleteBucket;
    if (Exactly(sel, {"lifecycle"})) return Operation::kDeleteBucketLifecycle;
  }
  return Operation::kUnknown;
}

Operation ClassifyObject(std::string_view method, const std::vector<std::string_view>& sel) {
  if (method == "POST") {
    if (Exactly(sel, {"uploads"})) return Operation::kInitiateMultipartUpload;
    if (Exactly(sel, {"uploadId"})) return Operation::kCompleteMultipartUpload;
    if (Exactly(sel, {"append", "position"}) || Exactly(sel, {"append"})) {
      return Operation::kAppendObject;
    }
  } else if (method == "PUT") {
    if (sel.empty()) return Operation::kPutObject;
    // uploadId without partNumber is still UploadPart, so the server can answer OSS's
    // InvalidArgument ("Unexpected query string parameter") instead of a generic error.
    if (Exactly(sel, {"uploadId", "partNumber"}) || Exactly(sel, {"uploadId"})) {
      return Operation::kUploadPart;
    }
    if (Exactly(sel, {"acl"})) return Operation::kPutObjectAcl;
    if (Exactly(sel, {"tagging"})) return Operation::kPutObjectTagging;
    if (Exactly(sel, {"symlink"})) return Operation::kPutSymlink;
  } else if (method == "GET") {
    if (sel.empty()) return Operation::kGetObject;
    if (Exactly(sel, {"acl"})) return Operation::kGetObjectAcl;
    if (Exactly(sel, {"tagging"})) return Operation::kGetObjectTagging;
    if (Exactly(sel, {"symlink"})) return Operation::kGetSymlink;
    if (Exactly(sel, {"uploadId"})) return Operation::kListParts;
    if (Exactly(sel, {"objectMeta"})) return Operation::kGetObjectMeta;
  } else if (method == "HEAD") {
    if (sel.empty()) return Operation::kHeadObject;
    if (Exactly(sel, {"objectMeta"})) return Operation::kGetObjectMeta;
  } else if (method == "DELETE") {
    if (sel.empty()) return Operation::kDeleteObject;
    if (Exactly(sel, {"uploadId"})) return Operation::kAbortMultipartUpload;
    if (Exactly(sel, {"tagging"})) return Operation::kDeleteObjectTagging;
  }
  return Operation::kUnknown;
}

}  // namespace

std::string_view OperationName(Operation op) { return LookupName(kNames, op, "Unknown"); }

std::optional<Operation> OperationFromName(std::string_view name) {
  return LookupValue(kNames, name);
}

Operation ClassifyOperation(std::string_view method, std::string_view bucket, std::string_view key,
                            const QueryParams& query) {
  const std::vector<std::string_view> selectors = SelectorsIn(query);
  if (bucket.empty()) {
    return key.empty() ? ClassifyService(method, selectors) : Operation::kUnknown;
  }
  if (key.empty()) return ClassifyBucket(method, selectors);
  return ClassifyObject(method, selectors);
}

std::optional<std::string_view> OutOfScopeFeature(const QueryParams& query) {
  for (const auto& [name, value] : query) {
    for (const Subresource& s : kSubresources) {
      if (s.name == name && !s.out_of_scope.empty()) return s.out_of_scope;
    }
  }
  return std::nullopt;
}

Operation ClassifyRequest(const WireRequest& request) {
  Operation op = ClassifyOperation(request.method, request.bucket, request.key, request.query);
  if (!FindHeader(request.headers, "x-oss-copy-source")) return op;
  if (op == Operation::kPutObject) return Operation::kCopyObject;
  if (op == Operation::kUploadPart) return Operation::kUploadPartCopy;
  return op;
}

}  // namespace ossup::protocol
