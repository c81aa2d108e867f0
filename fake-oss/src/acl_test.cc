// Object ACLs over real HTTP: x-oss-object-acl on writes, PutObjectACL and GetObjectACL, and
// unsigned reads of public objects.
#include <gtest/gtest.h>

#include "ossup/protocol/xml.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class AclTest : public FakeOssTest {
 protected:
  std::string GrantOf(const std::string& key) {
    auto answer = client().Send("GET", "bkt", key, {{"acl", ""}});
    EXPECT_EQ(answer.status, 200) << answer.body;
    auto policy = protocol::DecodeAccessControlPolicy(answer.body);
    EXPECT_TRUE(policy.ok()) << answer.body;
    return policy.ok() ? policy->grant : "";
  }
  int AnonymousGetStatus(const std::string& key) {
    return client().SendRaw("GET", "/bkt/" + key, {}, "").status;
  }
};

TEST_F(AclTest, WritesTakeTheHeaderAndObjectsDefaultToTheirBucket) {
  ASSERT_EQ(client().Put("bkt", "plain", "x").status, 200);
  EXPECT_EQ(GrantOf("plain"), "default");
  ASSERT_EQ(client().Put("bkt", "public", "x", {{"x-oss-object-acl", "public-read"}}).status, 200);
  EXPECT_EQ(GrantOf("public"), "public-read");
  auto bad = client().Put("bkt", "bad", "x", {{"x-oss-object-acl", "public"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Get("bkt", "bad").ErrorCode(), "NoSuchKey");  // nothing stored

  // Multipart: InitiateMultipartUpload takes no ACL; OSS ignores the header there (the Go SDK's
  // own TestUploadFile, run against OSS, expects "default" after passing one).
  std::string id =
      client()
          .Send("POST", "bkt", "multi", {{"uploads", ""}}, {{"x-oss-object-acl", "not even valid"}})
          .body;
  auto initiated = protocol::DecodeInitiateMultipartUploadResult(id);
  ASSERT_TRUE(initiated.ok()) << id;
  auto part = client().UploadPart("bkt", "multi", initiated->upload_id, 1, "part");
  ASSERT_EQ(
      client().Complete("bkt", "multi", initiated->upload_id, {{1, part.Header("ETag")}}).status,
      200);
  EXPECT_EQ(GrantOf("multi"), "default");

  // Copy: the request's ACL (default when absent); an ACL is never copied.
  EXPECT_EQ(client().Send("PUT", "bkt", "copy", {}, {{"x-oss-copy-source", "/bkt/public"}}).status,
            200);
  EXPECT_EQ(GrantOf("copy"), "default");
  EXPECT_EQ(client()
                .Send("PUT", "bkt", "copy2", {},
                      {{"x-oss-copy-source", "/bkt/plain"}, {"x-oss-object-acl", "private"}})
                .status,
            200);
  EXPECT_EQ(GrantOf("copy2"), "private");
}

TEST_F(AclTest, PutObjectAclChangesOnlyTheAcl) {
  ASSERT_EQ(client().Put("bkt", "k", "bytes", {{"x-oss-meta-a", "1"}}).status, 200);
  const auto before = client().Get("bkt", "k");
  auto put = client().Send("PUT", "bkt", "k", {{"acl", ""}}, {{"x-oss-object-acl", "private"}});
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutObjectAcl);
  EXPECT_EQ(GrantOf("k"), "private");
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kGetObjectAcl);
  const auto after = client().Get("bkt", "k");
  EXPECT_EQ(after.body, "bytes");
  EXPECT_EQ(after.Header("ETag"), before.Header("ETag"));
  EXPECT_EQ(after.Header("Last-Modified"), before.Header("Last-Modified"));
  EXPECT_EQ(after.Header("x-oss-meta-a"), "1");

  EXPECT_EQ(client().Send("PUT", "bkt", "k", {{"acl", ""}}).ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client()
                .Send("PUT", "bkt", "k", {{"acl", ""}}, {{"x-oss-object-acl", "everyone"}})
                .ErrorCode(),
            "InvalidArgument");
  EXPECT_EQ(client()
                .Send("PUT", "bkt", "absent", {{"acl", ""}}, {{"x-oss-object-acl", "private"}})
                .ErrorCode(),
            "NoSuchKey");
  EXPECT_EQ(client().Send("GET", "bkt", "absent", {{"acl", ""}}).ErrorCode(), "NoSuchKey");
}

TEST_F(AclTest, PublicObjectsAreReadableUnsignedAndNothingElseIs) {
  ASSERT_EQ(client().Put("bkt", "open", "hello", {{"x-oss-object-acl", "public-read"}}).status,
            200);
  ASSERT_EQ(client().Put("bkt", "closed", "secret").status, 200);
  auto open = client().SendRaw("GET", "/bkt/open", {}, "");
  EXPECT_EQ(open.status, 200);
  EXPECT_EQ(open.body, "hello");
  EXPECT_EQ(client().SendRaw("HEAD", "/bkt/open", {}, "").status, 200);
  EXPECT_EQ(AnonymousGetStatus("closed"), 403);   // default ACL, private bucket
  EXPECT_EQ(AnonymousGetStatus("missing"), 403);  // no existence leak to strangers
  // Public-read is not public-write, and a wrong signature is still refused.
  EXPECT_EQ(client().SendRaw("PUT", "/bkt/open", {}, "overwrite").status, 403);
  client().credentials().access_key_secret = "wrong";
  EXPECT_EQ(client().Get("bkt", "open").ErrorCode(), "SignatureDoesNotMatch");
  // Back to private: no longer readable unsigned.
  client().credentials().access_key_secret = kTestCredentials.access_key_secret;
  ASSERT_EQ(
      client().Send("PUT", "bkt", "open", {{"acl", ""}}, {{"x-oss-object-acl", "private"}}).status,
      200);
  EXPECT_EQ(AnonymousGetStatus("open"), 403);
}

TEST_F(AclTest, ServerSideEncryptionIsValidatedRecordedAndStated) {
  auto bad = client().Put("bkt", "enc", "x", {{"x-oss-server-side-encryption", "invalid"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.ErrorCode(), "InvalidEncryptionAlgorithmError");
  ASSERT_EQ(client()
                .Put("bkt", "enc", "x",
                     {{"x-oss-server-side-encryption", "KMS"},
                      {"x-oss-server-side-encryption-key-id", "key-1"}})
                .status,
            200);
  auto got = client().Send("HEAD", "bkt", "enc");
  EXPECT_EQ(got.Header("x-oss-server-side-encryption"), "KMS");
  EXPECT_EQ(got.Header("x-oss-server-side-encryption-key-id"), "key-1");
  // SetObjectMeta (a REPLACE copy onto itself) with a bad algorithm is refused too.
  auto replace = client().Send("PUT", "bkt", "enc", {},
                               {{"x-oss-copy-source", "/bkt/enc"},
                                {"x-oss-metadata-directive", "REPLACE"},
                                {"x-oss-server-side-encryption", "invalid"}});
  EXPECT_EQ(replace.ErrorCode(), "InvalidEncryptionAlgorithmError");
}

}  // namespace
}  // namespace ossup::fake::testing
