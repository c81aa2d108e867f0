// ListObjectsV2, GetBucketInfo and GetBucketLocation.
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml_answers.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

// ListObjectsV2 continuation tokens: base64 of the next marker, in an alphabet that needs no
// escaping in a URL ('+' -> '.', '/' -> '_', padding '=' -> '-'), so a token survives SDKs
// that unescape query values again (go v1) and reads like OSS's own ("CgJiYw--").
// docs/protocol.md, "ListObjectsV2".
constexpr std::pair<char, char> kTokenSpelling[] = {{'+', '.'}, {'/', '_'}, {'=', '-'}};

std::string EncodeContinuationToken(std::string_view marker) {
  std::string token = protocol::Base64Encode(marker);
  for (char& c : token) {
    for (auto [standard, safe] : kTokenSpelling) {
      if (c == standard) c = safe;
    }
  }
  return token;
}

std::optional<std::string> DecodeContinuationToken(std::string token) {
  for (char& c : token) {
    for (auto [standard, safe] : kTokenSpelling) {
      if (c == safe)
        c = standard;
      else if (c == standard)
        return std::nullopt;
    }
  }
  auto decoded = protocol::Base64Decode(token);
  if (!decoded) return std::nullopt;
  return std::string(decoded->begin(), decoded->end());
}

}  // namespace

protocol::Status ListObjectsV2(Exchange& ex) {
  const bool url = ex.Param("encoding-type") == std::optional<std::string_view>("url");
  ListObjectsQuery q;
  q.prefix = std::string(ex.Param("prefix").value_or(""));
  q.delimiter = std::string(ex.Param("delimiter").value_or(""));
  auto max_keys =
      IntParam(ex, "max-keys", protocol::limits::kDefaultMaxKeys, 0, protocol::limits::kMaxKeys);
  if (!max_keys.ok()) return max_keys.status();
  q.max_keys = *max_keys;
  std::string token(ex.Param("continuation-token").value_or(""));
  std::string start_after(ex.Param("start-after").value_or(""));
  if (!token.empty()) {
    auto decoded = DecodeContinuationToken(token);
    if (!decoded) {
      return errors::InvalidArgument("The continuation token provided is incorrect",
                                     "continuation-token", token);
    }
    q.marker = std::move(*decoded);
  } else {
    q.marker = start_after;
  }
  auto result = ex.ctx.service.ListObjects(ex.wire.bucket, q);
  if (!result.ok()) return result.status();
  const bool owner = ex.Param("fetch-owner") == std::optional<std::string_view>("true");
  protocol::ListObjectsV2Result v2;
  v2.name = ex.wire.bucket;
  v2.prefix = q.prefix;
  v2.start_after = start_after;
  v2.continuation_token = token;
  v2.max_keys = q.max_keys;
  v2.delimiter = q.delimiter;
  if (url) v2.encoding_type = "url";
  v2.is_truncated = result->is_truncated;
  if (result->is_truncated)
    v2.next_continuation_token = EncodeContinuationToken(result->next_marker);
  v2.contents = std::move(result->contents);
  for (auto& object : v2.contents) {
    object.owner.reset();
    if (owner) object.owner = FakeOwner();
  }
  v2.common_prefixes = std::move(result->common_prefixes);
  ex.SetXml(200, protocol::EncodeXml(v2));
  return {};
}

protocol::Status GetBucketInfo(Exchange& ex) {
  for (auto& bucket : ex.ctx.service.ListBuckets()) {
    if (bucket.name != ex.wire.bucket) continue;
    auto acl = ex.ctx.service.GetBucketAcl(bucket.name);
    if (!acl.ok()) return acl.status();
    bucket.region = Region(ex);
    bucket.location = "oss-" + bucket.region;
    protocol::BucketInfoResult info{std::move(bucket), FakeOwner(),
                                    std::string(protocol::CannedAclName(*acl))};
    ex.SetXml(200, protocol::EncodeXml(info));
    return {};
  }
  return errors::NoSuchBucket(ex.wire.bucket);
}

protocol::Status GetBucketLocation(Exchange& ex) {
  if (auto s = ex.ctx.service.CheckBucket(ex.wire.bucket); !s.ok()) return s;
  ex.SetXml(200, protocol::EncodeXml(protocol::LocationConstraint{"oss-" + Region(ex)}));
  return {};
}

}  // namespace ossup::fake::ops
