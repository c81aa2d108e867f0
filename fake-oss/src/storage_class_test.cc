// Storage classes over real HTTP: x-oss-storage-class on writes, the bucket's class from
// PutBucket as the default, where classes are echoed, and GetObject of archived objects.
#include <gtest/gtest.h>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class StorageClassTest : public FakeOssTest {
 protected:
  std::string ClassOf(const std::string& bucket, const std::string& key) {
    auto head = client().Send("HEAD", bucket, key);
    EXPECT_EQ(head.status, 200) << key;
    return head.Header("x-oss-storage-class");
  }
  std::string ListedClassOf(const std::string& bucket, const std::string& key) {
    auto list =
        protocol::DecodeListObjectsResult(client().Send("GET", bucket, "", {{"prefix", key}}).body);
    EXPECT_TRUE(list.ok());
    return list.ok() && !list->contents.empty() ? list->contents[0].storage_class : "";
  }
};

TEST_F(StorageClassTest, WritesStoreAndEchoTheClass) {
  for (const char* name : {"Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"}) {
    const std::string key = std::string("put-") + name;
    ASSERT_EQ(client().Put("bkt", key, "x", {{"x-oss-storage-class", name}}).status, 200) << name;
    EXPECT_EQ(ClassOf("bkt", key), name);
    EXPECT_EQ(ListedClassOf("bkt", key), name);
  }
  ASSERT_EQ(client().Put("bkt", "plain", "x").status, 200);
  EXPECT_EQ(ClassOf("bkt", "plain"), "Standard");
  auto v2 = client().Send("GET", "bkt", "", {{"list-type", "2"}, {"prefix", "put-IA"}});
  EXPECT_NE(v2.body.find("<StorageClass>IA</StorageClass>"), std::string::npos) << v2.body;
}

TEST_F(StorageClassTest, AnUnknownClassIsInvalidArgument) {
  for (const char* name : {"standard", "Glacier", ""}) {
    auto put = client().Put("bkt", "k", "x", {{"x-oss-storage-class", name}});
    EXPECT_EQ(put.status, 400) << name;
    EXPECT_EQ(put.ErrorCode(), "InvalidArgument") << name;
  }
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
  auto initiate =
      client().Send("POST", "bkt", "k", {{"uploads", ""}}, {{"x-oss-storage-class", "X"}});
  EXPECT_EQ(initiate.ErrorCode(), "InvalidArgument");
  ASSERT_EQ(client().Put("bkt", "src", "x").status, 200);
  auto copy = client().Send("PUT", "bkt", "k", {},
                            {{"x-oss-copy-source", "/bkt/src"}, {"x-oss-storage-class", "X"}});
  EXPECT_EQ(copy.ErrorCode(), "InvalidArgument");
}

TEST_F(StorageClassTest, MultipartUploadsCarryTheClass) {
  auto initiated = protocol::DecodeInitiateMultipartUploadResult(
      client().Send("POST", "bkt", "m", {{"uploads", ""}}, {{"x-oss-storage-class", "IA"}}).body);
  ASSERT_TRUE(initiated.ok());
  const std::string id = initiated->upload_id;
  auto part = client().UploadPart("bkt", "m", id, 1, "part");
  auto parts = protocol::DecodeListPartsResult(client().ListParts("bkt", "m", id).body);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->storage_class, "IA");
  auto uploads = protocol::DecodeListMultipartUploadsResult(
      client().Send("GET", "bkt", "", {{"uploads", ""}}).body);
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->uploads.size(), 1u);
  EXPECT_EQ(uploads->uploads[0].storage_class, "IA");
  ASSERT_EQ(client().Complete("bkt", "m", id, {{1, part.Header("ETag")}}).status, 200);
  EXPECT_EQ(ClassOf("bkt", "m"), "IA");
}

TEST_F(StorageClassTest, CopiesTakeTheRequestsClassNotTheSources) {
  ASSERT_EQ(client().Put("bkt", "src", "x", {{"x-oss-storage-class", "IA"}}).status, 200);
  ASSERT_EQ(client().Send("PUT", "bkt", "default", {}, {{"x-oss-copy-source", "/bkt/src"}}).status,
            200);
  EXPECT_EQ(ClassOf("bkt", "default"), "Standard");
  ASSERT_EQ(client()
                .Send("PUT", "bkt", "src", {},
                      {{"x-oss-copy-source", "/bkt/src"}, {"x-oss-storage-class", "Archive"}})
                .status,
            200);
  EXPECT_EQ(ClassOf("bkt", "src"), "Archive");
}

TEST_F(StorageClassTest, TheBucketsClassIsTheDefault) {
  const std::string config =
      "<CreateBucketConfiguration><StorageClass>IA</StorageClass></CreateBucketConfiguration>";
  ASSERT_EQ(client().Send("PUT", "ia-bucket", "", {}, {}, config).status, 200);
  ASSERT_EQ(client().Put("ia-bucket", "k", "x").status, 200);
  EXPECT_EQ(ClassOf("ia-bucket", "k"), "IA");
  ASSERT_EQ(client().Put("ia-bucket", "std", "x", {{"x-oss-storage-class", "Standard"}}).status,
            200);
  EXPECT_EQ(ClassOf("ia-bucket", "std"), "Standard");
  auto info = client().Send("GET", "ia-bucket", "", {{"bucketInfo", ""}});
  EXPECT_NE(info.body.find("<StorageClass>IA</StorageClass>"), std::string::npos) << info.body;
  auto buckets = protocol::DecodeListBucketsResult(client().Send("GET", "", "").body);
  ASSERT_TRUE(buckets.ok());
  for (const auto& bucket : buckets->buckets) {
    EXPECT_EQ(bucket.storage_class, bucket.name == "ia-bucket" ? "IA" : "Standard") << bucket.name;
  }
  const std::string bad =
      "<CreateBucketConfiguration><StorageClass>Cold</StorageClass></CreateBucketConfiguration>";
  auto refused = client().Send("PUT", "bad-bucket", "", {}, {}, bad);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Send("GET", "bad-bucket", "").ErrorCode(), "NoSuchBucket");
}

TEST_F(StorageClassTest, ArchivedObjectsAreNotReadableButHeadAnswers) {
  for (const char* name : {"Archive", "ColdArchive", "DeepColdArchive"}) {
    ASSERT_EQ(client().Put("bkt", name, "cold", {{"x-oss-storage-class", name}}).status, 200);
    auto get = client().Get("bkt", name);
    EXPECT_EQ(get.status, 403) << name;
    EXPECT_EQ(get.ErrorCode(), "InvalidObjectState") << name;
    EXPECT_EQ(get.Header("x-oss-ec"), "0016-00000404") << name;
    EXPECT_EQ(client().Get("bkt", name, {{"Range", "bytes=0-1"}}).status, 403) << name;
    EXPECT_EQ(ClassOf("bkt", name), name);
  }
  ASSERT_EQ(client().Put("bkt", "ia", "warm", {{"x-oss-storage-class", "IA"}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "ia").body, "warm");
}

}  // namespace
}  // namespace ossup::fake::testing
