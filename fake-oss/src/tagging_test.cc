// Object tagging over real HTTP: x-oss-tagging on writes, the tagging directive of copies,
// Put/Get/DeleteObjectTagging and x-oss-tagging-count.
#include "ossup/protocol/tagging.h"

#include <gtest/gtest.h>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class TaggingTest : public FakeOssTest {
 protected:
  protocol::Tagging TagsOf(const std::string& key) {
    auto answer = client().Send("GET", "bkt", key, {{"tagging", ""}});
    EXPECT_EQ(answer.status, 200) << answer.body;
    auto tagging = protocol::DecodeTagging(answer.body);
    EXPECT_TRUE(tagging.ok()) << answer.body;
    return tagging.ok() ? *tagging : protocol::Tagging{};
  }
  TestResponse PutTags(const std::string& key, const protocol::Tagging& tagging) {
    return client().Send("PUT", "bkt", key, {{"tagging", ""}}, {}, protocol::EncodeXml(tagging));
  }
};

TEST_F(TaggingTest, WritesTakeTheHeaderAndGetAndHeadCountTheTags) {
  ASSERT_EQ(client().Put("bkt", "k", "x", {{"x-oss-tagging", "a=1&b%20c=d%2Fe"}}).status, 200);
  EXPECT_EQ(TagsOf("k"), (protocol::Tagging{{{"a", "1"}, {"b c", "d/e"}}}));
  EXPECT_EQ(client().Get("bkt", "k").Header("x-oss-tagging-count"), "2");
  EXPECT_EQ(client().Send("HEAD", "bkt", "k").Header("x-oss-tagging-count"), "2");
  ASSERT_EQ(client().Put("bkt", "plain", "x").status, 200);
  EXPECT_EQ(client().Get("bkt", "plain").Header("x-oss-tagging-count"), "");
  EXPECT_TRUE(TagsOf("plain").tags.empty());

  auto bad = client().Put("bkt", "bad", "x", {{"x-oss-tagging", "aa=bb=cc"}});
  EXPECT_EQ(bad.ErrorCode(), "InvalidArgument");
  EXPECT_NE(bad.body.find("0010-00000219"), std::string::npos) << bad.body;
  EXPECT_EQ(client().Get("bkt", "bad").ErrorCode(), "NoSuchKey");

  // Multipart: the tags given at Initiate are the object's.
  auto initiated = protocol::DecodeInitiateMultipartUploadResult(
      client().Send("POST", "bkt", "multi", {{"uploads", ""}}, {{"x-oss-tagging", "m=1"}}).body);
  ASSERT_TRUE(initiated.ok());
  auto part = client().UploadPart("bkt", "multi", initiated->upload_id, 1, "part");
  ASSERT_EQ(
      client().Complete("bkt", "multi", initiated->upload_id, {{1, part.Header("ETag")}}).status,
      200);
  EXPECT_EQ(TagsOf("multi"), (protocol::Tagging{{{"m", "1"}}}));
}

TEST_F(TaggingTest, CopiesKeepTheSourceTagsUnlessToldToReplaceThem) {
  ASSERT_EQ(client().Put("bkt", "src", "x", {{"x-oss-tagging", "s=1"}}).status, 200);
  auto copy = [&](const std::string& key, protocol::Headers headers) {
    headers.emplace_back("x-oss-copy-source", "/bkt/src");
    return client().Send("PUT", "bkt", key, {}, headers);
  };
  ASSERT_EQ(copy("kept", {{"x-oss-tagging", "ignored=1"}}).status, 200);
  EXPECT_EQ(TagsOf("kept"), (protocol::Tagging{{{"s", "1"}}}));
  ASSERT_EQ(
      copy("replaced", {{"x-oss-tagging-directive", "Replace"}, {"x-oss-tagging", "r=2"}}).status,
      200);
  EXPECT_EQ(TagsOf("replaced"), (protocol::Tagging{{{"r", "2"}}}));
  ASSERT_EQ(copy("cleared", {{"x-oss-tagging-directive", "Replace"}}).status, 200);
  EXPECT_TRUE(TagsOf("cleared").tags.empty());
  EXPECT_EQ(copy("bad", {{"x-oss-tagging-directive", "Move"}}).ErrorCode(), "InvalidArgument");
}

TEST_F(TaggingTest, PutGetDeleteObjectTagging) {
  ASSERT_EQ(client().Put("bkt", "k", "bytes").status, 200);
  const auto before = client().Get("bkt", "k");
  const protocol::Tagging tags{{{"age", "18"}, {"team", "a b"}}};
  auto put = PutTags("k", tags);
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutObjectTagging);
  EXPECT_EQ(TagsOf("k"), tags);
  const auto after = client().Get("bkt", "k");
  EXPECT_EQ(after.Header("Last-Modified"), before.Header("Last-Modified"));
  EXPECT_EQ(after.Header("ETag"), before.Header("ETag"));
  EXPECT_EQ(after.body, "bytes");

  protocol::Tagging eleven;
  for (int i = 0; i < 11; ++i) eleven.tags.emplace_back("k" + std::to_string(i), "v");
  EXPECT_EQ(PutTags("k", eleven).ErrorCode(), "InvalidArgument");
  EXPECT_EQ(PutTags("k", protocol::Tagging{{{std::string(129, 'k'), "v"}}}).ErrorCode(),
            "InvalidArgument");
  EXPECT_EQ(client().Send("PUT", "bkt", "k", {{"tagging", ""}}, {}, "<Tagging/>").ErrorCode(),
            "MalformedXML");
  EXPECT_EQ(TagsOf("k"), tags);  // nothing changed
  EXPECT_EQ(PutTags("absent", tags).ErrorCode(), "NoSuchKey");

  auto deleted = client().Send("DELETE", "bkt", "k", {{"tagging", ""}});
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(TagsOf("k").tags.empty());
  EXPECT_EQ(client().Get("bkt", "k").body, "bytes");
  EXPECT_EQ(client().Send("DELETE", "bkt", "absent", {{"tagging", ""}}).ErrorCode(), "NoSuchKey");
}

}  // namespace
}  // namespace ossup::fake::testing
