#include "ossup/protocol/xml.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml_escape.h"

namespace ossup::protocol {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kProlog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

TimePoint At(int64_t unix_seconds, int64_t millis = 0) {
  return TimePoint(seconds(unix_seconds) + milliseconds(millis));
}

// Keys that exercise URL encoding: spaces, '+', '%', '/', UTF-8, XML specials, a control
// character and leading/trailing blanks.
const std::vector<std::string>& TrickyKeys() {
  static const std::vector<std::string> keys = {
      "plain.txt",
      "dir/sub dir/a b.txt",
      "a+b=c&d.bin",
      "100%25 done%",
      "\xE4\xB8\xAD\xE6\x96\x87/\xE6\x96\x87\xE4\xBB\xB6.dat",
      "quote\"apos'<lt>&amp;",
      "demo/gp-\x0c\n\x0b",
      "  padded  ",
  };
  return keys;
}

template <typename T>
void ExpectMalformed(const StatusOr<T>& decoded, std::string_view what) {
  ASSERT_FALSE(decoded.ok()) << what;
  EXPECT_EQ(decoded.error().code, "MalformedXML") << what << ": " << decoded.error().message;
  EXPECT_EQ(decoded.error().http_status, 400) << what;
}

// --- Round trips ------------------------------------------------------------------------------

TEST(XmlRoundTrip, InitiateMultipartUploadResult) {
  for (const char* encoding : {"", "url"}) {
    for (const std::string& key : TrickyKeys()) {
      InitiateMultipartUploadResult in{"bucket-1", key, "0004B9894A22E5B1888A1E29F8230000",
                                       encoding};
      StatusOr<InitiateMultipartUploadResult> out =
          DecodeInitiateMultipartUploadResult(EncodeXml(in));
      ASSERT_TRUE(out.ok()) << key << ": " << out.error().ToString();
      EXPECT_EQ(*out, in) << key;
    }
  }
}

TEST(XmlRoundTrip, ListPartsResult) {
  for (const char* encoding : {"", "url"}) {
    for (const std::string& key : TrickyKeys()) {
      ListPartsResult in;
      in.bucket = "bucket";
      in.key = key;
      in.upload_id = "D4E111D4EA834F3ABCE4877B27790000";
      in.part_number_marker = 2;
      in.next_part_number_marker = 5;
      in.max_parts = 3;
      in.is_truncated = true;
      in.encoding_type = encoding;
      in.parts = {{3, At(1700631754, 123), "\"CF3F46D505093571E916FCDD49670000\"",
                   12066172435287683848ull, 96316},
                  {5, At(1700631755), "\"AB\"", std::nullopt, 0}};
      StatusOr<ListPartsResult> out = DecodeListPartsResult(EncodeXml(in));
      ASSERT_TRUE(out.ok()) << key << ": " << out.error().ToString();
      EXPECT_EQ(*out, in) << key;
    }
  }
}

TEST(XmlRoundTrip, CompleteMultipartUploadKeepsOrderAndQuotes) {
  CompleteMultipartUpload in;
  in.parts = {{5, "\"8EFDA8BE206636A695359836FE0A0000\""},
              {1, "\"3349DC700140D7F86A0784842780000\""},
              {3, "unquoted"}};
  StatusOr<CompleteMultipartUpload> out = DecodeCompleteMultipartUpload(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
}

TEST(XmlRoundTrip, CompleteMultipartUploadResult) {
  for (const char* encoding : {"", "url"}) {
    for (const std::string& key : TrickyKeys()) {
      CompleteMultipartUploadResult in{"http://b.oss-cn-hangzhou.aliyuncs.com/x", "b", key,
                                       "\"097DE458AD02B5F89F9D0530231876AA-2\"", encoding};
      StatusOr<CompleteMultipartUploadResult> out =
          DecodeCompleteMultipartUploadResult(EncodeXml(in));
      ASSERT_TRUE(out.ok()) << key << ": " << out.error().ToString();
      EXPECT_EQ(*out, in) << key;
    }
  }
}

TEST(XmlRoundTrip, CopyObjectAndCopyPartResults) {
  CopyObjectResult copy{"\"5B3C1A2E053D763E1B002CC607C5A0FE\"", At(1554781532, 123)};
  StatusOr<CopyObjectResult> copy_out = DecodeCopyObjectResult(EncodeXml(copy));
  ASSERT_TRUE(copy_out.ok()) << copy_out.error().ToString();
  EXPECT_EQ(*copy_out, copy);
  CopyPartResult part{At(1554781532), "\"3E1B002CC607C5A0FE5B3C1A2E053D76\""};
  StatusOr<CopyPartResult> part_out = DecodeCopyPartResult(EncodeXml(part));
  ASSERT_TRUE(part_out.ok()) << part_out.error().ToString();
  EXPECT_EQ(*part_out, part);
}

TEST(XmlRoundTrip, DeleteMultipleObjectsRequestAndResult) {
  for (const char* encoding : {"", "url"}) {
    for (bool quiet : {false, true}) {
      DeleteMultipleObjects in{quiet, TrickyKeys(), encoding};
      StatusOr<DeleteMultipleObjects> out = DecodeDeleteMultipleObjects(EncodeXml(in), encoding);
      ASSERT_TRUE(out.ok()) << out.error().ToString();
      EXPECT_EQ(*out, in);
    }
    DeleteMultipleObjectsResult result{encoding, TrickyKeys()};
    StatusOr<DeleteMultipleObjectsResult> result_out =
        DecodeDeleteMultipleObjectsResult(EncodeXml(result));
    ASSERT_TRUE(result_out.ok()) << result_out.error().ToString();
    EXPECT_EQ(*result_out, result);
  }
  DeleteMultipleObjectsResult quiet{"", {}};
  StatusOr<DeleteMultipleObjectsResult> quiet_out =
      DecodeDeleteMultipleObjectsResult(EncodeXml(quiet));
  ASSERT_TRUE(quiet_out.ok()) << quiet_out.error().ToString();
  EXPECT_TRUE(quiet_out->deleted.empty());
}

TEST(XmlRoundTrip, ListMultipartUploadsResult) {
  for (const char* encoding : {"", "url"}) {
    const std::vector<std::string>& keys = TrickyKeys();
    ListMultipartUploadsResult in;
    in.bucket = "b";
    in.key_marker = keys[1];
    in.upload_id_marker = "UID0";
    in.next_key_marker = keys[4];
    in.next_upload_id_marker = "UID9";
    in.delimiter = "/";
    in.prefix = keys[2];
    in.max_uploads = 2;
    in.is_truncated = true;
    in.encoding_type = encoding;
    for (size_t i = 0; i < keys.size(); ++i) {
      in.uploads.push_back({keys[i], "UPLOAD" + std::to_string(i), i % 2 ? "IA" : "Standard",
                            At(1700631957 + static_cast<int64_t>(i), 7)});
    }
    in.common_prefixes = {"a b/", "+/", "\xE4\xB8\xAD/"};
    StatusOr<ListMultipartUploadsResult> out = DecodeListMultipartUploadsResult(EncodeXml(in));
    ASSERT_TRUE(out.ok()) << encoding << ": " << out.error().ToString();
    EXPECT_EQ(*out, in) << encoding;
  }
}

TEST(XmlRoundTrip, ListObjectsResult) {
  for (const char* encoding : {"", "url"}) {
    const std::vector<std::string>& keys = TrickyKeys();
    ListObjectsResult in;
    in.name = "examplebucket";
    in.prefix = "dir/sub dir/";
    in.marker = keys[3];
    in.max_keys = 1000;
    in.delimiter = "/";
    in.is_truncated = true;
    in.next_marker = keys[2];
    in.encoding_type = encoding;
    for (size_t i = 0; i < keys.size(); ++i) {
      // Every other entry has an owner (ListObjectsV2 without fetch-owner sends none).
      std::optional<Owner> owner;
      if (i % 2 == 0) owner = Owner{"0022012" + std::to_string(i), "user <" + keys[i] + ">"};
      in.contents.push_back({keys[i], At(1330072987, static_cast<int64_t>(i)),
                             "\"5B3C1A2E053D763E1B002CC607C5A0FE\"", i % 2 ? "Multipart" : "Normal",
                             344606 + i, "Standard", owner});
    }
    in.common_prefixes = {"fun/", "a+b/"};
    StatusOr<ListObjectsResult> out = DecodeListObjectsResult(EncodeXml(in));
    ASSERT_TRUE(out.ok()) << encoding << ": " << out.error().ToString();
    EXPECT_EQ(*out, in) << encoding;
  }
}

TEST(XmlEncode, ObjectOwnerFollowsStorageClassOnlyWhenSet) {
  ListObjectsResult result;
  result.name = "b";
  result.contents.push_back({"with", At(1330072987), "\"E\"", "Normal", 1, "Standard",
                             Owner{"1000000000000000", "fake-oss"}});
  result.contents.push_back({"without", At(1330072987), "\"E\"", "Normal", 1, "Standard", {}});
  const std::string xml = EncodeXml(result);
  const size_t with = xml.find("<Key>with</Key>");
  const size_t without = xml.find("<Key>without</Key>");
  ASSERT_NE(with, std::string::npos) << xml;
  ASSERT_NE(without, std::string::npos) << xml;
  // OSS's element order (docs/protocol.md, "Bucket operations"): ... StorageClass, Owner.
  const size_t owner = xml.find(
      "<StorageClass>Standard</StorageClass>\n    <Owner>\n      <ID>1000000000000000</ID>\n"
      "      <DisplayName>fake-oss</DisplayName>\n    </Owner>\n  </Contents>",
      with);
  EXPECT_LT(owner, without) << xml;
  EXPECT_EQ(xml.find("<Owner>", without), std::string::npos) << xml;
}

TEST(XmlRoundTrip, AccessControlPolicy) {
  for (const char* grant : {"default", "private", "public-read", "public-read-write"}) {
    AccessControlPolicy in{"0022012", "owner name", grant};
    StatusOr<AccessControlPolicy> out = DecodeAccessControlPolicy(EncodeXml(in));
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_EQ(*out, in);
  }
}

TEST(XmlDecodeSpec, AccessControlPolicyOfGetObjectAcl) {
  // The GetObjectACL response example (its Grant carries a trailing space).
  StatusOr<AccessControlPolicy> v = DecodeAccessControlPolicy(R"(<?xml version="1.0" ?>
<AccessControlPolicy>
    <Owner>
        <ID>0022012****</ID>
        <DisplayName>0022012****</DisplayName>
    </Owner>
    <AccessControlList>
        <Grant>public-read </Grant>
    </AccessControlList>
</AccessControlPolicy>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->owner_id, "0022012****");
  EXPECT_EQ(v->grant, "public-read");
  EXPECT_FALSE(
      DecodeAccessControlPolicy("<AccessControlPolicy><Owner/></AccessControlPolicy>").ok());
  EXPECT_FALSE(
      DecodeAccessControlPolicy("<AccessControlPolicy><AccessControlList/></AccessControlPolicy>")
          .ok());
}

TEST(XmlRoundTrip, ListBucketsResult) {
  ListBucketsResult in;
  in.owner_id = "512";
  in.owner_display_name = "51264";
  in.buckets = {{"app-base-oss", At(1392660763), "oss-cn-shanghai", "cn-shanghai", "Standard"},
                {"b2", At(1392660764, 999), "oss-cn-hangzhou", "cn-hangzhou", "IA"}};
  StatusOr<ListBucketsResult> out = DecodeListBucketsResult(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
  in.paged = true;
  in.prefix = "app";
  in.marker = "a";
  in.max_keys = 2;
  in.is_truncated = true;
  in.next_marker = "b2";
  StatusOr<ListBucketsResult> paged = DecodeListBucketsResult(EncodeXml(in));
  ASSERT_TRUE(paged.ok()) << paged.error().ToString();
  EXPECT_EQ(*paged, in);
  StatusOr<ListBucketsResult> empty = DecodeListBucketsResult(EncodeXml(ListBucketsResult{}));
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_EQ(*empty, ListBucketsResult{});
}

TEST(XmlRoundTrip, LifecycleConfiguration) {
  LifecycleConfiguration in;
  LifecycleRule days;
  days.id = "rule1";
  days.prefix = "zzz";
  days.abort_multipart_days = 20;
  LifecycleRule date;
  date.id = "rule2";
  date.enabled = false;
  date.abort_multipart_created_before = At(1640822400);
  date.expiration_days = 30;
  in.rules = {days, date};
  StatusOr<LifecycleConfiguration> out = DecodeLifecycleConfiguration(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
}

TEST(XmlRoundTrip, CreateBucketConfiguration) {
  CreateBucketConfiguration in{"IA"};
  StatusOr<CreateBucketConfiguration> out = DecodeCreateBucketConfiguration(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
}

TEST(XmlRoundTrip, ErrorDocument) {
  Error in;
  in.code = "InvalidArgument";
  in.message = "Part number must be an integer between 1 and 10000, inclusive.";
  in.request_id = "5C3D9175B6FC201293AD0000";
  in.host_id = "b.oss-cn-hangzhou.aliyuncs.com";
  in.ec = "0017-00000220";
  in.details = {{"ArgumentName", "PartNumber"}, {"ArgumentValue", "10001 & <more>"}};
  StatusOr<Error> out = DecodeErrorDocument(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);  // http_status stays 0 on both sides
}

// --- Encoder output ---------------------------------------------------------------------------

TEST(XmlEncode, WritesPrologAndOssElementOrder) {
  const std::string xml = EncodeXml(InitiateMultipartUploadResult{"b", "k", "U", ""});
  EXPECT_EQ(xml, std::string(kProlog) +
                     "\n<InitiateMultipartUploadResult>\n  <Bucket>b</Bucket>\n  <Key>k</Key>\n"
                     "  <UploadId>U</UploadId>\n</InitiateMultipartUploadResult>\n");
}

TEST(XmlEncode, UrlEncodingTypeEncodesKeysAndAnnouncesIt) {
  const std::string xml =
      EncodeXml(CompleteMultipartUploadResult{"loc", "b", "a b/+%.txt", "\"E\"", "url"});
  EXPECT_NE(xml.find("<EncodingType>url</EncodingType>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Key>a%20b%2F%2B%25.txt</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ETag>\"E\"</ETag>"), std::string::npos) << xml;
  const std::string plain = EncodeXml(CompleteMultipartUploadResult{"loc", "b", "a&b", "", ""});
  EXPECT_EQ(plain.find("EncodingType"), std::string::npos) << plain;
  EXPECT_NE(plain.find("<Key>a&amp;b</Key>"), std::string::npos) << plain;
}

TEST(XmlEncode, ListMultipartUploadsEncodesMarkersPrefixAndDelimiterButNotUploadIds) {
  ListMultipartUploadsResult v;
  v.key_marker = "k m";
  v.upload_id_marker = "ID+1";
  v.prefix = "p/";
  v.delimiter = "/";
  v.encoding_type = "url";
  v.common_prefixes = {"p/q r/"};
  const std::string xml = EncodeXml(v);
  EXPECT_NE(xml.find("<KeyMarker>k%20m</KeyMarker>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<UploadIdMarker>ID+1</UploadIdMarker>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Prefix>p%2F</Prefix>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Delimiter>%2F</Delimiter>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<CommonPrefixes>\n    <Prefix>p%2Fq%20r%2F</Prefix>"), std::string::npos)
      << xml;
}

TEST(XmlEncode, ErrorDocumentOrderWithRecommendDoc) {
  Error e;
  e.code = "NoSuchBucket";
  e.message = "The specified bucket does not exist.";
  e.request_id = "R";
  e.host_id = "H";
  e.ec = "0015-00000101";
  e.details = {{"BucketName", "test"}};
  const std::string xml = EncodeXml(e);
  const std::vector<std::string> in_order = {
      "<Error>",
      "<Code>NoSuchBucket</Code>",
      "<Message>The specified bucket does not exist.</Message>",
      "<RequestId>R</RequestId>",
      "<HostId>H</HostId>",
      "<BucketName>test</BucketName>",
      "<EC>0015-00000101</EC>",
      "<RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>",
      "</Error>"};
  size_t position = 0;
  for (const std::string& piece : in_order) {
    const size_t found = xml.find(piece, position);
    ASSERT_NE(found, std::string::npos) << piece << " in\n" << xml;
    position = found + piece.size();
  }
  e.ec.clear();
  EXPECT_EQ(EncodeXml(e).find("RecommendDoc"), std::string::npos);
  EXPECT_EQ(EncodeXml(e).find("<EC>"), std::string::npos);
}

// --- Documented examples (docs/protocol.md) ---------------------------------------------------

TEST(XmlDecodeSpec, ListPartsResult) {
  StatusOr<ListPartsResult> v = DecodeListPartsResult(R"(<ListPartsResult>
  <EncodingType>url</EncodingType>
  <Bucket>bucket</Bucket>
  <Key>demo%2Fgp-%0C%0A%0B</Key>
  <UploadId>D4E111D4EA834F3ABCE4877B2779****</UploadId>
  <StorageClass>Standard</StorageClass>
  <PartNumberMarker>0</PartNumberMarker>
  <NextPartNumberMarker>1</NextPartNumberMarker>
  <MaxParts>1000</MaxParts>
  <IsTruncated>false</IsTruncated>
  <Part>
    <PartNumber>1</PartNumber>
    <LastModified>2023-11-22T05:42:34.000Z</LastModified>
    <ETag>"CF3F46D505093571E916FCDD4967****"</ETag>
    <HashCrc64ecma>12066172435287683848</HashCrc64ecma>
    <Size>96316</Size>
  </Part>
</ListPartsResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->encoding_type, "url");
  EXPECT_EQ(v->bucket, "bucket");
  EXPECT_EQ(v->key, "demo/gp-\x0c\n\x0b");
  EXPECT_EQ(v->upload_id, "D4E111D4EA834F3ABCE4877B2779****");
  EXPECT_EQ(v->storage_class, "Standard");
  EXPECT_EQ(v->part_number_marker, 0);
  EXPECT_EQ(v->next_part_number_marker, 1);
  EXPECT_EQ(v->max_parts, 1000);
  EXPECT_FALSE(v->is_truncated);
  ASSERT_EQ(v->parts.size(), 1u);
  EXPECT_EQ(v->parts[0].part_number, 1);
  EXPECT_EQ(v->parts[0].last_modified, At(1700631754));
  EXPECT_EQ(v->parts[0].etag, "\"CF3F46D505093571E916FCDD4967****\"");
  EXPECT_EQ(v->parts[0].crc64, 12066172435287683848ull);
  EXPECT_EQ(v->parts[0].size, 96316u);
}

TEST(XmlDecodeSpec, CompleteMultipartUploadResult) {
  StatusOr<CompleteMultipartUploadResult> v =
      DecodeCompleteMultipartUploadResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
  <Location>http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data</Location>
  <Bucket>oss-example</Bucket>
  <Key>multipart.data</Key>
  <ETag>"097DE458AD02B5F89F9D0530231876****"</ETag>
</CompleteMultipartUploadResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->location, "http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data");
  EXPECT_EQ(v->bucket, "oss-example");
  EXPECT_EQ(v->key, "multipart.data");
  EXPECT_EQ(v->etag, "\"097DE458AD02B5F89F9D0530231876****\"");
  EXPECT_EQ(v->encoding_type, "");
}

TEST(XmlDecodeSpec, CopyObjectResult) {
  StatusOr<CopyObjectResult> v = DecodeCopyObjectResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult>
  <ETag>"5B3C1A2E053D763E1B002CC607C5A0FE1****"</ETag>
  <LastModified>2019-04-09T03:45:32.000Z</LastModified>
</CopyObjectResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->etag, "\"5B3C1A2E053D763E1B002CC607C5A0FE1****\"");
  EXPECT_EQ(v->last_modified, At(1554781532));
  EXPECT_EQ(EncodeXml(*v), std::string(kProlog) +
                               "\n<CopyObjectResult>\n"
                               "  <ETag>\"5B3C1A2E053D763E1B002CC607C5A0FE1****\"</ETag>\n"
                               "  <LastModified>2019-04-09T03:45:32.000Z</LastModified>\n"
                               "</CopyObjectResult>\n");
}

TEST(XmlDecodeSpec, CopyPartResult) {
  StatusOr<CopyPartResult> v = DecodeCopyPartResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<CopyPartResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
    <LastModified>2014-07-17T06:27:54.000Z</LastModified>
    <ETag>"5B3C1A2E053D763E1B002CC607C5****"</ETag>
</CopyPartResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->etag, "\"5B3C1A2E053D763E1B002CC607C5****\"");
  EXPECT_EQ(v->last_modified, At(1405578474));
}

TEST(XmlDecodeSpec, DeleteMultipleObjectsRequest) {
  StatusOr<DeleteMultipleObjects> v =
      DecodeDeleteMultipleObjects(R"(<?xml version="1.0" encoding="UTF-8"?>
<Delete>
  <Quiet>false</Quiet>
  <Object>
    <Key>multipart.data</Key>
  </Object>
  <Object>
    <Key>test.jpg</Key>
  </Object>
  <Object><Key>a%2Fb c</Key></Object>
</Delete>)",
                                  "");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_FALSE(v->quiet);
  EXPECT_EQ(v->keys, (std::vector<std::string>{"multipart.data", "test.jpg", "a%2Fb c"}));
  // encoding-type=url asks for an encoded answer; the request's keys are taken as they are.
  StatusOr<DeleteMultipleObjects> url = DecodeDeleteMultipleObjects(
      "<Delete><Quiet>true</Quiet><Object><Key>a%2Fb+c</Key></Object></Delete>", "url");
  ASSERT_TRUE(url.ok()) << url.error().ToString();
  EXPECT_TRUE(url->quiet);
  EXPECT_EQ(url->encoding_type, "url");
  EXPECT_EQ(url->keys, (std::vector<std::string>{"a%2Fb+c"}));
  StatusOr<DeleteMultipleObjects> no_quiet =
      DecodeDeleteMultipleObjects("<Delete><Object><Key>k</Key></Object></Delete>", "");
  ASSERT_TRUE(no_quiet.ok()) << no_quiet.error().ToString();
  EXPECT_FALSE(no_quiet->quiet);
}

TEST(XmlDecodeSpec, DeleteResult) {
  StatusOr<DeleteMultipleObjectsResult> v =
      DecodeDeleteMultipleObjectsResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">
    <Deleted>
       <Key>multipart.data</Key>
    </Deleted>
    <Deleted>
       <Key>test.jpg</Key>
    </Deleted>
</DeleteResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->deleted, (std::vector<std::string>{"multipart.data", "test.jpg"}));
  EXPECT_EQ(v->encoding_type, "");
}

