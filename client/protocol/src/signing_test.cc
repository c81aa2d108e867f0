// Signing vectors (docs/protocol.md, "Signing test vectors") both ways: the signer must reproduce
// them, and the verifier must accept exactly the requests they describe.
#include "ossup/protocol/signing.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "sign_test_vectors.h"

namespace ossup::protocol {
namespace {

using std::chrono::seconds;
using namespace test_vectors;  // NOLINT(google-build-using-namespace)

const CredentialLookup kLongTermLookup = LongTermLookup();

// --- V1 header vectors: go-v2 oss/signer/signer_test.go TestV1AuthHeader (= go v1
// oss/conn_test.go TestAuthV1Header) -------------------------------------------------------------

TEST(V1SigningTest, H1PutObject) {
  WireRequest request = V1SharedRequest("PUT", "examplebucket", "nelson");
  EXPECT_EQ(V1StringToSign(request, kV1Date),
            "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\n"
            "x-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\n"
            "x-oss-meta-magic:abracadabra\n/examplebucket/nelson");
  SignV1(request, kAkSk, kV1Time);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
}

TEST(V1SigningTest, H2PutObjectAcl) {
  WireRequest request = V1SharedRequest("PUT", "examplebucket", "nelson");
  request.query = {{"acl", ""}};
  EXPECT_EQ(V1CanonicalizedResource(request), "/examplebucket/nelson?acl");
  SignV1(request, kAkSk, kV1Time);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");
}

// V1-H3/H4: a bucket-level GET with only x-oss-date.
WireRequest BucketGet(QueryParams query) {
  return {"GET", "examplebucket", "", std::move(query), {{"x-oss-date", std::string(kV1Date)}}};
}

TEST(V1SigningTest, H3ResourceGroupIgnoresUnsignedParams) {
  // H3 declares resourceGroup as an extra sub-resource; it is in our signed list already.
  WireRequest request = BucketGet({{"resourceGroup", ""}, {"non-resousce", "null"}});
  EXPECT_TRUE(IsV1SignedSubresource("resourceGroup"));
  EXPECT_FALSE(IsV1SignedSubresource("non-resousce"));
  EXPECT_EQ(V1StringToSign(request, kV1Date),
            "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n"
            "/examplebucket/?resourceGroup");
  SignV1(request, kAkSk, kV1Time);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=");
}

TEST(V1SigningTest, H4SubresourcesSortedByName) {
  WireRequest request = BucketGet({{"resourceGroup", ""}, {"acl", ""}});
  EXPECT_EQ(V1CanonicalizedResource(request), "/examplebucket/?acl&resourceGroup");
  SignV1(request, kAkSk, kV1Time);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
}

// --- Derived multipart V1 vectors (docs/protocol.md, "Derived multipart vectors": ali-oss
// lib/common/signUtils.js and an independent implementation agree) ----------------------------

struct MultipartV1Case {
  std::string method;
  QueryParams query;
  std::string content_type;
  std::string resource;
  std::string signature;
};

TEST(V1SigningTest, DerivedMultipartVectors) {
  const std::string upload_id = "0004B9895DBBB6EC98E36";
  const std::vector<MultipartV1Case> cases = {
      {"POST",
       {{"uploads", ""}},
       "application/octet-stream",
       "/examplebucket/multipart.data?uploads",
       "f4RV/gHibOY3jfp7BL1p5yUvxts="},
      {"PUT",
       {{"partNumber", "1"}, {"uploadId", upload_id}},
       "application/octet-stream",
       "/examplebucket/multipart.data?partNumber=1&uploadId=" + upload_id,
       "TFUOceQEEGCGHJF5yOJax9G/fiU="},
      {"POST",
       {{"uploadId", upload_id}},
       "application/xml",
       "/examplebucket/multipart.data?uploadId=" + upload_id,
       "9ARV3oZbohGG/cKhat3FpcvqhGE="},
      {"GET",
       {{"uploadId", upload_id}},
       "",
       "/examplebucket/multipart.data?uploadId=" + upload_id,
       "SXAr/XXLIdANGw4ag8VivngVR68="},
      {"DELETE",
       {{"uploadId", upload_id}},
       "",
       "/examplebucket/multipart.data?uploadId=" + upload_id,
       "6o7qqx1M0w2vEYcCCJU+P3rlcfo="},
  };
  for (const MultipartV1Case& c : cases) {
    WireRequest request{c.method,
                        "examplebucket",
                        "multipart.data",
                        c.query,
                        {{"x-oss-date", std::string(kV1Date)}}};
    if (!c.content_type.empty()) request.headers.emplace_back("Content-Type", c.content_type);
    EXPECT_EQ(V1CanonicalizedResource(request), c.resource) << c.method;
    SignV1(request, kAkSk, kV1Time);
    EXPECT_EQ(AuthorizationOf(request), "OSS ak:" + c.signature) << c.method << " " << c.resource;
    const auto verified = Verify(request, kLongTermLookup, kV1Time);
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  }
}

TEST(V1SigningTest, SignAddsDateAndTokenWhenMissing) {
  WireRequest request{"GET", "b", "k", {}, {}};
  SignV1(request, kAkSkToken, kV1Time);
  EXPECT_EQ(FindHeader(request.headers, "x-oss-date"), kV1Date);
  EXPECT_EQ(FindHeader(request.headers, "x-oss-security-token"), "token");
  const auto sts = V1StringToSign(request, kV1Date);
  EXPECT_NE(sts.find("x-oss-security-token:token\n"), std::string::npos);
  EXPECT_EQ(AuthorizationOf(request), "OSS ak:" + V1Signature("sk", sts));
}

TEST(V1SigningTest, SignKeepsAnExistingDateHeader) {
  WireRequest request{"GET", "b", "k", {}, {{"Date", std::string(kV1Date)}}};
  SignV1(request, kAkSk, kV1Time + seconds(5));
  EXPECT_FALSE(FindHeader(request.headers, "x-oss-date").has_value());
  EXPECT_EQ(AuthorizationOf(request),
            "OSS ak:" + V1Signature("sk", V1StringToSign(request, kV1Date)));
}

TEST(V1SigningTest, RepeatedOssHeadersJoinWithComma) {
  WireRequest request{"GET", "b", "", {}, {{"X-OSS-Meta-A", " 1 "}, {"x-oss-meta-a", "2"}}};
  EXPECT_EQ(V1StringToSign(request, "d"), "GET\n\n\nd\nx-oss-meta-a:1,2\n/b/");
  request.bucket.clear();
  EXPECT_EQ(V1CanonicalizedResource(request), "/");
}

TEST(V1SigningTest, RawKeyAndDecodedSubresourceValues) {
  WireRequest request{"GET", "b", "dir/a b+c%.txt", {{"response-content-type", "text/a b"}}, {}};
  EXPECT_EQ(V1CanonicalizedResource(request), "/b/dir/a b+c%.txt?response-content-type=text/a b");
}

// --- V1 presigned URLs: go-v2 TestV1AuthQuery, go v1 TestAuthV1Query ----------------------------

std::string PresignedUrl(const WireRequest& request, const QueryParams& presign) {
  QueryParams query = request.query;
  query.insert(query.end(), presign.begin(), presign.end());
  std::stable_sort(query.begin(), query.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto endpoint = ParseEndpoint("http://oss-cn-hangzhou.aliyuncs.com");
  EXPECT_TRUE(endpoint.ok());
  const RequestTarget target =
      ResolveTarget(*endpoint, AddressingStyle::kAuto, request.bucket, request.key);
  return "http://" + target.host + target.path + "?" + EncodeQueryString(query);
}

TEST(V1PresignTest, Q1VersionId) {
  const WireRequest request{"GET", "bucket", "key", {{"versionId", "versionId"}}, {}};
  const QueryParams presign = PresignV1(request, kAkSk, At(1699807420));
  EXPECT_EQ(V1StringToSign(WithQuery(request, presign), "1699807420"),
            "GET\n\n\n1699807420\n/bucket/key?versionId=versionId");
  EXPECT_EQ(FindParam(presign, "Signature"), "dcLTea+Yh9ApirQ8o8dOPqtvJXQ=");
  EXPECT_EQ(PresignedUrl(request, presign),
            "http://bucket.oss-cn-hangzhou.aliyuncs.com/key?Expires=1699807420&OSSAccessKeyId=ak&"
            "Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId");
}

TEST(V1PresignTest, Q2SecurityTokenAndPlusInKey) {
  const WireRequest request{"GET", "bucket", "key+123", {{"versionId", "versionId"}}, {}};
  const QueryParams presign = PresignV1(request, kAkSkToken, At(1699808204));
  EXPECT_EQ(V1StringToSign(WithQuery(request, presign), "1699808204"),
            "GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId");
  EXPECT_EQ(PresignedUrl(request, presign),
            "http://bucket.oss-cn-hangzhou.aliyuncs.com/key%2B123?Expires=1699808204&"
            "OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&"
            "versionId=versionId");
}

// --- V2 vectors: alibabacloud-gateway-oss java/src/test/java/com/aliyun/gateway/oss/
// UnitTest.java (G1 and the encoding rules); D1-D4 derived with @alicloud/oss-util 0.0.3
// signature.ts getSignatureV2 (docs/protocol.md, "V2 vectors") ---------------------------------

TEST(V2SigningTest, G1HeaderGatewayVector) {
  // getSignatureV2Test, getAuthorizationV2Test.
  WireRequest request = V2G1Request();
  EXPECT_EQ(V2StringToSign(request, kV2Date, {}),
            "PUT\nFxqG8Ca0qEJPOghSihJ8Ew==\ntext/plain\nWed, 15 Feb 2017 09:37:11 GMT\n"
            "x-oss-object-acl:private\n\n%2Foss-example%2Fnelson");
  SignV2(request, kV2Credentials, V2Params{}, kV2Time);
  EXPECT_EQ(AuthorizationOf(request),
            "OSS2 AccessKeyId:44CF9590006BF252F707,"
            "Signature:5Am2ewK1tL0gXX7GV6dwybZtj7efOEtc0Mo2FR6CkM8=");
  EXPECT_EQ(FindHeader(request.headers, "Date"), kV2Date);  // kept, not replaced
}

TEST(V2SigningTest, GatewayResourceEncodingAndQuery) {
  // v2UriEncodeTest: every `/` of the resource is encoded.
  EXPECT_EQ(V2CanonicalizedResource({"GET", "oss-example", "nelson", {}, {}}),
            "%2Foss-example%2Fnelson");
  // buildCanonicalizedQueryStringV2Test: sorted, an empty value is the bare name.
  const WireRequest request{
      "GET", "oss-example", "nelson", {{"versionId", "123"}, {"acl", ""}}, {}};
  EXPECT_EQ(CanonicalQuery(request), "acl&versionId=123");
  EXPECT_EQ(V2CanonicalizedResource(request), "%2Foss-example%2Fnelson?acl&versionId=123");
  // The service and a bucket.
  EXPECT_EQ(V2CanonicalizedResource({"GET", "", "", {}, {}}), "%2F");
  EXPECT_EQ(V2CanonicalizedResource({"GET", "b", "", {}, {}}), "%2Fb%2F");
}

TEST(V2SigningTest, D1AdditionalHeaders) {
  WireRequest request = V2D1Request();
  EXPECT_EQ(
      V2StringToSign(request, "Thu, 16 Feb 2017 02:09:39 GMT", {"if-modified-since", "range"}),
      "GET\n\n\nThu, 16 Feb 2017 02:09:39 GMT\n"
      "if-modified-since:Thu, 16 Feb 2017 02:10:39 GMT\nrange:bytes=0-7\n"
      "if-modified-since;range\n%2Foss-example%2Fnelson");
  // Names are normalised: lower-cased, sorted, absent and default-signed ones dropped.
  SignV2(request, kV2Credentials,
         V2Params{{"Range", "If-Modified-Since", "x-oss-absent", "Content-Type"}}, kV2D1Time);
  EXPECT_EQ(AuthorizationOf(request),
            "OSS2 AccessKeyId:44CF9590006BF252F707,AdditionalHeaders:if-modified-since;range,"
            "Signature:YG9mKO3m4S0Jx9Hk6Lq64VchJg/TOTkyCX4DaeeOYxE=");
}

// Found by fuzz/verify_fuzz: a requested additional header holding `_` was signed, and the
// request refused (OSS and Verify reject such names in a V2 list, EC 0002-00000112).
TEST(V2SigningTest, AdditionalHeadersWithUnderscoreAreNotSigned) {
  WireRequest request = V2D1Request();
  request.headers.emplace_back("x_custom", "1");
  WireRequest presigned = request;
  SignV2(request, kV2Credentials, V2Params{{"x_custom", "Range"}}, kV2D1Time);
  EXPECT_NE(AuthorizationOf(request).find(",AdditionalHeaders:range,"), std::string::npos);
  EXPECT_TRUE(Verify(request, V2Lookup(), kV2D1Time).ok());

  const QueryParams presign =
      PresignV2(presigned, kV2Credentials, V2Params{{"x_custom", "range"}}, kV2D2Expires);
  EXPECT_EQ(FindParam(presign, "x-oss-additional-headers"), "range");
  EXPECT_TRUE(Verify(WithQuery(presigned, presign), V2Lookup(), kV2Time).ok());
}

TEST(V2PresignTest, D2PresignedUrl) {
  const WireRequest request{"GET", "oss-example", "nelson", {}, {}};
  const QueryParams presign = PresignV2(request, kV2Credentials, V2Params{}, kV2D2Expires);
  EXPECT_EQ(presign,
            (QueryParams{{"x-oss-signature-version", "OSS2"},
                         {"x-oss-expires", "1487152431"},
                         {"x-oss-access-key-id", "44CF9590006BF252F707"},
                         {"x-oss-signature", "ps/+MLhd1WKkVi/QlOiliJsTaBMBk93f6UYVscDNHCQ="}}));
  EXPECT_EQ(V2StringToSign(WithQuery(request, presign), "1487152431", {}, "x-oss-signature"),
            "GET\n\n\n1487152431\n\n%2Foss-example%2Fnelson?x-oss-access-key-id="
            "44CF9590006BF252F707&x-oss-expires=1487152431&x-oss-signature-version=OSS2");
}

TEST(V2PresignTest, TokenAndAdditionalHeadersAreSigned) {
  WireRequest request{"GET", "oss-example", "nelson", {}, {{"Range", "bytes=0-7"}}};
  const QueryParams presign =
      PresignV2(request, kV2CredentialsToken, V2Params{{"range"}}, kV2D2Expires);
  EXPECT_EQ(FindParam(presign, "x-oss-additional-headers"), "range");
  EXPECT_EQ(FindParam(presign, "security-token"), "token");
  EXPECT_EQ(presign.back().first, "x-oss-signature");
  const std::string string_to_sign =
      V2StringToSign(WithQuery(request, presign), "1487152431", {"range"}, "x-oss-signature");
  EXPECT_EQ(string_to_sign,
            "GET\n\n\n1487152431\nrange:bytes=0-7\nrange\n%2Foss-example%2Fnelson?"
            "security-token=token&x-oss-access-key-id=44CF9590006BF252F707&"
            "x-oss-additional-headers=range&x-oss-expires=1487152431&"
            "x-oss-signature-version=OSS2");
  EXPECT_EQ(FindParam(presign, "x-oss-signature"),
            V2Signature(kV2Credentials.access_key_secret, string_to_sign));
}

TEST(V2SigningTest, D3SecurityTokenEncodedKeyAndQuery) {
  WireRequest request = V2D3Request();
  SignV2(request, kV2CredentialsToken, V2Params{}, kV2Time);
  EXPECT_EQ(FindHeader(request.headers, "x-oss-security-token"), "token");
  EXPECT_EQ(V2StringToSign(request, kV2Date, {}),
            "POST\n\napplication/octet-stream\nWed, 15 Feb 2017 09:37:11 GMT\n"
            "x-oss-security-token:token\n\n"
            "%2Foss-example%2Fdir%2Fa%20b%2Bc.txt?uploads&x-oss-meta=v%2F1");
  EXPECT_EQ(AuthorizationOf(request),
            "OSS2 AccessKeyId:44CF9590006BF252F707,"
            "Signature:OSFlJqgsl23sbE9jFzSHHb9RfVxAfGhNn403TFzF1fk=");
}

TEST(V2SigningTest, D4EmptyQueryValueForms) {
  // @alicloud/oss-util writes `prefix=` for an empty query-map value and the path's
  // sub-resource bare: the kEqualsUnlessSubresource form.
  const WireRequest request{"GET",
                            "oss-example",
                            "",
                            {{"uploads", ""}, {"prefix", ""}, {"max-uploads", "10"}},
                            {{"Date", std::string(kV2Date)}}};
  const std::string oss_util =
      V2StringToSign(request, kV2Date, {}, {}, EmptyQueryValues::kEqualsUnlessSubresource);
  EXPECT_EQ(oss_util,
            "GET\n\n\nWed, 15 Feb 2017 09:37:11 GMT\n\n"
            "%2Foss-example%2F?max-uploads=10&prefix=&uploads");
  EXPECT_EQ(V2Signature(kV2Credentials.access_key_secret, oss_util),
            "WwgwXbIBAMD1Bh8NNd3LZ0Zelnnz/BRVdjN10WQI6zc=");
  EXPECT_TRUE(V2StringToSign(request, kV2Date, {})
                  .ends_with("%2Foss-example%2F?max-uploads=10&prefix&uploads"));
}

TEST(V2SigningTest, SignAddsDateWhenMissing) {
  WireRequest request{"GET", "b", "k", {}, {}};
  SignV2(request, kAkSk, V2Params{}, kV1Time);
  EXPECT_EQ(FindHeader(request.headers, "Date"), kV1Date);
  EXPECT_FALSE(FindHeader(request.headers, "x-oss-date").has_value());
  EXPECT_EQ(AuthorizationOf(request), "OSS2 AccessKeyId:ak,Signature:" +
                                          V2Signature("sk", V2StringToSign(request, kV1Date, {})));
}

// --- V4 vectors: go-v2 oss/signer/signer_test.go (same numbers in C++ test/src/Other/
// SignerTest.cc; T4/P4 from iOS AliyunOSSiOSTests/OSSSingerTest.m) ------------------------------

std::string Sha256Hex(std::string_view text) { return HexLower(Sha256(text)); }

TEST(V4SigningTest, T1HeaderWithIntermediateStrings) {
  WireRequest request = V4HeaderRequest();
  SignV4(request, kAkSk, HangzhouParams(), At(1702743657));
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
            "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe");

  const std::string canonical = V4CanonicalRequest(request, {});
  EXPECT_EQ(canonical,
            "PUT\n/bucket/1234%2B-/123/1.txt\n"
            "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n"
            "content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\n"
            "x-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(Sha256Hex(canonical),
            "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4");
  EXPECT_EQ(
      V4StringToSign("20231216T162057Z", V4Scope("20231216", "cn-hangzhou", "oss"), canonical),
      "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n"
      "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4");
}

TEST(V4SigningTest, T2SecurityToken) {
  WireRequest request = V4HeaderRequest();
  SignV4(request, kAkSkToken, HangzhouParams(), At(1702784856));
  EXPECT_EQ(FindHeader(request.headers, "x-oss-security-token"), "token");
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,"
            "Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea");
}

TEST(V4SigningTest, T3AdditionalHeaders) {
  const std::string expected =
      "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
      "AdditionalHeaders=abc;zabc,"
      "Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f";
  for (const std::vector<std::string>& additional :
       {std::vector<std::string>{"ZAbc", "abc"},
        std::vector<std::string>{"x-oss-head1", "abc", "ZAbc", "x-oss-no-exist"}}) {
    WireRequest request = V4HeaderRequest();
    SignV4(request, kAkSk, HangzhouParams(additional), At(1702747512));
    EXPECT_EQ(AuthorizationOf(request), expected);
    EXPECT_EQ(NormalizedAdditionalHeaders(request, additional),
              (std::vector<std::string>{"abc", "zabc"}));
    EXPECT_EQ(Sha256Hex(V4CanonicalRequest(request, {"abc", "zabc"})),
              "16b86004ed2cc3406dd7a13081bd940ef6a5ad49e508da2d4fdf84e8a5dd2145");
  }
}

TEST(V4SigningTest, T4AdditionalHeadersAndToken) {
  WireRequest request = V4HeaderRequest();
  SignV4(request, kAkSkToken, HangzhouParams({"ZAbc", "abc"}), At(1702747512));
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
            "AdditionalHeaders=abc;zabc,"
            "Signature=203120400fdac93fd2f87640e5071f19de7c4561090e8a5fcffbe7d1ef89e073");
}

