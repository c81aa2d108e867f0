// Signing and verification share one pipeline per version: the signer and the verifier both
// call ComputeV1 / ComputeV4 below (which call the public canonicalization functions), so a request
// signed here verifies here by construction, and the official vectors pin both directions.
#include "ossup/protocol/signing.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "wire_text.h"

namespace ossup::protocol {
namespace {

using wire_text::AsciiLower;
using wire_text::TrimSpaces;

constexpr std::string_view kV4Algorithm = "OSS4-HMAC-SHA256";
constexpr std::string_view kV4Terminator = "aliyun_v4_request";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kSecurityTokenHeader = "x-oss-security-token";

// Sorted, for binary search. Union of the go-v2 and python lists (spec §7.1).
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

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

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

std::string StandardRegion(std::string_view region) {
  if (region.starts_with("oss-")) region.remove_prefix(4);
  return std::string(region);
}

/// A non-negative decimal count of seconds ("Expires", "x-oss-expires"); nothing else.
std::optional<uint64_t> ParseSeconds(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexBytesSpaced(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (!out.empty()) out.push_back(' ');
    out += HexUpper(std::span<const uint8_t>(&c, 1));
  }
  return out;
}

// --- The one signing pipeline per version --------------------------------------------------

struct Computed {
  std::string string_to_sign;
  std::string signature;
  std::string canonical_request;  // V4 only
};

Computed ComputeV1(const WireRequest& request, std::string_view date, std::string_view secret) {
  Computed computed;
  computed.string_to_sign = V1StringToSign(request, date);
  computed.signature = V1Signature(secret, computed.string_to_sign);
  return computed;
}

/// The V1 Date slot for header authentication: x-oss-date wins over Date.
std::optional<std::string_view> V1HeaderDate(const WireRequest& request) {
  if (auto date = FindHeader(request.headers, "x-oss-date")) return date;
  return FindHeader(request.headers, "Date");
}

struct SigningScope {
  std::string date;  // yyyymmdd
  std::string region;
  std::string product;
};

Computed ComputeV4(const WireRequest& request, const std::vector<std::string>& additional_headers,
                   std::string_view exclude_query, std::string_view v4_time,
                   const SigningScope& scope, std::string_view secret) {
  Computed computed;
  computed.canonical_request = V4CanonicalRequest(request, additional_headers, exclude_query);
  computed.string_to_sign = V4StringToSign(
      v4_time, V4Scope(scope.date, scope.region, scope.product), computed.canonical_request);
  computed.signature =
      V4Signature(secret, scope.date, scope.region, scope.product, computed.string_to_sign);
  return computed;
}

SigningScope ScopeFor(TimePoint now, const V4Params& params) {
  return {FormatV4Time(now).substr(0, 8), StandardRegion(params.region), params.product};
}

// --- Verification helpers ------------------------------------------------------------------

Error AccessDenied(std::string_view message) { return MakeError("AccessDenied", message); }

Error InvalidV4Argument(std::string_view message, std::string_view ec,
                        std::string_view argument_name, std::string_view argument_value) {
  Error error = MakeError("InvalidArgument", message);
  error.ec = std::string(ec);
  error.details = {{"ArgumentName", std::string(argument_name)},
                   {"ArgumentValue", std::string(argument_value)}};
  return error;
}

Error SignatureMismatch(std::string_view access_key_id, std::string_view provided,
                        const Computed& computed, bool presigned) {
  Error error = MakeError("SignatureDoesNotMatch");
  if (presigned) error.ec = "0002-00000307";  // the table's EC is the header form's
  error.details = {{"OSSAccessKeyId", std::string(access_key_id)},
                   {"SignatureProvided", std::string(provided)},
                   {"StringToSign", computed.string_to_sign},
                   {"StringToSignBytes", HexBytesSpaced(computed.string_to_sign)}};
  if (!computed.canonical_request.empty()) {
    error.details.emplace_back("CanonicalRequest", computed.canonical_request);
  }
  return error;
}

/// The secret for `access_key_id` after the STS rules (spec §7.3, §12.10).
StatusOr<std::string> ResolveSecret(std::string_view access_key_id, std::string_view token,
                                    const CredentialLookup& lookup, TimePoint now) {
  const std::optional<KnownCredential> known = lookup(access_key_id);
  if (!known) return MakeError("InvalidAccessKeyId");
  if (known->security_token.empty()) {
    if (!token.empty()) return MakeError("InvalidAccessKeyId");
    return known->access_key_secret;
  }
  if (!ConstantTimeEquals(token, known->security_token)) {
    return MakeError("InvalidSecurityToken");
  }
  if (known->expiration && now >= *known->expiration) {
    Error error = MakeError("SecurityTokenExpired");
    error.details = {{"SecurityToken", std::string(token)}};
    return error;
  }
  return known->access_key_secret;
}

Status CheckSkew(TimePoint request_time, TimePoint now, const VerifyOptions& options) {
  const auto difference = request_time > now ? request_time - now : now - request_time;
  if (difference <= options.max_skew) return {};
  Error error = MakeError("RequestTimeTooSkewed");
  error.details = {{"RequestTime", FormatIso8601(request_time)},
                   {"ServerTime", FormatIso8601(now)}};
  return error;
}

Status CheckSignature(std::string_view access_key_id, std::string_view provided,
                      const Computed& computed, bool presigned) {
  if (ConstantTimeEquals(provided, computed.signature)) return {};
  return SignatureMismatch(access_key_id, provided, computed, presigned);
}

/// Parsed `<ak>/<yyyymmdd>/<region>/<product>/aliyun_v4_request`, checked against the request
/// time and the verifier's options. `argument` names where it came from, for error details.
struct V4Credential {
  std::string access_key_id;
  SigningScope scope;
};

StatusOr<V4Credential> ParseV4Credential(std::string_view credential, std::string_view v4_time,
                                         const VerifyOptions& options, std::string_view argument) {
  const std::vector<std::string_view> parts = Split(credential, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[4] != kV4Terminator) {
    return InvalidV4Argument("Invalid credential in Authorization header.", "0002-00000225",
                             argument, credential);
  }
  if (parts[1] != v4_time.substr(0, 8)) {
    return InvalidV4Argument("Invalid signing date in Authorization header.", "0002-00000225",
                             argument, credential);
  }
  if (parts[2].empty() || (options.region && StandardRegion(*options.region) != parts[2])) {
    return InvalidV4Argument("Invalid signing region in Authorization header.", "0002-00000226",
                             argument, credential);
  }
  if (parts[3] != "oss" && parts[3] != "oss-cloudbox") {
    return InvalidV4Argument("Invalid signing product in Authorization header.", "0002-00000227",
                             argument, credential);
  }
  return V4Credential{std::string(parts[0]),
                      {std::string(parts[1]), std::string(parts[2]), std::string(parts[3])}};
}

std::vector<std::string> ParseAdditionalHeaderList(std::string_view list) {
  std::vector<std::string> names;
  for (std::string_view name : Split(list, ';')) {
    name = TrimSpaces(name);
    if (!name.empty()) names.push_back(AsciiLower(name));
  }
  return names;
}

std::string SecurityTokenHeader(const WireRequest& request) {
  return std::string(FindHeader(request.headers, kSecurityTokenHeader).value_or(""));
}

StatusOr<VerifiedRequest> VerifyV1Header(const WireRequest& request, std::string_view credentials,
                                         const CredentialLookup& lookup, TimePoint now,
                                         const VerifyOptions& options) {
  const size_t colon = credentials.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == credentials.size()) {
    return AccessDenied("Authorization header is invalid.");
  }
  const std::string_view access_key_id = credentials.substr(0, colon);
  const std::string_view provided = credentials.substr(colon + 1);
  auto secret = ResolveSecret(access_key_id, SecurityTokenHeader(request), lookup, now);
  if (!secret.ok()) return secret.error();

