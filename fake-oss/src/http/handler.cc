#include "http/handler.h"

#include <algorithm>
#include <charconv>

#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/limits.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

using protocol::Operation;

bool ReadsBody(Operation op) { return protocol::RowOf(op).body != protocol::Body::kNone; }

// A request that names no credentials at all: no Authorization header and no signed-URL
// parameters (V1, V2 or V4).
bool IsAnonymous(const protocol::WireRequest& wire) {
  if (protocol::FindHeader(wire.headers, "Authorization")) return false;
  for (std::string_view param : {"Signature", "OSSAccessKeyId", "x-oss-signature",
                                 "x-oss-credential", "x-oss-access-key-id"}) {
    if (protocol::HasParam(wire.query, param)) return false;
  }
  return true;
}

// An unsigned read of an object whose ACL (or its bucket's, for the default ACL) is
// public-read or public-read-write, or an unsigned object write in a public-read-write bucket:
// OSS serves it to anyone (docs/protocol.md, "Object ACL" and "Bucket ACL"). PostObject checks
// its form's signature itself.
bool AnonymousAllowed(Exchange& ex) {
  static constexpr Operation kReads[] = {Operation::kGetObject, Operation::kHeadObject,
                                         Operation::kGetObjectMeta};
  static constexpr Operation kWrites[] = {Operation::kPutObject,
                                          Operation::kDeleteObject,
                                          Operation::kInitiateMultipartUpload,
                                          Operation::kUploadPart,
                                          Operation::kCompleteMultipartUpload,
                                          Operation::kAbortMultipartUpload,
                                          Operation::kListParts};
  auto among = [&](const auto& ops) {
    return std::find(std::begin(ops), std::end(ops), ex.op) != std::end(ops);
  };
  if (!IsAnonymous(ex.wire)) return false;
  auto bucket_acl = ex.ctx.service.GetBucketAcl(ex.wire.bucket);
  if (!bucket_acl.ok()) return false;
  if (among(kWrites)) return protocol::AllowsAnonymousWrite(*bucket_acl);
  if (!among(kReads)) return false;
  auto object = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  return object.ok() && protocol::AllowsAnonymousRead((*object)->meta.acl, *bucket_acl);
}

bool IsControlPath(std::string_view target) {
  return target == "/_fake" || target.substr(0, 7) == "/_fake/" || target.substr(0, 7) == "/_fake?";
}

// The control API answers /_fake/... only on a Host that names no bucket: on a bucket's
// virtual host, `_fake/x` is an ordinary key.
bool IsControlRequest(const Addressing& addressing, const RequestHead& head) {
  return IsControlPath(head.target) &&
         BucketOfHost(addressing, head.get_header_value("Host")).empty();
}

// EntityTooLarge for a PutObject, UploadPart or AppendObject whose Content-Length exceeds the part
// limit, before any of its body is read (the connection then closes after the answer).
protocol::Status CheckUploadSize(Exchange& ex) {
  if (protocol::RowOf(ex.op).body != protocol::Body::kData) return {};
  auto text = ex.Header("Content-Length");
  uint64_t length = 0;
  if (!text) return {};
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), length);
  if (ec != std::errc() || end != text->data() + text->size()) return {};
  if (length <= ex.ctx.options.max_part_bytes) return {};
  ex.CloseAfterResponse();
  return errors::Oss("EntityTooLarge");
}

}  // namespace

Handler::Handler(Context& ctx, ControlHandler control)
    : ctx_(ctx),
      control_(std::move(control)),
      addressing_{ctx.options.virtual_host_domain, ctx.options.default_bucket} {}

void Handler::Serve(Connection& connection) {
  const RequestHead& head = connection.head();
  if (!head.framing_error && IsControlRequest(addressing_, head)) {
    control_(connection);
    return;
  }
  Exchange ex(ctx_, connection);
  if (head.framing_error) {
    ex.CloseAfterResponse();
    ex.SetError(*head.framing_error);
  } else {
    ctx_.service.ApplyLifecycle(ex.now);
    ServeOss(ex);
  }
  ex.Finish();
}

bool Handler::NeverBlocks(const RequestHead& head) const {
  if (head.framing_error) return true;
  return ctx_.options.data_dir.empty() && ctx_.injector.Empty() && !IsControlPath(head.target) &&
         !head.Header("x-oss-callback") && !head.Header("x-oss-copy-source");
}

