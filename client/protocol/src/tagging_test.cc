#include "ossup/protocol/tagging.h"

#include <gtest/gtest.h>

namespace ossup::protocol {
namespace {

Tagging Tags(std::vector<std::pair<std::string, std::string>> tags) { return Tagging{tags}; }

TEST(ObjectTags, TheDocumentedRulesAndTheirErrorCodes) {
  EXPECT_TRUE(ValidateObjectTags(Tags({})).ok());
  EXPECT_TRUE(ValidateObjectTags(Tags({{"age", "18"}, {"a b+c-d=e.f_g:h/i", ""}})).ok());
  auto ec = [](const Tagging& tagging) {
    auto s = ValidateObjectTags(tagging);
    EXPECT_FALSE(s.ok());
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, "InvalidArgument");
    }
    return s.ok() ? std::string() : s.error().ec;
  };
  EXPECT_EQ(ec(Tags({{std::string(129, 'k'), "v"}})), "0010-00000209");
  EXPECT_EQ(ec(Tags({{"", "v"}})), "0010-00000209");
  EXPECT_EQ(ec(Tags({{"k", std::string(257, 'v')}})), "0010-00000214");
  EXPECT_EQ(ec(Tags({{"k", "v"}, {"k", "w"}})), "0010-00000217");
  EXPECT_EQ(ec(Tags({{"k*", "v"}})), "0010-00000217");
  EXPECT_EQ(ec(Tags({{"k", "\xFF"}})), "0010-00000216");
  EXPECT_TRUE(ValidateObjectTags(Tags({{"\xE4\xB8\xAD", "r\xC3\xA9sum\xC3\xA9"}})).ok());
  // Lengths count characters: 128 three-byte characters are a valid key.
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "\xE4\xB8\xAD";
  EXPECT_TRUE(ValidateObjectTags(Tags({{wide, "v"}})).ok());
  EXPECT_EQ(ec(Tags({{wide + "a", "v"}})), "0010-00000209");
  Tagging eleven;
  for (int i = 0; i < 11; ++i) eleven.tags.emplace_back("k" + std::to_string(i), "v");
  EXPECT_EQ(ec(eleven), "0010-00000217");
  EXPECT_TRUE(ValidateObjectTags(Tags({{std::string(128, 'k'), std::string(256, 'v')}})).ok());
}

TEST(ObjectTags, HeaderFormRoundTripsAndRefusesTwoEqualsSigns) {
  auto parsed = ParseTaggingHeader("aaa=bbb&123=xyz&a%20b=c%2Fd&only");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, Tags({{"aaa", "bbb"}, {"123", "xyz"}, {"a b", "c/d"}, {"only", ""}}));
  EXPECT_EQ(ParseTaggingHeader(FormatTaggingHeader(*parsed)).value(), *parsed);
  // The example of EC page 0010-00000219.
  auto bad = ParseTaggingHeader("aa=bb=cc");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ec, "0010-00000219");
  EXPECT_EQ(ParseTaggingHeader("=v").error().ec, "0010-00000219");
  EXPECT_EQ(ParseTaggingHeader("k=%zz").error().ec, "0010-00000219");
  EXPECT_EQ(ParseTaggingHeader("k=v&k=w").error().ec, "0010-00000217");
  EXPECT_TRUE(ParseTaggingHeader("").value().tags.empty());
}

TEST(ObjectTags, XmlRoundTripAndTheDocumentedBody) {
  Tagging in = Tags({{"age", "18"}, {"a&b", "<x>"}});
  auto out = DecodeTagging(EncodeXml(in));
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(*out, in);
  auto doc = DecodeTagging(R"(<Tagging>
  <TagSet>
    <Tag>
      <Key>age</Key>
      <Value>18</Value>
    </Tag>
  </TagSet>
</Tagging>)");
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(*doc, Tags({{"age", "18"}}));
  EXPECT_TRUE(DecodeTagging("<Tagging><TagSet/></Tagging>").value().tags.empty());
  EXPECT_FALSE(DecodeTagging("<Tagging/>").ok());
  EXPECT_FALSE(
      DecodeTagging("<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>").ok());
}

}  // namespace
}  // namespace ossup::protocol