TEST(XmlDecodeMalformed, DeleteMultipleObjectsNeedsOneToAThousandKeyedObjects) {
  ExpectMalformed(DecodeDeleteMultipleObjects("<Delete><Quiet>true</Quiet></Delete>", ""),
                  "no objects");
  ExpectMalformed(DecodeDeleteMultipleObjects("<Delete><Object></Object></Delete>", ""),
                  "object without key");
  ExpectMalformed(DecodeDeleteMultipleObjects("<Delete><Object><Key></Key></Object></Delete>", ""),
                  "empty key");
  ExpectMalformed(DecodeDeleteMultipleObjects(
                      "<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>", ""),
                  "bad quiet");
  ExpectMalformed(DecodeDeleteMultipleObjects("<Remove><Object><Key>k</Key></Object></Remove>", ""),
                  "wrong root");
  // Request keys are never URL-decoded, so "%zz" is a key like any other.
  StatusOr<DeleteMultipleObjects> literal =
      DecodeDeleteMultipleObjects("<Delete><Object><Key>bad%zz</Key></Object></Delete>", "url");
  ASSERT_TRUE(literal.ok()) << literal.error().ToString();
  EXPECT_EQ(literal->keys, std::vector<std::string>{"bad%zz"});
  DeleteMultipleObjects many;
  for (size_t i = 0; i < limits::kMaxDeleteObjects; ++i) many.keys.push_back(std::to_string(i));
  EXPECT_TRUE(DecodeDeleteMultipleObjects(EncodeXml(many), "").ok());
  many.keys.push_back("one-too-many");
  ExpectMalformed(DecodeDeleteMultipleObjects(EncodeXml(many), ""), "1001 keys");
}

