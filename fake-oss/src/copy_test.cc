// CopyObject, UploadPartCopy and DeleteMultipleObjects over real HTTP.
#include <gtest/gtest.h>

#include "ossup/faults/plan.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

constexpr size_t kPart = protocol::limits::kMinPartSize;

class CopyTest : public FakeOssTest {
 protected:
  TestResponse Copy(const std::string& bucket, const std::string& key, const std::string& source,
                    protocol::Headers headers = {}) {
    headers.emplace_back("x-oss-copy-source", source);
    return client().Send("PUT", bucket, key, {}, std::move(headers));
  }
  TestResponse DeleteMulti(const std::string& body, bool with_md5 = true,
                           protocol::QueryParams query = {{"delete", ""}}) {
    protocol::Headers headers{{"Content-Type", "application/xml"}};
    if (with_md5)
      headers.emplace_back("Content-MD5", protocol::Base64Encode(protocol::Md5Of(body)));
    return client().Send("POST", "bkt", "", std::move(query), std::move(headers), body);
  }
  std::string DeleteBody(const std::vector<std::string>& keys, bool quiet) {
    return protocol::EncodeXml(protocol::DeleteMultipleObjects{quiet, keys, ""});
  }
};

TEST_F(CopyTest, CopyKeepsBytesEtagCrcAndSourceMetadata) {
  auto put = client().Put("bkt", "src", "copy me",
                          {{"Content-Type", "text/plain"}, {"x-oss-meta-author", "me"}});
  ASSERT_EQ(put.status, 200);
  // COPY (the default) ignores the request's own metadata.
  auto copy = Copy("bkt", "dst", "/bkt/src",
                   {{"Content-Type", "image/png"}, {"x-oss-meta-author", "someone else"}});
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kCopyObject);
  auto result = protocol::DecodeCopyObjectResult(copy.body);
  ASSERT_TRUE(result.ok()) << copy.body;
  EXPECT_EQ(result->etag, put.Header("ETag"));
  EXPECT_EQ(copy.Header("ETag"), put.Header("ETag"));  // python and ali-oss read the header
  EXPECT_EQ(copy.Header("x-oss-hash-crc64ecma"), put.Header("x-oss-hash-crc64ecma"));

  auto get = client().Get("bkt", "dst");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "copy me");
  EXPECT_EQ(get.Header("ETag"), put.Header("ETag"));
  EXPECT_EQ(get.Header("x-oss-hash-crc64ecma"), put.Header("x-oss-hash-crc64ecma"));
  EXPECT_EQ(get.Header("Content-Type"), "text/plain");
  EXPECT_EQ(get.Header("x-oss-meta-author"), "me");
  EXPECT_EQ(get.Header("Last-Modified"), protocol::FormatHttpDate(result->last_modified));

  // Explicit COPY behaves the same; the source is untouched.
  ASSERT_EQ(Copy("bkt", "dst2", "/bkt/src", {{"x-oss-metadata-directive", "COPY"}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "dst2").Header("x-oss-meta-author"), "me");
  EXPECT_EQ(client().Get("bkt", "src").body, "copy me");
}

