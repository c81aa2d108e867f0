// Lifecycle rules over raw HTTP: the documented XML goes in and comes back, validation errors,
// and expiry and abort applied as the virtual clock moves (Prefix, Tag, Filter/Not, ObjectSize,
// Days, CreatedBeforeDate).
#include <gtest/gtest.h>

#include "ossup/protocol/xml.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class LifecycleTest : public FakeOssTest {
 protected:
  TestResponse PutRules(const std::string& rules) {
    return client().Send("PUT", "bkt", "", {{"lifecycle", ""}},
                         {{"Content-Type", "application/xml"}},
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration>" +
                             rules + "</LifecycleConfiguration>");
  }
  bool Exists(const std::string& key) { return client().Get("bkt", key).status == 200; }
  // The first midnight (UTC) strictly after the server's current time, in ISO-8601.
  std::string NextMidnight() {
    auto day = std::chrono::floor<std::chrono::days>(server().Now()) + std::chrono::days(1);
    return protocol::FormatIso8601(day);
  }
};

TEST_F(LifecycleTest, TheDocumentedRulesGoInAndComeBack) {
  const std::string rules =
      "<Rule><ID>r1</ID><Prefix>rule1</Prefix>"
      "<Tag><Key>xx</Key><Value>1</Value></Tag><Tag><Key>yy</Key><Value>2</Value></Tag>"
      "<Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>"
      "<Rule><ID>transit</ID><Prefix>data/</Prefix><Status>Enabled</Status>"
      "<Transition><Days>30</Days><StorageClass>IA</StorageClass></Transition>"
      "<Transition><Days>60</Days><StorageClass>Archive</StorageClass></Transition>"
      "<Expiration><Days>3600</Days></Expiration></Rule>"
      "<Rule><ID>backup</ID><Prefix>backup/</Prefix><Status>Disabled</Status>"
      "<Expiration><CreatedBeforeDate>2017-01-01T00:00:00.000Z</CreatedBeforeDate></Expiration>"
      "<AbortMultipartUpload><CreatedBeforeDate>2017-01-01T00:00:00.000Z</CreatedBeforeDate>"
      "</AbortMultipartUpload></Rule>"
      "<Rule><ID>filtered</ID><Prefix>logs/</Prefix><Status>Enabled</Status>"
      "<Filter><Not><Prefix>logs/keep/</Prefix><Tag><Key>keep</Key><Value>yes</Value></Tag></Not>"
      "<ObjectSizeGreaterThan>1</ObjectSizeGreaterThan></Filter>"
      "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
      "</Rule>";
  auto put = PutRules(rules);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(server().Journal().back().operation, protocol::Operation::kPutBucketLifecycle);
  auto got = client().Send("GET", "bkt", "", {{"lifecycle", ""}});
  ASSERT_EQ(got.status, 200) << got.body;
  std::string compact;  // without the indentation between elements
  for (size_t i = 0; i < got.body.size(); ++i) {
    if (got.body[i] == '\n') {
      while (i + 1 < got.body.size() && got.body[i + 1] == ' ') ++i;
      continue;
    }
    compact += got.body[i];
  }
  for (const char* fragment :
       {"<Tag><Key>xx</Key><Value>1</Value></Tag><Tag><Key>yy</Key><Value>2</Value></Tag>",
        "<Transition><Days>30</Days><StorageClass>IA</StorageClass></Transition><Transition>"
        "<Days>60</Days><StorageClass>Archive</StorageClass></Transition>",
        "<Status>Disabled</Status><Expiration><CreatedBeforeDate>2017-01-01T00:00:00.000Z"
        "</CreatedBeforeDate></Expiration>",
        "<Filter><Not><Prefix>logs/keep/</Prefix><Tag><Key>keep</Key><Value>yes</Value></Tag>"
        "</Not><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan></Filter>",
        "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"}) {
    EXPECT_NE(compact.find(fragment), std::string::npos) << fragment << "\n" << compact;
  }
}