TEST(XmlDecodeSpec, InitiateMultipartUploadResult) {
  StatusOr<InitiateMultipartUploadResult> v =
      DecodeInitiateMultipartUploadResult(R"(<InitiateMultipartUploadResult>
  <Bucket>oss-example</Bucket>
  <Key>multipart.data</Key>
  <UploadId>0004B9894A22E5B1888A1E29F823****</UploadId>
</InitiateMultipartUploadResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(*v, (InitiateMultipartUploadResult{"oss-example", "multipart.data",
                                               "0004B9894A22E5B1888A1E29F823****", ""}));
}

TEST(XmlDecodeSpec, ListMultipartUploadsResult) {
  StatusOr<ListMultipartUploadsResult> v =
      DecodeListMultipartUploadsResult(R"(<ListMultipartUploadsResult>
  <Bucket>oss-example</Bucket>
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>oss.avi</NextKeyMarker>
  <NextUploadIdMarker>89F0105AA66942638E35300618DF****</NextUploadIdMarker>
  <Delimiter>/</Delimiter>
  <Prefix>pre</Prefix>
  <MaxUploads>1000</MaxUploads>
  <IsTruncated>false</IsTruncated>
  <Upload>
    <Key>multipart.data</Key>
    <UploadId>0214A87687F040F1BA4D83AB17C9****</UploadId>
    <StorageClass>Standard</StorageClass>
    <Initiated>2023-11-22T05:45:57.000Z</Initiated>
  </Upload>
</ListMultipartUploadsResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->bucket, "oss-example");
  EXPECT_EQ(v->key_marker, "");
  EXPECT_EQ(v->upload_id_marker, "");
  EXPECT_EQ(v->next_key_marker, "oss.avi");
  EXPECT_EQ(v->next_upload_id_marker, "89F0105AA66942638E35300618DF****");
  EXPECT_EQ(v->delimiter, "/");
  EXPECT_EQ(v->prefix, "pre");
  EXPECT_EQ(v->max_uploads, 1000);
  EXPECT_FALSE(v->is_truncated);
  ASSERT_EQ(v->uploads.size(), 1u);
  EXPECT_EQ(v->uploads[0], (UploadInfo{"multipart.data", "0214A87687F040F1BA4D83AB17C9****",
                                       "Standard", At(1700631957)}));
  EXPECT_TRUE(v->common_prefixes.empty());
}

TEST(XmlDecodeSpec, ListBucketResult) {
  StatusOr<ListObjectsResult> v = DecodeListObjectsResult(R"(<ListBucketResult>
  <Name>examplebucket</Name><Prefix></Prefix><Marker></Marker><MaxKeys>100</MaxKeys>
  <Delimiter></Delimiter><IsTruncated>false</IsTruncated>
  <Contents>
    <Key>fun/movie/001.avi</Key><LastModified>2012-02-24T08:43:07.000Z</LastModified>
    <ETag>"5B3C1A2E053D763E1B002CC607C5A0FE"</ETag><Type>Normal</Type><Size>344606</Size>
    <StorageClass>Standard</StorageClass>
    <Owner><ID>0022012****</ID><DisplayName>user-example</DisplayName></Owner>
  </Contents>
  <CommonPrefixes><Prefix>fun/</Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->name, "examplebucket");
  EXPECT_EQ(v->max_keys, 100);
  EXPECT_FALSE(v->is_truncated);
  EXPECT_EQ(v->next_marker, "");
  ASSERT_EQ(v->contents.size(), 1u);
  EXPECT_EQ(v->contents[0], (ObjectSummary{"fun/movie/001.avi", At(1330072987),
                                           "\"5B3C1A2E053D763E1B002CC607C5A0FE\"", "Normal", 344606,
                                           "Standard", Owner{"0022012****", "user-example"}}));
  EXPECT_EQ(v->common_prefixes, std::vector<std::string>{"fun/"});
}

TEST(XmlDecodeSpec, ListAllMyBucketsResult) {
  StatusOr<ListBucketsResult> v = DecodeListBucketsResult(R"(<ListAllMyBucketsResult>
  <Owner><ID>512**</ID><DisplayName>51264</DisplayName></Owner>
  <Buckets><Bucket>
    <CreationDate>2014-02-17T18:12:43.000Z</CreationDate>
    <ExtranetEndpoint>oss-cn-shanghai.aliyuncs.com</ExtranetEndpoint>
    <IntranetEndpoint>oss-cn-shanghai-internal.aliyuncs.com</IntranetEndpoint>
    <Location>oss-cn-shanghai</Location><Name>app-base-oss</Name>
    <Region>cn-shanghai</Region><StorageClass>Standard</StorageClass>
  </Bucket></Buckets>
</ListAllMyBucketsResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->owner_id, "512**");
  EXPECT_EQ(v->owner_display_name, "51264");
  ASSERT_EQ(v->buckets.size(), 1u);
  EXPECT_EQ(v->buckets[0], (BucketInfo{"app-base-oss", At(1392660763), "oss-cn-shanghai",
                                       "cn-shanghai", "Standard"}));
}

TEST(XmlDecodeSpec, ListAllMyBucketsResultPaged) {
  // The GetService (ListBuckets) page example: paging elements before <Owner>.
  StatusOr<ListBucketsResult> v = DecodeListBucketsResult(R"(<ListAllMyBucketsResult>
  <Prefix>my</Prefix>
  <Marker>mybucket</Marker>
  <MaxKeys>10</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextMarker>mybucket10</NextMarker>
  <Owner><ID>ut_test_put_bucket</ID><DisplayName>ut_test_put_bucket</DisplayName></Owner>
  <Buckets><Bucket>
    <CreationDate>2014-05-14T11:18:32.000Z</CreationDate>
    <Location>oss-cn-hangzhou</Location><Name>mybucket01</Name>
    <Region>cn-hangzhou</Region><StorageClass>Standard</StorageClass>
  </Bucket></Buckets>
</ListAllMyBucketsResult>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_TRUE(v->paged);
  EXPECT_EQ(v->prefix, "my");
  EXPECT_EQ(v->marker, "mybucket");
  EXPECT_EQ(v->max_keys, 10);
  EXPECT_TRUE(v->is_truncated);
  EXPECT_EQ(v->next_marker, "mybucket10");
  ASSERT_EQ(v->buckets.size(), 1u);
  EXPECT_EQ(v->buckets[0].name, "mybucket01");
}

TEST(XmlDecodeSpec, ErrorDocument) {
  StatusOr<Error> v = DecodeErrorDocument(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchBucket</Code>
  <Message>The specified bucket does not exist.</Message>
  <RequestId>5C3D9175B6FC201293AD****</RequestId>
  <HostId>test.oss-cn-hangzhou.aliyuncs.com</HostId>
  <BucketName>test</BucketName>
  <EC>0015-00000101</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>
</Error>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->http_status, 0);
  EXPECT_EQ(v->code, "NoSuchBucket");
  EXPECT_EQ(v->message, "The specified bucket does not exist.");
  EXPECT_EQ(v->request_id, "5C3D9175B6FC201293AD****");
  EXPECT_EQ(v->host_id, "test.oss-cn-hangzhou.aliyuncs.com");
  EXPECT_EQ(v->ec, "0015-00000101");
  EXPECT_EQ(v->details, (std::vector<std::pair<std::string, std::string>>{{"BucketName", "test"}}));
}

TEST(XmlDecodeSpec, SignatureErrorKeepsEveryDetailInOrder) {
  StatusOr<Error> v = DecodeErrorDocument(
      "<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><RequestId>R</RequestId>"
      "<HostId>H</HostId><OSSAccessKeyId>AK</OSSAccessKeyId><SignatureProvided>S</"
      "SignatureProvided><StringToSign>PUT\n\n\n</StringToSign><StringToSignBytes>50 55 54 0A"
      "</StringToSignBytes><EC>0002-00000040</EC></Error>");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  ASSERT_EQ(v->details.size(), 4u);
  EXPECT_EQ(v->details[0].first, "OSSAccessKeyId");
  EXPECT_EQ(v->details[3].first, "StringToSignBytes");
  EXPECT_EQ(v->Detail("StringToSign"), "PUT\n\n\n");
  EXPECT_EQ(v->ec, "0002-00000040");
}

TEST(XmlDecodeSpec, LifecycleConfiguration) {
  StatusOr<LifecycleConfiguration> v = DecodeLifecycleConfiguration(R"(<LifecycleConfiguration>
  <Rule>
    <ID>rule1</ID><Prefix>zzz</Prefix><Status>Enabled</Status>
    <AbortMultipartUpload><Days>20</Days></AbortMultipartUpload>
  </Rule>
  <Rule>
    <ID>rule2</ID><Prefix></Prefix><Status>Disabled</Status>
    <AbortMultipartUpload><CreatedBeforeDate>2021-12-30T00:00:00.000Z</CreatedBeforeDate></AbortMultipartUpload>
  </Rule>
</LifecycleConfiguration>)");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  ASSERT_EQ(v->rules.size(), 2u);
  EXPECT_EQ(v->rules[0].id, "rule1");
  EXPECT_EQ(v->rules[0].prefix, "zzz");
  EXPECT_TRUE(v->rules[0].enabled);
  EXPECT_EQ(v->rules[0].abort_multipart_days, 20);
  EXPECT_EQ(v->rules[0].abort_multipart_created_before, std::nullopt);
  EXPECT_FALSE(v->rules[1].enabled);
  EXPECT_EQ(v->rules[1].abort_multipart_days, std::nullopt);
  EXPECT_EQ(v->rules[1].abort_multipart_created_before, At(1640822400));
}

TEST(XmlDecodeSpec, CreateBucketConfigurationWithExtraElements) {
  StatusOr<CreateBucketConfiguration> v = DecodeCreateBucketConfiguration(
      "<CreateBucketConfiguration><StorageClass>Archive</StorageClass>"
      "<DataRedundancyType>LRS</DataRedundancyType></CreateBucketConfiguration>");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->storage_class, "Archive");
  StatusOr<CreateBucketConfiguration> bare =
      DecodeCreateBucketConfiguration("<CreateBucketConfiguration/>");
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  EXPECT_EQ(bare->storage_class, "Standard");
}

// --- Complete request bodies as SDKs write them -------------------------------------------------

TEST(XmlDecodeComplete, AcceptsEveryEtagQuotingAndKeepsDocumentOrder) {
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(
      "<CompleteMultipartUpload>"
      "<Part><PartNumber>5</PartNumber><ETag>\"AAAA\"</ETag></Part>"
      "<Part><PartNumber>1</PartNumber><ETag>&quot;BBBB&quot;</ETag></Part>"
      "<Part><PartNumber>3</PartNumber><ETag>&#34;CCCC&#34;</ETag></Part>"
      "<Part><PartNumber>2</PartNumber><ETag>&#x22;DDDD&#x22;</ETag></Part>"
      "</CompleteMultipartUpload>");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->parts, (std::vector<CompletePart>{
                          {5, "\"AAAA\""}, {1, "\"BBBB\""}, {3, "\"CCCC\""}, {2, "\"DDDD\""}}));
}

