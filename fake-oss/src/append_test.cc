// AppendObject over real HTTP: positions, the running CRC64 and ETag, the errors OSS answers,
// metadata from the first append only, and how other writes treat an appendable object.
#include <gtest/gtest.h>

#include <regex>

#include "ossup/faults/plan.h"
#include "ossup/protocol/checksum.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class AppendTest : public FakeOssTest {
 protected:
  TestResponse Append(const std::string& key, const std::string& position, const std::string& data,
                      protocol::Headers headers = {}) {
    return client().Send("POST", "bkt", key, {{"append", ""}, {"position", position}},
                         std::move(headers), data);
  }
};

TEST_F(AppendTest, CreatesAnAppendableObjectAndGrowsIt) {
  auto first = Append("log", "0", "hello");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("x-oss-next-append-position"), "5");
  EXPECT_EQ(first.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64("hello")));
  const std::regex appendable_etag("\"[0-9A-F]{24}00000000\"");
  EXPECT_TRUE(std::regex_match(first.Header("ETag"), appendable_etag)) << first.Header("ETag");
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kAppendObject);

  auto second = Append("log", "5", " world");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Header("x-oss-next-append-position"), "11");
  // The CRC64 covers the whole object, not the appended piece.
  EXPECT_EQ(second.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64("hello world")));
  EXPECT_TRUE(std::regex_match(second.Header("ETag"), appendable_etag));
  EXPECT_NE(second.Header("ETag"), first.Header("ETag"));

  for (const char* method : {"GET", "HEAD"}) {
    auto got = client().Send(method, "bkt", "log");
    EXPECT_EQ(got.status, 200) << method;
    if (std::string(method) == "GET") {
      EXPECT_EQ(got.body, "hello world");
    }
    EXPECT_EQ(got.Header("Content-Length"), "11") << method;
    EXPECT_EQ(got.Header("x-oss-object-type"), "Appendable") << method;
    EXPECT_EQ(got.Header("x-oss-next-append-position"), "11") << method;
    EXPECT_EQ(got.Header("ETag"), second.Header("ETag")) << method;
    EXPECT_EQ(got.Header("x-oss-hash-crc64ecma"), second.Header("x-oss-hash-crc64ecma"));
    // The ETag is no MD5 of the bytes, so there is no Content-MD5.
    EXPECT_EQ(got.Header("Content-MD5"), "") << method;
  }
  auto ranged = client().Get("bkt", "log", {{"Range", "bytes=3-7"}});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(ranged.body, "lo wo");

  auto list = protocol::DecodeListObjectsResult(client().Send("GET", "bkt", "").body);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->contents.size(), 1u);
  EXPECT_EQ(list->contents[0].type, "Appendable");
  EXPECT_EQ(list->contents[0].size, 11u);
}

TEST_F(AppendTest, AWrongPositionIsRefusedWithTheNextPosition) {
  // A free key takes only position 0.
  auto fresh = Append("log", "3", "abc");
  EXPECT_EQ(fresh.status, 409);
  EXPECT_EQ(fresh.ErrorCode(), "PositionNotEqualToLength");
  EXPECT_EQ(fresh.Header("x-oss-next-append-position"), "0");
  EXPECT_EQ(fresh.Header("x-oss-ec"), "0026-00000016");
  EXPECT_EQ(client().Get("bkt", "log").ErrorCode(), "NoSuchKey");

  ASSERT_EQ(Append("log", "0", "abc").status, 200);
  for (const char* position : {"0", "2", "4"}) {
    auto wrong = Append("log", position, "zzz");
    EXPECT_EQ(wrong.status, 409) << position;
    EXPECT_EQ(wrong.ErrorCode(), "PositionNotEqualToLength") << position;
    EXPECT_EQ(wrong.Header("x-oss-next-append-position"), "3") << position;
  }
  EXPECT_EQ(client().Get("bkt", "log").body, "abc");
}

TEST_F(AppendTest, PositionZeroOnAnEmptyAppendableObjectAppends) {
  ASSERT_EQ(Append("empty", "0", "").status, 200);
  auto head = client().Send("HEAD", "bkt", "empty");
  EXPECT_EQ(head.Header("x-oss-object-type"), "Appendable");
  EXPECT_EQ(head.Header("x-oss-next-append-position"), "0");
  auto again = Append("empty", "0", "data");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Header("x-oss-next-append-position"), "4");
  EXPECT_EQ(client().Get("bkt", "empty").body, "data");
}

TEST_F(AppendTest, NormalAndMultipartObjectsAreNotAppendable) {
  ASSERT_EQ(client().Put("bkt", "normal", "abc").status, 200);
  auto id = client().Initiate("bkt", "multi");
  auto part = client().UploadPart("bkt", "multi", id, 1, "abc");
  ASSERT_EQ(client().Complete("bkt", "multi", id, {{1, part.Header("ETag")}}).status, 200);
  for (const char* key : {"normal", "multi"}) {
    auto refused = Append(key, "3", "more");
    EXPECT_EQ(refused.status, 409) << key;
    EXPECT_EQ(refused.ErrorCode(), "ObjectNotAppendable") << key;
    EXPECT_EQ(client().Get("bkt", key).body, "abc") << key;
  }
}

