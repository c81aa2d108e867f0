// Simple objects over real HTTP: Put/Get/Head/Delete, ranges, HEAD errors, key forms and
// path traversal attempts.
#include <gtest/gtest.h>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class ObjectTest : public FakeOssTest {};

TEST_F(ObjectTest, PutGetHeadDelete) {
  auto put = client().Put("bkt", "a.txt", "hello oss",
                          {{"Content-Type", "text/plain"}, {"x-oss-meta-author", "me"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Header("ETag"), protocol::ETagOf(protocol::Md5Of("hello oss")));
  EXPECT_EQ(put.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64("hello oss")));
  EXPECT_EQ(put.Header("Server"), "AliyunOSS");
  EXPECT_FALSE(put.Header("Date").empty());

  auto get = client().Get("bkt", "a.txt");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello oss");
  EXPECT_EQ(get.Header("Content-Type"), "text/plain");
  EXPECT_EQ(get.Header("x-oss-meta-author"), "me");
  EXPECT_EQ(get.Header("x-oss-object-type"), "Normal");
  EXPECT_EQ(get.Header("ETag"), put.Header("ETag"));
  EXPECT_EQ(get.Header("x-oss-hash-crc64ecma"), put.Header("x-oss-hash-crc64ecma"));

  auto head = client().Send("HEAD", "bkt", "a.txt");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), "9");
  EXPECT_EQ(head.Header("ETag"), put.Header("ETag"));
  auto meta = client().Send("HEAD", "bkt", "a.txt", {{"objectMeta", ""}});
  EXPECT_EQ(meta.status, 200);
  EXPECT_EQ(meta.Header("x-oss-hash-crc64ecma"), put.Header("x-oss-hash-crc64ecma"));

  EXPECT_EQ(client().Send("DELETE", "bkt", "a.txt").status, 204);
  EXPECT_EQ(client().Send("DELETE", "bkt", "a.txt").status, 204);  // absent keys too
  auto gone = client().Get("bkt", "a.txt");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.ErrorCode(), "NoSuchKey");
}

TEST_F(ObjectTest, HeadErrorsAreBodilessWithXOssErr) {
  auto head = client().Send("HEAD", "bkt", "missing");
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.ErrorCode(), "NoSuchKey");
  EXPECT_FALSE(head.Header("x-oss-ec").empty());
  auto bucket = client().Send("HEAD", "nosuchbucket", "k");
  EXPECT_EQ(bucket.ErrorCode(), "NoSuchBucket");
}

TEST_F(ObjectTest, MissingBucket) {
  auto put = client().Put("nosuchbucket", "k", "x");
  EXPECT_EQ(put.status, 404);
  EXPECT_EQ(put.ErrorCode(), "NoSuchBucket");
  EXPECT_EQ(put.ErrorDocument().Detail("BucketName"), "nosuchbucket");
  EXPECT_EQ(client().Send("DELETE", "nosuchbucket", "k").ErrorCode(), "NoSuchBucket");
}