TEST(XmlDecodeComplete, AliOssBodyWithPrologAndNewlines) {
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CompleteMultipartUpload>\n<Part>\n<PartNumber>1</PartNumber>\n"
      "<ETag>\"773DA389FB6D50B39D9798316098D9C0\"</ETag>\n</Part>\n"
      "<Part>\n<PartNumber>2</PartNumber>\n"
      "<ETag>76ECDEADA7A0C060E32DC6202F171BD0</ETag>\n</Part>\n"
      "</CompleteMultipartUpload>\n");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->parts, (std::vector<CompletePart>{{1, "\"773DA389FB6D50B39D9798316098D9C0\""},
                                                 {2, "76ECDEADA7A0C060E32DC6202F171BD0"}}));
}

TEST(XmlDecodeComplete, ToleratesWhitespaceInsideNumbersAndEtags) {
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><Extra/><PartNumber>\n 7 \n</PartNumber>"
      "<ETag>\n  \"E\"  \n</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->parts, (std::vector<CompletePart>{{7, "\"E\""}}));
}

TEST(XmlDecodeComplete, RejectsPartsWithoutNumberOrEtagAndEmptyLists) {
  ExpectMalformed(
      DecodeCompleteMultipartUpload("<CompleteMultipartUpload><Part><ETag>\"E\"</ETag></Part>"
                                    "</CompleteMultipartUpload>"),
      "no PartNumber");
  ExpectMalformed(DecodeCompleteMultipartUpload(
                      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
                      "</CompleteMultipartUpload>"),
                  "no ETag");
  ExpectMalformed(DecodeCompleteMultipartUpload(
                      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag></ETag>"
                      "</Part></CompleteMultipartUpload>"),
                  "empty ETag");
  ExpectMalformed(DecodeCompleteMultipartUpload("<CompleteMultipartUpload/>"), "no parts");
  ExpectMalformed(
      DecodeCompleteMultipartUpload("<CompleteMultipartUpload><Part><PartNumber>one</PartNumber>"
                                    "<ETag>E</ETag></Part></CompleteMultipartUpload>"),
      "non-numeric part number");
}

