#include "ossup/protocol/addressing.h"

#include <gtest/gtest.h>

#include <string>

#include "ossup/protocol/limits.h"

namespace ossup::protocol {
namespace {

// --- URI encoding (docs/protocol.md, "Object keys in URLs", "Canonical request") --------------

TEST(UriEncodeTest, KeepsOnlyUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c%d/e", false), "a%20b%2Bc%25d%2Fe");
  EXPECT_EQ(UriEncode("a b+c%d/e", true), "a%20b%2Bc%25d/e");
  EXPECT_EQ(UriEncode("|*'()!", false), "%7C%2A%27%28%29%21");
  // go-v2 V4 vector key (docs/protocol.md, "V4 vectors", T1).
  EXPECT_EQ(UriEncode("/bucket/1234+-/123/1.txt", true), "/bucket/1234%2B-/123/1.txt");
}

TEST(UriEncodeTest, Utf8BytesAreEncodedOneByOne) {
  EXPECT_EQ(UriEncode("中文/é", true), "%E4%B8%AD%E6%96%87/%C3%A9");
  EXPECT_EQ(UriDecode("%E4%B8%AD%E6%96%87/%c3%a9"), "中文/é");
  EXPECT_EQ(UriEncode(std::string("\0\x7f\xff", 3), false), "%00%7F%FF");
}

TEST(UriDecodeTest, PlusStaysPlusAndMalformedEscapesFail) {
  EXPECT_EQ(UriDecode("a+b%2Bc%20d"), "a+b+c d");
  EXPECT_EQ(UriDecode(""), "");
  EXPECT_EQ(UriDecode("%"), std::nullopt);
  EXPECT_EQ(UriDecode("%2"), std::nullopt);
  EXPECT_EQ(UriDecode("abc%2"), std::nullopt);
  EXPECT_EQ(UriDecode("%zz"), std::nullopt);
  EXPECT_EQ(UriDecode("100%"), std::nullopt);
}

TEST(UriEncodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(UriDecode(UriEncode(all, false)), all);
  EXPECT_EQ(UriDecode(UriEncode(all, true)), all);
}

TEST(QueryStringTest, ParsesBareAndEmptyValuesAlike) {
  const auto query = ParseQueryString("a=1&b&c=&uploads");
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(*query, (QueryParams{{"a", "1"}, {"b", ""}, {"c", ""}, {"uploads", ""}}));
}

TEST(QueryStringTest, DecodesWithoutTurningPlusIntoSpace) {
  const auto query = ParseQueryString("prefix=a+b%2Bc%20d&x%2Dy=1=2&&");
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(*query, (QueryParams{{"prefix", "a+b+c d"}, {"x-y", "1=2"}}));
  EXPECT_EQ(ParseQueryString("a=%G1"), std::nullopt);
  EXPECT_EQ(ParseQueryString(""), QueryParams{});
}

TEST(QueryStringTest, EncodeWritesEmptyValuesAsBareNames) {
  EXPECT_EQ(EncodeQueryString({{"uploads", ""}, {"a", "1 2"}, {"b+", "x/y"}}),
            "uploads&a=1%202&b%2B=x%2Fy");
  // V1 presigned signature Q1 (docs/protocol.md, "V1 vectors"): base64 '+' and '=' escaped.
  EXPECT_EQ(EncodeQueryString({{"Signature", "dcLTea+Yh9ApirQ8o8dOPqtvJXQ="}}),
            "Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D");
  const QueryParams round_trip = {{"k", "a+b c%/é"}, {"e", ""}};
  EXPECT_EQ(ParseQueryString(EncodeQueryString(round_trip)), round_trip);
}

// Found by fuzz/wire_fuzz: "=" parsed to one parameter named "" but encoded to "", losing it.
TEST(QueryStringTest, EmptyNameSurvivesEncoding) {
  EXPECT_EQ(ParseQueryString("="), (QueryParams{{"", ""}}));
  EXPECT_EQ(EncodeQueryString({{"", ""}}), "=");
  EXPECT_EQ(EncodeQueryString({{"a", ""}, {"", "v"}, {"", ""}}), "a&=v&=");
  const QueryParams empty_names = {{"", ""}, {"", "x"}, {"b", ""}};
  EXPECT_EQ(ParseQueryString(EncodeQueryString(empty_names)), empty_names);
}

// --- Endpoints (docs/protocol.md, "Endpoints and regions", "Virtual-hosted and path style")
// --------------------------------------------------------------------------

TEST(EndpointTest, ParsesSchemesPortsAndBareHosts) {
  auto local = ParseEndpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->scheme, "http");
  EXPECT_EQ(local->host, "127.0.0.1");
  EXPECT_EQ(local->port, 9000);
  EXPECT_EQ(local->Authority(), "127.0.0.1:9000");