TEST_F(ObjectTest, ContentMd5AndForbidOverwrite) {
  auto bad = client().Put("bkt", "k", "data",
                          {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("x"))}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.ErrorCode(), "InvalidDigest");
  EXPECT_EQ(client().Get("bkt", "k").status, 404);
  ASSERT_EQ(client().Put("bkt", "k", "v1").status, 200);
  auto refused = client().Put("bkt", "k", "v2", {{"x-oss-forbid-overwrite", "true"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.ErrorCode(), "FileAlreadyExists");
  EXPECT_EQ(client().Put("bkt", "k", "v3", {{"x-oss-forbid-overwrite", "false"}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "k").body, "v3");
}

TEST_F(ObjectTest, Ranges) {
  std::string data = "0123456789";
  ASSERT_EQ(client().Put("bkt", "r", data).status, 200);
  auto partial = client().Get("bkt", "r", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(partial.status, 206);
  EXPECT_EQ(partial.body, "234");
  EXPECT_EQ(partial.Header("Content-Range"), "bytes 2-4/10");
  EXPECT_EQ(client().Get("bkt", "r", {{"Range", "bytes=7-"}}).body, "789");
  EXPECT_EQ(client().Get("bkt", "r", {{"Range", "bytes=-3"}}).body, "789");
  EXPECT_EQ(client().Get("bkt", "r", {{"Range", "bytes=1-2,5-6"}}).body, "12");
  // Default behaviour: an invalid range is ignored.
  auto past_end = client().Get("bkt", "r", {{"Range", "bytes=5-100"}});
  EXPECT_EQ(past_end.status, 200);
  EXPECT_EQ(past_end.body, data);
  EXPECT_EQ(client().Get("bkt", "r", {{"Range", "bytes=20-30"}}).status, 200);
  // Standard behaviour: clipped end, 416 for a start past the end.
  auto clipped =
      client().Get("bkt", "r", {{"Range", "bytes=5-100"}, {"x-oss-range-behavior", "standard"}});
  EXPECT_EQ(clipped.status, 206);
  EXPECT_EQ(clipped.body, "56789");
  auto unsatisfiable =
      client().Get("bkt", "r", {{"Range", "bytes=20-30"}, {"x-oss-range-behavior", "standard"}});
  EXPECT_EQ(unsatisfiable.status, 416);
  EXPECT_EQ(unsatisfiable.ErrorCode(), "InvalidRange");
}

TEST_F(ObjectTest, MalformedRangeHeadersAreIgnoredAsOssDoes) {
  const std::string data = "0123456789";
  ASSERT_EQ(client().Put("bkt", "r", data).status, 200);
  // OSS ignores a Range header it cannot parse (docs/protocol.md, "GetObject and ranges").
  for (const std::string range :
       {"byte=0-4", "bytes=5-2", "bytes=abc", "bytes=", "bytes=99999999999999999999999-"}) {
    for (const bool standard : {false, true}) {
      SCOPED_TRACE(range + (standard ? " (standard)" : ""));
      protocol::Headers headers{{"Range", range}};
      if (standard) headers.emplace_back("x-oss-range-behavior", "standard");
      auto got = client().Get("bkt", "r", headers);
      EXPECT_EQ(got.status, 200);
      EXPECT_EQ(got.body, data);
      EXPECT_EQ(got.Header("Content-Range"), "");
      EXPECT_FALSE(got.Header("x-oss-request-id").empty());
    }
  }
  // HEAD too, and the journal records an ordinary GetObject.
  protocol::Headers malformed{{"Range", "bytes=5-2"}};
  EXPECT_EQ(client().Send("HEAD", "bkt", "r", {}, malformed).status, 200);
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kHeadObject);
  EXPECT_EQ(server().Journal().back().http_status, 200);
  // Errors still follow: a missing key is NoSuchKey, not 416.
  EXPECT_EQ(client().Get("bkt", "missing", malformed).ErrorCode(), "NoSuchKey");

  // A request with a body is served as usual: the header means nothing to PutObject.
  auto put = client().Put("bkt", "ranged-put", "body", malformed);
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(client().Get("bkt", "ranged-put").body, "body");
  EXPECT_EQ(client().Get("bkt", "r").body, data);
}

TEST_F(ObjectTest, ConditionalGet) {
  auto put = client().Put("bkt", "c", "data");
  EXPECT_EQ(client().Get("bkt", "c", {{"If-None-Match", put.Header("ETag")}}).status, 304);
  auto failed = client().Get("bkt", "c", {{"If-Match", "\"00\""}});
  EXPECT_EQ(failed.status, 412);
  EXPECT_EQ(failed.ErrorCode(), "PreconditionFailed");
  EXPECT_EQ(failed.ErrorDocument().ec, "0017-00001001");
  EXPECT_EQ(failed.Header("x-oss-ec"), "0017-00001001");
  EXPECT_EQ(client().Get("bkt", "c", {{"If-Match", put.Header("ETag")}}).status, 200);
}

TEST_F(ObjectTest, PutObjectRefusesPreconditionHeaders) {
  ASSERT_EQ(client().Put("bkt", "p", "old").status, 200);
  const std::string etag = client().Get("bkt", "p").Header("ETag");
  const std::string date = protocol::FormatHttpDate(server().Now() - std::chrono::hours(1));
  for (auto [name, value] : {std::pair<std::string, std::string>{"If-Modified-Since", date},
                             {"If-Unmodified-Since", date},
                             {"If-Match", etag},
                             {"If-None-Match", "*"}}) {
    auto put = client().Put("bkt", "p", "new", {{name, value}});
    EXPECT_EQ(put.status, 400) << name;
    EXPECT_EQ(put.ErrorCode(), "NotImplemented") << name;
    EXPECT_NE(put.body.find("<Header>" + name + "</Header>"), std::string::npos) << put.body;
    EXPECT_EQ(put.Header("x-oss-ec"), "0017-00000245") << name;
    EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutObject);
  }
  EXPECT_EQ(client().Get("bkt", "p").body, "old");
  // A copy is not a PutObject: plain If-Match next to the copy source is ignored (ali-oss sends
  // both; docs/compatibility.md R11).
  auto copy = client().Send("PUT", "bkt", "p2", {},
                            {{"x-oss-copy-source", "/bkt/p"}, {"If-Match", "\"00\""}});
  EXPECT_EQ(copy.status, 200) << copy.body;
}

TEST_F(ObjectTest, ConditionalGetAndHeadOnLastModified) {
  ASSERT_EQ(client().Put("bkt", "c", "data").status, 200);
  const std::string last_modified = client().Get("bkt", "c").Header("Last-Modified");
  const std::string earlier = protocol::FormatHttpDate(server().Now() - std::chrono::hours(1));
  auto get = [&](protocol::Headers headers) { return client().Get("bkt", "c", headers).status; };
  auto head = [&](protocol::Headers headers) {
    return client().Send("HEAD", "bkt", "c", {}, headers).status;
  };
  // Not modified since Last-Modified itself (whole seconds): 304, on GET and HEAD.
  EXPECT_EQ(get({{"If-Modified-Since", last_modified}}), 304);
  EXPECT_EQ(head({{"If-Modified-Since", last_modified}}), 304);
  EXPECT_EQ(get({{"If-Modified-Since", earlier}}), 200);
  EXPECT_EQ(get({{"If-Unmodified-Since", earlier}}), 412);
  EXPECT_EQ(head({{"If-Unmodified-Since", earlier}}), 412);
  EXPECT_EQ(get({{"If-Unmodified-Since", last_modified}}), 200);
  EXPECT_EQ(get({{"If-Modified-Since", "not a date"}}), 200);  // ignored
  // An ETag condition takes precedence over the date next to it (RFC 9110 13.2.2).
  const std::string etag = client().Get("bkt", "c").Header("ETag");
  EXPECT_EQ(get({{"If-Match", etag}, {"If-Unmodified-Since", earlier}}), 200);
  EXPECT_EQ(get({{"If-None-Match", "\"00\""}, {"If-Modified-Since", last_modified}}), 200);
}

TEST_F(ObjectTest, ResponseOverridesReplaceTheStoredHeaders) {
  ASSERT_EQ(client()
                .Put("bkt", "o", "data",
                     {{"Content-Type", "text/plain"}, {"Content-Disposition", "inline"}})
                .status,
            200);
  auto plain = client().Get("bkt", "o");
  EXPECT_EQ(plain.Header("Content-Type"), "text/plain");
  EXPECT_EQ(plain.Header("Content-Disposition"), "inline");
  auto overridden =
      client().Send("GET", "bkt", "o",
                    {{"response-content-type", "application/x-test"},
                     {"response-content-disposition", "attachment; filename=\"a b.txt\""},
                     {"response-cache-control", "no-cache"},
                     {"response-content-language", "en"},
                     {"response-expires", "Thu, 01 Dec 1994 16:00:00 GMT"},
                     {"response-content-encoding", "identity"}});
  ASSERT_EQ(overridden.status, 200) << overridden.body;
  EXPECT_EQ(overridden.body, "data");
  EXPECT_EQ(overridden.Header("Content-Type"), "application/x-test");
  EXPECT_EQ(overridden.Header("Content-Disposition"), "attachment; filename=\"a b.txt\"");
  EXPECT_EQ(overridden.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(overridden.Header("Content-Language"), "en");
  EXPECT_EQ(overridden.Header("Expires"), "Thu, 01 Dec 1994 16:00:00 GMT");
  EXPECT_EQ(overridden.Header("Content-Encoding"), "identity");
  const std::string raw_headers = [&] {
    std::string all;
    for (const auto& [name, value] : overridden.headers) all += name + ": " + value + "\n";
    return all;
  }();
  EXPECT_EQ(raw_headers.find("inline"), std::string::npos) << raw_headers;
}

TEST_F(ObjectTest, ContentMd5OnGetAndHeadOfSimpleObjects) {
  ASSERT_EQ(client().Put("bkt", "simple", "hello").status, 200);
  const std::string md5 = protocol::Base64Encode(protocol::Md5Of("hello"));
  EXPECT_EQ(client().Get("bkt", "simple").Header("Content-MD5"), md5);
  EXPECT_EQ(client().Send("HEAD", "bkt", "simple").Header("Content-MD5"), md5);
  // A range is not the object: no Content-MD5 for it.
  EXPECT_EQ(client().Get("bkt", "simple", {{"Range", "bytes=0-1"}}).Header("Content-MD5"), "");
  // A multipart object's ETag is no MD5 of its bytes.
  const std::string upload = client().Initiate("bkt", "multi");
  auto part = client().UploadPart("bkt", "multi", upload, 1, "hello");
  ASSERT_EQ(part.status, 200);
  ASSERT_EQ(client().Complete("bkt", "multi", upload, {{1, part.Header("ETag")}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "multi").Header("Content-MD5"), "");
}

TEST_F(ObjectTest, EveryLegalKeyFormRoundTrips) {
  for (std::string key : {"dir/a b+c.txt", "100%.txt", "unicode/\xE6\x96\x87\xE4\xBB\xB6.bin",
                          "../x", "a/../../b", "./.", "trailing/", "q?x=1&y", "#hash"}) {
    auto put = client().Put("bkt", key, "v:" + key);
    ASSERT_EQ(put.status, 200) << key << put.body;
    EXPECT_EQ(client().Get("bkt", key).body, "v:" + key) << key;
  }
  auto list = client().Send("GET", "bkt", "");
  auto result = protocol::DecodeListObjectsResult(list.body);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->contents.size(), 9u);
}

// Signed headers for a raw request (V1 does not sign Content-Length or Transfer-Encoding).
protocol::Headers SignedHeaders(Server& server, const std::string& method, const std::string& key,
                                protocol::QueryParams query = {}) {
  protocol::WireRequest wire{
      method, "bkt", key, std::move(query), {{"Content-Type", "application/octet-stream"}}};
  protocol::SignV1(wire, kTestCredentials, server.Now());
  return wire.headers;
}

TEST_F(ObjectTest, EntityTooLargeIsAnsweredUnreadThenTheConnectionCloses) {
  const std::string upload = client().Initiate("bkt", "huge-part");
  const std::string too_large = std::to_string(protocol::limits::kMaxPartSize + 1);
  struct Case {
    std::string name;
    std::string target;
    protocol::Headers headers;
  };
  const std::vector<Case> cases = {
      {"PutObject", "/bkt/huge", SignedHeaders(server(), "PUT", "huge")},
      {"UploadPart", "/bkt/huge-part?partNumber=1&uploadId=" + upload,
       SignedHeaders(server(), "PUT", "huge-part", {{"partNumber", "1"}, {"uploadId", upload}})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    protocol::Headers headers = c.headers;
    headers.emplace_back("Content-Length", too_large);
    RawConnection raw(server().port());
    ASSERT_TRUE(raw.connected());
    // Headers plus the first 64 KiB of a body the server must not wait for.
    ASSERT_TRUE(raw.Send(RawHead("PUT", c.target, headers) + std::string(64 * 1024, 'x')));
    const std::string reply = raw.ReadUntilClosed();
    EXPECT_TRUE(raw.closed()) << "the server closes the connection after answering";
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 ")) << reply;
    EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
    EXPECT_NE(reply.find("<Code>EntityTooLarge</Code>"), std::string::npos) << reply;
    EXPECT_NE(reply.find("<Message>Your proposed upload exceeds the maximum allowed size."),
              std::string::npos)
        << reply;
    EXPECT_NE(reply.find("x-oss-request-id: "), std::string::npos) << reply;
  }
  // Nothing was stored, nothing was read, and the server still serves new connections.
  EXPECT_EQ(client().Get("bkt", "huge").ErrorCode(), "NoSuchKey");
  EXPECT_TRUE(server().ListUploads().at(0).parts.empty());
  int refused = 0;
  for (const auto& entry : server().Journal()) {
    if (entry.error_code != "EntityTooLarge") continue;
    ++refused;
    EXPECT_EQ(entry.http_status, 400);
    EXPECT_EQ(entry.request_body_bytes, 0u);
  }
  EXPECT_EQ(refused, 2);
}

TEST_F(ObjectTest, PutWithoutALengthIsMissingContentLengthAndChunkedIsAccepted) {
  RawConnection raw(server().port());
  ASSERT_TRUE(raw.connected());
  // No Content-Length and no Transfer-Encoding: 411, and the connection stays in sync.
  ASSERT_TRUE(
      raw.Send(RawHead("PUT", "/bkt/nolength", SignedHeaders(server(), "PUT", "nolength"))));
  const std::string missing = raw.ReadResponse();
  EXPECT_TRUE(missing.starts_with("HTTP/1.1 411 ")) << missing;
  EXPECT_NE(missing.find("<Code>MissingContentLength</Code>"), std::string::npos) << missing;
  EXPECT_NE(missing.find("<EC>0017-00000101</EC>"), std::string::npos) << missing;

  const std::string upload = client().Initiate("bkt", "nolength-part");
  const protocol::QueryParams part{{"partNumber", "1"}, {"uploadId", upload}};
  ASSERT_TRUE(raw.Send(RawHead("PUT", "/bkt/nolength-part?partNumber=1&uploadId=" + upload,
                               SignedHeaders(server(), "PUT", "nolength-part", part))));
  const std::string missing_part = raw.ReadResponse();
  EXPECT_TRUE(missing_part.starts_with("HTTP/1.1 411 ")) << missing_part;

  // Chunked transfer encoding needs no Content-Length (what ali-oss putStream sends).
  protocol::Headers chunked = SignedHeaders(server(), "PUT", "chunked");
  chunked.emplace_back("Transfer-Encoding", "chunked");
  ASSERT_TRUE(raw.Send(RawHead("PUT", "/bkt/chunked", chunked) + "5\r\nhello\r\n0\r\n\r\n"));
  const std::string stored = raw.ReadResponse();
  EXPECT_TRUE(stored.starts_with("HTTP/1.1 200 ")) << stored;
  EXPECT_NE(stored.find(protocol::ETagOf(protocol::Md5Of("hello"))), std::string::npos) << stored;

  EXPECT_EQ(client().Get("bkt", "nolength").ErrorCode(), "NoSuchKey");
  EXPECT_TRUE(server().ListUploads().at(0).parts.empty());
  EXPECT_EQ(client().Get("bkt", "chunked").body, "hello");
}

TEST_F(ObjectTest, InvalidNames) {
  auto abs = client().SendRaw("PUT", "/bkt//abs", {}, "x");
  EXPECT_EQ(abs.status, 400);
  EXPECT_EQ(abs.ErrorCode(), "InvalidObjectName");
  auto nul = client().SendRaw("PUT", "/bkt/a%00b", {}, "x");
  EXPECT_EQ(nul.ErrorCode(), "InvalidObjectName");
  auto backslash = client().SendRaw("PUT", "/bkt/%5Cx", {}, "x");
  EXPECT_EQ(backslash.ErrorCode(), "InvalidObjectName");
  auto long_key = client().Put("bkt", std::string(1024, 'k'), "x");
  EXPECT_EQ(long_key.ErrorCode(), "InvalidObjectName");
  auto bucket = client().Put("Bad_Bucket", "k", "x");
  EXPECT_EQ(bucket.status, 400);
  EXPECT_EQ(bucket.ErrorCode(), "InvalidBucketName");
  auto escape = client().SendRaw("GET", "/bkt/%zz", {}, "");
  EXPECT_EQ(escape.status, 400);
}

TEST_F(ObjectTest, VirtualHostAndDefaultBucketAddressing) {
  ServerOptions options = DefaultOptions();
  options.virtual_host_domain = "oss.local";
  StartServer(options);
  auto put = client().SendRaw("PUT", "/vh/key.txt", {{"Host", "bkt.oss.local"}}, "vhost");
  // Unsigned: rejected, but routed to the bucket (the signature covers /bkt/vh/key.txt).
  EXPECT_EQ(put.ErrorCode(), "AccessDenied");

  protocol::WireRequest wire{"PUT", "bkt", "vh/key.txt", {}, {{"Content-Type", "text/plain"}}};
  protocol::SignV1(wire, kTestCredentials, server().Now());
  wire.headers.emplace_back("Host", "bkt.oss.local");
  EXPECT_EQ(client().SendRaw("PUT", "/vh/key.txt", wire.headers, "vhost").status, 200);
  EXPECT_EQ(client().Get("bkt", "vh/key.txt").body, "vhost");

  // ali-oss with an IP endpoint: Host is bucket.oss-<region>.aliyuncs.com.
  protocol::WireRequest get{"GET", "bkt", "vh/key.txt", {}, {}};
  protocol::SignV1(get, kTestCredentials, server().Now());
  get.headers.emplace_back("Host", "bkt.oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(client().SendRaw("GET", "/vh/key.txt", get.headers, "").body, "vhost");

  // A virtual-hosted path that starts with the bucket's name again is still all key (what
  // fog-aliyun sends): "/bkt/dir/k" on Host bkt.<domain> is key "bkt/dir/k".
  protocol::WireRequest nested{"PUT", "bkt", "bkt/dir/k", {}, {{"Content-Type", "text/plain"}}};
  protocol::SignV1(nested, kTestCredentials, server().Now());
  nested.headers.emplace_back("Host", "bkt.oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(client().SendRaw("PUT", "/bkt/dir/k", nested.headers, "nested").status, 200);
  EXPECT_EQ(server().Journal().back().key, "bkt/dir/k");
  EXPECT_EQ(client().Get("bkt", "bkt/dir/k").body, "nested");
  EXPECT_EQ(client().Get("bkt", "dir/k").ErrorCode(), "NoSuchKey");

  options = DefaultOptions();
  options.default_bucket = "bkt";
  StartServer(options);
  protocol::WireRequest cname{"PUT", "bkt", "plain/key", {}, {{"Content-Type", "text/plain"}}};
  protocol::SignV1(cname, kTestCredentials, server().Now());
  EXPECT_EQ(client().SendRaw("PUT", "/plain/key", cname.headers, "cname").status, 200);
  EXPECT_EQ(server().Journal().back().bucket, "bkt");
  EXPECT_EQ(server().Journal().back().key, "plain/key");
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

// Raw bytes of a V1- or V4-signed GET of bkt/`key`.
std::string RawSignedGet(Server& server, const std::string& key, protocol::SignatureVersion v) {
  protocol::WireRequest wire{"GET", "bkt", key, {}, {}};
  if (v == protocol::SignatureVersion::kV1) {
    protocol::SignV1(wire, kTestCredentials, server.Now());
  } else {
    protocol::V4Params params;
    params.region = "cn-hangzhou";
    protocol::SignV4(wire, kTestCredentials, params, server.Now());
  }
  RawConnection connection(server.port());
  connection.Send(RawHead("GET", TestClient::Target("bkt", key, {}), wire.headers));
  return connection.ReadResponse();
}

// A signed request keeps its header values as the client sent them, %XX included, both for the
// signature and for what is stored and returned.
TEST_F(ObjectTest, PercentEncodedMetaValuesSurviveAsSent) {
  for (auto version : {protocol::SignatureVersion::kV1, protocol::SignatureVersion::kV4}) {
    client().version = version;
    const protocol::Headers meta = {{"x-oss-meta-file", "r%C3%A9sum%C3%A9.pdf"},
                                    {"x-oss-meta-share", "100%25"},
                                    {"x-oss-meta-plain", "as is"}};
    auto put = client().Put("bkt", "meta.txt", "x", meta);
    ASSERT_EQ(put.status, 200) << put.body;
    std::string raw = RawSignedGet(server(), "meta.txt", version);
    ASSERT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw;
    for (const auto& [name, value] : meta) {
      EXPECT_NE(raw.find(name + ": " + value + "\r\n"), std::string::npos) << name << "\n" << raw;
    }
  }
}

// A value other than the one signed is refused.
TEST_F(ObjectTest, MetaValuesSignedOtherThanSentAreRefused) {
  protocol::WireRequest wire{"PUT", "bkt", "m.txt", {}, {{"x-oss-meta-a", "r%C3%A9sum%C3%A9"}}};
  protocol::SignV1(wire, kTestCredentials, server().Now());
  protocol::SetHeader(wire.headers, "x-oss-meta-a", "r%C3%A9sum%C3%A8");  // not what was signed
  wire.headers.emplace_back("Content-Length", "0");
  RawConnection connection(server().port());
  connection.Send(RawHead("PUT", TestClient::Target("bkt", "m.txt", {}), wire.headers));
  std::string raw = connection.ReadResponse();
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 403")) << raw;
  EXPECT_NE(raw.find("SignatureDoesNotMatch"), std::string::npos) << raw;
}

}  // namespace
}  // namespace ossup::fake::testing
