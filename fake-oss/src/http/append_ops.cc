// AppendObject (`POST /key?append&position=N`): docs/protocol.md, "AppendObject".
#include <charconv>

#include "http/ops.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

// The `position` parameter. InvalidArgument when absent (EC 0016-00000501) or not a number.
protocol::StatusOr<uint64_t> AppendPosition(const Exchange& ex) {
  auto text = ex.Param("position");
  if (!text) {
    auto e = errors::InvalidArgument("Position is not specified.", "position", "");
    e.ec = "0016-00000501";
    return e;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
    return errors::InvalidArgument("Position is not a valid number.", "position",
                                   std::string(*text));
  }
  return value;
}

void SetNextPosition(Exchange& ex, uint64_t next_position) {
  ex.res.set_header("x-oss-next-append-position", std::to_string(next_position));
}

}  // namespace

protocol::Status AppendObject(Exchange& ex) {
  if (auto s = CheckBodyLength(ex); !s.ok()) return s;
  auto position = AppendPosition(ex);
  if (!position.ok()) return position.status();
  // Content-Type, the kept headers, tags and storage class count only when the append creates
  // the object; x-oss-object-acl counts on every append. All are validated on every append.
  auto meta = NewObjectMetaFromHeaders(ex);
  if (!meta.ok()) return meta.status();
  uint64_t next_position = 0;
  if (auto s = ex.ctx.service.CheckAppend(ex.wire.bucket, ex.wire.key, *position, next_position);
      !s.ok()) {
    if (s.error().code == "PositionNotEqualToLength") SetNextPosition(ex, next_position);
    return s;
  }
  auto body = ReceiveBlob(ex);
  if (!body.ok()) return body.status();
  if (!*body) return {};  // the connection was reset
  auto object = ex.ctx.service.AppendObject(
      ex.wire.bucket, ex.wire.key, *position, std::move(*meta),
      ex.Header("x-oss-object-acl").has_value(), std::move(**body), ex.now, next_position);
  if (!object.ok()) {
    if (object.error().code == "PositionNotEqualToLength") SetNextPosition(ex, next_position);
    return object.status();
  }
  SetNextPosition(ex, (*object)->size);
  ex.res.set_header("ETag", (*object)->etag);
  ex.res.set_header("x-oss-hash-crc64ecma", protocol::Crc64ToString((*object)->crc64));
  ex.SetEmpty(200);
  return {};
}

}  // namespace ossup::fake::ops