TEST(V4SigningTest, CB1CloudBox) {
  WireRequest request = V4HeaderRequest();
  SignV4(request, kAkSk, V4Params{"cb-123", "oss-cloudbox", {}}, At(1702743657));
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cb-123/oss-cloudbox/aliyun_v4_request,"
            "Signature=94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43");
}

TEST(V4SigningTest, RegionPrefixIsStripped) {
  WireRequest a = V4HeaderRequest();
  WireRequest b = V4HeaderRequest();
  SignV4(a, kAkSk, V4Params{"oss-cn-hangzhou", "oss", {}}, At(1702743657));
  SignV4(b, kAkSk, HangzhouParams(), At(1702743657));
  EXPECT_EQ(AuthorizationOf(a), AuthorizationOf(b));
}

struct PresignCase {
  const char* name;
  Credentials credentials;
  V4Params params;
  int64_t now;
  std::string signature;
};

TEST(V4PresignTest, P1ToP4AndCloudBox) {
  const std::vector<PresignCase> cases = {
      {"P1", kAkSk, HangzhouParams(), 1702781677,
       "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"},
      {"P2", kAkSkToken, HangzhouParams(), 1702785388,
       "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"},
      {"P3", kAkSk, HangzhouParams({"ZAbc", "abc"}), 1702783809,
       "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"},
      {"P4", kAkSkToken, HangzhouParams({"ZAbc", "abc"}), 1702783809,
       "2143a96a0e0e02889309ac8f8db57e79ffc275a0c9ebe3af676c8a1ce5635eca"},
      {"CB2", kAkSk, V4Params{"cb-123", "oss-cloudbox", {"ZAbc", "abc"}}, 1702781677,
       "07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f"},
      {"CB3", kAkSk, V4Params{"cb-123", "oss-cloudbox", {"ZAbc", "abc"}}, 1702783809,
       "16782cc8a7a554523db055eb804b508522e7e370073108ad88ee2f47496701dd"},
  };
  for (const PresignCase& c : cases) {
    const WireRequest request = V4CommonRequest("application/octet-stream");
    const QueryParams presign =
        PresignV4(request, c.credentials, c.params, At(c.now), seconds(599));
    EXPECT_EQ(FindParam(presign, "x-oss-signature"), c.signature) << c.name;
    EXPECT_EQ(presign.back().first, "x-oss-signature") << c.name;
    const auto verified =
        Verify(WithQuery(request, presign),
               LookupOf({{"ak", {"sk", c.credentials.security_token, std::nullopt}}}),
               At(c.now) + seconds(599));
    EXPECT_TRUE(verified.ok()) << c.name << ": " << verified.status().ToString();
  }
}