TEST(XmlDecodeComplete, ErrorMessageSaysWhatWasWrong) {
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>E</ETag></Part>"
      "<Part><ETag>F</ETag></Part></CompleteMultipartUpload>");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("Part[2]"), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find("PartNumber"), std::string::npos) << v.error().message;
}

// --- Malformed inputs -------------------------------------------------------------------------

TEST(XmlDecodeMalformed, EmptyWhitespaceGarbageAndTruncatedBodies) {
  ExpectMalformed(DecodeListPartsResult(""), "empty");
  ExpectMalformed(DecodeListPartsResult(" \n\t "), "whitespace");
  ExpectMalformed(DecodeListPartsResult("\xff\xfe\x00\x01garbage"), "garbage");
  ExpectMalformed(DecodeListPartsResult("not xml at all"), "text");
  ExpectMalformed(DecodeListPartsResult("<ListPartsResult><Bucket>b</Bucket>"), "unclosed");
  const std::string full = EncodeXml(ListPartsResult{});
  for (size_t cut = 0; cut + 1 < full.size(); cut += 7) {
    ExpectMalformed(DecodeListPartsResult(std::string_view(full).substr(0, cut)),
                    "truncated at " + std::to_string(cut));
  }
}

TEST(XmlDecodeMalformed, WrongRootAndExtraTopLevelElements) {
  ExpectMalformed(DecodeListPartsResult("<ListBucketResult><IsTruncated>false</IsTruncated>"
                                        "</ListBucketResult>"),
                  "wrong root");
  ExpectMalformed(DecodeErrorDocument("<error><Code>X</Code></error>"), "case of root");
  ExpectMalformed(DecodeCompleteMultipartUpload(
                      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>E</ETag>"
                      "</Part></CompleteMultipartUpload><CompleteMultipartUpload/>"),
                  "two roots");
}

