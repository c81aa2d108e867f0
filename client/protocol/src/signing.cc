// Canonicalization and the signers (V1, V2, V4). Verification lives in sign_verify.cc; both go
// through the pipeline of sign_pipeline.h.
#include "ossup/protocol/signing.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "sign_pipeline.h"
#include "wire_text.h"

namespace ossup::protocol {
namespace {

using namespace sign_pipeline;  // NOLINT(google-build-using-namespace)
using wire_text::AsciiLower;
using wire_text::TrimSpaces;

// Sorted, for binary search. Sources: docs/protocol.md, "V1 signed sub-resources".
constexpr std::array<std::string_view, 70> kV1SignedSubresources = {
    "accessPoint",
    "acl",
    "append",
    "asyncFetch",
    "bucketInfo",
    "callback",
    "callback-var",
    "cloudboxes",
    "cname",
    "comp",
    "continuation-token",
    "cors",
    "delete",
    "encryption",
    "endTime",
    "group",
    "inventory",
    "inventoryId",
    "lifecycle",
    "link",
    "live",
    "location",
    "logging",
    "metaQuery",
    "objectInfo",
    "objectMeta",
    "partNumber",
    "policy",
    "position",
    "publicAccessBlock",
    "qos",
    "qosInfo",
    "referer",
    "regionList",
    "replication",
    "replicationLocation",
    "replicationProgress",
    "requestPayment",
    "resourceGroup",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "security-token",
    "sequential",
    "startTime",
    "stat",
    "status",
    "style",
    "styleName",
    "symlink",
    "tagging",
    "transferAcceleration",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "vod",
    "website",
    "worm",
    "wormExtend",
    "wormId",
    "x-oss-async-process",
    "x-oss-process",
    "x-oss-request-payer",
    "x-oss-traffic-limit",
};
static_assert(std::is_sorted(kV1SignedSubresources.begin(), kV1SignedSubresources.end()));

template <typename Range>
std::string Join(const Range& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

/// Headers selected by `wanted(lower-case name)`, as lower-case name -> trimmed values joined
/// with ','. The map keeps them sorted by name, as both versions require.
template <typename Predicate>
std::map<std::string, std::string> CanonicalHeaderMap(const Headers& headers, Predicate wanted) {
  std::map<std::string, std::string> selected;
  for (const auto& [name, value] : headers) {
    std::string lower = AsciiLower(name);
    if (!wanted(lower)) continue;
    auto [it, inserted] = selected.try_emplace(std::move(lower), TrimSpaces(value));
    if (!inserted) (it->second += ',') += TrimSpaces(value);
  }
  return selected;
}

std::string RenderHeaderBlock(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  return out;
}

bool IsV4DefaultSigned(std::string_view lower_name) {
  return lower_name.starts_with("x-oss-") || lower_name == "content-type" ||
         lower_name == "content-md5";
}

SigningScope ScopeFor(TimePoint now, const V4Params& params) {
  return {FormatV4Time(now).substr(0, 8), StandardRegion(params.region), params.product};
}

}  // namespace

// --- The pipeline (sign_pipeline.h) ---------------------------------------------------------

namespace sign_pipeline {

Computed ComputeV1(const WireRequest& request, std::string_view date, std::string_view secret) {
  Computed computed;
  computed.string_to_sign = V1StringToSign(request, date);
  computed.signature = V1Signature(secret, computed.string_to_sign);
  return computed;
}

Computed ComputeV2(const WireRequest& request, std::string_view date,
                   const std::vector<std::string>& additional_headers,
                   std::string_view exclude_query, std::string_view secret,
                   EmptyQueryValues empty_values) {
  Computed computed;
  computed.string_to_sign =
      V2StringToSign(request, date, additional_headers, exclude_query, empty_values);
  computed.signature = V2Signature(secret, computed.string_to_sign);
  return computed;
}

Computed ComputeV4(const WireRequest& request, const std::vector<std::string>& additional_headers,
                   std::string_view exclude_query, std::string_view v4_time,
                   const SigningScope& scope, std::string_view secret,
                   EmptyQueryValues empty_values) {
  Computed computed;
  computed.canonical_request =
      V4CanonicalRequest(request, additional_headers, exclude_query, empty_values);
  computed.string_to_sign = V4StringToSign(
      v4_time, V4Scope(scope.date, scope.region, scope.product), computed.canonical_request);
  computed.signature =
      V4Signature(secret, scope.date, scope.region, scope.product, computed.string_to_sign);
  return computed;
}

std::optional<std::string_view> V1HeaderDate(const WireRequest& request) {
  if (auto date = FindHeader(request.headers, "x-oss-date")) return date;
  return FindHeader(request.headers, "Date");
}

std::string StandardRegion(std::string_view region) {
  if (region.starts_with("oss-")) region.remove_prefix(4);
  return std::string(region);
}

}  // namespace sign_pipeline

// --- V1 -------------------------------------------------------------------------------------

bool IsV1SignedSubresource(std::string_view name) {
  return name.starts_with("x-oss-") ||
         std::binary_search(kV1SignedSubresources.begin(), kV1SignedSubresources.end(), name);
}

std::string V1CanonicalizedResource(const WireRequest& request) {
  std::string resource = "/";
  if (!request.bucket.empty()) resource += request.bucket + "/" + request.key;
  std::vector<std::pair<std::string_view, std::string_view>> signed_params;
  for (const auto& [name, value] : request.query) {
    if (IsV1SignedSubresource(name)) signed_params.emplace_back(name, value);
  }
  std::stable_sort(signed_params.begin(), signed_params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  char separator = '?';
  for (const auto& [name, value] : signed_params) {
    resource += separator;
    resource += name;
    if (!value.empty()) (resource += '=') += value;
    separator = '&';
  }
  return resource;
}

std::string V1StringToSign(const WireRequest& request, std::string_view date) {
  const auto oss_headers = CanonicalHeaderMap(
      request.headers, [](const std::string& lower) { return lower.starts_with("x-oss-"); });
  std::string out = request.method + "\n";
  out += std::string(FindHeader(request.headers, "Content-MD5").value_or("")) + "\n";
  out += std::string(FindHeader(request.headers, "Content-Type").value_or("")) + "\n";
  out += std::string(date) + "\n";
  out += RenderHeaderBlock(oss_headers);
  out += V1CanonicalizedResource(request);
  return out;
}

std::string V1Signature(std::string_view secret, std::string_view string_to_sign) {
  return Base64Encode(HmacSha1(secret, string_to_sign));
}

void SignV1(WireRequest& request, const Credentials& credentials, TimePoint now) {
  if (!V1HeaderDate(request)) SetHeader(request.headers, "x-oss-date", FormatHttpDate(now));
  if (!credentials.security_token.empty()) {
    SetHeader(request.headers, kSecurityTokenHeader, credentials.security_token);
  }
  const Computed computed =
      ComputeV1(request, *V1HeaderDate(request), credentials.access_key_secret);
  SetHeader(request.headers, "Authorization",
            "OSS " + credentials.access_key_id + ":" + computed.signature);
}

QueryParams PresignV1(const WireRequest& request, const Credentials& credentials,
                      TimePoint expires) {
  const std::string expires_text = std::to_string(UnixSeconds(expires));
  WireRequest signed_request = request;
  if (!credentials.security_token.empty()) {
    signed_request.query.emplace_back("security-token", credentials.security_token);
  }
  const Computed computed = ComputeV1(signed_request, expires_text, credentials.access_key_secret);
  QueryParams params = {{"OSSAccessKeyId", credentials.access_key_id},
                        {"Expires", expires_text},
                        {"Signature", computed.signature}};
  if (!credentials.security_token.empty()) {
    params.emplace_back("security-token", credentials.security_token);
  }
  return params;
}

// --- Shared by V2 and V4 ------------------------------------------------------------------

std::string CanonicalQuery(const WireRequest& request, std::string_view exclude_query,
                           EmptyQueryValues empty_values) {
  // Encoded name, encoded value, and whether an empty value is still written as `name=`.
  std::vector<std::tuple<std::string, std::string, bool>> query;
  for (const auto& [name, value] : request.query) {
    if (!exclude_query.empty() && name == exclude_query) continue;
    const bool equals_when_empty =
        empty_values == EmptyQueryValues::kEqualsUnlessSubresource && !IsV1SignedSubresource(name);
    query.emplace_back(UriEncode(name, false), UriEncode(value, false), equals_when_empty);
  }
  std::sort(query.begin(), query.end());
  std::vector<std::string> items;
  for (const auto& [name, value, equals_when_empty] : query) {
    items.push_back(value.empty() && !equals_when_empty ? name : name + "=" + value);
  }
  return Join(items, "&");
}

std::vector<std::string> NormalizedAdditionalHeaders(const WireRequest& request,
                                                     const std::vector<std::string>& requested) {
  std::vector<std::string> names;
  for (const std::string& name : requested) {
    std::string lower = AsciiLower(TrimSpaces(name));
    if (lower.empty() || IsV4DefaultSigned(lower) || !FindHeader(request.headers, lower)) continue;
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// --- V2 -------------------------------------------------------------------------------------

std::string V2CanonicalizedResource(const WireRequest& request, std::string_view exclude_query,
                                    EmptyQueryValues empty_values) {
  std::string resource =
      UriEncode(request.bucket.empty() ? "/" : "/" + request.bucket + "/" + request.key, false);
  if (std::string query = CanonicalQuery(request, exclude_query, empty_values); !query.empty()) {
    (resource += '?') += query;
  }
  return resource;
}

std::string V2StringToSign(const WireRequest& request, std::string_view date,
                           const std::vector<std::string>& additional_headers,
                           std::string_view exclude_query, EmptyQueryValues empty_values) {
  const auto signed_headers = CanonicalHeaderMap(request.headers, [&](const std::string& lower) {
    return lower.starts_with("x-oss-") ||
           std::find(additional_headers.begin(), additional_headers.end(), lower) !=
               additional_headers.end();
  });
  std::string out = request.method + "\n";
  out += std::string(FindHeader(request.headers, "Content-MD5").value_or("")) + "\n";
  out += std::string(FindHeader(request.headers, "Content-Type").value_or("")) + "\n";
  out += std::string(date) + "\n";
  out += RenderHeaderBlock(signed_headers);
  out += Join(additional_headers, ";") + "\n";
  out += V2CanonicalizedResource(request, exclude_query, empty_values);
  return out;
}

std::string V2Signature(std::string_view secret, std::string_view string_to_sign) {
  return Base64Encode(
      HmacSha256({reinterpret_cast<const uint8_t*>(secret.data()), secret.size()}, string_to_sign));
}

namespace {

// NormalizedAdditionalHeaders without the names OSS refuses in a V2 list: those holding `_`
// (EC 0002-00000112; Verify refuses them too), which would make the whole request fail.
std::vector<std::string> V2AdditionalHeaders(const WireRequest& request, const V2Params& params) {
  std::vector<std::string> names = NormalizedAdditionalHeaders(request, params.additional_headers);
  std::erase_if(names, [](const std::string& name) { return name.find('_') != std::string::npos; });
  return names;
}

}  // namespace

void SignV2(WireRequest& request, const Credentials& credentials, const V2Params& params,
            TimePoint now) {
  if (!FindHeader(request.headers, "Date")) SetHeader(request.headers, "Date", FormatHttpDate(now));
  if (!credentials.security_token.empty()) {
    SetHeader(request.headers, kSecurityTokenHeader, credentials.security_token);
  }
  const std::vector<std::string> additional = V2AdditionalHeaders(request, params);
  const Computed computed = ComputeV2(request, *FindHeader(request.headers, "Date"), additional, {},
                                      credentials.access_key_secret);
  std::string authorization =
      std::string(kV2Algorithm) + " AccessKeyId:" + credentials.access_key_id;
  if (!additional.empty()) authorization += ",AdditionalHeaders:" + Join(additional, ";");
  authorization += ",Signature:" + computed.signature;
  SetHeader(request.headers, "Authorization", authorization);
}

QueryParams PresignV2(const WireRequest& request, const Credentials& credentials,
                      const V2Params& params, TimePoint expires) {
  const std::string expires_text = std::to_string(UnixSeconds(expires));
  const std::vector<std::string> additional = V2AdditionalHeaders(request, params);
  QueryParams added = {
      {"x-oss-signature-version", std::string(kV2Algorithm)},
      {"x-oss-expires", expires_text},
      {"x-oss-access-key-id", credentials.access_key_id},
  };
  if (!additional.empty()) added.emplace_back("x-oss-additional-headers", Join(additional, ";"));
  if (!credentials.security_token.empty()) {
    added.emplace_back("security-token", credentials.security_token);
  }
  WireRequest signed_request = request;
  signed_request.query.insert(signed_request.query.end(), added.begin(), added.end());
  const Computed computed = ComputeV2(signed_request, expires_text, additional, "x-oss-signature",
                                      credentials.access_key_secret);
  added.emplace_back("x-oss-signature", computed.signature);
  return added;
}

// --- V4 -------------------------------------------------------------------------------------

std::string V4CanonicalRequest(const WireRequest& request,
                               const std::vector<std::string>& additional_headers,
                               std::string_view exclude_query, EmptyQueryValues empty_values) {
  const std::string uri =
      request.bucket.empty() ? "/" : UriEncode("/" + request.bucket + "/" + request.key, true);
  const auto headers = CanonicalHeaderMap(request.headers, [&](const std::string& lower) {
    return IsV4DefaultSigned(lower) ||
           std::find(additional_headers.begin(), additional_headers.end(), lower) !=
               additional_headers.end();
  });
  const std::string payload_hash(
      FindHeader(request.headers, "x-oss-content-sha256").value_or(kUnsignedPayload));

  return request.method + "\n" + uri + "\n" + CanonicalQuery(request, exclude_query, empty_values) +
         "\n" + RenderHeaderBlock(headers) + "\n" + Join(additional_headers, ";") + "\n" +
         payload_hash;
}

std::string V4Scope(std::string_view yyyymmdd, std::string_view region, std::string_view product) {
  return std::string(yyyymmdd) + "/" + std::string(region) + "/" + std::string(product) + "/" +
         std::string(kV4Terminator);
}

std::string V4StringToSign(std::string_view v4_time, std::string_view scope,
                           std::string_view canonical_request) {
  return std::string(kV4Algorithm) + "\n" + std::string(v4_time) + "\n" + std::string(scope) +
         "\n" + HexLower(Sha256(canonical_request));
}

std::array<uint8_t, 32> V4SigningKey(std::string_view secret, std::string_view yyyymmdd,
                                     std::string_view region, std::string_view product) {
  const std::string first_key = "aliyun_v4" + std::string(secret);
  const auto date_key =
      HmacSha256({reinterpret_cast<const uint8_t*>(first_key.data()), first_key.size()}, yyyymmdd);
  const auto region_key = HmacSha256(date_key, region);
  const auto product_key = HmacSha256(region_key, product);
  return HmacSha256(product_key, kV4Terminator);
}

std::string V4Signature(std::string_view secret, std::string_view yyyymmdd, std::string_view region,
                        std::string_view product, std::string_view string_to_sign) {
  return HexLower(HmacSha256(V4SigningKey(secret, yyyymmdd, region, product), string_to_sign));
}

void SignV4(WireRequest& request, const Credentials& credentials, const V4Params& params,
            TimePoint now) {
  const std::string v4_time = FormatV4Time(now);
  SetHeader(request.headers, "x-oss-date", v4_time);
  if (!FindHeader(request.headers, "x-oss-content-sha256")) {
    SetHeader(request.headers, "x-oss-content-sha256", kUnsignedPayload);
  }
  if (!credentials.security_token.empty()) {
    SetHeader(request.headers, kSecurityTokenHeader, credentials.security_token);
  }
  const std::vector<std::string> additional =
      NormalizedAdditionalHeaders(request, params.additional_headers);
  const SigningScope scope = ScopeFor(now, params);
  const Computed computed =
      ComputeV4(request, additional, {}, v4_time, scope, credentials.access_key_secret);

  std::string authorization = std::string(kV4Algorithm) +
                              " Credential=" + credentials.access_key_id + "/" +
                              V4Scope(scope.date, scope.region, scope.product);
  if (!additional.empty()) authorization += ",AdditionalHeaders=" + Join(additional, ";");
  authorization += ",Signature=" + computed.signature;
  SetHeader(request.headers, "Authorization", authorization);
}

QueryParams PresignV4(const WireRequest& request, const Credentials& credentials,
                      const V4Params& params, TimePoint now, std::chrono::seconds expires) {
  const std::string v4_time = FormatV4Time(now);
  const SigningScope scope = ScopeFor(now, params);
  const std::vector<std::string> additional =
      NormalizedAdditionalHeaders(request, params.additional_headers);

  QueryParams added = {
      {"x-oss-signature-version", std::string(kV4Algorithm)},
      {"x-oss-credential",
       credentials.access_key_id + "/" + V4Scope(scope.date, scope.region, scope.product)},
      {"x-oss-date", v4_time},
      {"x-oss-expires", std::to_string(expires.count())},
  };
  if (!additional.empty()) added.emplace_back("x-oss-additional-headers", Join(additional, ";"));
  if (!credentials.security_token.empty()) {
    added.emplace_back(std::string(kSecurityTokenHeader), credentials.security_token);
  }

  WireRequest signed_request = request;
  signed_request.query.insert(signed_request.query.end(), added.begin(), added.end());
  const Computed computed = ComputeV4(signed_request, additional, "x-oss-signature", v4_time, scope,
                                      credentials.access_key_secret);
  added.emplace_back("x-oss-signature", computed.signature);
  return added;
}

}  // namespace ossup::protocol