TEST_F(LifecycleTest, InvalidRulesGetOssErrors) {
  auto both = PutRules(
      "<Rule><Status>Enabled</Status><AbortMultipartUpload><Days>1</Days><CreatedBeforeDate>"
      "2021-12-30T00:00:00.000Z</CreatedBeforeDate></AbortMultipartUpload></Rule>");
  EXPECT_EQ(both.status, 400);
  EXPECT_EQ(both.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(both.Header("x-oss-ec"), "0014-00000074");
  EXPECT_FALSE(both.ErrorDocument().request_id.empty());
  auto bad_class = PutRules(
      "<Rule><Status>Enabled</Status><Transition><Days>1</Days><StorageClass>Gold</StorageClass>"
      "</Transition></Rule>");
  EXPECT_EQ(bad_class.ErrorCode(), "InvalidArgument");
  auto not_xml = PutRules("<Rule><Status>Enabled</Status>");
  EXPECT_EQ(not_xml.ErrorCode(), "MalformedXML");
  EXPECT_EQ(client().Send("GET", "bkt", "", {{"lifecycle", ""}}).ErrorCode(), "NoSuchLifecycle");
}

TEST_F(LifecycleTest, ExpiryFollowsPrefixTagsFilterAndTheClock) {
  ASSERT_EQ(client().Put("bkt", "tmp/plain", "x").status, 200);
  ASSERT_EQ(client().Put("bkt", "tmp/tagged", "x", {{"x-oss-tagging", "a=1&b=2"}}).status, 200);
  ASSERT_EQ(client().Put("bkt", "tmp/keep/x", "x").status, 200);
  ASSERT_EQ(client().Put("bkt", "tmp/keep/tagged", "x", {{"x-oss-tagging", "keep=yes"}}).status,
            200);
  ASSERT_EQ(client().Put("bkt", "big/large", std::string(100, 'x')).status, 200);
  ASSERT_EQ(client().Put("bkt", "big/small", "x").status, 200);
  ASSERT_EQ(client().Put("bkt", "other", "x").status, 200);
  auto put = PutRules(
      // Tag rule: only objects with a=1 (and b=2), after 1 day.
      "<Rule><ID>tags</ID><Prefix>tmp/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag>"
      "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
      // Not rule: tmp/ after 2 days, except tmp/keep/ objects tagged keep=yes.
      "<Rule><ID>not</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><Filter><Not>"
      "<Prefix>tmp/keep/</Prefix><Tag><Key>keep</Key><Value>yes</Value></Tag></Not></Filter>"
      "<Expiration><Days>2</Days></Expiration></Rule>"
      // Size rule: big/ objects over 50 bytes, at the next midnight.
      "<Rule><ID>size</ID><Prefix>big/</Prefix><Status>Enabled</Status><Filter>"
      "<ObjectSizeGreaterThan>50</ObjectSizeGreaterThan></Filter><Expiration>"
      "<CreatedBeforeDate>" +
      NextMidnight() + "</CreatedBeforeDate></Expiration></Rule>");
  ASSERT_EQ(put.status, 200) << put.body;
  // CreatedBeforeDate is in the future but covers objects modified before it: due at once.
  EXPECT_FALSE(Exists("big/large"));
  EXPECT_TRUE(Exists("big/small"));

  server().AdvanceClock(std::chrono::hours(23));
  EXPECT_TRUE(Exists("tmp/tagged"));
  server().AdvanceClock(std::chrono::hours(1));
  EXPECT_FALSE(Exists("tmp/tagged"));  // the tag rule, after 1 day
  EXPECT_TRUE(Exists("tmp/plain"));
  server().AdvanceClock(std::chrono::hours(24));
  EXPECT_FALSE(Exists("tmp/plain"));   // the Not rule, after 2 days
  EXPECT_FALSE(Exists("tmp/keep/x"));  // under the Not prefix but without its tag
  EXPECT_TRUE(Exists("tmp/keep/tagged"));
  EXPECT_TRUE(Exists("other"));
  // A rule that is Disabled does nothing.
  ASSERT_EQ(PutRules("<Rule><Prefix></Prefix><Status>Disabled</Status><Expiration><Days>1</Days>"
                     "</Expiration></Rule>")
                .status,
            200);
  server().AdvanceClock(std::chrono::hours(48));
  EXPECT_TRUE(Exists("other"));
}

TEST_F(LifecycleTest, LegacyExpirationDateIsStoredAndDeletesFromThatDayOn) {
  ASSERT_EQ(client().Put("bkt", "old/a", "x").status, 200);
  ASSERT_EQ(client().Put("bkt", "keep", "x").status, 200);
  const std::string date = NextMidnight();
  auto put = PutRules(
      "<Rule><ID>legacy</ID><Prefix>old/</Prefix><Status>Enabled</Status>"
      "<Expiration><Date>" +
      date + "</Date></Expiration></Rule>");
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = client().Send("GET", "bkt", "", {{"lifecycle", ""}});
  EXPECT_NE(got.body.find("<Date>" + date + "</Date>"), std::string::npos) << got.body;
  EXPECT_TRUE(Exists("old/a"));  // the day has not come yet
  server().AdvanceClock(std::chrono::hours(24));
  EXPECT_FALSE(Exists("old/a"));
  ASSERT_EQ(client().Put("bkt", "old/b", "x").status, 200);  // written after the day
  server().AdvanceClock(std::chrono::seconds(1));
  EXPECT_FALSE(Exists("old/b"));
  EXPECT_TRUE(Exists("keep"));

  for (const std::string& bad : {"<Date>" + date + "</Date><Days>1</Days>",
                                 std::string("<Date>2015-11-11T01:00:00.000Z</Date>")}) {
    auto r = PutRules("<Rule><ID>x</ID><Prefix>p</Prefix><Status>Enabled</Status><Expiration>" +
                      bad + "</Expiration></Rule>");
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.ErrorCode(), "InvalidArgument") << bad;
  }
}

TEST_F(LifecycleTest, AbortFollowsPrefixAndNotPrefix) {
  auto doomed = client().Initiate("bkt", "up/x");
  auto spared = client().Initiate("bkt", "up/keep/x");
  ASSERT_EQ(PutRules("<Rule><ID>abort</ID><Prefix>up/</Prefix><Status>Enabled</Status><Filter>"
                     "<Not><Prefix>up/keep/</Prefix></Not></Filter><AbortMultipartUpload><Days>1"
                     "</Days></AbortMultipartUpload></Rule>")
                .status,
            200);
  server().AdvanceClock(std::chrono::hours(24));
  EXPECT_EQ(client().ListParts("bkt", "up/x", doomed).ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "up/keep/x", spared).status, 200);
}

}  // namespace
}  // namespace ossup::fake::testing