TEST(XmlDecodeMalformed, BadNumbersAndBooleans) {
  const auto list_parts = [](const std::string& inner) {
    return DecodeListPartsResult("<ListPartsResult><IsTruncated>false</IsTruncated>" + inner +
                                 "</ListPartsResult>");
  };
  ExpectMalformed(list_parts("<MaxParts>12x</MaxParts>"), "trailing junk");
  ExpectMalformed(list_parts("<MaxParts>99999999999999999999</MaxParts>"), "overflow");
  ExpectMalformed(list_parts("<MaxParts></MaxParts>"), "empty number");
  ExpectMalformed(list_parts("<Part><PartNumber>1</PartNumber><ETag>E</ETag><Size>-5</Size>"
                             "</Part>"),
                  "negative size");
  ExpectMalformed(list_parts("<Part><PartNumber>1</PartNumber><ETag>E</ETag><Size>1</Size>"
                             "<HashCrc64ecma>0x12</HashCrc64ecma></Part>"),
                  "hex crc");
  ExpectMalformed(list_parts("<Part><PartNumber>1</PartNumber><ETag>E</ETag><Size>1</Size>"
                             "<LastModified>yesterday</LastModified></Part>"),
                  "bad time");
  ExpectMalformed(DecodeListPartsResult("<ListPartsResult><IsTruncated>yes</IsTruncated>"
                                        "</ListPartsResult>"),
                  "bad boolean");
  ASSERT_TRUE(list_parts("<MaxParts> 12 </MaxParts>").ok());
  EXPECT_EQ(list_parts("<MaxParts> 12 </MaxParts>")->max_parts, 12);
}

