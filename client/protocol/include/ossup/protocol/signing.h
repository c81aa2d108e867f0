// Request signing and verification for OSS: V1 (`OSS ak:sig`, HMAC-SHA1), V2
// (`OSS2 AccessKeyId:ak,Signature:sig`, HMAC-SHA256) and V4 (`OSS4-HMAC-SHA256`), each in the
// Authorization header and as a presigned URL, plus STS security tokens.
//
// Both sides use the same canonicalization: the client signs with Sign*/Presign*, the fake
// server calls Verify, and both build the string to sign through the same functions below.
// The official test vectors (docs/protocol.md, "Signing test vectors") pin these functions.
//
// All functions take the time as an argument and never read a clock. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::protocol {

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;
  /// STS token; sent as `x-oss-security-token` (header) or `security-token` /
  /// `x-oss-security-token` (presigned URLs) when non-empty.
  std::string security_token;
};

enum class SignatureVersion { kV1, kV2, kV4 };

struct V2Params {
  /// Extra headers to sign (besides x-oss-*); normalised as NormalizedAdditionalHeaders says,
  /// and names holding `_` are dropped (OSS refuses them in a V2 list).
  std::vector<std::string> additional_headers;
};

struct V4Params {
  /// Bare region id, e.g. "cn-hangzhou" (a leading "oss-" is stripped).
  std::string region;
  /// "oss", or "oss-cloudbox" for CloudBox.
  std::string product = "oss";
  /// Extra headers to sign (besides x-oss-*, content-type, content-md5). Names absent from
  /// the request or default-signed are dropped; the rest are lower-cased and sorted.
  std::vector<std::string> additional_headers;
};

// --- V1 -------------------------------------------------------------------------------------

/// `/bucket/key[?sub-resources]` with the raw (decoded) key and only the signed
/// sub-resources, sorted by name; bare `name` when the value is empty.
std::string V1CanonicalizedResource(const WireRequest& request);
/// VERB ⏎ Content-MD5 ⏎ Content-Type ⏎ date ⏎ CanonicalizedOSSHeaders CanonicalizedResource.
/// `date` is the Date slot: x-oss-date, Date, or the Expires value for presigned URLs.
std::string V1StringToSign(const WireRequest& request, std::string_view date);
/// base64(HMAC-SHA1(secret, string_to_sign)).
std::string V1Signature(std::string_view secret, std::string_view string_to_sign);
/// True for the sub-resources V1 signs (acl, uploads, uploadId, partNumber, ...,
/// and any name starting with "x-oss-").
bool IsV1SignedSubresource(std::string_view name);

/// Adds `x-oss-date` (unless Date or x-oss-date is already set), `x-oss-security-token`
/// when the credentials carry one, then `Authorization: OSS ak:signature`.
void SignV1(WireRequest& request, const Credentials& credentials, TimePoint now);
/// Query parameters to append for a V1 presigned URL that expires at `expires`:
/// OSSAccessKeyId, Expires, Signature (+ security-token). Values are not URL-encoded.
QueryParams PresignV1(const WireRequest& request, const Credentials& credentials,
                      TimePoint expires);

// --- Shared by V2 and V4 ------------------------------------------------------------------

/// How the V2 and V4 canonical queries write an empty value (docs/protocol.md, "Empty query
/// values").
enum class EmptyQueryValues {
  /// Bare `name`, for every empty value: what go-v2, python, Java, C++ and PHP sign. The
  /// signers here always use it.
  kBareName,
  /// Bare `name` for sub-resources (IsV1SignedSubresource names), `name=` for every other
  /// empty value: ali-oss 6.x V4 (qs `strictNullHandling`) and @alicloud/oss-util V2
  /// (sub-resources in the path, other parameters in the query map).
  kEqualsUnlessSubresource,
};

/// The query both V2 and V4 sign: every parameter but `exclude_query`, name and value
/// UriEncode'd with `/` encoded too, sorted by encoded name, joined with `&`; an empty value
/// is written as `empty_values` says. Empty when there is no parameter.
std::string CanonicalQuery(const WireRequest& request, std::string_view exclude_query = {},
                           EmptyQueryValues empty_values = EmptyQueryValues::kBareName);