  auto oss = ParseEndpoint("https://oss-cn-hangzhou.aliyuncs.com/");
  ASSERT_TRUE(oss.ok());
  EXPECT_EQ(oss->port, 443);
  EXPECT_EQ(oss->Authority(), "oss-cn-hangzhou.aliyuncs.com");

  auto bare = ParseEndpoint("OSS-CN-Hangzhou.aliyuncs.com");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->scheme, "https");
  EXPECT_EQ(bare->host, "oss-cn-hangzhou.aliyuncs.com");

  auto http_default = ParseEndpoint("HTTP://example.com:80");
  ASSERT_TRUE(http_default.ok());
  EXPECT_EQ(http_default->Authority(), "example.com");

  auto https_odd_port = ParseEndpoint("https://example.com:8443");
  ASSERT_TRUE(https_odd_port.ok());
  EXPECT_EQ(https_odd_port->Authority(), "example.com:8443");

  auto v6 = ParseEndpoint("http://[::1]:9000");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Authority(), "[::1]:9000");
}

TEST(EndpointTest, RejectsWhatIsNotAnEndpoint) {
  for (const char* bad :
       {"", "http://", "ftp://example.com", "http://example.com/path", "http://user@example.com",
        "http://example.com:", "http://example.com:0", "http://example.com:65536",
        "http://example.com:12a", "http://exa mple.com", "http://example.com?x=1", "http://[::1",
        "http://[zz]:80", "http://[::1]x"}) {
    const auto endpoint = ParseEndpoint(bad);
    EXPECT_EQ(endpoint.ok() ? "accepted" : endpoint.error().code, "InvalidRequest") << bad;
  }
}

TEST(EndpointTest, IpAndLocalhostDetection) {
  EXPECT_TRUE(IsIpOrLocalhost("127.0.0.1"));
  EXPECT_TRUE(IsIpOrLocalhost("::1"));
  EXPECT_TRUE(IsIpOrLocalhost("[::1]"));
  EXPECT_TRUE(IsIpOrLocalhost("LocalHost"));
  EXPECT_FALSE(IsIpOrLocalhost("oss-cn-hangzhou.aliyuncs.com"));
  EXPECT_FALSE(IsIpOrLocalhost("127.0.0.1.nip.io"));
  EXPECT_FALSE(IsIpOrLocalhost("256.0.0.1"));
}

// --- Request targets
// -------------------------------------------------------------------------------

TEST(ResolveTargetTest, IpEndpointsUsePathStyle) {
  const Endpoint endpoint = *ParseEndpoint("http://127.0.0.1:9000");
  const RequestTarget object = ResolveTarget(endpoint, AddressingStyle::kAuto, "b", "dir/a b+c");
  EXPECT_EQ(object.host, "127.0.0.1:9000");
  EXPECT_EQ(object.path, "/b/dir/a%20b%2Bc");
  EXPECT_EQ(ResolveTarget(endpoint, AddressingStyle::kAuto, "b", "").path, "/b/");
  EXPECT_EQ(ResolveTarget(endpoint, AddressingStyle::kAuto, "", "").path, "/");
}