TEST(XmlDecodeMalformed, MissingRequiredElements) {
  ExpectMalformed(DecodeInitiateMultipartUploadResult(
                      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                      "</InitiateMultipartUploadResult>"),
                  "no UploadId");
  ExpectMalformed(DecodeInitiateMultipartUploadResult(
                      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                      "<UploadId> </UploadId></InitiateMultipartUploadResult>"),
                  "blank UploadId");
  ExpectMalformed(DecodeListPartsResult("<ListPartsResult/>"), "no IsTruncated");
  ExpectMalformed(DecodeListPartsResult("<ListPartsResult><IsTruncated>true</IsTruncated>"
                                        "</ListPartsResult>"),
                  "truncated without NextPartNumberMarker");
  ExpectMalformed(DecodeListMultipartUploadsResult(
                      "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>"
                      "<Key>k</Key></Upload></ListMultipartUploadsResult>"),
                  "upload without UploadId");
  ExpectMalformed(
      DecodeCompleteMultipartUploadResult(
          "<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>"),
      "no ETag");
  ExpectMalformed(DecodeErrorDocument("<Error><Message>m</Message></Error>"), "no Code");
  ExpectMalformed(DecodeListBucketsResult("<ListAllMyBucketsResult><Buckets><Bucket>"
                                          "<Location>x</Location></Bucket></Buckets>"
                                          "</ListAllMyBucketsResult>"),
                  "bucket without name");
}

TEST(XmlDecodeMalformed, BadUrlEscapeWhenEncodingTypeIsUrl) {
  ExpectMalformed(DecodeInitiateMultipartUploadResult(
                      "<InitiateMultipartUploadResult><EncodingType>url</EncodingType>"
                      "<Bucket>b</Bucket><Key>bad%zz</Key><UploadId>U</UploadId>"
                      "</InitiateMultipartUploadResult>"),
                  "bad escape");
  StatusOr<InitiateMultipartUploadResult> literal = DecodeInitiateMultipartUploadResult(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>bad%zz</Key><UploadId>U</UploadId>"
      "</InitiateMultipartUploadResult>");
  ASSERT_TRUE(literal.ok()) << literal.error().ToString();
  EXPECT_EQ(literal->key, "bad%zz");
}

TEST(XmlDecodeMalformed, NulBytesAndInvalidUtf8) {
  using namespace std::string_literals;
  ExpectMalformed(DecodeCompleteMultipartUpload(
                      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>E</ETag>"
                      "</Part></CompleteMultipartUpload>\0<junk"s),
                  "NUL");
  ExpectMalformed(DecodeInitiateMultipartUploadResult(
                      "<InitiateMultipartUploadResult><Key>\xC0\xAF</Key><UploadId>U</UploadId>"
                      "</InitiateMultipartUploadResult>"),
                  "overlong UTF-8");
  ExpectMalformed(DecodeInitiateMultipartUploadResult(
                      "<InitiateMultipartUploadResult><Key>\xED\xA0\x80</Key><UploadId>U"
                      "</UploadId></InitiateMultipartUploadResult>"),
                  "surrogate");
}

TEST(XmlDecodeMalformed, OversizedBodyIsRejectedBeforeParsing) {
  std::string body = "<CompleteMultipartUpload>";
  const std::string part = "<Part><PartNumber>1</PartNumber><ETag>\"E\"</ETag></Part>";
  while (body.size() <= limits::kMaxXmlBodySize) body += part;
  body += "</CompleteMultipartUpload>";
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(body);
  ExpectMalformed(v, "oversized");
  EXPECT_NE(v.error().message.find("limit"), std::string::npos) << v.error().message;
}

TEST(XmlDecodeMalformed, DeeplyNestedBodyIsRejectedWithoutExhaustingTheStack) {
  std::string body = "<CompleteMultipartUpload>";
  for (int i = 0; i < 100000; ++i) body += "<Part>";
  StatusOr<CompleteMultipartUpload> v = DecodeCompleteMultipartUpload(body);
  ExpectMalformed(v, "deep nesting");
}

TEST(XmlDecodeMalformed, TenThousandPartsFitTheLimit) {
  CompleteMultipartUpload in;
  for (int i = 1; i <= 10000; ++i) {
    in.parts.push_back({i, "\"0123456789ABCDEF0123456789ABCDEF\""});
  }
  const std::string xml = EncodeXml(in);
  ASSERT_LE(xml.size(), limits::kMaxXmlBodySize);
  StatusOr<CompleteMultipartUpload> out = DecodeCompleteMultipartUpload(xml);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->parts.size(), 10000u);
}

Error SampleError() {
  Error error = MakeError("NoSuchUpload");
  error.request_id = "5C3D9175B6FC201293AD0000";
  error.host_id = "b.oss-cn-hangzhou.aliyuncs.com";
  error.details = {{"UploadId", "U"}};
  return error;
}

// Byte-level mutations of valid documents: every result is either a decoded value or a
// MalformedXML error (never a crash, never another code). Deterministic seed.
TEST(XmlDecodeMalformed, MutatedDocumentsNeverCrash) {
  ListPartsResult parts;
  parts.key = "a b";
  parts.encoding_type = "url";
  parts.parts = {{1, At(1700631754), "\"E\"", 42, 7}};
  const std::vector<std::pair<std::string, std::function<Status(std::string_view)>>> cases = {
      {EncodeXml(parts), [](std::string_view x) { return DecodeListPartsResult(x).status(); }},
      {EncodeXml(CompleteMultipartUpload{{{1, "\"A\""}, {2, "\"B\""}}}),
       [](std::string_view x) { return DecodeCompleteMultipartUpload(x).status(); }},
      {EncodeXml(SampleError()),
       [](std::string_view x) { return DecodeErrorDocument(x).status(); }},
  };
  std::mt19937 rng(12345);
  const std::string alphabet =
      "<>/&;\"'#x0123456789 \n\xff\x80"
      "ETagPart";
  int decoded_ok = 0;
  for (const auto& [original, decode] : cases) {
    for (int round = 0; round < 400; ++round) {
      std::string mutated = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
        const size_t at = rng() % mutated.size();
        switch (rng() % 3) {
          case 0:
            mutated[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            mutated.erase(at, 1 + rng() % 8);
            break;
          default:
            mutated.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
      }
      const Status status = decode(mutated);
      if (status.ok()) {
        ++decoded_ok;
      } else {
        EXPECT_EQ(status.code(), "MalformedXML") << mutated;
      }
    }
  }
  // Some mutations land in ignorable places (whitespace, text); most must be rejected.
  EXPECT_LT(decoded_ok, 1200);
}

// --- Lifecycle validation ---------------------------------------------------------------------

StatusOr<LifecycleConfiguration> DecodeRule(const std::string& inner) {
  return DecodeLifecycleConfiguration("<LifecycleConfiguration><Rule><ID>r</ID>" + inner +
                                      "</Rule></LifecycleConfiguration>");
}

TEST(XmlLifecycle, AbortNeedsExactlyOneOfDaysAndCreatedBeforeDate) {
  StatusOr<LifecycleConfiguration> neither =
      DecodeRule("<Status>Enabled</Status><AbortMultipartUpload></AbortMultipartUpload>");
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(neither.error().code, "InvalidArgument");
  EXPECT_EQ(neither.error().ec, "0014-00000073");
  StatusOr<LifecycleConfiguration> both = DecodeRule(
      "<Status>Enabled</Status><AbortMultipartUpload><Days>1</Days>"
      "<CreatedBeforeDate>2021-12-30T00:00:00.000Z</CreatedBeforeDate></AbortMultipartUpload>");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().code, "InvalidArgument");
  EXPECT_EQ(both.error().ec, "0014-00000074");
}

