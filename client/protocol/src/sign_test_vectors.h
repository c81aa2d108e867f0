// Inputs of the signing vectors (docs/protocol.md, "Signing test vectors"), for signing_test.cc
// (signer reproduces them) and sign_verify_test.cc (the verifier accepts them). Test-only.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ossup/protocol/signing.h"

namespace ossup::protocol::test_vectors {

inline TimePoint At(int64_t unix_seconds) { return TimePoint(std::chrono::seconds(unix_seconds)); }

inline const Credentials kAkSk{"ak", "sk", ""};
inline const Credentials kAkSkToken{"ak", "sk", "token"};

/// The instant of the V1 header vectors: 2022-12-28 10:27:41 UTC.
inline const TimePoint kV1Time = At(1672223261);
inline constexpr std::string_view kV1Date = "Wed, 28 Dec 2022 10:27:41 GMT";
/// The instant of V4 T1/CB1: 20231216T162057Z.
inline const TimePoint kT1Time = At(1702743657);

inline CredentialLookup LookupOf(std::map<std::string, KnownCredential> known) {
  return [known = std::move(known)](std::string_view ak) -> std::optional<KnownCredential> {
    const auto it = known.find(std::string(ak));
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
}

/// `ak` is a long-term key with secret `sk`.
inline CredentialLookup LongTermLookup() { return LookupOf({{"ak", {"sk", "", std::nullopt}}}); }
/// `ak` is an STS key with secret `sk` and token `token`.
inline CredentialLookup TemporaryLookup(std::optional<TimePoint> expiration = std::nullopt) {
  return LookupOf({{"ak", {"sk", "token", expiration}}});
}

inline std::string AuthorizationOf(const WireRequest& request) {
  return std::string(FindHeader(request.headers, "Authorization").value_or(""));
}

/// `request` with presigned parameters appended, as a server sees them after percent-decoding.
inline WireRequest WithQuery(WireRequest request, const QueryParams& params) {
  request.query.insert(request.query.end(), params.begin(), params.end());
  return request;
}

/// V1-H1/H2 inputs (go-v2 oss/signer/signer_test.go TestV1AuthHeader), unsigned.
inline WireRequest V1SharedRequest(std::string method, std::string bucket, std::string key) {
  WireRequest request{std::move(method), std::move(bucket), std::move(key), {}, {}};
  request.headers = {{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
                     {"Content-Type", "text/html"},
                     {"x-oss-meta-author", "alice"},
                     {"x-oss-meta-magic", "abracadabra"},
                     {"x-oss-date", std::string(kV1Date)}};
  return request;
}

/// The common V4 input (go-v2 oss/signer/signer_test.go), unsigned.
inline WireRequest V4CommonRequest(std::string content_type) {
  WireRequest request{"PUT", "bucket", "1234+-/123/1.txt", {}, {}};
  request.headers = {{"x-oss-head1", "value"},
                     {"abc", "value"},
                     {"ZAbc", "value"},
                     {"XYZ", "value"},
                     {"content-type", std::move(content_type)}};
  request.query = {{"param1", "value1"}, {"+param1", "value3"}, {"|param1", "value4"},
                   {"+param2", ""},      {"|param2", ""},       {"param2", ""}};
  return request;
}

/// The V4 header-auth cases (T1-T4, CB1) add these to the common input.
inline WireRequest V4HeaderRequest() {
  WireRequest request = V4CommonRequest("text/plain");
  request.headers.emplace_back("x-oss-content-sha256", "UNSIGNED-PAYLOAD");
  return request;
}

// --- V2 (docs/protocol.md, "V2 vectors") ------------------------------------------------------

/// The key pair of the V2 vectors (alibabacloud-gateway-oss UnitTest.java).
inline const Credentials kV2Credentials{"44CF9590006BF252F707",
                                        "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", ""};
inline const Credentials kV2CredentialsToken{"44CF9590006BF252F707",
                                             "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", "token"};
/// The V2 date of G1, D3 and D4, 2017-02-15 09:37:11 UTC.
inline const TimePoint kV2Time = At(1487151431);
inline constexpr std::string_view kV2Date = "Wed, 15 Feb 2017 09:37:11 GMT";
/// The V2 date of D1, 2017-02-16 02:09:39 UTC.
inline const TimePoint kV2D1Time = At(1487210979);
/// The x-oss-expires of D2.
inline const TimePoint kV2D2Expires = At(1487152431);

/// `ak` 44CF9590006BF252F707 is a long-term key, or an STS key with token `token`.
inline CredentialLookup V2Lookup(std::string token = "") {
  return LookupOf({{std::string(kV2Credentials.access_key_id),
                    {kV2Credentials.access_key_secret, std::move(token), std::nullopt}}});
}

/// G1 (alibabacloud-gateway-oss java/src/test/java/com/aliyun/gateway/oss/UnitTest.java
/// getAuthorizationV2Test), unsigned.
inline WireRequest V2G1Request() {
  WireRequest request{"PUT", "oss-example", "nelson", {}, {}};
  request.headers = {{"Content-MD5", "FxqG8Ca0qEJPOghSihJ8Ew=="},
                     {"Content-Type", "text/plain"},
                     {"Date", std::string(kV2Date)},
                     {"x-oss-object-acl", "private"}};
  return request;
}

/// D1: a ranged conditional GET that signs Range and If-Modified-Since, unsigned.
inline WireRequest V2D1Request() {
  WireRequest request{"GET", "oss-example", "nelson", {}, {}};
  request.headers = {{"Range", "bytes=0-7"},
                     {"If-Modified-Since", "Thu, 16 Feb 2017 02:10:39 GMT"},
                     {"Date", "Thu, 16 Feb 2017 02:09:39 GMT"}};
  return request;
}

/// D3: an STS Initiate of a key that needs encoding, with a query value holding `/`, unsigned.
inline WireRequest V2D3Request() {
  WireRequest request{"POST", "oss-example", "dir/a b+c.txt", {}, {}};
  request.query = {{"uploads", ""}, {"x-oss-meta", "v/1"}};
  request.headers = {{"Content-Type", "application/octet-stream"}, {"Date", std::string(kV2Date)}};
  return request;
}

inline V4Params HangzhouParams(std::vector<std::string> additional = {}) {
  return V4Params{"cn-hangzhou", "oss", std::move(additional)};
}

}  // namespace ossup::protocol::test_vectors