/// The normalised additional-headers list for `request`: lower-cased, sorted, unique,
/// present in the request, and not signed by default (x-oss-*, content-type, content-md5).
/// V2 and V4 normalise alike.
std::vector<std::string> NormalizedAdditionalHeaders(const WireRequest& request,
                                                     const std::vector<std::string>& requested);

// --- V2 -------------------------------------------------------------------------------------

/// UriEncode("/bucket/key") with `/` encoded too (`%2F`), or `%2F` for the service; then `?`
/// and the CanonicalQuery when the request has query parameters.
std::string V2CanonicalizedResource(const WireRequest& request, std::string_view exclude_query = {},
                                    EmptyQueryValues empty_values = EmptyQueryValues::kBareName);
/// VERB ⏎ Content-MD5 ⏎ Content-Type ⏎ date ⏎ CanonicalizedOSSHeaders AdditionalHeaders ⏎
/// CanonicalizedResource. CanonicalizedOSSHeaders covers x-oss-* and `additional_headers`
/// (lower-case names, taken as given); `date` is the Date header, or x-oss-expires for
/// presigned URLs.
std::string V2StringToSign(const WireRequest& request, std::string_view date,
                           const std::vector<std::string>& additional_headers,
                           std::string_view exclude_query = {},
                           EmptyQueryValues empty_values = EmptyQueryValues::kBareName);
/// base64(HMAC-SHA256(secret, string_to_sign)).
std::string V2Signature(std::string_view secret, std::string_view string_to_sign);

/// Adds `Date` (unless present), `x-oss-security-token` when the credentials carry one, then
/// `Authorization: OSS2 AccessKeyId:ak[,AdditionalHeaders:h1;h2],Signature:sig`.
void SignV2(WireRequest& request, const Credentials& credentials, const V2Params& params,
            TimePoint now);
/// Query parameters to append for a V2 presigned URL that expires at `expires`:
/// x-oss-signature-version=OSS2, x-oss-expires (absolute unix seconds), x-oss-access-key-id,
/// [x-oss-additional-headers], [security-token], x-oss-signature. Values are not URL-encoded.
QueryParams PresignV2(const WireRequest& request, const Credentials& credentials,
                      const V2Params& params, TimePoint expires);

// --- V4 -------------------------------------------------------------------------------------

/// VERB ⏎ URI ⏎ CanonicalQuery ⏎ headers ⏎ additional ⏎ payload. `exclude_query` names a
/// query parameter to leave out (x-oss-signature for presigned URLs).
std::string V4CanonicalRequest(const WireRequest& request,
                               const std::vector<std::string>& additional_headers,
                               std::string_view exclude_query = {},
                               EmptyQueryValues empty_values = EmptyQueryValues::kBareName);
/// "<yyyymmdd>/<region>/<product>/aliyun_v4_request".
std::string V4Scope(std::string_view yyyymmdd, std::string_view region, std::string_view product);
std::string V4StringToSign(std::string_view v4_time, std::string_view scope,
                           std::string_view canonical_request);
std::array<uint8_t, 32> V4SigningKey(std::string_view secret, std::string_view yyyymmdd,
                                     std::string_view region, std::string_view product);
/// lower-hex(HMAC-SHA256(signing key, string_to_sign)).
std::string V4Signature(std::string_view secret, std::string_view yyyymmdd, std::string_view region,
                        std::string_view product, std::string_view string_to_sign);

/// Adds `x-oss-date`, `x-oss-content-sha256: UNSIGNED-PAYLOAD` (unless present),
/// `x-oss-security-token` when set, then the `OSS4-HMAC-SHA256` Authorization header.
void SignV4(WireRequest& request, const Credentials& credentials, const V4Params& params,
            TimePoint now);
/// Query parameters to append for a V4 presigned URL valid `expires` after `now`:
/// x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires,
/// [x-oss-additional-headers], [x-oss-security-token], x-oss-signature.
QueryParams PresignV4(const WireRequest& request, const Credentials& credentials,
                      const V4Params& params, TimePoint now, std::chrono::seconds expires);

// --- Verification (server side) ---------------------------------------------------------------