TEST(V4PresignTest, P1CanonicalQueryAndHash) {
  const WireRequest request = V4CommonRequest("application/octet-stream");
  const QueryParams presign =
      PresignV4(request, kAkSk, HangzhouParams(), At(1702781677), seconds(599));
  const std::string canonical =
      V4CanonicalRequest(WithQuery(request, presign), {}, "x-oss-signature");
  EXPECT_NE(canonical.find(
                "\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2&"
                "x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&"
                "x-oss-date=20231217T025437Z&x-oss-expires=599&"
                "x-oss-signature-version=OSS4-HMAC-SHA256\n"
                "content-type:application/octet-stream\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD"),
            std::string::npos)
      << canonical;
  EXPECT_EQ(Sha256Hex(canonical),
            "48814c11f278d51662015bf2f896b66ca10b6de0187ed8d952e341bbce0aa336");
}

// --- Derived multipart V4 vectors (docs/protocol.md, "Derived multipart vectors": ali-oss
// signUtils.authorizationV4 and an independent implementation agree) --------------------------

TEST(V4SigningTest, DerivedMultipartUploadPart) {
  WireRequest request{"PUT",
                      "examplebucket",
                      "multipart.data",
                      {{"partNumber", "1"}, {"uploadId", "0004B9895DBBB6EC98E36"}},
                      {}};
  SignV4(request, kAkSk, HangzhouParams(), At(1702743657));
  EXPECT_EQ(Sha256Hex(V4CanonicalRequest(request, {})),
            "5e0cf94f34c341cac2d01b4d53d6266a1ef86fff4e0ead1d094731fccaa11985");
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
            "Signature=70d6c04d472f68579d4f837713723b196d85aa3304ed195f565d3f7547db5dc1");
}

