// ListObjectsV2, GetBucketInfo and GetBucketLocation.
#include "http/ops.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/limits.h"
#include "service/errors.h"

namespace ossup::fake::ops {
namespace {

class Xml {
 public:
  explicit Xml(bool url_encode) : url_encode_(url_encode) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  }
  Xml& Open(std::string_view name) {
    out_ += "<" + std::string(name) + ">";
    return *this;
  }
  Xml& Close(std::string_view name) {
    out_ += "</" + std::string(name) + ">";
    return *this;
  }
  Xml& Text(std::string_view name, std::string_view value) {
    return Open(name).Raw(XmlEscape(value)).Close(name);
  }
  /// A key, prefix or marker: URL-encoded when the request asked for encoding-type=url.
  Xml& Key(std::string_view name, std::string_view value) {
    return Text(
        name, url_encode_ ? protocol::UriEncode(value, /*keep_slash=*/false) : std::string(value));
  }
  Xml& Raw(std::string_view text) {
    out_ += text;
    return *this;
  }
  std::string Finish() && { return std::move(out_); }

 private:
  bool url_encode_;
  std::string out_;
};

/// <Owner> of FakeOwner().
Xml& AppendOwner(Xml& xml) {
  return xml.Open("Owner")
      .Text("ID", FakeOwner().id)
      .Text("DisplayName", FakeOwner().display_name)
      .Close("Owner");
}

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
  Xml xml(url);
  xml.Open("ListBucketResult").Text("Name", ex.wire.bucket).Key("Prefix", q.prefix);
  if (!start_after.empty()) xml.Key("StartAfter", start_after);
  if (!token.empty()) xml.Text("ContinuationToken", token);
  xml.Text("MaxKeys", std::to_string(q.max_keys)).Key("Delimiter", q.delimiter);
  if (url) xml.Text("EncodingType", "url");
  xml.Text("IsTruncated", result->is_truncated ? "true" : "false");
  if (result->is_truncated) {
    xml.Text("NextContinuationToken", EncodeContinuationToken(result->next_marker));
  }
  xml.Text("KeyCount", std::to_string(result->contents.size() + result->common_prefixes.size()));
  for (const auto& c : result->contents) {
    xml.Open("Contents")
        .Key("Key", c.key)
        .Text("LastModified", protocol::FormatIso8601(c.last_modified))
        .Text("ETag", c.etag)
        .Text("Type", c.type)
        .Text("Size", std::to_string(c.size))
        .Text("StorageClass", c.storage_class);
    if (owner) AppendOwner(xml);
    xml.Close("Contents");
  }
  for (const auto& prefix : result->common_prefixes) {
    xml.Open("CommonPrefixes").Key("Prefix", prefix).Close("CommonPrefixes");
  }
  xml.Close("ListBucketResult");
  ex.SetXml(200, std::move(xml).Finish());
  return {};
}

namespace {
std::string Region(const Exchange& ex) {
  return ex.ctx.options.region.empty() ? "cn-hangzhou" : ex.ctx.options.region;
}
}  // namespace

protocol::Status GetBucketInfo(Exchange& ex) {
  for (const auto& bucket : ex.ctx.service.ListBuckets()) {
    if (bucket.name != ex.wire.bucket) continue;
    auto acl = ex.ctx.service.GetBucketAcl(bucket.name);
    if (!acl.ok()) return acl.status();
    std::string region = Region(ex);
    Xml xml(false);
    xml.Open("BucketInfo")
        .Open("Bucket")
        .Text("AccessMonitor", "Disabled")
        .Text("CreationDate", protocol::FormatIso8601(bucket.creation_date))
        .Text("ExtranetEndpoint", "oss-" + region + ".aliyuncs.com")
        .Text("IntranetEndpoint", "oss-" + region + "-internal.aliyuncs.com")
        .Text("Location", "oss-" + region)
        .Text("StorageClass", bucket.storage_class)
        .Text("TransferAcceleration", "Disabled")
        .Text("CrossRegionReplication", "Disabled")
        .Text("Name", bucket.name);
    AppendOwner(xml)
        .Open("AccessControlList")
        .Text("Grant", protocol::CannedAclName(*acl))
        .Close("AccessControlList")
        .Close("Bucket")
        .Close("BucketInfo");
    ex.SetXml(200, std::move(xml).Finish());
    return {};
  }
  return errors::NoSuchBucket(ex.wire.bucket);
}

protocol::Status GetBucketLocation(Exchange& ex) {
  if (auto s = ex.ctx.service.CheckBucket(ex.wire.bucket); !s.ok()) return s;
  Xml xml(false);
  xml.Text("LocationConstraint", "oss-" + Region(ex));
  ex.SetXml(200, std::move(xml).Finish());
  return {};
}

}  // namespace ossup::fake::ops