TEST_F(CopyTest, ReplaceTakesMetadataFromTheRequestAndWorksOnItself) {
  ASSERT_EQ(client().Put("bkt", "src", "data", {{"x-oss-meta-old", "1"}}).status, 200);
  protocol::Headers replace{{"x-oss-metadata-directive", "REPLACE"},
                            {"Content-Type", "application/json"},
                            {"x-oss-meta-new", "2"}};
  ASSERT_EQ(Copy("bkt", "dst", "/bkt/src", replace).status, 200);
  auto dst = client().Get("bkt", "dst");
  EXPECT_EQ(dst.Header("Content-Type"), "application/json");
  EXPECT_EQ(dst.Header("x-oss-meta-new"), "2");
  EXPECT_EQ(dst.Header("x-oss-meta-old"), "");

  // Copying an object onto itself with REPLACE changes only its metadata.
  auto before = client().Get("bkt", "src");
  auto self = Copy("bkt", "src", "/bkt/src", replace);
  ASSERT_EQ(self.status, 200) << self.body;
  auto after = client().Get("bkt", "src");
  EXPECT_EQ(after.body, "data");
  EXPECT_EQ(after.Header("ETag"), before.Header("ETag"));
  EXPECT_EQ(after.Header("x-oss-meta-new"), "2");
  EXPECT_EQ(after.Header("x-oss-meta-old"), "");

  auto bad = Copy("bkt", "dst", "/bkt/src", {{"x-oss-metadata-directive", "MERGE"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.ErrorCode(), "InvalidArgument");
}

TEST_F(CopyTest, CopyAcrossBucketsWithEncodedKeysAndMultipartSources) {
  ASSERT_EQ(client().Send("PUT", "other", "").status, 200);
  const std::string key = "dir/a b+c%\xE4\xB8\xAD.txt";
  ASSERT_EQ(client().Put("other", key, "tricky").status, 200);
  auto copy = Copy("bkt", "k", "/other/" + protocol::UriEncode(key, /*keep_slash=*/true));
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_EQ(client().Get("bkt", "k").body, "tricky");
  // encodeURIComponent (ali-oss) encodes '/' too; a version suffix stays as sent.
  auto slash = Copy("bkt", "k1",
                    "/other/" + protocol::UriEncode(key, /*keep_slash=*/false) + "?versionId=null");
  ASSERT_EQ(slash.status, 200) << slash.body;
  EXPECT_EQ(client().Get("bkt", "k1").body, "tricky");
  // '+' in the header is a space (Go's url.QueryEscape form).
  ASSERT_EQ(client().Put("other", "x y", "spaced").status, 200);
  ASSERT_EQ(Copy("bkt", "k2", "/other/x+y").status, 200);
  EXPECT_EQ(client().Get("bkt", "k2").body, "spaced");

  auto id = client().Initiate("bkt", "multi");
  auto e1 = client().UploadPart("bkt", "multi", id, 1, Payload(kPart, 1)).Header("ETag");
  auto e2 = client().UploadPart("bkt", "multi", id, 2, "tail").Header("ETag");
  auto done = client().Complete("bkt", "multi", id, {{1, e1}, {2, e2}});
  ASSERT_EQ(done.status, 200);
  auto source = client().Get("bkt", "multi");
  ASSERT_EQ(Copy("bkt", "multi-copy", "/bkt/multi").status, 200);
  auto copied = client().Get("bkt", "multi-copy");
  EXPECT_EQ(copied.body, Payload(kPart, 1) + "tail");
  EXPECT_EQ(copied.Header("ETag"), source.Header("ETag"));
  EXPECT_EQ(copied.Header("x-oss-object-type"), "Multipart");
  EXPECT_EQ(copied.Header("x-oss-hash-crc64ecma"), source.Header("x-oss-hash-crc64ecma"));

  // The copy outlives its source.
  ASSERT_EQ(client().Send("DELETE", "bkt", "multi").status, 204);
  EXPECT_EQ(client().Get("bkt", "multi-copy").body, Payload(kPart, 1) + "tail");
}

TEST_F(CopyTest, CopyErrors) {
  ASSERT_EQ(client().Put("bkt", "src", "v").status, 200);
  auto missing = Copy("bkt", "dst", "/bkt/absent");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.ErrorCode(), "NoSuchKey");
  EXPECT_EQ(Copy("bkt", "dst", "/nosuchbucket/src").ErrorCode(), "NoSuchBucket");
  auto no_dest = Copy("nosuchbucket", "dst", "/bkt/src");
  EXPECT_EQ(no_dest.ErrorCode(), "NoSuchBucket");
  EXPECT_EQ(no_dest.ErrorDocument().details.front().second, "nosuchbucket");
  for (std::string bad : {"bkt/src", "/bkt", "/bkt/", "//src", "/bkt/a%zz", "/bkt/src?x=1"}) {
    auto response = Copy("bkt", "dst", bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(response.ErrorCode(), "InvalidArgument") << bad;
  }
  EXPECT_EQ(Copy("bkt", "dst", "/bkt/src?versionId=null").status, 200);
  auto version = Copy("bkt", "dst", "/bkt/src?versionId=CAEQNRiBgIDyz");
  EXPECT_EQ(version.status, 404);
  EXPECT_EQ(version.ErrorCode(), "NoSuchVersion");
  EXPECT_EQ(client().Get("bkt", "absent").ErrorCode(), "NoSuchKey");

  // Another credential is refused before anything else.
  client().credentials().access_key_secret = "wrong";
  EXPECT_EQ(Copy("bkt", "dst3", "/bkt/src").ErrorCode(), "SignatureDoesNotMatch");
}

TEST_F(CopyTest, ForbidOverwriteAndPreconditions) {
  ASSERT_EQ(client().Put("bkt", "src", "new").status, 200);
  ASSERT_EQ(client().Put("bkt", "dst", "old").status, 200);
  auto forbidden = Copy("bkt", "dst", "/bkt/src", {{"x-oss-forbid-overwrite", "true"}});
  EXPECT_EQ(forbidden.status, 409);
  EXPECT_EQ(forbidden.ErrorCode(), "FileAlreadyExists");
  EXPECT_EQ(client().Get("bkt", "dst").body, "old");
  EXPECT_EQ(Copy("bkt", "fresh", "/bkt/src", {{"x-oss-forbid-overwrite", "true"}}).status, 200);
  EXPECT_EQ(Copy("bkt", "dst", "/bkt/src", {{"x-oss-forbid-overwrite", "false"}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "dst").body, "new");

  const std::string etag = client().Get("bkt", "src").Header("ETag");
  auto mismatch = Copy("bkt", "c", "/bkt/src", {{"x-oss-copy-source-if-match", "\"0000\""}});
  EXPECT_EQ(mismatch.status, 412);
  EXPECT_EQ(mismatch.ErrorCode(), "PreconditionFailed");
  EXPECT_EQ(Copy("bkt", "c", "/bkt/src", {{"x-oss-copy-source-if-match", etag}}).status, 200);
  auto not_modified = Copy("bkt", "c2", "/bkt/src", {{"x-oss-copy-source-if-none-match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(client().Get("bkt", "c2").ErrorCode(), "NoSuchKey");
  const std::string later = protocol::FormatHttpDate(server().Now() + std::chrono::hours(1));
  const std::string earlier = protocol::FormatHttpDate(server().Now() - std::chrono::hours(1));
  EXPECT_EQ(Copy("bkt", "c3", "/bkt/src", {{"x-oss-copy-source-if-modified-since", later}}).status,
            304);
  EXPECT_EQ(
      Copy("bkt", "c3", "/bkt/src", {{"x-oss-copy-source-if-unmodified-since", earlier}}).status,
      412);
  EXPECT_EQ(
      Copy("bkt", "c3", "/bkt/src", {{"x-oss-copy-source-if-unmodified-since", later}}).status,
      200);
}

TEST_F(CopyTest, TimesAreWholeSecondsInXmlAndInPreconditions) {
  // A clock between two seconds: OSS states times at whole seconds (docs/protocol.md, "Times").
  server().SetClock(protocol::ParseIso8601("2030-01-02T03:04:05.678Z").value());
  ASSERT_EQ(client().Put("bkt", "src", "v").status, 200);
  const std::string last_modified = client().Get("bkt", "src").Header("Last-Modified");
  EXPECT_EQ(last_modified, "Wed, 02 Jan 2030 03:04:05 GMT");
  auto listed = client().Send("GET", "bkt", "", {{"prefix", "src"}});
  EXPECT_NE(listed.body.find("<LastModified>2030-01-02T03:04:05.000Z</LastModified>"),
            std::string::npos)
      << listed.body;
  const std::string upload = client().Initiate("bkt", "mp");
  auto uploads = client().Send("GET", "bkt", "", {{"uploads", ""}});
  EXPECT_NE(uploads.body.find("<Initiated>2030-01-02T03:04:05.000Z</Initiated>"), std::string::npos)
      << uploads.body;
  // Last-Modified itself is "not modified since" and "unmodified since".
  EXPECT_EQ(
      Copy("bkt", "c1", "/bkt/src", {{"x-oss-copy-source-if-unmodified-since", last_modified}})
          .status,
      200);
  EXPECT_EQ(Copy("bkt", "c2", "/bkt/src", {{"x-oss-copy-source-if-modified-since", last_modified}})
                .status,
            304);
}

TEST_F(CopyTest, FaultPlansMatchTheNewOperationNames) {
  ASSERT_EQ(client().Put("bkt", "src", "v").status, 200);
  for (std::string op : {"CopyObject", "DeleteMultipleObjects", "UploadPartCopy"}) {
    auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": ")" + op +
                                  R"("}, "action": {"type": "error", "code": "SlowDown",
                                  "status": 503}}]})");
    ASSERT_TRUE(plan.ok()) << op << ": " << plan.error().ToString();
  }
  auto plan = faults::ParsePlan(
      R"({"rules": [{"match": {"op": "CopyObject"}, "action": {"type": "error", "code":
      "SlowDown", "status": 503}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(*plan);
  EXPECT_EQ(client().Put("bkt", "plain", "v").status, 200);
  EXPECT_EQ(Copy("bkt", "dst", "/bkt/src").status, 503);
  EXPECT_EQ(client().Get("bkt", "dst").ErrorCode(), "NoSuchKey");
}