TEST(V4SigningTest, DerivedMultipartInitiate) {
  WireRequest request{"POST",
                      "examplebucket",
                      "multipart.data",
                      {{"uploads", ""}},
                      {{"content-type", "application/octet-stream"}}};
  SignV4(request, kAkSk, HangzhouParams(), At(1702743657));
  EXPECT_EQ(AuthorizationOf(request),
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
            "Signature=05dd0c400168b4111ac08d71d9352650347883956dfd27a047bba9793a2d5d6d");
}

// ali-oss 6.23 signUtils.getCanonicalRequest for listUploads({prefix: '', 'key-marker': ''})
// (run here; docs/protocol.md, "Empty query values"): sub-resources bare, others `name=`.
TEST(V4SigningTest, AliOssEmptyQueryValueForm) {
  const WireRequest request{
      "GET",
      "examplebucket",
      "",
      {{"uploads", ""}, {"prefix", ""}, {"key-marker", ""}},
      {{"x-oss-date", "20231216T162057Z"}, {"x-oss-content-sha256", "UNSIGNED-PAYLOAD"}}};
  const std::string headers =
      "x-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\n\n\nUNSIGNED-PAYLOAD";
  EXPECT_EQ(V4CanonicalRequest(request, {}, {}, EmptyQueryValues::kEqualsUnlessSubresource),
            "GET\n/examplebucket/\nkey-marker=&prefix=&uploads\n" + headers);
  EXPECT_EQ(V4CanonicalRequest(request, {}),
            "GET\n/examplebucket/\nkey-marker&prefix&uploads\n" + headers);
}

TEST(V4SigningTest, CanonicalUriForBucketAndService) {
  WireRequest request{"GET", "b", "", {}, {}};
  EXPECT_TRUE(V4CanonicalRequest(request, {}).starts_with("GET\n/b/\n\n"));
  request.bucket.clear();
  EXPECT_TRUE(V4CanonicalRequest(request, {}).starts_with("GET\n/\n\n"));
}

}  // namespace
}  // namespace ossup::protocol
