// PutSymlink, GetSymlink, and how GET and HEAD read through a symlink: docs/protocol.md,
// "Symlinks".
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

// x-oss-symlink-target, percent-decoded once (SDKs URL-encode it). InvalidArgument when it is
// absent (EC 0043-00000001) or not a valid object key once decoded.
protocol::StatusOr<std::string> SymlinkTarget(const Exchange& ex) {
  auto header = ex.Header("x-oss-symlink-target");
  if (!header) {
    auto e =
        errors::InvalidArgument("x-oss-symlink-target is required.", "x-oss-symlink-target", "");
    e.ec = "0043-00000001";
    return e;
  }
  auto target = protocol::UriDecode(*header);
  if (!target || target->empty()) {
    return errors::InvalidArgument("The symlink target is invalid.", "x-oss-symlink-target",
                                   std::string(*header));
  }
  if (auto s = protocol::ValidateObjectKey(*target); !s.ok()) return s.error();
  return std::move(*target);
}

}  // namespace

protocol::Status PutSymlink(Exchange& ex) {
  const bool forbid = HeaderIsTrue(ex, "x-oss-forbid-overwrite");
  auto target = SymlinkTarget(ex);
  if (!target.ok()) return target.status();
  auto meta = NewObjectMetaFromHeaders(ex);
  if (!meta.ok()) return meta.status();
  auto link = ex.ctx.service.PutSymlink(ex.wire.bucket, ex.wire.key, *target, std::move(*meta),
                                        forbid, ex.now);
  if (!link.ok()) return link.status();
  ex.res.set_header("ETag", (*link)->etag);
  ex.SetEmpty(200);
  return {};
}

protocol::Status GetSymlink(Exchange& ex) {
  auto found = ex.ctx.service.GetObject(ex.wire.bucket, ex.wire.key);
  if (!found.ok()) return found.status();
  const StoredObject& link = **found;
  if (link.type != "Symlink") {
    auto e = errors::Oss("NotSymlink");
    e.ec = "0043-00000101";
    return e;
  }
  ex.res.set_header("x-oss-symlink-target",
                    protocol::UriEncode(link.symlink_target, /*keep_slash=*/true));
  ex.res.set_header("ETag", link.etag);
  ex.res.set_header("Last-Modified", protocol::FormatHttpDate(link.last_modified));
  ex.SetEmpty(200);
  return {};
}

protocol::StatusOr<ObjectPtr> FollowSymlink(const Exchange& ex, const ObjectPtr& object) {
  if (object->type != "Symlink") return object;
  auto target = ex.ctx.service.GetObject(ex.wire.bucket, object->symlink_target);
  if (!target.ok()) {
    if (target.error().code != "NoSuchKey") return target.status();
    auto e = errors::Oss("SymlinkTargetNotExist");
    e.ec = "0026-00000012";
    e.details.emplace_back("SymlinkTarget", object->symlink_target);
    return e;
  }
  if ((*target)->type == "Symlink") {
    auto e = errors::Oss("InvalidTargetType");
    e.details.emplace_back("SymlinkTarget", object->symlink_target);
    return e;
  }
  auto view = std::make_shared<StoredObject>(**target);
  view->last_modified = std::max(object->last_modified, (*target)->last_modified);
  view->meta = object->meta;
  view->meta.storage_class = (*target)->meta.storage_class;
  return ObjectPtr(std::move(view));
}

}  // namespace ossup::fake::ops
