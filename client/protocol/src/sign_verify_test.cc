// Verify(): the server side of signing. Every vector in docs/protocol.md must verify; any change
// to a signed part must fail with the string to sign the server computed; time, expiry and STS
// rules follow docs/protocol.md ("Error codes", "Signature Version 2", "Signature Version 4",
// "STS security tokens").
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <thread>
#include <vector>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "sign_test_vectors.h"

namespace ossup::protocol {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using namespace test_vectors;  // NOLINT(google-build-using-namespace)

const CredentialLookup kLongTerm = LongTermLookup();
CredentialLookup Temporary(std::optional<TimePoint> expiration = std::nullopt) {
  return TemporaryLookup(expiration);
}

std::string SpacedHex(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (!out.empty()) out += ' ';
    out += HexUpper(std::span<const uint8_t>(&c, 1));
  }
  return out;
}

void ExpectOk(const StatusOr<VerifiedRequest>& result, SignatureVersion version, bool presigned) {
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->access_key_id, "ak");
  EXPECT_EQ(result->version, version);
  EXPECT_EQ(result->presigned, presigned);
}

// The error, after checking its code and status; an empty Error when verification succeeded.
Error ExpectError(const StatusOr<VerifiedRequest>& result, std::string_view code, int http_status) {
  EXPECT_FALSE(result.ok()) << "expected " << code;
  if (result.ok()) return {};
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_EQ(result.error().http_status, http_status);
  return result.error();
}

void ExpectMismatch(const StatusOr<VerifiedRequest>& result, std::string_view string_to_sign,
                    std::string_view provided) {
  const Error error = ExpectError(result, "SignatureDoesNotMatch", 403);
  EXPECT_EQ(error.Detail("OSSAccessKeyId"), "ak");
  EXPECT_EQ(error.Detail("SignatureProvided"), provided);
  EXPECT_EQ(error.Detail("StringToSign"), string_to_sign);
  EXPECT_EQ(error.Detail("StringToSignBytes"), SpacedHex(string_to_sign));
}

// V1-H1 (go-v2 oss/signer/signer_test.go TestV1AuthHeader), signed.
WireRequest SignedV1H1(const Credentials& credentials = kAkSk) {
  WireRequest request = V1SharedRequest("PUT", "examplebucket", "nelson");
  SignV1(request, credentials, kV1Time);
  return request;
}

WireRequest SignedV4T(const Credentials& credentials, std::vector<std::string> additional,
                      TimePoint now, V4Params params = {"cn-hangzhou", "oss", {}}) {
  WireRequest request = V4HeaderRequest();
  params.additional_headers = std::move(additional);
  SignV4(request, credentials, params, now);
  return request;
}

std::string ProvidedV4Signature(const WireRequest& request) {
  const std::string authorization = AuthorizationOf(request);
  return authorization.substr(authorization.find("Signature=") + 10, 64);
}

// --- Vectors verify ---------------------------------------------------------------------------