TEST_F(CopyTest, UploadPartCopyCopiesARangeOrTheWholeSource) {
  const std::string data = Payload(3 * kPart, 7);
  ASSERT_EQ(client().Put("bkt", "src", data).status, 200);
  auto id = client().Initiate("bkt", "assembled");
  auto copy_part = [&](int number, protocol::Headers headers) {
    headers.emplace_back("x-oss-copy-source", "/bkt/src");
    return client().Send("PUT", "bkt", "assembled",
                         {{"partNumber", std::to_string(number)}, {"uploadId", id}}, headers);
  };
  auto first = copy_part(1, {{"x-oss-copy-source-range", "bytes=0-" + std::to_string(kPart)}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kUploadPartCopy);
  EXPECT_EQ(server().Journal().back().part_number, 1);
  auto first_result = protocol::DecodeCopyPartResult(first.body);
  ASSERT_TRUE(first_result.ok()) << first.body;
  const std::string head = data.substr(0, kPart + 1);
  EXPECT_EQ(first_result->etag, protocol::ETagOf(protocol::Md5Of(head)));
  EXPECT_EQ(first.Header("ETag"), first_result->etag);  // python and ali-oss read the header
  // A malformed or out-of-bounds range copies the whole source, as OSS documents.
  auto whole =
      copy_part(2, {{"x-oss-copy-source-range", "bytes=5-" + std::to_string(data.size())}});
  ASSERT_EQ(whole.status, 200);
  auto whole_result = protocol::DecodeCopyPartResult(whole.body);
  ASSERT_TRUE(whole_result.ok());
  EXPECT_EQ(whole_result->etag, protocol::ETagOf(protocol::Md5Of(data)));
  auto tail = client().UploadPart("bkt", "assembled", id, 3, "tail");
  auto done = client().Complete(
      "bkt", "assembled", id,
      {{1, first_result->etag}, {2, whole_result->etag}, {3, tail.Header("ETag")}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(client().Get("bkt", "assembled").body, head + data + "tail");

  auto no_upload = copy_part(1, {});
  EXPECT_EQ(no_upload.ErrorCode(), "NoSuchUpload");
  auto id2 = client().Initiate("bkt", "other");
  auto missing = client().Send("PUT", "bkt", "other", {{"partNumber", "1"}, {"uploadId", id2}},
                               {{"x-oss-copy-source", "/bkt/absent"}});
  EXPECT_EQ(missing.ErrorCode(), "NoSuchKey");
  auto bad_number = client().Send("PUT", "bkt", "other", {{"partNumber", "0"}, {"uploadId", id2}},
                                  {{"x-oss-copy-source", "/bkt/src"}});
  EXPECT_EQ(bad_number.ErrorCode(), "InvalidArgument");
}

TEST_F(CopyTest, DeleteMultipleVerboseAndQuiet) {
  for (std::string key : {"x/1", "x/2", "y", "z"})
    ASSERT_EQ(client().Put("bkt", key, "v").status, 200);
  auto verbose = DeleteMulti(DeleteBody({"x/1", "x/2", "absent"}, false));
  ASSERT_EQ(verbose.status, 200) << verbose.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kDeleteMultipleObjects);
  auto result = protocol::DecodeDeleteMultipleObjectsResult(verbose.body);
  ASSERT_TRUE(result.ok()) << verbose.body;
  // A missing key counts as deleted.
  EXPECT_EQ(result->deleted, (std::vector<std::string>{"x/1", "x/2", "absent"}));
  EXPECT_EQ(client().Get("bkt", "x/1").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "y").status, 200);

  auto quiet = DeleteMulti(DeleteBody({"y"}, true));
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  auto quiet_result = protocol::DecodeDeleteMultipleObjectsResult(quiet.body);
  ASSERT_TRUE(quiet_result.ok()) << quiet.body;
  EXPECT_TRUE(quiet_result->deleted.empty());
  EXPECT_EQ(client().Get("bkt", "y").ErrorCode(), "NoSuchKey");

  // encoding-type=url (what go-v2 always sends): the body's keys are raw, only the answer's
  // keys are URL-encoded. "a+b%20c" is not "a b c".
  for (std::string key : {"a b/c", "a+b%20c", "a b c"})
    ASSERT_EQ(client().Put("bkt", key, "v").status, 200);
  auto url = DeleteMulti(
      protocol::EncodeXml(protocol::DeleteMultipleObjects{false, {"a b/c", "a+b%20c", "z"}, ""}),
      true, {{"delete", ""}, {"encoding-type", "url"}});
  ASSERT_EQ(url.status, 200) << url.body;
  EXPECT_NE(url.body.find("<Key>a%20b%2Fc</Key>"), std::string::npos) << url.body;
  EXPECT_NE(url.body.find("<Key>a%2Bb%2520c</Key>"), std::string::npos) << url.body;
  EXPECT_NE(url.body.find("<EncodingType>url</EncodingType>"), std::string::npos);
  EXPECT_EQ(client().Get("bkt", "a b/c").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "a+b%20c").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "a b c").status, 200);
}

