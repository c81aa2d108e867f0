#include "ossup/protocol/xml_answers.h"

#include <gtest/gtest.h>

#include <string>

namespace ossup::protocol {
namespace {

// Where `needle` starts in `xml`, failing the test when it is absent.
size_t At(const std::string& xml, const std::string& needle) {
  const size_t at = xml.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " in\n" << xml;
  return at;
}

TEST(XmlAnswers, ListObjectsV2InOssOrderAndReadableAsAListing) {
  ListObjectsV2Result v;
  v.name = "bkt";
  v.prefix = "a b/";
  v.start_after = "a b/0";
  v.max_keys = 2;
  v.encoding_type = "url";
  v.is_truncated = true;
  v.next_continuation_token = "CgJiYw--";
  ObjectSummary object;
  object.key = "a b/&1";
  object.etag = "\"E\"";
  object.size = 5;
  v.contents = {object};
  v.common_prefixes = {"a b/c/"};
  const std::string xml = EncodeXml(v);
  EXPECT_LT(At(xml, "<Name>bkt</Name>"), At(xml, "<Prefix>a%20b%2F</Prefix>"));
  EXPECT_LT(At(xml, "<StartAfter>a%20b%2F0</StartAfter>"), At(xml, "<MaxKeys>2</MaxKeys>"));
  EXPECT_LT(At(xml, "<EncodingType>url</EncodingType>"), At(xml, "<IsTruncated>true"));
  EXPECT_LT(At(xml, "<NextContinuationToken>CgJiYw--<"), At(xml, "<KeyCount>2</KeyCount>"));
  EXPECT_EQ(xml.find("<ContinuationToken>"), std::string::npos) << "no token was given";
  EXPECT_EQ(xml.find("<Owner>"), std::string::npos) << "owner only with fetch-owner";
  // The v1 decoder reads the same Contents and CommonPrefixes.
  auto listing = DecodeListObjectsResult(xml);
  ASSERT_TRUE(listing.ok()) << listing.error().ToString();
  ASSERT_EQ(listing->contents.size(), 1u);
  EXPECT_EQ(listing->contents[0].key, "a b/&1");
  EXPECT_EQ(listing->common_prefixes, std::vector<std::string>{"a b/c/"});
}

TEST(XmlAnswers, BucketInfoNamesTheRegionsEndpoints) {
  BucketInfoResult v;
  v.bucket.name = "bkt";
  v.bucket.region = "cn-beijing";
  v.bucket.location = "oss-cn-beijing";
  v.owner = {"1", "me"};
  v.grant = "public-read";
  const std::string xml = EncodeXml(v);
  At(xml, "<ExtranetEndpoint>oss-cn-beijing.aliyuncs.com</ExtranetEndpoint>");
  At(xml, "<IntranetEndpoint>oss-cn-beijing-internal.aliyuncs.com</IntranetEndpoint>");
  EXPECT_LT(At(xml, "<Location>oss-cn-beijing</Location>"), At(xml, "<Name>bkt</Name>"));
  EXPECT_LT(At(xml, "<ID>1</ID>"), At(xml, "<Grant>public-read</Grant>"));
}

TEST(XmlAnswers, LocationAndPostResponseEscapeTheirText) {
  At(EncodeXml(LocationConstraint{"oss-cn-hangzhou"}),
     "<LocationConstraint>oss-cn-hangzhou</LocationConstraint>");
  const std::string xml = EncodeXml(PostResponse{"bkt", "http://h/bkt/a%3Cb", "a<b&c", "\"E\""});
  EXPECT_LT(At(xml, "<Bucket>bkt</Bucket>"), At(xml, "<Key>a&lt;b&amp;c</Key>"));
  At(xml, "<Location>http://h/bkt/a%3Cb</Location>");
  At(xml, "<ETag>\"E\"</ETag>");
}

}  // namespace
}  // namespace ossup::protocol