TEST(VerifyTest, V1HeaderVectorsVerify) {
  ExpectOk(Verify(SignedV1H1(), kLongTerm, kV1Time), SignatureVersion::kV1, false);
  // V1-H3 / V1-H4 carry the official Authorization values directly.
  WireRequest h3{"GET",
                 "examplebucket",
                 "",
                 {{"resourceGroup", ""}, {"non-resousce", "null"}},
                 {{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
                  {"Authorization", "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs="}}};
  ExpectOk(Verify(h3, kLongTerm, kV1Time), SignatureVersion::kV1, false);
  WireRequest h4{"GET",
                 "examplebucket",
                 "",
                 {{"resourceGroup", ""}, {"acl", ""}},
                 {{"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"},
                  {"Authorization", "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk="}}};
  ExpectOk(Verify(h4, kLongTerm, kV1Time), SignatureVersion::kV1, false);
}

TEST(VerifyTest, V1PresignedVectorsVerify) {
  // go-v2 TestV1AuthQuery: the URL's parameters after percent-decoding.
  const WireRequest q1{"GET",
                       "bucket",
                       "key",
                       {{"Expires", "1699807420"},
                        {"OSSAccessKeyId", "ak"},
                        {"Signature", "dcLTea+Yh9ApirQ8o8dOPqtvJXQ="},
                        {"versionId", "versionId"}},
                       {}};
  ExpectOk(Verify(q1, kLongTerm, At(1699807420)), SignatureVersion::kV1, true);
  const WireRequest q2{"GET",
                       "bucket",
                       "key+123",
                       {{"Expires", "1699808204"},
                        {"OSSAccessKeyId", "ak"},
                        {"Signature", "jzKYRrM5y6Br0dRFPaTGOsbrDhY="},
                        {"security-token", "token"},
                        {"versionId", "versionId"}},
                       {}};
  ExpectOk(Verify(q2, Temporary(), At(1699808204) - minutes(1)), SignatureVersion::kV1, true);
}

TEST(VerifyTest, V4HeaderVectorsVerify) {
  ExpectOk(Verify(SignedV4T(kAkSk, {}, kT1Time), kLongTerm, kT1Time), SignatureVersion::kV4, false);
  ExpectOk(Verify(SignedV4T(kAkSkToken, {}, At(1702784856)), Temporary(), At(1702784856)),
           SignatureVersion::kV4, false);
  ExpectOk(Verify(SignedV4T(kAkSk, {"ZAbc", "abc"}, At(1702747512)), kLongTerm, At(1702747512)),
           SignatureVersion::kV4, false);
  ExpectOk(
      Verify(SignedV4T(kAkSkToken, {"ZAbc", "abc"}, At(1702747512)), Temporary(), At(1702747512)),
      SignatureVersion::kV4, false);
  ExpectOk(
      Verify(SignedV4T(kAkSk, {}, kT1Time, {"cb-123", "oss-cloudbox", {}}), kLongTerm, kT1Time),
      SignatureVersion::kV4, false);
}

TEST(VerifyTest, V4AuthorizationFieldsInAnyOrderWithSpaces) {
  // python oss2: ", " and AdditionalHeaders last (docs/protocol.md, "Authorization header format").
  WireRequest request = SignedV4T(kAkSk, {"abc", "zabc"}, At(1702747512));
  SetHeader(request.headers, "Authorization",
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request, "
            "Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f, "
            "AdditionalHeaders=abc;zabc");
  ExpectOk(Verify(request, kLongTerm, At(1702747512)), SignatureVersion::kV4, false);
}

TEST(VerifyTest, HeaderNamesAreCaseInsensitive) {
  WireRequest request = SignedV1H1();
  for (auto& [name, value] : request.headers) {
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  ExpectOk(Verify(request, kLongTerm, kV1Time), SignatureVersion::kV1, false);
}

// --- Tampering ---------------------------------------------------------------------------------

TEST(VerifyTest, V1TamperedHeaderReportsServerStringToSign) {
  WireRequest request = SignedV1H1();
  SetHeader(request.headers, "x-oss-meta-author", "mallory");
  ExpectMismatch(Verify(request, kLongTerm, kV1Time),
                 V1StringToSign(request, "Wed, 28 Dec 2022 10:27:41 GMT"),
                 "kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
}

using Tamper = std::function<void(WireRequest&)>;
using NamedTampers = std::vector<std::pair<std::string, Tamper>>;

TEST(VerifyTest, V1TamperedPartsFail) {
  const NamedTampers tampers = {
      {"Content-MD5",
       [](WireRequest& r) { SetHeader(r.headers, "Content-MD5", "fB5eJF1ptWaXm4bijSPyxw=="); }},
      {"Content-Type", [](WireRequest& r) { SetHeader(r.headers, "Content-Type", "text/xml"); }},
      {"sub-resource", [](WireRequest& r) { r.query.emplace_back("acl", ""); }},
      {"key", [](WireRequest& r) { r.key = "nelsoN"; }},
      {"method", [](WireRequest& r) { r.method = "POST"; }},
      {"new x-oss header", [](WireRequest& r) { r.headers.emplace_back("x-oss-acl", "private"); }},
  };
  for (const auto& [name, tamper] : tampers) {
    SCOPED_TRACE(name);
    WireRequest request = SignedV1H1();
    tamper(request);
    ExpectMismatch(Verify(request, kLongTerm, kV1Time), V1StringToSign(request, kV1Date),
                   "kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
  }

  WireRequest flipped = SignedV1H1();
  SetHeader(flipped.headers, "Authorization", "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7N=");
  const auto flipped_result = Verify(flipped, kLongTerm, kV1Time);
  ExpectMismatch(flipped_result, V1StringToSign(flipped, kV1Date), "kSHKmLxlyEAKtZPkJhG9bZb5k7N=");
  EXPECT_EQ(flipped_result.ok() ? "" : flipped_result.error().ec, "0002-00000040");  // header form

  // Unsigned parts may change: a non-signed query parameter and a non-x-oss header.
  WireRequest unsigned_changes = SignedV1H1();
  unsigned_changes.query.emplace_back("encoding-type", "url");
  unsigned_changes.headers.emplace_back("User-Agent", "test");
  ExpectOk(Verify(unsigned_changes, kLongTerm, kV1Time), SignatureVersion::kV1, false);
}

TEST(VerifyTest, V4TamperedPartsFail) {
  const NamedTampers tampers = {
      {"x-oss header", [](WireRequest& r) { SetHeader(r.headers, "x-oss-head1", "valuE"); }},
      {"query value", [](WireRequest& r) { r.query[0].second = "value2"; }},
      {"unsigned-in-V1 query", [](WireRequest& r) { r.query.emplace_back("prefix", "a"); }},
      {"method", [](WireRequest& r) { r.method = "POST"; }},
      {"key", [](WireRequest& r) { r.key += "x"; }},
  };
  for (const auto& [name, tamper] : tampers) {
    SCOPED_TRACE(name);
    WireRequest request = SignedV4T(kAkSk, {}, kT1Time);
    tamper(request);
    const auto result = Verify(request, kLongTerm, kT1Time);
    const std::string canonical = V4CanonicalRequest(request, {});
    ExpectMismatch(
        result,
        V4StringToSign("20231216T162057Z", V4Scope("20231216", "cn-hangzhou", "oss"), canonical),
        ProvidedV4Signature(request));
    EXPECT_EQ(result.ok() ? "" : result.error().Detail("CanonicalRequest"), canonical);
  }

  // XYZ is not signed in T1, so changing it is harmless ...
  WireRequest unsigned_change = SignedV4T(kAkSk, {}, kT1Time);
  SetHeader(unsigned_change.headers, "XYZ", "other");
  ExpectOk(Verify(unsigned_change, kLongTerm, kT1Time), SignatureVersion::kV4, false);
  // ... but abc is once it is listed in AdditionalHeaders.
  WireRequest additional_change = SignedV4T(kAkSk, {"abc"}, kT1Time);
  SetHeader(additional_change.headers, "abc", "other");
  ExpectError(Verify(additional_change, kLongTerm, kT1Time), "SignatureDoesNotMatch", 403);
}

TEST(VerifyTest, PresignedTamperingFails) {
  const WireRequest base{"GET", "bucket", "key", {{"versionId", "versionId"}}, {}};
  WireRequest v1 = WithQuery(base, PresignV1(base, kAkSk, At(1699807420)));
  v1.query[0].second = "other";
  const auto v1_result = Verify(v1, kLongTerm, At(1699807000));
  ExpectMismatch(v1_result, V1StringToSign(v1, "1699807420"), "dcLTea+Yh9ApirQ8o8dOPqtvJXQ=");
  EXPECT_EQ(v1_result.ok() ? "" : v1_result.error().ec, "0002-00000307");  // URL form's EC

  const WireRequest v4_base = V4CommonRequest("application/octet-stream");
  WireRequest v4 = WithQuery(
      v4_base, PresignV4(v4_base, kAkSk, {"cn-hangzhou", "oss", {}}, At(1702781677), seconds(599)));
  for (auto& [name, value] : v4.query) {
    if (name == "x-oss-expires") value = "600";
  }
  ExpectError(Verify(v4, kLongTerm, At(1702781677)), "SignatureDoesNotMatch", 403);
}

// --- Credentials ---------------------------------------------------------------------------------

TEST(VerifyTest, UnknownAccessKey) {
  const auto nobody = LookupOf({});
  ExpectError(Verify(SignedV1H1(), nobody, kV1Time), "InvalidAccessKeyId", 403);
  ExpectError(Verify(SignedV4T(kAkSk, {}, kT1Time), nobody, kT1Time), "InvalidAccessKeyId", 403);
  const WireRequest base{"GET", "bucket", "key", {}, {}};
  ExpectError(
      Verify(WithQuery(base, PresignV1(base, kAkSk, At(1699807420))), nobody, At(1699807000)),
      "InvalidAccessKeyId", 403);
}

TEST(VerifyTest, SecurityTokenRulesForEveryForm) {
  const TimePoint expiry = kV1Time + minutes(5);
  // Header V1.
  ExpectOk(Verify(SignedV1H1(kAkSkToken), Temporary(expiry), kV1Time), SignatureVersion::kV1,
           false);
  ExpectError(Verify(SignedV1H1(kAkSk), Temporary(), kV1Time), "InvalidSecurityToken", 403);
  ExpectError(Verify(SignedV1H1({"ak", "sk", "forged"}), Temporary(), kV1Time),
              "InvalidSecurityToken", 403);
  EXPECT_EQ(ExpectError(Verify(SignedV1H1(kAkSkToken), Temporary(kV1Time), kV1Time),
                        "SecurityTokenExpired", 403)
                .Detail("SecurityToken"),
            "token");
  // A long-term key sent with a token is unknown to OSS (docs/protocol.md, "STS security tokens").
  ExpectError(Verify(SignedV1H1(kAkSkToken), kLongTerm, kV1Time), "InvalidAccessKeyId", 403);

  // Header V4.
  ExpectError(Verify(SignedV4T(kAkSk, {}, kT1Time), Temporary(), kT1Time), "InvalidSecurityToken",
              403);
  ExpectError(Verify(SignedV4T(kAkSkToken, {}, kT1Time), kLongTerm, kT1Time), "InvalidAccessKeyId",
              403);

  // URL V1 and V4.
  const WireRequest base{"GET", "bucket", "key", {}, {}};
  const WireRequest v1 = WithQuery(base, PresignV1(base, kAkSkToken, At(1699807420)));
  ExpectOk(Verify(v1, Temporary(), At(1699807000)), SignatureVersion::kV1, true);
  ExpectError(Verify(v1, Temporary(At(1699806000)), At(1699807000)), "SecurityTokenExpired", 403);
  ExpectError(Verify(v1, kLongTerm, At(1699807000)), "InvalidAccessKeyId", 403);
  const WireRequest v4 =
      WithQuery(base, PresignV4(base, kAkSk, {"cn-hangzhou", "oss", {}}, kT1Time, seconds(60)));
  ExpectError(Verify(v4, Temporary(), kT1Time), "InvalidSecurityToken", 403);
  const WireRequest v4_token = WithQuery(
      base, PresignV4(base, kAkSkToken, {"cn-hangzhou", "oss", {}}, kT1Time, seconds(60)));
  ExpectOk(Verify(v4_token, Temporary(), kT1Time), SignatureVersion::kV4, true);
}

// --- Time ----------------------------------------------------------------------------------------

TEST(VerifyTest, HeaderAuthRejectsSkewBeyondFifteenMinutes) {
  ExpectOk(Verify(SignedV1H1(), kLongTerm, kV1Time + minutes(15)), SignatureVersion::kV1, false);
  ExpectOk(Verify(SignedV1H1(), kLongTerm, kV1Time - minutes(15)), SignatureVersion::kV1, false);
  const Error late =
      ExpectError(Verify(SignedV1H1(), kLongTerm, kV1Time + minutes(15) + seconds(1)),
                  "RequestTimeTooSkewed", 403);
  EXPECT_EQ(late.Detail("RequestTime"), "2022-12-28T10:27:41.000Z");
  EXPECT_EQ(late.Detail("ServerTime"), "2022-12-28T10:42:42.000Z");
  ExpectError(Verify(SignedV4T(kAkSk, {}, kT1Time), kLongTerm, kT1Time - minutes(16)),
              "RequestTimeTooSkewed", 403);
  VerifyOptions lenient;
  lenient.max_skew = minutes(30);
  ExpectOk(Verify(SignedV4T(kAkSk, {}, kT1Time), kLongTerm, kT1Time - minutes(16), lenient),
           SignatureVersion::kV4, false);
}

// Found by fuzz/verify_fuzz: the skew of a request dated 1697 checked in 2022 overflowed
// 64-bit nanoseconds (UB; in practice it wrapped negative and the request was accepted).
TEST(VerifyTest, CenturiesOfSkewAreTooSkewed) {
  WireRequest request = V1SharedRequest("PUT", "examplebucket", "nelson");
  SetHeader(request.headers, "x-oss-date", "Wed, 28 Dec 1697 10:27:41 GMT");
  SignV1(request, kAkSk, kV1Time);
  ExpectError(Verify(request, kLongTerm, kV1Time), "RequestTimeTooSkewed", 403);
  ExpectError(Verify(SignedV1H1(), kLongTerm, At(-9'000'000'000)), "RequestTimeTooSkewed", 403);
}

// A V4 URL dated near TimePoint's limit (2262) is valid for its x-oss-expires: the expiry
// instant itself is past the limit and must not be computed.
TEST(VerifyTest, V4UrlNearTheEndOfTimeDoesNotOverflow) {
  const WireRequest base{"GET", "bucket", "key", {}, {}};
  const TimePoint signed_at = At(9'223'372'000);  // 2262-04-11T23:46:40Z
  const WireRequest url =
      WithQuery(base, PresignV4(base, kAkSk, HangzhouParams(), signed_at, seconds(604800)));
  ExpectOk(Verify(url, kLongTerm, signed_at), SignatureVersion::kV4, true);
  ExpectOk(Verify(url, kLongTerm, signed_at + seconds(36)), SignatureVersion::kV4, true);
}

// An Expires beyond 2^63 seconds was cast to a negative int64_t and the URL refused as expired.
TEST(VerifyTest, V1UrlWithAHugeExpiresIsNotExpired) {
  const std::string expires = "18446744073709551615";
  WireRequest url{"GET", "bucket", "key", {}, {}};
  const std::string signature = V1Signature("sk", V1StringToSign(url, expires));
  url.query = {{"OSSAccessKeyId", "ak"}, {"Expires", expires}, {"Signature", signature}};
  ExpectOk(Verify(url, kLongTerm, kV1Time), SignatureVersion::kV1, true);
}

TEST(VerifyTest, V1DateSlotRules) {
  // Date is used when x-oss-date is absent; no date at all is AccessDenied.
  WireRequest with_date{"GET", "b", "k", {}, {{"Date", "Wed, 28 Dec 2022 10:27:41 GMT"}}};
  SignV1(with_date, kAkSk, kV1Time);
  ExpectOk(Verify(with_date, kLongTerm, kV1Time), SignatureVersion::kV1, false);

  WireRequest no_date{"GET", "b", "k", {}, {}};
  SetHeader(no_date.headers, "Authorization",
            "OSS ak:" + V1Signature("sk", V1StringToSign(no_date, "")));
  ExpectError(Verify(no_date, kLongTerm, kV1Time), "AccessDenied", 403);
}

TEST(VerifyTest, V1XOssDateWinsOverDate) {
  // A stale Date next to a current x-oss-date: only x-oss-date is signed and checked for skew.
  WireRequest request = V1SharedRequest("PUT", "examplebucket", "nelson");
  request.headers.emplace_back("Date", "Thu, 01 Jan 1970 00:00:00 GMT");
  SignV1(request, kAkSk, kV1Time);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");  // V1-H1
  ExpectOk(Verify(request, kLongTerm, kV1Time), SignatureVersion::kV1, false);
}

TEST(VerifyTest, PresignedUrlsExpire) {
  const WireRequest base{"GET", "bucket", "key", {}, {}};
  const WireRequest v1 = WithQuery(base, PresignV1(base, kAkSk, At(1699807420)));
  ExpectOk(Verify(v1, kLongTerm, At(1699807420)), SignatureVersion::kV1, true);
  const Error v1_expired = ExpectError(Verify(v1, kLongTerm, At(1699807421)), "AccessDenied", 403);
  EXPECT_EQ(v1_expired.message, "Request has expired.");
  EXPECT_EQ(v1_expired.ec, "0002-00000069");

  const WireRequest v4 =
      WithQuery(base, PresignV4(base, kAkSk, {"cn-hangzhou", "oss", {}}, kT1Time, seconds(599)));
  ExpectOk(Verify(v4, kLongTerm, kT1Time + seconds(599)), SignatureVersion::kV4, true);
  EXPECT_EQ(ExpectError(Verify(v4, kLongTerm, kT1Time + seconds(600)), "AccessDenied", 403).message,
            "Request has expired.");
}

// --- V4 scope ------------------------------------------------------------------------------------

TEST(VerifyTest, V4RegionCheckedOnlyWhenConfigured) {
  const WireRequest request = SignedV4T(kAkSk, {}, kT1Time);
  VerifyOptions hangzhou;
  hangzhou.region = "oss-cn-hangzhou";
  ExpectOk(Verify(request, kLongTerm, kT1Time, hangzhou), SignatureVersion::kV4, false);
  VerifyOptions beijing;
  beijing.region = "cn-beijing";
  const Error wrong =
      ExpectError(Verify(request, kLongTerm, kT1Time, beijing), "InvalidArgument", 400);
  EXPECT_EQ(wrong.message, "Invalid signing region in Authorization header.");
  EXPECT_EQ(wrong.ec, "0002-00000226");
  const WireRequest base{"GET", "bucket", "key", {}, {}};
  const WireRequest url =
      WithQuery(base, PresignV4(base, kAkSk, {"cn-hangzhou", "oss", {}}, kT1Time, seconds(60)));
  ExpectError(Verify(url, kLongTerm, kT1Time, beijing), "InvalidArgument", 400);
}

TEST(VerifyTest, V4BadScopes) {
  const auto with_credential = [](std::string_view credential) {
    WireRequest request = SignedV4T(kAkSk, {}, kT1Time);
    SetHeader(request.headers, "Authorization",
              "OSS4-HMAC-SHA256 Credential=" + std::string(credential) +
                  ",Signature=" + std::string(64, '0'));
    return Verify(request, kLongTerm, kT1Time);
  };
  EXPECT_EQ(ExpectError(with_credential("ak/20231216/cn-hangzhou/s3/aliyun_v4_request"),
                        "InvalidArgument", 400)
                .message,
            "Invalid signing product in Authorization header.");
  // The scope date must be the date of x-oss-date.
  ExpectError(with_credential("ak/20231215/cn-hangzhou/oss/aliyun_v4_request"), "InvalidArgument",
              400);
  EXPECT_EQ(
      ExpectError(with_credential("ak/20231216/cn-hangzhou/oss"), "InvalidArgument", 400).message,
      "Invalid credential in Authorization header.");
}

// --- Empty query values (docs/protocol.md, "Empty query values") ------------------------------

// ali-oss 6.23 V4 (signUtils.authorizationV4, run with AK ak, SK sk, cn-hangzhou at
// 20231216T162057Z): sub-resources are null and signed bare, empty query values are '' and
// signed `name=`. `query` is what the server parses from `?...=&...=`.
WireRequest AliOssV4Request(QueryParams query, std::string_view signature) {
  return WireRequest{"GET",
                     "examplebucket",
                     "",
                     std::move(query),
                     {{"x-oss-date", "20231216T162057Z"},
                      {"x-oss-content-sha256", "UNSIGNED-PAYLOAD"},
                      {"Authorization",
                       "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
                       "Signature=" +
                           std::string(signature)}}};
}

TEST(VerifyTest, V4AcceptsAliOssEmptyQueryValues) {
  // client.list({prefix: '', marker: '', 'max-keys': '1000'}): canonical query
  // `marker=&max-keys=1000&prefix=`.
  ExpectOk(
      Verify(AliOssV4Request({{"prefix", ""}, {"marker", ""}, {"max-keys", "1000"}},
                             "1176621564e38936e58733a2ecbad97918cf1a6a92ca49b96e7af14aab6f3369"),
             kLongTerm, kT1Time),
      SignatureVersion::kV4, false);
  // client.listUploads({prefix: '', 'key-marker': ''}): `key-marker=&prefix=&uploads`.
  ExpectOk(
      Verify(AliOssV4Request({{"uploads", ""}, {"prefix", ""}, {"key-marker", ""}},
                             "eee74b7977cfe8471bc9bf1d34baeef443a20a1484c913946f17313375e6a2eb"),
             kLongTerm, kT1Time),
      SignatureVersion::kV4, false);
}

TEST(VerifyTest, V4EmptyQueryValueFormsOtherThanTheTwoKnownAreRejected) {
  // The standard form still verifies: every empty value bare.
  WireRequest standard{"GET", "examplebucket", "", {{"uploads", ""}, {"prefix", ""}}, {}};
  SignV4(standard, kAkSk, HangzhouParams(), kT1Time);
  ExpectOk(Verify(standard, kLongTerm, kT1Time), SignatureVersion::kV4, false);

  // `uploads=` (every empty value with '=', as S3's SigV4 writes it) is neither form.
  WireRequest all_equals = standard;
  const std::string canonical =
      "GET\n/examplebucket/\nprefix=&uploads=\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
      "x-oss-date:20231216T162057Z\n\n\nUNSIGNED-PAYLOAD";
  const std::string string_to_sign =
      V4StringToSign("20231216T162057Z", V4Scope("20231216", "cn-hangzhou", "oss"), canonical);
  const std::string signature = V4Signature("sk", "20231216", "cn-hangzhou", "oss", string_to_sign);
  SetHeader(all_equals.headers, "Authorization",
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
            "Signature=" +
                signature);
  const auto result = Verify(all_equals, kLongTerm, kT1Time);
  ExpectError(result, "SignatureDoesNotMatch", 403);
  // The mismatch reports the standard canonical request, not the ali-oss one.
  EXPECT_EQ(result.ok() ? "" : result.error().Detail("CanonicalRequest"),
            V4CanonicalRequest(all_equals, {}));
}

// --- x-oss-content-sha256 (docs/protocol.md, "x-oss-content-sha256") ---------------------------

TEST(VerifyTest, V4PayloadHashMustBeUnsignedPayload) {
  // A real SHA-256 of the body, correctly signed: OSS only accepts UNSIGNED-PAYLOAD.
  WireRequest request{"PUT", "bucket", "key", {}, {}};
  const std::string hash = HexLower(Sha256("payload"));
  request.headers.emplace_back("x-oss-content-sha256", hash);
  SignV4(request, kAkSk, HangzhouParams(), kT1Time);
  const Error error = ExpectError(Verify(request, kLongTerm, kT1Time), "InvalidArgument", 400);
  EXPECT_EQ(error.ec, "0002-00000214");
  EXPECT_EQ(error.Detail("ArgumentName"), "x-oss-content-sha256");
  EXPECT_EQ(error.Detail("ArgumentValue"), hash);
}

// --- Request shapes ------------------------------------------------------------------------------

TEST(VerifyTest, UnsignedAndMalformedRequestsAreDenied) {
  ExpectError(Verify(WireRequest{"GET", "b", "k", {}, {}}, kLongTerm, kV1Time), "AccessDenied",
              403);
  WireRequest garbage = SignedV1H1();
  SetHeader(garbage.headers, "Authorization", "Bearer xyz");
  ExpectError(Verify(garbage, kLongTerm, kV1Time), "AccessDenied", 403);
  WireRequest no_colon = SignedV1H1();
  SetHeader(no_colon.headers, "Authorization", "OSS ak");
  ExpectError(Verify(no_colon, kLongTerm, kV1Time), "AccessDenied", 403);
  // Both an Authorization header and a URL signature.
  WireRequest both = SignedV1H1();
  both.query.emplace_back("Signature", "x");
  ExpectError(Verify(both, kLongTerm, kV1Time), "AccessDenied", 403);
  // A V1 URL missing Expires.
  const WireRequest partial{"GET", "b", "k", {{"OSSAccessKeyId", "ak"}, {"Signature", "x"}}, {}};
  ExpectError(Verify(partial, kLongTerm, kV1Time), "AccessDenied", 403);
}

// --- V2 (docs/protocol.md, "Signature Version 2", "V2 errors") -------------------------------

constexpr std::string_view kV2Ak = "44CF9590006BF252F707";

void ExpectV2Ok(const StatusOr<VerifiedRequest>& result, bool presigned) {
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->access_key_id, kV2Ak);
  EXPECT_EQ(result->version, SignatureVersion::kV2);
  EXPECT_EQ(result->presigned, presigned);
}

WireRequest SignedV2G1(const Credentials& credentials = kV2Credentials) {
  WireRequest request = V2G1Request();
  SignV2(request, credentials, V2Params{}, kV2Time);
  return request;
}

TEST(VerifyV2Test, VectorsVerify) {
  // G1 as the gateway test writes it, and with Java's ", " separators in another order.
  WireRequest g1 = V2G1Request();
  g1.headers.emplace_back("Authorization",
                          "OSS2 AccessKeyId:44CF9590006BF252F707,"
                          "Signature:5Am2ewK1tL0gXX7GV6dwybZtj7efOEtc0Mo2FR6CkM8=");
  ExpectV2Ok(Verify(g1, V2Lookup(), kV2Time), false);
  SetHeader(g1.headers, "Authorization",
            "OSS2 Signature:5Am2ewK1tL0gXX7GV6dwybZtj7efOEtc0Mo2FR6CkM8=, "
            "AccessKeyId:44CF9590006BF252F707");
  ExpectV2Ok(Verify(g1, V2Lookup(), kV2Time), false);

  WireRequest d1 = V2D1Request();
  d1.headers.emplace_back("Authorization",
                          "OSS2 AccessKeyId:44CF9590006BF252F707, "
                          "AdditionalHeaders:if-modified-since;range, "
                          "Signature:YG9mKO3m4S0Jx9Hk6Lq64VchJg/TOTkyCX4DaeeOYxE=");
  ExpectV2Ok(Verify(d1, V2Lookup(), kV2D1Time), false);

  const WireRequest d2{"GET",
                       "oss-example",
                       "nelson",
                       {{"x-oss-signature-version", "OSS2"},
                        {"x-oss-expires", "1487152431"},
                        {"x-oss-access-key-id", "44CF9590006BF252F707"},
                        {"x-oss-signature", "ps/+MLhd1WKkVi/QlOiliJsTaBMBk93f6UYVscDNHCQ="}},
                       {}};
  ExpectV2Ok(Verify(d2, V2Lookup(), kV2D2Expires), true);

  WireRequest d3 = V2D3Request();
  d3.headers.emplace_back("x-oss-security-token", "token");
  d3.headers.emplace_back("Authorization",
                          "OSS2 AccessKeyId:44CF9590006BF252F707,"
                          "Signature:OSFlJqgsl23sbE9jFzSHHb9RfVxAfGhNn403TFzF1fk=");
  ExpectV2Ok(Verify(d3, V2Lookup("token"), kV2Time), false);
}

TEST(VerifyV2Test, AcceptsOssUtilEmptyQueryValues) {
  // D4: @alicloud/oss-util signs `prefix=`; the bare form is still what a mismatch reports.
  WireRequest d4{"GET",
                 "oss-example",
                 "",
                 {{"uploads", ""}, {"prefix", ""}, {"max-uploads", "10"}},
                 {{"Date", std::string(kV2Date)},
                  {"Authorization",
                   "OSS2 AccessKeyId:44CF9590006BF252F707,"
                   "Signature:WwgwXbIBAMD1Bh8NNd3LZ0Zelnnz/BRVdjN10WQI6zc="}}};
  ExpectV2Ok(Verify(d4, V2Lookup(), kV2Time), false);
  d4.query.emplace_back("marker", "");
  const auto result = Verify(d4, V2Lookup(), kV2Time);
  ExpectError(result, "SignatureDoesNotMatch", 403);
  EXPECT_EQ(result.ok() ? "" : result.error().Detail("StringToSign"),
            V2StringToSign(d4, kV2Date, {}));
}

TEST(VerifyV2Test, SignedRequestsOfEveryShapeVerify) {
  WireRequest header = V2D1Request();
  SignV2(header, kV2CredentialsToken, V2Params{{"range"}}, kV2D1Time);
  ExpectV2Ok(Verify(header, V2Lookup("token"), kV2D1Time), false);

  const WireRequest base{"GET", "oss-example", "a/b c", {{"versionId", "v1"}}, {}};
  const WireRequest url =
      WithQuery(base, PresignV2(base, kV2CredentialsToken, V2Params{}, kV2D2Expires));
  ExpectV2Ok(Verify(url, V2Lookup("token"), kV2D2Expires - minutes(5)), true);
}

TEST(VerifyV2Test, TamperingReportsTheStringToSign) {
  const NamedTampers tampers = {
      {"Content-MD5",
       [](WireRequest& r) { SetHeader(r.headers, "Content-MD5", "GxqG8Ca0qEJPOghSihJ8Ew=="); }},
      {"x-oss header", [](WireRequest& r) { SetHeader(r.headers, "x-oss-object-acl", "public"); }},
      {"any query parameter", [](WireRequest& r) { r.query.emplace_back("prefix", "a"); }},
      {"key", [](WireRequest& r) { r.key = "nelsoN"; }},
      {"method", [](WireRequest& r) { r.method = "POST"; }},
  };
  for (const auto& [name, tamper] : tampers) {
    SCOPED_TRACE(name);
    WireRequest request = SignedV2G1();
    tamper(request);
    const auto result = Verify(request, V2Lookup(), kV2Time);
    const Error error = ExpectError(result, "SignatureDoesNotMatch", 403);
    EXPECT_EQ(error.ec, "0002-00000101");
    EXPECT_EQ(error.Detail("OSSAccessKeyId"), kV2Ak);
    EXPECT_EQ(error.Detail("SignatureProvided"), "5Am2ewK1tL0gXX7GV6dwybZtj7efOEtc0Mo2FR6CkM8=");
    EXPECT_EQ(error.Detail("StringToSign"), V2StringToSign(request, kV2Date, {}));
    EXPECT_EQ(error.Detail("StringToSignBytes"), SpacedHex(V2StringToSign(request, kV2Date, {})));
  }
  // A header outside x-oss-* and AdditionalHeaders is not signed ...
  WireRequest unsigned_change = SignedV2G1();
  unsigned_change.headers.emplace_back("Range", "bytes=0-1");
  ExpectV2Ok(Verify(unsigned_change, V2Lookup(), kV2Time), false);
  // ... but one named in AdditionalHeaders is.
  WireRequest d1 = V2D1Request();
  SignV2(d1, kV2Credentials, V2Params{{"range"}}, kV2D1Time);
  SetHeader(d1.headers, "Range", "bytes=0-8");
  ExpectError(Verify(d1, V2Lookup(), kV2D1Time), "SignatureDoesNotMatch", 403);

  const WireRequest base{"GET", "oss-example", "nelson", {}, {}};
  WireRequest url = WithQuery(base, PresignV2(base, kV2Credentials, V2Params{}, kV2D2Expires));
  url.key = "other";
  const Error url_error =
      ExpectError(Verify(url, V2Lookup(), kV2D2Expires), "SignatureDoesNotMatch", 403);
  EXPECT_EQ(url_error.ec, "0002-00000101");
  EXPECT_EQ(url_error.Detail("StringToSign"),
            V2StringToSign(url, "1487152431", {}, "x-oss-signature"));
}

struct MalformedV2Case {
  std::string authorization;
  std::string ec;
};

TEST(VerifyV2Test, MalformedAuthorizationHeaders) {
  const std::string sig = "Signature:5Am2ewK1tL0gXX7GV6dwybZtj7efOEtc0Mo2FR6CkM8=";
  const std::vector<MalformedV2Case> cases = {
      {"OSS2 AccessKeyId:44CF9590006BF252F707,", "0002-00000102"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeadersrange," + sig, "0002-00000103"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707," + sig + ",UnknownKey:ABC", "0002-00000104"},
      {"OSS2 " + sig, "0002-00000105"},
      {"OSS2 AccessKeyId:," + sig, "0002-00000106"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707", "0002-00000108"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,Signature:", "0002-00000109"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeaders:," + sig, "0002-00000110"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeaders:range;," + sig, "0002-00000111"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeaders:host;range," + sig,
       "0002-00000112"},
      {"OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeaders:x_range," + sig, "0002-00000112"},
  };
  for (const MalformedV2Case& c : cases) {
    SCOPED_TRACE(c.authorization);
    WireRequest request = V2G1Request();
    request.headers.emplace_back("Authorization", c.authorization);
    request.headers.emplace_back("Range", "bytes=0-1");
    request.headers.emplace_back("x_range", "bytes=0-1");
    EXPECT_EQ(ExpectError(Verify(request, V2Lookup(), kV2Time), "AccessDenied", 403).ec, c.ec);
  }
}

struct MalformedV2UrlCase {
  std::string name;
  std::string drop;                         // parameter to leave out
  std::pair<std::string, std::string> set;  // parameter to overwrite
  std::string ec;
};

TEST(VerifyV2Test, MalformedPresignedUrls) {
  const WireRequest base{"GET", "oss-example", "nelson", {}, {{"Range", "bytes=0-7"}}};
  const QueryParams presign = PresignV2(base, kV2Credentials, V2Params{{"range"}}, kV2D2Expires);
  const std::vector<MalformedV2UrlCase> cases = {
      {"no x-oss-expires", "x-oss-expires", {}, "0002-00000113"},
      {"empty x-oss-expires", "", {"x-oss-expires", ""}, "0002-00000114"},
      {"empty access key id", "", {"x-oss-access-key-id", ""}, "0002-00000116"},
      {"empty signature", "", {"x-oss-signature", ""}, "0002-00000118"},
      {"empty additional headers", "", {"x-oss-additional-headers", ""}, "0002-00000076"},
      {"additional header not sent", "", {"x-oss-additional-headers", "host"}, "0002-00000112"},
      {"Expires not a number", "", {"x-oss-expires", "abc"}, "0002-00000070"},
      {"no signature", "x-oss-signature", {}, ""},
  };
  for (const MalformedV2UrlCase& c : cases) {
    SCOPED_TRACE(c.name);
    WireRequest request = WithQuery(base, presign);
    std::erase_if(request.query, [&](const auto& param) { return param.first == c.drop; });
    for (auto& [name, value] : request.query) {
      if (name == c.set.first) value = c.set.second;
    }
    EXPECT_EQ(ExpectError(Verify(request, V2Lookup(), kV2D2Expires), "AccessDenied", 403).ec, c.ec);
  }
}

TEST(VerifyV2Test, PresignedUrlsExpireAtXOssExpires) {
  const WireRequest base{"GET", "oss-example", "nelson", {}, {}};
  const WireRequest url =
      WithQuery(base, PresignV2(base, kV2Credentials, V2Params{}, kV2D2Expires));
  ExpectV2Ok(Verify(url, V2Lookup(), kV2D2Expires), true);
  const Error expired =
      ExpectError(Verify(url, V2Lookup(), kV2D2Expires + seconds(1)), "AccessDenied", 403);
  EXPECT_EQ(expired.message, "Request has expired.");
  EXPECT_EQ(expired.ec, "0002-00000069");
  EXPECT_EQ(expired.Detail("Expires"), "1487152431");
}

TEST(VerifyV2Test, HeaderTimeRules) {
  ExpectV2Ok(Verify(SignedV2G1(), V2Lookup(), kV2Time + minutes(15)), false);
  const Error late =
      ExpectError(Verify(SignedV2G1(), V2Lookup(), kV2Time - minutes(15) - seconds(1)),
                  "RequestTimeTooSkewed", 403);
  EXPECT_EQ(late.Detail("RequestTime"), "2017-02-15T09:37:11.000Z");
  // x-oss-date, when sent, is the request time; the Date slot still signs Date.
  WireRequest stale = V2G1Request();
  stale.headers.emplace_back("x-oss-date", "Tue, 14 Feb 2017 09:37:11 GMT");
  SignV2(stale, kV2Credentials, V2Params{}, kV2Time);
  ExpectError(Verify(stale, V2Lookup(), kV2Time), "RequestTimeTooSkewed", 403);
  ExpectV2Ok(Verify(stale, V2Lookup(), kV2Time - std::chrono::hours(24)), false);
  // No time at all.
  WireRequest undated = V2G1Request();
  std::erase_if(undated.headers, [](const auto& h) { return h.first == "Date"; });
  undated.headers.emplace_back("Authorization",
                               "OSS2 AccessKeyId:44CF9590006BF252F707,Signature:x");
  ExpectError(Verify(undated, V2Lookup(), kV2Time), "AccessDenied", 403);
}

TEST(VerifyV2Test, CredentialRules) {
  const auto nobody = LookupOf({});
  ExpectError(Verify(SignedV2G1(), nobody, kV2Time), "InvalidAccessKeyId", 403);
  // STS: the header form sends x-oss-security-token, the URL form security-token.
  ExpectV2Ok(Verify(SignedV2G1(kV2CredentialsToken), V2Lookup("token"), kV2Time), false);
  ExpectError(Verify(SignedV2G1(), V2Lookup("token"), kV2Time), "InvalidSecurityToken", 403);
  ExpectError(Verify(SignedV2G1(kV2CredentialsToken), V2Lookup(), kV2Time), "InvalidAccessKeyId",
              403);
  const WireRequest base{"GET", "oss-example", "nelson", {}, {}};
  const WireRequest url =
      WithQuery(base, PresignV2(base, kV2CredentialsToken, V2Params{}, kV2D2Expires));
  ExpectV2Ok(Verify(url, V2Lookup("token"), kV2D2Expires), true);
  ExpectError(Verify(url, V2Lookup(), kV2D2Expires), "InvalidAccessKeyId", 403);
  ExpectError(Verify(url, nobody, kV2D2Expires), "InvalidAccessKeyId", 403);
  const auto expired_token = LookupOf(
      {{std::string(kV2Ak), {kV2Credentials.access_key_secret, "token", kV2Time - seconds(1)}}});
  ExpectError(Verify(url, expired_token, kV2Time), "SecurityTokenExpired", 403);
}

TEST(VerifyV2Test, HeaderAndUrlSignatureTogetherAreDenied) {
  const WireRequest base{"GET", "oss-example", "nelson", {}, {}};
  WireRequest both = WithQuery(base, PresignV2(base, kV2Credentials, V2Params{}, kV2D2Expires));
  SignV2(both, kV2Credentials, V2Params{}, kV2D2Expires);
  ExpectError(Verify(both, V2Lookup(), kV2D2Expires), "AccessDenied", 403);
}

// --- Threads ------------------------------------------------------------------------------------

TEST(VerifyTest, ConcurrentSigningAndVerificationAgree) {
  // Everything is a pure function of its arguments; run under TSan this checks for hidden state.
  constexpr int kThreads = 4;
  constexpr int kRequestsPerThread = 25;
  std::vector<int> verified(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &verified] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        WireRequest v1{"PUT", "b", "k" + std::to_string(t * 1000 + i), {}, {}};
        SignV1(v1, kAkSk, kV1Time);
        WireRequest v4{"PUT", "b", "k" + std::to_string(t * 1000 + i), {{"partNumber", "1"}}, {}};
        SignV4(v4, kAkSkToken, HangzhouParams(), kT1Time);
        WireRequest v2{"PUT", "b", "k" + std::to_string(t * 1000 + i), {{"uploads", ""}}, {}};
        SignV2(v2, kAkSk, V2Params{}, kV1Time);
        verified[t] += Verify(v1, kLongTerm, kV1Time).ok();
        verified[t] += Verify(v4, Temporary(), kT1Time).ok();
        verified[t] += Verify(v2, kLongTerm, kV1Time).ok();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(verified, std::vector<int>(kThreads, 3 * kRequestsPerThread));
}

}  // namespace
}  // namespace ossup::protocol