TEST(ResolveTargetTest, HostNamesUseVirtualHostStyle) {
  const Endpoint endpoint = *ParseEndpoint("https://oss-cn-hangzhou.aliyuncs.com");
  const RequestTarget object = ResolveTarget(endpoint, AddressingStyle::kAuto, "b", "k/é");
  EXPECT_EQ(object.host, "b.oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(object.path, "/k/%C3%A9");
  EXPECT_EQ(ResolveTarget(endpoint, AddressingStyle::kAuto, "b", "").path, "/");
  const RequestTarget service = ResolveTarget(endpoint, AddressingStyle::kAuto, "", "");
  EXPECT_EQ(service.host, "oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(service.path, "/");
}

TEST(ResolveTargetTest, ExplicitStylesOverrideTheEndpointKind) {
  const Endpoint ip = *ParseEndpoint("http://127.0.0.1:9000");
  const RequestTarget virtual_host = ResolveTarget(ip, AddressingStyle::kVirtualHost, "b", "k");
  EXPECT_EQ(virtual_host.host, "b.127.0.0.1:9000");
  EXPECT_EQ(virtual_host.path, "/k");
  const Endpoint name = *ParseEndpoint("http://localhost:9000");
  const RequestTarget path = ResolveTarget(name, AddressingStyle::kPath, "b", "k");
  EXPECT_EQ(path.host, "localhost:9000");
  EXPECT_EQ(path.path, "/b/k");
}

// --- Naming rules (docs/protocol.md, "Bucket and object names")
// --------------------------------------------------------------------------

TEST(NamingTest, BucketNames) {
  for (const char* good : {"abc", "a-b", "0bucket9", "examplebucket"}) {
    EXPECT_TRUE(ValidateBucketName(good).ok()) << good;
  }
  const std::string too_long(64, 'a');
  for (const std::string& bad :
       {std::string("ab"), too_long, std::string("-abc"), std::string("abc-"), std::string("Abc"),
        std::string("a_b"), std::string("a.b"), std::string("")}) {
    const Status status = ValidateBucketName(bad);
    EXPECT_EQ(status.code(), "InvalidBucketName") << bad;
  }
  EXPECT_TRUE(ValidateBucketName(std::string(63, 'a')).ok());
}

TEST(NamingTest, ObjectKeys) {
  for (const char* good : {"a", "dir/file.txt", "中文/键", "a b+c%", "emoji \xF0\x9F\x98\x80"}) {
    EXPECT_TRUE(ValidateObjectKey(good).ok()) << good;
  }
  EXPECT_TRUE(ValidateObjectKey(std::string(limits::kMaxKeyBytes, 'k')).ok());

  const auto expect_invalid = [](std::string_view key, std::string_view ec) {
    const Status status = ValidateObjectKey(key);
    EXPECT_EQ(status.code(), "InvalidObjectName") << key;
    if (!status.ok()) {
      EXPECT_EQ(status.error().ec, ec) << key;
      EXPECT_EQ(status.error().http_status, 400);
    }
  };
  expect_invalid("", "0016-00000001");
  expect_invalid(std::string(limits::kMaxKeyBytes + 1, 'k'), "0016-00000002");
  expect_invalid("/leading-slash", "0016-00000005");
  expect_invalid("\\leading-backslash", "0016-00000005");
  expect_invalid(std::string("nul\0inside", 10), "0016-00000002");
  expect_invalid("\xFF", "0016-00000002");                // not UTF-8 at all
  expect_invalid("\xC0\xAF", "0016-00000002");            // overlong '/'
  expect_invalid("\xED\xA0\x80", "0016-00000002");        // UTF-16 surrogate
  expect_invalid("\xF4\x90\x80\x80", "0016-00000002");    // above U+10FFFF
  expect_invalid("truncated \xE4\xB8", "0016-00000002");  // cut mid-sequence
}

}  // namespace
}  // namespace ossup::protocol

namespace ossup::protocol {
namespace {

TEST(RegionOfEndpointHostTest, ReadsTheRegionOfOssEndpoints) {
  EXPECT_EQ(RegionOfEndpointHost("oss-cn-hangzhou.aliyuncs.com"), "cn-hangzhou");
  EXPECT_EQ(RegionOfEndpointHost("oss-cn-hangzhou-internal.aliyuncs.com"), "cn-hangzhou");
  EXPECT_EQ(RegionOfEndpointHost("my-bucket.oss-ap-southeast-1.aliyuncs.com"), "ap-southeast-1");
  EXPECT_EQ(RegionOfEndpointHost("oss-us-west-1.aliyuncs.com"), "us-west-1");
}

TEST(RegionOfEndpointHostTest, OtherHostsNameNoRegion) {
  for (std::string_view host :
       {"127.0.0.1", "localhost", "oss.example.com", "aliyuncs.com", ".aliyuncs.com",
        "oss-accelerate.aliyuncs.com", "oss-accelerate-overseas.aliyuncs.com",
        "ecs.cn-hangzhou.aliyuncs.com", "oss-.aliyuncs.com", "oss-cn-hangzhou.aliyuncs.com.evil",
        "sts.aliyuncs.com"}) {
    EXPECT_EQ(RegionOfEndpointHost(host), "") << host;
  }
}

}  // namespace
}  // namespace ossup::protocol
