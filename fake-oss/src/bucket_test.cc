// Buckets, listing and lifecycle over real HTTP.
#include <gtest/gtest.h>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class BucketTest : public FakeOssTest {};

TEST_F(BucketTest, CreateListDelete) {
  EXPECT_EQ(client().Send("PUT", "newbucket", "").status, 200);
  EXPECT_EQ(client().Send("PUT", "newbucket", "").status, 200);  // idempotent for its owner
  auto list = client().Send("GET", "", "");
  ASSERT_EQ(list.status, 200) << list.body;
  auto result = protocol::DecodeListBucketsResult(list.body);
  ASSERT_TRUE(result.ok()) << list.body;
  ASSERT_EQ(result->buckets.size(), 2u);
  EXPECT_EQ(result->buckets[0].name, "bkt");
  EXPECT_EQ(result->buckets[1].name, "newbucket");

  ASSERT_EQ(client().Put("newbucket", "k", "x").status, 200);
  auto not_empty = client().Send("DELETE", "newbucket", "");
  EXPECT_EQ(not_empty.status, 409);
  EXPECT_EQ(not_empty.ErrorCode(), "BucketNotEmpty");
  client().Send("DELETE", "newbucket", "k");
  auto id = client().Initiate("newbucket", "u");
  EXPECT_EQ(client().Send("DELETE", "newbucket", "").ErrorCode(), "BucketNotEmpty");
  client().Abort("newbucket", "u", id);
  EXPECT_EQ(client().Send("DELETE", "newbucket", "").status, 204);
  EXPECT_EQ(client().Send("DELETE", "newbucket", "").ErrorCode(), "NoSuchBucket");
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"acl", ""}}).status, 200);
}

TEST_F(BucketTest, ListBucketsPagesByPrefixMarkerAndMaxKeys) {
  for (std::string name : {"app-1", "app-2", "app-3", "other"})
    ASSERT_EQ(client().Send("PUT", name, "").status, 200);
  // What go's IsBucketExist asks: prefix = the name, max-keys = 1.
  auto exact = client().Send("GET", "", "", {{"prefix", "app-2"}, {"max-keys", "1"}});
  ASSERT_EQ(exact.status, 200) << exact.body;
  auto found = protocol::DecodeListBucketsResult(exact.body);
  ASSERT_TRUE(found.ok()) << exact.body;
  ASSERT_EQ(found->buckets.size(), 1u);
  EXPECT_EQ(found->buckets[0].name, "app-2");
  EXPECT_TRUE(found->paged);
  EXPECT_FALSE(found->is_truncated);

  std::vector<std::string> names;
  std::string marker;
  for (int page = 0; page < 10; ++page) {
    protocol::QueryParams query{{"prefix", "app"}, {"max-keys", "2"}};
    if (!marker.empty()) query.emplace_back("marker", marker);
    auto response = client().Send("GET", "", "", query);
    auto result = protocol::DecodeListBucketsResult(response.body);
    ASSERT_TRUE(result.ok()) << response.body;
    EXPECT_EQ(result->prefix, "app");
    EXPECT_EQ(result->marker, marker);
    EXPECT_EQ(result->max_keys, 2);
    for (const auto& bucket : result->buckets) names.push_back(bucket.name);
    if (!result->is_truncated) break;
    marker = result->next_marker;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"app-1", "app-2", "app-3"}));
  EXPECT_EQ(client().Send("GET", "", "", {{"max-keys", "0"}}).ErrorCode(), "InvalidArgument");
  // Without paging parameters: every bucket, no paging elements.
  auto all = client().Send("GET", "", "");
  EXPECT_EQ(all.body.find("<IsTruncated>"), std::string::npos) << all.body;
  auto every = protocol::DecodeListBucketsResult(all.body);
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->buckets.size(), 5u);
}

TEST_F(BucketTest, ListBucketsRefusesAPrefixNoBucketNameCanHave) {
  ASSERT_EQ(client().Send("PUT", "app-1", "").status, 200);
  // go v1's IsBucketExist("BucketNameInvalid") lists with that prefix and expects an error.
  for (std::string prefix : {"BucketNameInvalid", "app_", "app.1", "app/"}) {
    auto answer = client().Send("GET", "", "", {{"prefix", prefix}, {"max-keys", "1"}});
    EXPECT_EQ(answer.status, 400) << prefix;
    EXPECT_EQ(answer.ErrorCode(), "InvalidArgument") << prefix;
    EXPECT_EQ(answer.Header("x-oss-ec"), "0017-00000290") << prefix;
  }
  auto fine = client().Send("GET", "", "", {{"prefix", "app-"}, {"max-keys", "1"}});
  EXPECT_EQ(fine.status, 200) << fine.body;
  EXPECT_NE(fine.body.find("<Name>app-1</Name>"), std::string::npos) << fine.body;
}