/// What the verifier knows about an access key id.
struct KnownCredential {
  std::string access_key_secret;
  /// Non-empty for a temporary (STS) credential: requests must carry exactly this token.
  std::string security_token;
  /// When a temporary credential stops working.
  std::optional<TimePoint> expiration;
};
using CredentialLookup = std::function<std::optional<KnownCredential>(std::string_view ak)>;

struct VerifyOptions {
  /// Allowed difference between the request's time and `now`.
  std::chrono::seconds max_skew{15 * 60};
  /// When set, V4 scopes must name this region; otherwise any region is accepted.
  std::optional<std::string> region;
};

struct VerifiedRequest {
  std::string access_key_id;
  SignatureVersion version = SignatureVersion::kV1;
  bool presigned = false;
};

/// Checks the signature of `request` (header or URL; V1, V2 or V4) against `lookup`. The form
/// is chosen by the Authorization prefix (`OSS `, `OSS2 `, `OSS4-HMAC-SHA256 `) or, for URLs, by
/// x-oss-signature-version (`OSS2` or absent with x-oss-access-key-id: V2; any other value or
/// x-oss-signature: V4) and OSSAccessKeyId/Signature (V1).
/// Errors, as OSS answers them:
///   AccessDenied (no signature at all, a malformed Authorization header or URL signature, no
///   valid date, both a header and a URL signature, or a presigned URL past its expiry; V2 adds
///   the EC of the fault, docs/protocol.md "V2 errors"),
///   InvalidArgument (V4 header form: x-oss-content-sha256 other than UNSIGNED-PAYLOAD, EC
///   0002-00000214; details ArgumentName, ArgumentValue),
///   InvalidAccessKeyId (unknown AK; a long-term AK sent with a security token),
///   SecurityTokenExpired / InvalidSecurityToken (temporary credentials),
///   RequestTimeTooSkewed (details RequestTime, ServerTime; header forms only),
///   InvalidArgument (bad V4 scope or x-oss-expires; details ArgumentName, ArgumentValue),
///   SignatureDoesNotMatch (details OSSAccessKeyId, SignatureProvided, StringToSign,
///   StringToSignBytes, and CanonicalRequest for V4).
/// Checks run in that order after parsing: credentials, time, then the signature.
/// A V2 or V4 signature matches when it was computed with either EmptyQueryValues form; a
/// mismatch reports the kBareName computation.
StatusOr<VerifiedRequest> Verify(const WireRequest& request, const CredentialLookup& lookup,
                                 TimePoint now, const VerifyOptions& options = {});

/// The signature fields of a PostObject form (docs/protocol.md, "PostObject signatures"). V1:
/// OSSAccessKeyId, Signature = base64(HMAC-SHA1(secret, policy)). V4: x-oss-credential,
/// x-oss-date, x-oss-signature = lower-hex(HMAC-SHA256(V4 signing key, policy)), with
/// x-oss-signature-version OSS4-HMAC-SHA256. `policy` is the base64 text as sent.
struct PostFormSignature {
  SignatureVersion version = SignatureVersion::kV1;
  std::string access_key_id;  // V1
  std::string credential;     // V4: <ak>/<yyyymmdd>/<region>/oss/aliyun_v4_request
  std::string v4_time;        // V4: x-oss-date, 20231203T121212Z
  std::string security_token;
  std::string policy;
  std::string signature;
};

/// Checks a PostObject form's signature (kV2 forms are not supported: AccessDenied). Errors, in
/// order: InvalidArgument (V4: malformed
/// x-oss-credential or x-oss-date, as Verify's scope errors), AccessDenied (V4: x-oss-date more
/// than 15 minutes ahead of `now` or over 7 days old), the credential errors of Verify
/// (InvalidAccessKeyId, InvalidSecurityToken, SecurityTokenExpired), SignatureDoesNotMatch (EC
/// 0002-00000705; StringToSign is the policy).
StatusOr<VerifiedRequest> VerifyPostForm(const PostFormSignature& form,
                                         const CredentialLookup& lookup, TimePoint now,
                                         const VerifyOptions& options = {});

}  // namespace ossup::protocol