TEST_F(AppendTest, OnlyTheFirstAppendSetsMetadataButAnyAppendSetsTheAcl) {
  ASSERT_EQ(Append("k", "0", "one",
                   {{"Content-Type", "text/plain"},
                    {"x-oss-meta-who", "first"},
                    {"x-oss-object-acl", "public-read"},
                    {"x-oss-storage-class", "IA"},
                    {"x-oss-tagging", "a=1"}})
                .status,
            200);
  ASSERT_EQ(Append("k", "3", "two",
                   {{"Content-Type", "image/png"},
                    {"x-oss-meta-who", "second"},
                    {"x-oss-object-acl", "private"},
                    {"x-oss-storage-class", "Standard"}})
                .status,
            200);
  auto got = client().Get("bkt", "k");
  EXPECT_EQ(got.body, "onetwo");
  EXPECT_EQ(got.Header("Content-Type"), "text/plain");
  EXPECT_EQ(got.Header("x-oss-meta-who"), "first");
  EXPECT_EQ(got.Header("x-oss-storage-class"), "IA");
  EXPECT_EQ(got.Header("x-oss-tagging-count"), "1");
  // The ACL is the exception: a later append that names one replaces it (go v1's
  // TestAppendObject, an integration test, expects this).
  EXPECT_NE(client().Send("GET", "bkt", "k", {{"acl", ""}}).body.find("<Grant>private</Grant>"),
            std::string::npos);
  ASSERT_EQ(Append("k", "6", "three").status, 200);
  EXPECT_NE(client().Send("GET", "bkt", "k", {{"acl", ""}}).body.find("<Grant>private</Grant>"),
            std::string::npos);
  // Invalid values are refused on any append.
  EXPECT_EQ(Append("k", "11", "x", {{"x-oss-storage-class", "Cold"}}).ErrorCode(),
            "InvalidArgument");
  EXPECT_EQ(Append("k", "11", "x", {{"x-oss-object-acl", "open"}}).ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Get("bkt", "k").body, "onetwothree");
}

TEST_F(AppendTest, BadRequestsAreRefused) {
  auto no_position = client().Send("POST", "bkt", "k", {{"append", ""}}, {}, "x");
  EXPECT_EQ(no_position.status, 400);
  EXPECT_EQ(no_position.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(no_position.Header("x-oss-ec"), "0016-00000501");
  EXPECT_EQ(Append("k", "abc", "x").ErrorCode(), "InvalidArgument");
  EXPECT_EQ(Append("k", "-1", "x").ErrorCode(), "InvalidArgument");
  auto digest =
      Append("k", "0", "data", {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("other"))}});
  EXPECT_EQ(digest.ErrorCode(), "InvalidDigest");
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
  auto md5_ok =
      Append("k", "0", "data", {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("data"))}});
  EXPECT_EQ(md5_ok.status, 200) << md5_ok.body;
  auto no_bucket =
      client().Send("POST", "nobucket", "k", {{"append", ""}, {"position", "0"}}, {}, "x");
  EXPECT_EQ(no_bucket.ErrorCode(), "NoSuchBucket");
}

TEST_F(AppendTest, PutObjectAndCompleteReplaceAnAppendableObject) {
  ASSERT_EQ(Append("k", "0", "appended").status, 200);
  ASSERT_EQ(client().Put("bkt", "k", "normal").status, 200);
  auto got = client().Get("bkt", "k");
  EXPECT_EQ(got.body, "normal");
  EXPECT_EQ(got.Header("x-oss-object-type"), "Normal");
  EXPECT_EQ(got.Header("x-oss-next-append-position"), "");
  EXPECT_EQ(Append("k", "6", "x").ErrorCode(), "ObjectNotAppendable");
  // Deleted, the key takes a new appendable object from position 0.
  ASSERT_EQ(client().Send("DELETE", "bkt", "k").status, 204);
  EXPECT_EQ(Append("k", "0", "again").status, 200);
}

TEST_F(AppendTest, FaultPlansTargetAppendObject) {
  auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": "AppendObject"},
      "action": {"type": "error", "code": "InternalError"}, "times": 1}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(*plan);
  ASSERT_EQ(client().Put("bkt", "other", "x").status, 200);  // not an append: untouched
  auto failed = Append("k", "0", "abc");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.ErrorCode(), "InternalError");
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(Append("k", "0", "abc").status, 200);
  int appends = 0;
  int faulted = 0;
  for (const auto& entry : server().Journal()) {
    if (entry.operation != protocol::Operation::kAppendObject) continue;
    ++appends;
    if (entry.fault) ++faulted;
  }
  EXPECT_EQ(appends, 2);
  EXPECT_EQ(faulted, 1);
}

}  // namespace
}  // namespace ossup::fake::testing