TEST_F(BucketTest, ListObjectsWithPrefixDelimiterAndPaging) {
  for (std::string key : {"a/1", "a/2", "b/1", "c", "d"})
    ASSERT_EQ(client().Put("bkt", key, key).status, 200);
  auto grouped =
      protocol::DecodeListObjectsResult(client().Send("GET", "bkt", "", {{"delimiter", "/"}}).body);
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(grouped->common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  ASSERT_EQ(grouped->contents.size(), 2u);
  EXPECT_EQ(grouped->contents[0].key, "c");
  // Every v1 entry names its owner (ali-oss list() reads Contents/Owner/ID unconditionally).
  for (const auto& object : grouped->contents) {
    EXPECT_EQ(object.owner, (protocol::Owner{"1000000000000000", "fake-oss"})) << object.key;
  }

  auto prefixed =
      protocol::DecodeListObjectsResult(client().Send("GET", "bkt", "", {{"prefix", "a/"}}).body);
  ASSERT_TRUE(prefixed.ok());
  EXPECT_EQ(prefixed->contents.size(), 2u);

  std::vector<std::string> keys;
  std::string marker;
  for (int page = 0; page < 10; ++page) {
    auto response = client().Send("GET", "bkt", "", {{"max-keys", "2"}, {"marker", marker}});
    auto result = protocol::DecodeListObjectsResult(response.body);
    ASSERT_TRUE(result.ok()) << response.body;
    for (const auto& c : result->contents) keys.push_back(c.key);
    if (!result->is_truncated) break;
    marker = result->next_marker;
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "b/1", "c", "d"}));
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"max-keys", "x"}}).ErrorCode(), "InvalidArgument");
}

TEST_F(BucketTest, LifecycleAbortsUploadsWhenTheClockPassesTheMark) {
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"lifecycle", ""}}).ErrorCode(), "NoSuchLifecycle");
  protocol::LifecycleConfiguration config;
  protocol::LifecycleRule rule;
  rule.id = "abort-old";
  rule.prefix = "tmp/";
  rule.abort_multipart_days = 2;
  config.rules.push_back(rule);
  auto put = client().Send("PUT", "bkt", "", {{"lifecycle", ""}}, {}, protocol::EncodeXml(config));
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = client().Send("GET", "bkt", "", {{"lifecycle", ""}});
  ASSERT_EQ(got.status, 200);
  auto decoded = protocol::DecodeLifecycleConfiguration(got.body);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->rules.at(0).abort_multipart_days, 2);

  auto doomed = client().Initiate("bkt", "tmp/x");
  auto kept = client().Initiate("bkt", "keep/x");
  ASSERT_EQ(client().UploadPart("bkt", "tmp/x", doomed, 1, "data").status, 200);
  server().AdvanceClock(std::chrono::hours(47));
  EXPECT_EQ(client().ListParts("bkt", "tmp/x", doomed).status, 200);
  server().AdvanceClock(std::chrono::hours(1));
  EXPECT_EQ(client().UploadPart("bkt", "tmp/x", doomed, 2, "d").ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "tmp/x", doomed).ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().Complete("bkt", "tmp/x", doomed, {{1, "x"}}).ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "keep/x", kept).status, 200);

  EXPECT_EQ(client().Send("DELETE", "bkt", "", {{"lifecycle", ""}}).status, 204);
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"lifecycle", ""}}).status, 404);
}

TEST_F(BucketTest, LifecycleCreatedBeforeDate) {
  auto old_upload = client().Initiate("bkt", "x");
  server().AdvanceClock(std::chrono::hours(24));
  protocol::LifecycleConfiguration config;
  protocol::LifecycleRule rule;
  rule.id = "r";
  // CreatedBeforeDate is a UTC midnight, after the old upload and not after the fresh one.
  rule.abort_multipart_created_before = std::chrono::floor<std::chrono::days>(server().Now());
  config.rules.push_back(rule);
  auto fresh = client().Initiate("bkt", "y");
  ASSERT_EQ(
      client().Send("PUT", "bkt", "", {{"lifecycle", ""}}, {}, protocol::EncodeXml(config)).status,
      200);
  EXPECT_EQ(client().ListParts("bkt", "x", old_upload).ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "y", fresh).status, 200);
  auto malformed =
      client().Send("PUT", "bkt", "", {{"lifecycle", ""}}, {}, "<LifecycleConfiguration/>");
  EXPECT_EQ(malformed.status, 400);
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

