// Verify(): parses the six authentication forms (V1, V2, V4; header and URL), applies the
// credential, time and STS rules, then recomputes the signature through the same pipeline the
// signers use (sign_pipeline.h).
#include <openssl/crypto.h>

#include <charconv>
#include <functional>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/signing.h"
#include "sign_pipeline.h"
#include "wire_text.h"

namespace ossup::protocol {
namespace {

using namespace sign_pipeline;  // NOLINT(google-build-using-namespace)
using wire_text::AsciiLower;
using wire_text::TrimSpaces;

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

/// A non-negative decimal count of seconds ("Expires", "x-oss-expires"); nothing else.
std::optional<uint64_t> ParseSeconds(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
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

/// Which EC a signature mismatch carries (docs/protocol.md, "Error codes" and "V2 errors").
enum class MismatchForm { kV1V4Header, kV1V4Url, kV2 };

Error SignatureMismatch(std::string_view access_key_id, std::string_view provided,
                        const Computed& computed, MismatchForm form) {
  Error error = MakeError("SignatureDoesNotMatch");
  switch (form) {
    case MismatchForm::kV1V4Header:
      break;  // the table's EC
    case MismatchForm::kV1V4Url:
      error.ec = "0002-00000307";
      break;
    case MismatchForm::kV2:
      error.ec = "0002-00000101";
      break;
  }
  error.details = {{"OSSAccessKeyId", std::string(access_key_id)},
                   {"SignatureProvided", std::string(provided)},
                   {"StringToSign", computed.string_to_sign},
                   {"StringToSignBytes", HexBytesSpaced(computed.string_to_sign)}};
  if (!computed.canonical_request.empty()) {
    error.details.emplace_back("CanonicalRequest", computed.canonical_request);
  }
  return error;
}

/// The secret for `access_key_id` after the STS rules (docs/protocol.md, "STS security tokens").
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

/// V1 `Expires` and V2 `x-oss-expires`: an absolute unix time, valid up to and including that
/// second (EC pages 0002-00000069, 0002-00000070).
Status CheckAbsoluteExpiry(std::string_view expires, TimePoint now) {
  const std::optional<uint64_t> expires_seconds = ParseSeconds(expires);
  if (!expires_seconds) {
    Error error = AccessDenied("Invalid Expires.");
    error.ec = "0002-00000070";
    return error;
  }
  // Compared unsigned: an Expires above 2^63 is far future, not (cast to int64_t) negative.
  const int64_t now_seconds = UnixSeconds(now);
  if (now_seconds < 0 || static_cast<uint64_t>(now_seconds) <= *expires_seconds) return {};
  Error error = AccessDenied("Request has expired.");
  error.ec = "0002-00000069";
  error.details = {{"Expires", std::string(expires)}, {"ServerTime", FormatIso8601(now)}};
  return error;
}

/// |a - b|, or the largest duration when that does not fit (a request dated 1700 checked in
/// 2022 is about 3e19 ns away: more than 64 bits hold).
TimePoint::duration Distance(TimePoint a, TimePoint b) {
  if (a < b) std::swap(a, b);
  TimePoint::rep difference = 0;
  if (__builtin_sub_overflow(a.time_since_epoch().count(), b.time_since_epoch().count(),
                             &difference)) {
    return TimePoint::duration::max();
  }
  return TimePoint::duration(difference);
}

Status CheckSkew(TimePoint request_time, TimePoint now, const VerifyOptions& options) {
  const auto difference = Distance(request_time, now);
  if (difference <= options.max_skew) return {};
  Error error = MakeError("RequestTimeTooSkewed");
  error.details = {{"RequestTime", FormatIso8601(request_time)},
                   {"ServerTime", FormatIso8601(now)}};
  return error;
}

MismatchForm V1V4Form(bool presigned) {
  return presigned ? MismatchForm::kV1V4Url : MismatchForm::kV1V4Header;
}

Status CheckSignature(std::string_view access_key_id, std::string_view provided,
                      const Computed& computed, MismatchForm form) {
  if (ConstantTimeEquals(provided, computed.signature)) return {};
  return SignatureMismatch(access_key_id, provided, computed, form);
}

/// A V2 or V4 signature matches the kBareName form of the canonical query or, failing that,
/// the kEqualsUnlessSubresource form (EmptyQueryValues); a mismatch reports the kBareName
/// computation. `compute` runs the version's pipeline for one form.
Status CheckEitherQueryForm(const std::function<Computed(EmptyQueryValues)>& compute,
                            std::string_view access_key_id, std::string_view provided,
                            MismatchForm form) {
  const Computed standard = compute(EmptyQueryValues::kBareName);
  if (ConstantTimeEquals(provided, standard.signature)) return {};
  const Computed other = compute(EmptyQueryValues::kEqualsUnlessSubresource);
  if (other.string_to_sign != standard.string_to_sign &&
      ConstantTimeEquals(provided, other.signature)) {
    return {};
  }
  return SignatureMismatch(access_key_id, provided, standard, form);
}

Status CheckV4Signature(const WireRequest& request, const std::vector<std::string>& additional,
                        std::string_view exclude_query, std::string_view v4_time,
                        const SigningScope& scope, std::string_view secret,
                        std::string_view access_key_id, std::string_view provided, bool presigned) {
  return CheckEitherQueryForm(
      [&](EmptyQueryValues empty_values) {
        return ComputeV4(request, additional, exclude_query, v4_time, scope, secret, empty_values);
      },
      access_key_id, provided, V1V4Form(presigned));
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
  if (Status match = CheckSignature(access_key_id, provided, computed, MismatchForm::kV1V4Header);
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

  if (Status expiry = CheckAbsoluteExpiry(*expires, now); !expiry.ok()) return expiry;

  const Computed computed = ComputeV1(request, *expires, *secret);
  if (Status match = CheckSignature(*access_key_id, *provided, computed, MismatchForm::kV1V4Url);
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
  // OSS's own V4 never signs the payload (EC 0002-00000214): a real SHA-256 is refused.
  if (const auto payload = FindHeader(request.headers, "x-oss-content-sha256");
      payload && *payload != kUnsignedPayload) {
    return InvalidV4Argument("Invalid x-oss-content-sha256 header.", "0002-00000214",
                             "x-oss-content-sha256", *payload);
  }

  const std::optional<std::string_view> v4_time = FindHeader(request.headers, "x-oss-date");
  const std::optional<TimePoint> request_time =
      v4_time ? ParseV4Time(*v4_time) : std::optional<TimePoint>();
  if (!request_time) return AccessDenied("OSS authentication requires a valid Date.");
  auto parsed = ParseV4Credential(*credential, *v4_time, options, "Authorization");
  if (!parsed.ok()) return parsed.error();
  auto secret = ResolveSecret(parsed->access_key_id, SecurityTokenHeader(request), lookup, now);
  if (!secret.ok()) return secret.error();
  if (Status skew = CheckSkew(*request_time, now, options); !skew.ok()) return skew;

  if (Status match = CheckV4Signature(request, ParseAdditionalHeaderList(additional.value_or("")),
                                      {}, *v4_time, parsed->scope, *secret, parsed->access_key_id,
                                      *provided, /*presigned=*/false);
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
  // Not request_time + expires: near TimePoint's limit (year 2262) that overflows.
  if (now > *request_time &&
      Distance(now, *request_time) > std::chrono::seconds(*expires_seconds)) {
    Error error = AccessDenied("Request has expired.");
    error.ec = "0002-00000236";
    error.details = {{"Expires", std::string(*expires)}, {"ServerTime", FormatIso8601(now)}};
    return error;
  }

  const std::vector<std::string> additional =
      ParseAdditionalHeaderList(FindParam(request.query, "x-oss-additional-headers").value_or(""));
  if (Status match =
          CheckV4Signature(request, additional, "x-oss-signature", *v4_time, parsed->scope, *secret,
                           parsed->access_key_id, *provided, /*presigned=*/true);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{parsed->access_key_id, SignatureVersion::kV4, true};
}

// --- V2 ----------------------------------------------------------------------------------------

/// A malformed V2 signature: AccessDenied with the EC of the fault (docs/protocol.md,
/// "V2 errors").
Error V2Malformed(std::string_view message, std::string_view ec) {
  Error error = AccessDenied(message);
  if (!ec.empty()) error.ec = std::string(ec);
  return error;
}

constexpr std::string_view kV2HeaderInvalid = "Authorization header is invalid.";

/// The checked AdditionalHeaders list (`;`-separated): no empty item, no `_`, every name
/// present in the request. `empty_list_ec` is the EC of an empty list for this form.
StatusOr<std::vector<std::string>> ParseV2AdditionalHeaders(const WireRequest& request,
                                                            std::string_view list,
                                                            std::string_view message,
                                                            std::string_view empty_list_ec) {
  if (TrimSpaces(list).empty()) return V2Malformed(message, empty_list_ec);
  std::vector<std::string> names;
  for (std::string_view name : Split(list, ';')) {
    name = TrimSpaces(name);
    if (name.empty()) return V2Malformed(message, "0002-00000111");
    if (name.find('_') != std::string_view::npos || !FindHeader(request.headers, name)) {
      return V2Malformed(message, "0002-00000112");
    }
    names.push_back(AsciiLower(name));
  }
  return names;
}

struct V2HeaderFields {
  std::string_view access_key_id;
  std::string_view signature;
  std::optional<std::string_view> additional_headers;
};

/// `AccessKeyId:<ak>[,AdditionalHeaders:<h1;h2>],Signature:<sig>`: fields in any order,
/// spaces around them trimmed (Java writes `, `).
StatusOr<V2HeaderFields> ParseV2Header(std::string_view fields) {
  std::optional<std::string_view> access_key_id, signature, additional;
  for (std::string_view field : Split(fields, ',')) {
    field = TrimSpaces(field);
    if (field.empty()) return V2Malformed(kV2HeaderInvalid, "0002-00000102");
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) return V2Malformed(kV2HeaderInvalid, "0002-00000103");
    const std::string_view name = field.substr(0, colon);
    const std::string_view value = TrimSpaces(field.substr(colon + 1));
    if (name == "AccessKeyId") {
      access_key_id = value;
    } else if (name == "Signature") {
      signature = value;
    } else if (name == "AdditionalHeaders") {
      additional = value;
    } else {
      return V2Malformed(kV2HeaderInvalid, "0002-00000104");
    }
  }
  if (!access_key_id) return V2Malformed(kV2HeaderInvalid, "0002-00000105");
  if (access_key_id->empty()) return V2Malformed(kV2HeaderInvalid, "0002-00000106");
  if (!signature) return V2Malformed(kV2HeaderInvalid, "0002-00000108");
  if (signature->empty()) return V2Malformed(kV2HeaderInvalid, "0002-00000109");
  return V2HeaderFields{*access_key_id, *signature, additional};
}

StatusOr<VerifiedRequest> VerifyV2Header(const WireRequest& request, std::string_view fields,
                                         const CredentialLookup& lookup, TimePoint now,
                                         const VerifyOptions& options) {
  auto parsed = ParseV2Header(fields);
  if (!parsed.ok()) return parsed.error();
  std::vector<std::string> additional;
  if (parsed->additional_headers) {
    auto names = ParseV2AdditionalHeaders(request, *parsed->additional_headers, kV2HeaderInvalid,
                                          "0002-00000110");
    if (!names.ok()) return names.error();
    additional = std::move(*names);
  }
  auto secret = ResolveSecret(parsed->access_key_id, SecurityTokenHeader(request), lookup, now);
  if (!secret.ok()) return secret.error();

  // The request time is x-oss-date when sent, else Date; the Date slot signs the Date header.
  const std::optional<std::string_view> time_header = V1HeaderDate(request);
  const std::optional<TimePoint> request_time =
      time_header ? ParseHttpDate(*time_header) : std::optional<TimePoint>();
  if (!request_time) return AccessDenied("OSS authentication requires a valid Date.");
  if (Status skew = CheckSkew(*request_time, now, options); !skew.ok()) return skew;

  const std::string_view date = FindHeader(request.headers, "Date").value_or("");
  if (Status match = CheckEitherQueryForm(
          [&](EmptyQueryValues empty_values) {
            return ComputeV2(request, date, additional, {}, *secret, empty_values);
          },
          parsed->access_key_id, parsed->signature, MismatchForm::kV2);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{std::string(parsed->access_key_id), SignatureVersion::kV2, false};
}

/// A required V2 URL parameter and the ECs OSS gives when it is missing or empty ("" when no
/// source names one).
struct V2UrlParam {
  std::string_view name;
  std::string_view missing_ec;
  std::string_view empty_ec;
};
constexpr V2UrlParam kV2AccessKeyIdParam{"x-oss-access-key-id", "", "0002-00000116"};
constexpr V2UrlParam kV2ExpiresParam{"x-oss-expires", "0002-00000113", "0002-00000114"};
constexpr V2UrlParam kV2SignatureParam{"x-oss-signature", "", "0002-00000118"};

constexpr std::string_view kV2UrlInvalid =
    "Query-string authentication version 2 requires the x-oss-signature-version, "
    "x-oss-access-key-id, x-oss-expires and x-oss-signature parameters.";

StatusOr<std::string_view> RequiredV2Param(const WireRequest& request, const V2UrlParam& param) {
  const std::optional<std::string_view> value = FindParam(request.query, param.name);
  if (!value) return V2Malformed(kV2UrlInvalid, param.missing_ec);
  if (value->empty()) return V2Malformed(kV2UrlInvalid, param.empty_ec);
  return *value;
}

StatusOr<VerifiedRequest> VerifyV2Url(const WireRequest& request, const CredentialLookup& lookup,
                                      TimePoint now) {
  auto access_key_id = RequiredV2Param(request, kV2AccessKeyIdParam);
  if (!access_key_id.ok()) return access_key_id.error();
  auto expires = RequiredV2Param(request, kV2ExpiresParam);
  if (!expires.ok()) return expires.error();
  auto provided = RequiredV2Param(request, kV2SignatureParam);
  if (!provided.ok()) return provided.error();
  std::vector<std::string> additional;
  if (const auto list = FindParam(request.query, "x-oss-additional-headers")) {
    auto names = ParseV2AdditionalHeaders(request, *list, kV2UrlInvalid, "0002-00000076");
    if (!names.ok()) return names.error();
    additional = std::move(*names);
  }
  // python oss2 and Java send `security-token`; `x-oss-security-token` is read as well.
  const std::string token(
      FindParam(request.query, "security-token")
          .value_or(FindParam(request.query, kSecurityTokenHeader).value_or("")));
  auto secret = ResolveSecret(*access_key_id, token, lookup, now);
  if (!secret.ok()) return secret.error();

  if (Status expiry = CheckAbsoluteExpiry(*expires, now); !expiry.ok()) return expiry;

  if (Status match = CheckEitherQueryForm(
          [&](EmptyQueryValues empty_values) {
            return ComputeV2(request, *expires, additional, "x-oss-signature", *secret,
                             empty_values);
          },
          *access_key_id, *provided, MismatchForm::kV2);
      !match.ok()) {
    return match;
  }
  return VerifiedRequest{std::string(*access_key_id), SignatureVersion::kV2, true};
}

}  // namespace

// --- Verification -----------------------------------------------------------------------------

StatusOr<VerifiedRequest> Verify(const WireRequest& request, const CredentialLookup& lookup,
                                 TimePoint now, const VerifyOptions& options) {
  const std::optional<std::string_view> authorization =
      FindHeader(request.headers, "Authorization");
  const std::optional<std::string_view> url_version =
      FindParam(request.query, "x-oss-signature-version");
  const bool v2_url =
      url_version ? *url_version == kV2Algorithm : HasParam(request.query, "x-oss-access-key-id");
  const bool v4_url = !v2_url && (url_version || HasParam(request.query, "x-oss-signature"));
  const bool v1_url =
      HasParam(request.query, "OSSAccessKeyId") || HasParam(request.query, "Signature");

  if (authorization) {
    if (v2_url || v4_url || v1_url) {
      return AccessDenied(
          "Request can not carry both an Authorization header and a URL signature.");
    }
    const std::string_view value = TrimSpaces(*authorization);
    const auto has_prefix = [&](std::string_view algorithm) {
      return value.starts_with(algorithm) && value.substr(algorithm.size()).starts_with(' ');
    };
    if (has_prefix(kV4Algorithm)) {
      return VerifyV4Header(request, value.substr(kV4Algorithm.size() + 1), lookup, now, options);
    }
    if (has_prefix(kV2Algorithm)) {
      return VerifyV2Header(request, TrimSpaces(value.substr(kV2Algorithm.size() + 1)), lookup, now,
                            options);
    }
    if (value.starts_with("OSS ")) {
      return VerifyV1Header(request, TrimSpaces(value.substr(4)), lookup, now, options);
    }
    return AccessDenied("Authorization header is invalid.");
  }
  if (v2_url) return VerifyV2Url(request, lookup, now);
  if (v4_url) return VerifyV4Url(request, lookup, now, options);
  if (v1_url) return VerifyV1Url(request, lookup, now);
  return MakeError("AccessDenied");
}

StatusOr<VerifiedRequest> VerifyPostForm(const PostFormSignature& form,
                                         const CredentialLookup& lookup, TimePoint now,
                                         const VerifyOptions& options) {
  VerifiedRequest verified{form.access_key_id, form.version, false};
  Computed computed;
  computed.string_to_sign = form.policy;
  std::string secret;
  switch (form.version) {
    case SignatureVersion::kV2:
      return AccessDenied("V2 PostObject signatures are not supported.");
    case SignatureVersion::kV1: {
      auto resolved = ResolveSecret(form.access_key_id, form.security_token, lookup, now);
      if (!resolved.ok()) return resolved.status();
      computed.signature = V1Signature(*resolved, form.policy);
      break;
    }
    case SignatureVersion::kV4: {
      const std::optional<TimePoint> time = ParseV4Time(form.v4_time);
      if (!time) {
        return InvalidV4Argument("Invalid x-oss-date.", "0002-00000225", "x-oss-date",
                                 form.v4_time);
      }
      auto credential =
          ParseV4Credential(form.credential, form.v4_time, options, "x-oss-credential");
      if (!credential.ok()) return credential.status();
      // The form may arrive up to 15 minutes "early" and stays valid for 7 days.
      if (*time > now + std::chrono::minutes(15) || now > *time + std::chrono::days(7)) {
        return AccessDenied("Invalid according to Policy: x-oss-date is out of range.");
      }
      verified.access_key_id = credential->access_key_id;
      auto resolved = ResolveSecret(credential->access_key_id, form.security_token, lookup, now);
      if (!resolved.ok()) return resolved.status();
      computed.signature = V4Signature(*resolved, credential->scope.date, credential->scope.region,
                                       credential->scope.product, form.policy);
      break;
    }
  }
  if (ConstantTimeEquals(form.signature, computed.signature)) return verified;
  Error error = SignatureMismatch(verified.access_key_id, form.signature, computed,
                                  MismatchForm::kV1V4Header);
  error.ec = "0002-00000705";
  return error;
}

}  // namespace ossup::protocol