TEST_F(CopyTest, DeleteMultipleRejectsBadRequests) {
  ASSERT_EQ(client().Put("bkt", "keep", "v").status, 200);
  const std::string body = DeleteBody({"keep"}, false);
  auto no_md5 = DeleteMulti(body, /*with_md5=*/false);
  EXPECT_EQ(no_md5.status, 400);
  EXPECT_EQ(no_md5.ErrorCode(), "InvalidDigest");
  EXPECT_EQ(no_md5.ErrorDocument().ec, "0016-00000606");
  auto wrong_md5 =
      client().Send("POST", "bkt", "", {{"delete", ""}},
                    {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("x"))}}, body);
  EXPECT_EQ(wrong_md5.ErrorCode(), "InvalidDigest");

  std::vector<std::string> many;
  for (size_t i = 0; i <= protocol::limits::kMaxDeleteObjects; ++i)
    many.push_back(std::to_string(i));
  auto too_many = DeleteMulti(DeleteBody(many, true));
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.ErrorCode(), "MalformedXML");
  many.pop_back();
  EXPECT_EQ(DeleteMulti(DeleteBody(many, true)).status, 200);

  for (std::string bad : {"<Delete/>", "<Delete><Object><Key>k</Key>", "not xml",
                          "<Remove><Object><Key>keep</Key></Object></Remove>",
                          "<Delete><Object><Key></Key></Object></Delete>"}) {
    auto response = DeleteMulti(bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(response.ErrorCode(), "MalformedXML") << bad;
  }
  auto bad_key = DeleteMulti(DeleteBody({"/leading-slash"}, false));
  EXPECT_EQ(bad_key.ErrorCode(), "InvalidObjectName");
  EXPECT_EQ(client().Get("bkt", "keep").status, 200);

  auto no_bucket =
      client().Send("POST", "nosuchbucket", "", {{"delete", ""}},
                    {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of(body))}}, body);
  EXPECT_EQ(no_bucket.ErrorCode(), "NoSuchBucket");
}

}  // namespace
}  // namespace ossup::fake::testing