  const std::optional<std::string_view> date = V1HeaderDate(request);
  if (!date) return AccessDenied("OSS authentication requires a valid Date.");
  const std::optional<TimePoint> request_time = ParseHttpDate(*date);
  if (!request_time) return AccessDenied("OSS authentication requires a valid Date.");
  if (Status skew = CheckSkew(*request_time, now, options); !skew.ok()) return skew;

  const Computed computed = ComputeV1(request, *date, *secret);
  if (Status match = CheckSignature(access_key_id, provided, computed, /*presigned=*/false);
      !match.ok())
    return match;
  return VerifiedRequest{std::string(access_key_id), SignatureVersion::kV1, false};
}

StatusOr<VerifiedRequest> VerifyV1Url(const WireRequest& request, const CredentialLookup& lookup,
                                      TimePoint now) {
  const auto access_key_id = FindParam(request.query, "OSSAccessKeyId");
  const auto expires = FindParam(request.query, "Expires");
  const auto provided = FindParam(request.query, "Signature");
  if (!access_key_id || !expires || !provided) {
    return AccessDenied(
        "Query-string authentication requires the Signature, Expires and "
        "OSSAccessKeyId parameters");
  }
  const std::string token(FindParam(request.query, "security-token").value_or(""));
  auto secret = ResolveSecret(*access_key_id, token, lookup, now);
  if (!secret.ok()) return secret.error();

  const std::optional<uint64_t> expires_seconds = ParseSeconds(*expires);
  if (!expires_seconds) return AccessDenied("Invalid Expires.");
  if (UnixSeconds(now) > static_cast<int64_t>(*expires_seconds)) {
    Error error = AccessDenied("Request has expired.");
    error.details = {{"Expires", std::string(*expires)}, {"ServerTime", FormatIso8601(now)}};
    return error;
  }

  const Computed computed = ComputeV1(request, *expires, *secret);
  if (Status match = CheckSignature(*access_key_id, *provided, computed, /*presigned=*/true);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{std::string(*access_key_id), SignatureVersion::kV1, true};
}

StatusOr<VerifiedRequest> VerifyV4Header(const WireRequest& request, std::string_view fields,
                                         const CredentialLookup& lookup, TimePoint now,
                                         const VerifyOptions& options) {
  std::optional<std::string_view> credential, additional, provided;
  for (std::string_view field : Split(fields, ',')) {
    field = TrimSpaces(field);
    const size_t equals = field.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = field.substr(0, equals);
    const std::string_view value = field.substr(equals + 1);
    if (name == "Credential") credential = value;
    if (name == "AdditionalHeaders") additional = value;
    if (name == "Signature") provided = value;
  }
  if (!credential || !provided) return AccessDenied("Authorization header is invalid.");

  const std::optional<std::string_view> v4_time = FindHeader(request.headers, "x-oss-date");
  const std::optional<TimePoint> request_time =
      v4_time ? ParseV4Time(*v4_time) : std::optional<TimePoint>();
  if (!request_time) return AccessDenied("OSS authentication requires a valid Date.");
  auto parsed = ParseV4Credential(*credential, *v4_time, options, "Authorization");
  if (!parsed.ok()) return parsed.error();
  auto secret = ResolveSecret(parsed->access_key_id, SecurityTokenHeader(request), lookup, now);
  if (!secret.ok()) return secret.error();
  if (Status skew = CheckSkew(*request_time, now, options); !skew.ok()) return skew;

  const Computed computed = ComputeV4(request, ParseAdditionalHeaderList(additional.value_or("")),
                                      {}, *v4_time, parsed->scope, *secret);
  if (Status match =
          CheckSignature(parsed->access_key_id, *provided, computed, /*presigned=*/false);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{parsed->access_key_id, SignatureVersion::kV4, false};
}

StatusOr<VerifiedRequest> VerifyV4Url(const WireRequest& request, const CredentialLookup& lookup,
                                      TimePoint now, const VerifyOptions& options) {
  const auto version = FindParam(request.query, "x-oss-signature-version");
  const auto credential = FindParam(request.query, "x-oss-credential");
  const auto v4_time = FindParam(request.query, "x-oss-date");
  const auto expires = FindParam(request.query, "x-oss-expires");
  const auto provided = FindParam(request.query, "x-oss-signature");
  if (!version || !credential || !v4_time || !expires || !provided) {
    return AccessDenied(
        "Query-string authentication requires x-oss-signature-version, "
        "x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature.");
  }
  if (*version != kV4Algorithm) {
    return InvalidV4Argument("Invalid signature version.", "0002-00000225",
                             "x-oss-signature-version", *version);
  }
  const std::optional<TimePoint> request_time = ParseV4Time(*v4_time);
  if (!request_time) return AccessDenied("OSS authentication requires a valid Date.");
  const std::optional<uint64_t> expires_seconds = ParseSeconds(*expires);
  if (!expires_seconds || *expires_seconds < 1 || *expires_seconds > 604800) {
    return InvalidV4Argument("x-oss-expires should be between 1 and 604800.", "0002-00000232",
                             "x-oss-expires", *expires);
  }
  auto parsed = ParseV4Credential(*credential, *v4_time, options, "x-oss-credential");
  if (!parsed.ok()) return parsed.error();
  const std::string token(FindParam(request.query, kSecurityTokenHeader).value_or(""));
  auto secret = ResolveSecret(parsed->access_key_id, token, lookup, now);
  if (!secret.ok()) return secret.error();
  if (now > *request_time + std::chrono::seconds(*expires_seconds)) {
    Error error = AccessDenied("Request has expired.");
    error.ec = "0002-00000236";
    error.details = {{"Expires", std::string(*expires)}, {"ServerTime", FormatIso8601(now)}};
    return error;
  }

  const std::vector<std::string> additional =
      ParseAdditionalHeaderList(FindParam(request.query, "x-oss-additional-headers").value_or(""));
  const Computed computed =
      ComputeV4(request, additional, "x-oss-signature", *v4_time, parsed->scope, *secret);
  if (Status match = CheckSignature(parsed->access_key_id, *provided, computed, /*presigned=*/true);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{parsed->access_key_id, SignatureVersion::kV4, true};
}

}  // namespace

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

// --- V4 -------------------------------------------------------------------------------------

std::vector<std::string> V4AdditionalHeaders(const WireRequest& request,
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

std::string V4CanonicalRequest(const WireRequest& request,
                               const std::vector<std::string>& additional_headers,
                               std::string_view exclude_query) {
  const std::string uri =
      request.bucket.empty() ? "/" : UriEncode("/" + request.bucket + "/" + request.key, true);

  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [name, value] : request.query) {
    if (!exclude_query.empty() && name == exclude_query) continue;
    query.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(query.begin(), query.end());
  std::vector<std::string> query_items;
  for (const auto& [name, value] : query)
    query_items.push_back(value.empty() ? name : name + "=" + value);

  const auto headers = CanonicalHeaderMap(request.headers, [&](const std::string& lower) {
    return IsV4DefaultSigned(lower) ||
           std::find(additional_headers.begin(), additional_headers.end(), lower) !=
               additional_headers.end();
  });
  const std::string payload_hash(
      FindHeader(request.headers, "x-oss-content-sha256").value_or(kUnsignedPayload));

  return request.method + "\n" + uri + "\n" + Join(query_items, "&") + "\n" +
         RenderHeaderBlock(headers) + "\n" + Join(additional_headers, ";") + "\n" + payload_hash;
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
      V4AdditionalHeaders(request, params.additional_headers);
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
      V4AdditionalHeaders(request, params.additional_headers);

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

// --- Verification -----------------------------------------------------------------------------

StatusOr<VerifiedRequest> Verify(const WireRequest& request, const CredentialLookup& lookup,
                                 TimePoint now, const VerifyOptions& options) {
  const std::optional<std::string_view> authorization =
      FindHeader(request.headers, "Authorization");
  const bool v4_url = HasParam(request.query, "x-oss-signature-version") ||
                      HasParam(request.query, "x-oss-signature");
  const bool v1_url =
      HasParam(request.query, "OSSAccessKeyId") || HasParam(request.query, "Signature");

  if (authorization) {
    if (v4_url || v1_url) {
      return AccessDenied(
          "Request can not carry both an Authorization header and a URL signature.");
    }
    const std::string_view value = TrimSpaces(*authorization);
    if (value.starts_with(kV4Algorithm) && value.substr(kV4Algorithm.size()).starts_with(' ')) {
      return VerifyV4Header(request, value.substr(kV4Algorithm.size() + 1), lookup, now, options);
    }
    if (value.starts_with("OSS ")) {
      return VerifyV1Header(request, TrimSpaces(value.substr(4)), lookup, now, options);
    }
    return AccessDenied("Authorization header is invalid.");
  }
  if (v4_url) return VerifyV4Url(request, lookup, now, options);
  if (v1_url) return VerifyV1Url(request, lookup, now);
  return MakeError("AccessDenied");
}

}  // namespace ossup::protocol