TEST_F(BucketTest, ListObjectsV2BucketInfoAndLocation) {
  for (std::string key : {"a/1", "a/2", "b&c", "d", "e"})
    ASSERT_EQ(client().Put("bkt", key, key).status, 200);
  std::vector<std::string> keys;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    protocol::QueryParams query{{"list-type", "2"}, {"max-keys", "2"}, {"fetch-owner", "true"}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    auto response = client().Send("GET", "bkt", "", query);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_NE(response.body.find("<KeyCount>"), std::string::npos);
    // Same elements as v1 for Contents, so the v1 decoder reads the keys (and owners).
    auto result = protocol::DecodeListObjectsResult(response.body);
    ASSERT_TRUE(result.ok()) << response.body;
    for (const auto& c : result->contents) {
      keys.push_back(c.key);
      EXPECT_TRUE(c.owner.has_value()) << "fetch-owner=true: " << c.key;
    }
    auto next = response.body.find("<NextContinuationToken>");
    if (next == std::string::npos) break;
    auto start = next + std::string("<NextContinuationToken>").size();
    token = response.body.substr(start, response.body.find('<', start) - start);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "b&c", "d", "e"}));

  auto after = client().Send("GET", "bkt", "", {{"list-type", "2"}, {"start-after", "d"}});
  auto result = protocol::DecodeListObjectsResult(after.body);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->contents.size(), 1u);
  EXPECT_EQ(result->contents[0].key, "e");
  EXPECT_FALSE(result->contents[0].owner.has_value()) << "no fetch-owner, no <Owner>";

  // Tokens need no escaping in a URL, even for keys whose base64 holds '+', '/' and '=' (go
  // v1 unescapes query values again).
  for (std::string key : {"t>>>1", "t???2", "t>>>3"})
    ASSERT_EQ(client().Put("bkt", key, key).status, 200);
  std::vector<std::string> paged;
  token.clear();
  for (int page = 0; page < 10; ++page) {
    protocol::QueryParams query{{"list-type", "2"}, {"max-keys", "1"}, {"prefix", "t"}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    // The token's characters are all unreserved: the target carries it as it is.
    auto response = client().Send("GET", "bkt", "", query);
    ASSERT_EQ(response.status, 200) << response.body;
    auto result = protocol::DecodeListObjectsResult(response.body);
    ASSERT_TRUE(result.ok()) << response.body;
    for (const auto& c : result->contents) paged.push_back(c.key);
    auto next = response.body.find("<NextContinuationToken>");
    if (next == std::string::npos) break;
    auto start = next + std::string("<NextContinuationToken>").size();
    token = response.body.substr(start, response.body.find('<', start) - start);
    EXPECT_EQ(token.find_first_of("+/=%"), std::string::npos) << token;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"t>>>1", "t>>>3", "t???2"}));
  auto bad = client().Send("GET", "bkt", "", {{"list-type", "2"}, {"continuation-token", "a+b="}});
  EXPECT_EQ(bad.ErrorCode(), "InvalidArgument");

  auto info = client().Send("GET", "bkt", "", {{"bucketInfo", ""}});
  EXPECT_EQ(info.status, 200);
  EXPECT_NE(info.body.find("<Name>bkt</Name>"), std::string::npos);
  EXPECT_EQ(client().Send("GET", "nobucket", "", {{"bucketInfo", ""}}).ErrorCode(), "NoSuchBucket");
  auto location = client().Send("GET", "bkt", "", {{"location", ""}});
  EXPECT_NE(location.body.find("<LocationConstraint>oss-cn-hangzhou</LocationConstraint>"),
            std::string::npos);
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kGetBucketLocation);
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"cors", ""}}).status, 501);
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

TEST_F(BucketTest, DeleteMultipleObjects) {
  for (std::string key : {"x/1", "x/2", "y"}) ASSERT_EQ(client().Put("bkt", key, "v").status, 200);
  std::string body =
      "<Delete><Quiet>false</Quiet><Object><Key>x/1</Key></Object><Object><Key>x/2</Key>"
      "</Object><Object><Key>absent</Key></Object></Delete>";
  auto response =
      client().Send("POST", "bkt", "", {{"delete", ""}},
                    {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of(body))}}, body);
  ASSERT_EQ(response.status, 200) << response.body;
  auto result = protocol::DecodeDeleteMultipleObjectsResult(response.body);
  ASSERT_TRUE(result.ok()) << response.body;
  EXPECT_EQ(result->deleted, (std::vector<std::string>{"x/1", "x/2", "absent"}));
  EXPECT_EQ(client().Get("bkt", "x/1").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Get("bkt", "y").status, 200);
  auto malformed = client().Send(
      "POST", "bkt", "", {{"delete", ""}},
      {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("<Delete/>"))}}, "<Delete/>");
  EXPECT_EQ(malformed.ErrorCode(), "MalformedXML");
}

}  // namespace
}  // namespace ossup::fake::testing
