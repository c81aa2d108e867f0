// Bucket ACLs over real HTTP: PutBucketAcl, x-oss-acl on PutBucket, GetBucketAcl and
// GetBucketInfo reflecting them, and what unsigned requests may do in each kind of bucket.
#include <gtest/gtest.h>

#include "ossup/protocol/xml.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class BucketAclTest : public FakeOssTest {
 protected:
  std::string GrantOf(const std::string& bucket) {
    auto answer = client().Send("GET", bucket, "", {{"acl", ""}});
    EXPECT_EQ(answer.status, 200) << answer.body;
    auto policy = protocol::DecodeAccessControlPolicy(answer.body);
    EXPECT_TRUE(policy.ok()) << answer.body;
    return policy.ok() ? policy->grant : "";
  }
  TestResponse SetAcl(const std::string& bucket, const std::string& acl) {
    return client().Send("PUT", bucket, "", {{"acl", ""}}, {{"x-oss-acl", acl}});
  }
  TestResponse Anonymous(const std::string& method, const std::string& path,
                         const std::string& body = "") {
    return client().SendRaw(method, path, {}, body);
  }
};

TEST_F(BucketAclTest, PutBucketAclOverwritesAndGetBucketAclReflectsIt) {
  EXPECT_EQ(GrantOf("bkt"), "private");
  auto put = SetAcl("bkt", "public-read");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutBucketAcl);
  EXPECT_EQ(GrantOf("bkt"), "public-read");
  EXPECT_EQ(SetAcl("bkt", "public-read-write").status, 200);
  EXPECT_EQ(GrantOf("bkt"), "public-read-write");
  auto info = client().Send("GET", "bkt", "", {{"bucketInfo", ""}});
  EXPECT_NE(info.body.find("<Grant>public-read-write</Grant>"), std::string::npos) << info.body;

  // Without the header nothing changes.
  EXPECT_EQ(client().Send("PUT", "bkt", "", {{"acl", ""}}).status, 200);
  EXPECT_EQ(GrantOf("bkt"), "public-read-write");
  for (const char* bad : {"default", "public", ""}) {
    auto r = SetAcl("bkt", bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.ErrorCode(), "InvalidArgument") << bad;
    EXPECT_EQ(r.Header("x-oss-ec"), "0015-00000204");
  }
  EXPECT_EQ(GrantOf("bkt"), "public-read-write");

  // A missing bucket is created with the ACL.
  EXPECT_EQ(SetAcl("fresh-bucket", "public-read").status, 200);
  EXPECT_EQ(GrantOf("fresh-bucket"), "public-read");
}

TEST_F(BucketAclTest, PutBucketTakesXOssAcl) {
  auto made = client().Send("PUT", "open-bucket", "", {}, {{"x-oss-acl", "public-read-write"}});
  EXPECT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(GrantOf("open-bucket"), "public-read-write");
  EXPECT_EQ(client().Send("PUT", "plain-bucket", "").status, 200);
  EXPECT_EQ(GrantOf("plain-bucket"), "private");
  // On an existing bucket, PutBucket's x-oss-acl is a new ACL (PutBucketACL's original form).
  EXPECT_EQ(client().Send("PUT", "plain-bucket", "", {}, {{"x-oss-acl", "public-read"}}).status,
            200);
  EXPECT_EQ(GrantOf("plain-bucket"), "public-read");
  EXPECT_EQ(client().Send("PUT", "plain-bucket", "").status, 200);
  EXPECT_EQ(GrantOf("plain-bucket"), "public-read");  // without the header nothing changes
  auto bad = client().Send("PUT", "bad-bucket", "", {}, {{"x-oss-acl", "everyone"}});
  EXPECT_EQ(bad.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Send("GET", "bad-bucket", "", {{"acl", ""}}).ErrorCode(), "NoSuchBucket");
}

TEST_F(BucketAclTest, UnsignedRequestsFollowTheBucketAcl) {
  ASSERT_EQ(client().Put("bkt", "default-acl", "d").status, 200);
  ASSERT_EQ(client().Put("bkt", "private", "p", {{"x-oss-object-acl", "private"}}).status, 200);

  // private: nothing unsigned.
  EXPECT_EQ(Anonymous("GET", "/bkt/default-acl").ErrorCode(), "AccessDenied");
  EXPECT_EQ(Anonymous("PUT", "/bkt/new", "n").ErrorCode(), "AccessDenied");

  // public-read: reads of default-ACL objects; an object's own private ACL still wins.
  ASSERT_EQ(SetAcl("bkt", "public-read").status, 200);
  auto read = Anonymous("GET", "/bkt/default-acl");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, "d");
  EXPECT_EQ(Anonymous("HEAD", "/bkt/default-acl").status, 200);
  EXPECT_EQ(Anonymous("GET", "/bkt/private").status, 403);
  EXPECT_EQ(Anonymous("PUT", "/bkt/new", "n").status, 403);
  EXPECT_EQ(Anonymous("DELETE", "/bkt/default-acl").status, 403);

  // public-read-write: object writes too, never ACL or bucket changes.
  ASSERT_EQ(SetAcl("bkt", "public-read-write").status, 200);
  EXPECT_EQ(Anonymous("PUT", "/bkt/new", "n").status, 200);
  EXPECT_EQ(client().Get("bkt", "new").body, "n");
  EXPECT_EQ(Anonymous("DELETE", "/bkt/new").status, 204);
  EXPECT_EQ(Anonymous("PUT", "/bkt/?acl").status, 403);
  EXPECT_EQ(Anonymous("PUT", "/bkt/default-acl?acl").status, 403);
  EXPECT_EQ(Anonymous("DELETE", "/bkt/").status, 403);
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

// Features outside the fake's scope answer 501 NotImplemented as an OSS error document with a
// request id, are journaled, and leave the server serving (docs/compatibility.md, "Out of scope").
TEST_F(FakeOssTest, OutOfScopeSubresourcesAnswerNotImplemented) {
  ASSERT_EQ(client().Put("bkt", "img.png", "png").status, 200);
  const std::pair<std::string, std::pair<std::string, std::string>> requests[] = {
      {"GET", {"", "cors"}},        {"PUT", {"", "website"}},
      {"GET", {"", "logging"}},     {"PUT", {"", "referer"}},
      {"GET", {"", "policy"}},      {"GET", {"", "inventory"}},
      {"PUT", {"", "encryption"}},  {"GET", {"", "versioning"}},
      {"PUT", {"", "replication"}}, {"POST", {"", "worm"}},
      {"PUT", {"", "live"}},        {"GET", {"img.png", "x-oss-process"}},
  };
  for (const auto& [method, target] : requests) {
    const auto& [key, subresource] = target;
    auto r = client().Send(method, "bkt", key, {{subresource, ""}});
    EXPECT_EQ(r.status, 501) << method << " ?" << subresource << ": " << r.body;
    EXPECT_EQ(r.ErrorCode(), "NotImplemented") << subresource;
    EXPECT_FALSE(r.ErrorDocument().request_id.empty()) << subresource;
    EXPECT_EQ(r.Header("x-oss-request-id"), r.ErrorDocument().request_id);
    const auto entry = server().Journal().back();
    EXPECT_EQ(entry.request_id, r.ErrorDocument().request_id);
    EXPECT_EQ(entry.error_code, "NotImplemented");
    EXPECT_EQ(entry.http_status, 501);
  }
  EXPECT_EQ(client().Get("bkt", "img.png").body, "png");
}

}  // namespace
}  // namespace ossup::fake::testing