TEST(XmlLifecycle, DaysMustBePositiveAndRulesNeedAnAction) {
  for (const char* days : {"0", "-3"}) {
    StatusOr<LifecycleConfiguration> v =
        DecodeRule(std::string("<Status>Enabled</Status><AbortMultipartUpload><Days>") + days +
                   "</Days></AbortMultipartUpload>");
    ASSERT_FALSE(v.ok()) << days;
    EXPECT_EQ(v.error().code, "InvalidArgument") << days;
  }
  StatusOr<LifecycleConfiguration> no_action = DecodeRule("<Status>Enabled</Status>");
  ASSERT_FALSE(no_action.ok());
  EXPECT_EQ(no_action.error().code, "InvalidArgument");
  StatusOr<LifecycleConfiguration> expiration =
      DecodeRule("<Status>Enabled</Status><Expiration><Days>3</Days></Expiration>");
  ASSERT_TRUE(expiration.ok()) << expiration.error().ToString();
  EXPECT_EQ(expiration->rules[0].expiration_days, 3);
}

TEST(XmlRoundTrip, LifecycleRuleWithEveryElement) {
  LifecycleRule rule;
  rule.id = "all";
  rule.prefix = "logs/";
  rule.tags = {{"k1", "v1"}, {"k2", ""}};
  rule.not_prefix = "logs/keep/";
  rule.not_tag = {{"keep", "yes"}};
  rule.size_greater_than = 10;
  rule.size_less_than = 1000;
  rule.expiration_created_before = At(1640822400);
  rule.transitions = {{30, std::nullopt, "IA"}, {std::nullopt, At(1640822400), "Archive"}};
  LifecycleRule marker;
  marker.id = "marker";
  marker.expired_object_delete_marker = true;
  marker.abort_multipart_days = 2;
  LifecycleConfiguration in{{rule, marker}};
  const std::string xml = EncodeXml(in);
  StatusOr<LifecycleConfiguration> out = DecodeLifecycleConfiguration(xml);
  std::string compact;  // without the indentation between elements
  for (size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '\n') {
      while (i + 1 < xml.size() && xml[i + 1] == ' ') ++i;
      continue;
    }
    compact += xml[i];
  }
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
  EXPECT_NE(compact.find("<Filter><Not><Prefix>logs/keep/</Prefix><Tag><Key>keep</Key><Value>yes"
                         "</Value></Tag></Not><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan>"
                         "<ObjectSizeLessThan>1000</ObjectSizeLessThan></Filter>"),
            std::string::npos)
      << compact;
}

TEST(XmlLifecycle, ExpirationTransitionAndFilterAreValidated) {
  const std::pair<const char*, std::string> invalid[] = {
      {"expiration with both",
       "<Expiration><Days>1</Days><CreatedBeforeDate>2021-12-30T00:00:00.000Z"
       "</CreatedBeforeDate></Expiration>"},
      {"empty expiration", "<Expiration></Expiration>"},
      {"marker false alone",
       "<Expiration><ExpiredObjectDeleteMarker>false"
       "</ExpiredObjectDeleteMarker></Expiration>"},
      {"marker true with days",
       "<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true"
       "</ExpiredObjectDeleteMarker></Expiration>"},
      {"date not at midnight",
       "<Expiration><CreatedBeforeDate>2021-12-30T01:00:00.000Z</CreatedBeforeDate></Expiration>"},
      {"transition to Standard",
       "<Transition><Days>3</Days><StorageClass>Standard</StorageClass></Transition>"},
      {"transition without when", "<Transition><StorageClass>IA</StorageClass></Transition>"},
      {"expiration before transition",
       "<Expiration><Days>3</Days></Expiration>"
       "<Transition><Days>3</Days><StorageClass>IA</StorageClass></Transition>"},
      {"tag with abort",
       "<Tag><Key>a</Key><Value>b</Value></Tag>"
       "<AbortMultipartUpload><Days>1</Days></AbortMultipartUpload>"},
      {"not without prefix",
       "<Filter><Not><Tag><Key>a</Key><Value>b</Value></Tag></Not></Filter>"
       "<Expiration><Days>1</Days></Expiration>"},
      {"empty size range",
       "<Filter><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>10"
       "</ObjectSizeLessThan></Filter><Expiration><Days>1</Days></Expiration>"},
  };
  for (const auto& [what, inner] : invalid) {
    StatusOr<LifecycleConfiguration> v = DecodeRule("<Status>Enabled</Status>" + inner);
    ASSERT_FALSE(v.ok()) << what;
    EXPECT_EQ(v.error().code, "InvalidArgument") << what << ": " << v.error().ToString();
  }
  ExpectMalformed(DecodeRule("<Status>Enabled</Status><Transition><Days>3</Days></Transition>"),
                  "transition without class");
  ExpectMalformed(DecodeRule("<Status>Enabled</Status><Tag><Value>b</Value></Tag>"
                             "<Expiration><Days>1</Days></Expiration>"),
                  "tag without key");
  StatusOr<LifecycleConfiguration> marker = DecodeRule(
      "<Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true"
      "</ExpiredObjectDeleteMarker></Expiration>");
  ASSERT_TRUE(marker.ok()) << marker.error().ToString();
  EXPECT_EQ(marker->rules[0].expired_object_delete_marker, true);
  std::string many = "<LifecycleConfiguration>";
  for (int i = 0; i < 1001; ++i) {
    many += "<Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>";
  }
  StatusOr<LifecycleConfiguration> too_many =
      DecodeLifecycleConfiguration(many + "</LifecycleConfiguration>");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, "InvalidArgument");
}

TEST(XmlLifecycle, StatusMustBeEnabledOrDisabledAndRulesMustExist) {
  ExpectMalformed(DecodeRule("<Status>enabled</Status><AbortMultipartUpload><Days>1</Days>"
                             "</AbortMultipartUpload>"),
                  "lower-case status");
  ExpectMalformed(DecodeRule("<AbortMultipartUpload><Days>1</Days></AbortMultipartUpload>"),
                  "no status");
  ExpectMalformed(DecodeLifecycleConfiguration("<LifecycleConfiguration/>"), "no rules");
  ExpectMalformed(DecodeRule("<Status>Enabled</Status><AbortMultipartUpload><Days>x</Days>"
                             "</AbortMultipartUpload>"),
                  "bad days");
}

TEST(XmlEscape, WritesTheFiveMarkupCharactersAsEntities) {
  EXPECT_EQ(XmlEscape(R"(a&b<c>d"e'f)"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("plain \xe4\xb8\xad"), "plain \xe4\xb8\xad");
  EXPECT_EQ(XmlEscape(""), "");
}

}  // namespace
}  // namespace ossup::protocol