void Handler::ServeOss(Exchange& ex) {
  auto wire = ToWireRequest(addressing_, ex.req);
  if (!wire.ok()) return ex.SetError(wire.error());
  ex.wire = std::move(*wire);
  ex.entry.bucket = ex.wire.bucket;
  ex.entry.key = ex.wire.key;
  ex.entry.upload_id = std::string(ex.Param("uploadId").value_or(""));
  if (!ex.wire.bucket.empty()) {
    if (auto s = protocol::ValidateBucketName(ex.wire.bucket); !s.ok())
      return ex.SetError(s.error());
  }
  if (!ex.wire.key.empty()) {
    if (auto s = protocol::ValidateObjectKey(ex.wire.key); !s.ok()) return ex.SetError(s.error());
  }
  ex.op = protocol::ClassifyRequest(ex.wire);
  if (ex.wire.method == "PUT" && !ex.wire.key.empty() && ex.HasParam("uploadId") &&
      ex.op != Operation::kUploadPartCopy) {
    ex.op = Operation::kUploadPart;  // even with a bad or missing partNumber
  }
  ex.entry.operation = ex.op;
  std::optional<int> part_number;
  if (ex.op == Operation::kUploadPart || ex.op == Operation::kUploadPartCopy) {
    if (auto text = ex.Param("partNumber")) {
      int value = 0;
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (ec == std::errc() && end == text->data() + text->size()) part_number = value;
    }
  }
  ex.entry.part_number = part_number;

  if (ex.op != Operation::kPostObject) {
    if (auto s = ctx_.auth.Check(ex.wire, ex.now); !s.ok() && !AnonymousAllowed(ex)) {
      return ex.SetError(s.error());
    }
  }
  if (auto s = CheckUploadSize(ex); !s.ok()) return ex.SetError(s.error());

  faults::RequestFacts facts{.operation = ex.op,
                             .bucket = ex.wire.bucket,
                             .key = ex.wire.key,
                             .upload_id = ex.entry.upload_id,
                             .part_number = part_number,
                             .plan_header = std::string(ex.Header("x-fake-oss-plan").value_or(""))};
  // A request served inline was admitted while no plan was installed (Server's InlinePolicy):
  // it is not offered to a plan installed since, whose faults may block.
  if (ex.connection.may_block()) ex.ArmFault(ctx_.injector.Decide(facts));
  if (!ex.ApplyFaultBeforeOperation(ReadsBody(ex.op))) return;
  auto status = Dispatch(ex);
  if (!status.ok()) ex.SetError(status.error());
}

protocol::Status Handler::Dispatch(Exchange& ex) {
  switch (ex.op) {
    case Operation::kListBuckets:
      return ops::ListBuckets(ex);
    case Operation::kPutBucket:
      return ops::PutBucket(ex);
    case Operation::kDeleteBucket:
      return ops::DeleteBucket(ex);
    case Operation::kGetBucketAcl:
      return ops::GetBucketAcl(ex);
    case Operation::kPutBucketAcl:
      return ops::PutBucketAcl(ex);
    case Operation::kGetBucketInfo:
      return ops::GetBucketInfo(ex);
    case Operation::kGetBucketLocation:
      return ops::GetBucketLocation(ex);
    case Operation::kListObjects:
      return ops::ListObjects(ex);
    case Operation::kListObjectsV2:
      return ops::ListObjectsV2(ex);
    case Operation::kListMultipartUploads:
      return ops::ListMultipartUploads(ex);
    case Operation::kPutBucketLifecycle:
      return ops::PutBucketLifecycle(ex);
    case Operation::kGetBucketLifecycle:
      return ops::GetBucketLifecycle(ex);
    case Operation::kDeleteBucketLifecycle:
      return ops::DeleteBucketLifecycle(ex);
    case Operation::kPutObject:
      return ops::PutObject(ex);
    case Operation::kGetObject:
    case Operation::kHeadObject:
      return ops::GetObject(ex);
    case Operation::kGetObjectMeta:
      return ops::GetObjectMeta(ex);
    case Operation::kDeleteObject:
      return ops::DeleteObject(ex);
    case Operation::kCopyObject:
      return ops::CopyObject(ex);
    case Operation::kDeleteMultipleObjects:
      return ops::DeleteMultipleObjects(ex);
    case Operation::kPostObject:
      return ops::PostObject(ex);
    case Operation::kPutObjectAcl:
      return ops::PutObjectAcl(ex);
    case Operation::kGetObjectAcl:
      return ops::GetObjectAcl(ex);
    case Operation::kPutObjectTagging:
      return ops::PutObjectTagging(ex);
    case Operation::kGetObjectTagging:
      return ops::GetObjectTagging(ex);
    case Operation::kDeleteObjectTagging:
      return ops::DeleteObjectTagging(ex);
    case Operation::kAppendObject:
      return ops::AppendObject(ex);
    case Operation::kPutSymlink:
      return ops::PutSymlink(ex);
    case Operation::kGetSymlink:
      return ops::GetSymlink(ex);
    case Operation::kInitiateMultipartUpload:
      return ops::InitiateMultipartUpload(ex);
    case Operation::kUploadPart:
      return ops::UploadPart(ex);
    case Operation::kUploadPartCopy:
      return ops::UploadPartCopy(ex);
    case Operation::kListParts:
      return ops::ListParts(ex);
    case Operation::kCompleteMultipartUpload:
      return ops::CompleteMultipartUpload(ex);
    case Operation::kAbortMultipartUpload:
      return ops::AbortMultipartUpload(ex);
    case Operation::kUnknown:
      break;
  }
  return errors::Oss("NotImplemented");
}

}  // namespace ossup::fake
