#include "ossup/protocol/wire.h"

#include <gtest/gtest.h>

namespace ossup::protocol {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimePoint At(int64_t unix_seconds) { return TimePoint(seconds(unix_seconds)); }

TEST(HeadersTest, LookupIsCaseInsensitiveAndReturnsTheFirst) {
  const Headers headers = {{"Content-Type", "text/html"}, {"content-type", "text/xml"}};
  EXPECT_EQ(FindHeader(headers, "CONTENT-TYPE"), "text/html");
  EXPECT_EQ(FindHeader(headers, "Content-MD5"), std::nullopt);
}

TEST(HeadersTest, SetReplacesEverySpelling) {
  Headers headers = {{"X-Oss-Date", "a"}, {"Host", "h"}, {"x-oss-date", "b"}};
  SetHeader(headers, "x-oss-date", "c");
  EXPECT_EQ(headers, (Headers{{"Host", "h"}, {"x-oss-date", "c"}}));
  SetHeader(headers, "Date", "d");
  EXPECT_EQ(FindHeader(headers, "date"), "d");
}

TEST(QueryTest, ParamLookupIsExactAndEmptyValuesCount) {
  const QueryParams query = {{"uploads", ""}, {"uploadId", "x"}};
  EXPECT_TRUE(HasParam(query, "uploads"));
  EXPECT_EQ(FindParam(query, "uploads"), "");
  EXPECT_EQ(FindParam(query, "uploadId"), "x");
  EXPECT_FALSE(HasParam(query, "uploadid"));  // query names are case-sensitive
}

TEST(TimeFormatTest, HttpDate) {
  // The instant of the V1 signing vectors (docs/protocol.md, "V1 vectors").
  EXPECT_EQ(FormatHttpDate(At(1672223261)), "Wed, 28 Dec 2022 10:27:41 GMT");
  EXPECT_EQ(FormatHttpDate(At(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(At(1672223261) + milliseconds(999)), "Wed, 28 Dec 2022 10:27:41 GMT");
  EXPECT_EQ(ParseHttpDate("Wed, 28 Dec 2022 10:27:41 GMT"), At(1672223261));
  EXPECT_EQ(ParseHttpDate("Thu, 29 Feb 2024 23:59:59 GMT"), At(1709251199));
}

TEST(TimeFormatTest, HttpDateRejectsOtherShapes) {
  EXPECT_EQ(ParseHttpDate(""), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wed, 28 Dec 2022 10:27:41"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wed, 28 Dec 2022 10:27:41 UTC"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wed, 28 Foo 2022 10:27:41 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Xyz, 28 Dec 2022 10:27:41 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wed, 31 Feb 2022 10:27:41 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wed, 28 Dec 2022 24:00:00 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Wednesday, 28-Dec-22 10:27:41 GMT"), std::nullopt);
}

TEST(TimeFormatTest, TimesATimePointCannotHoldAreRefusedNotWrapped) {
  // 64-bit nanoseconds reach about 1678 to 2261; 9999 used to wrap to 1816.
  EXPECT_EQ(ParseIso8601("9999-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("1000-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT"), std::nullopt);
  EXPECT_EQ(ParseV4Time("99991231T235959Z"), std::nullopt);
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("1700-01-01T00:00:00Z")), "1700-01-01T00:00:00.000Z");
}

TEST(TimeFormatTest, Iso8601WithMilliseconds) {
  const TimePoint t = At(1329980494);  // 2012-02-23T07:01:34Z, the spec's XML example
  EXPECT_EQ(FormatIso8601(t), "2012-02-23T07:01:34.000Z");
  EXPECT_EQ(FormatIso8601(t + milliseconds(7)), "2012-02-23T07:01:34.007Z");
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34.000Z"), t);
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34Z"), t);
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34.25Z"), t + milliseconds(250));
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34.123456Z"), t + std::chrono::microseconds(123456));
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34.Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("2012-02-23 07:01:34Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("2012-13-23T07:01:34Z"), std::nullopt);
  EXPECT_EQ(ParseIso8601("2012-02-23T07:01:34+08:00"), std::nullopt);
}

TEST(TimeFormatTest, V4Time) {
  // go-v2 oss/signer/signer_test.go T1: 1702743657 -> 20231216T162057Z.
  EXPECT_EQ(FormatV4Time(At(1702743657)), "20231216T162057Z");
  EXPECT_EQ(ParseV4Time("20231216T162057Z"), At(1702743657));
  EXPECT_EQ(ParseV4Time("20231216T162057"), std::nullopt);
  EXPECT_EQ(ParseV4Time("2023-12-16T16:20:57Z"), std::nullopt);
  EXPECT_EQ(ParseV4Time("20231232T162057Z"), std::nullopt);
}

TEST(TimeFormatTest, RoundTripsAcrossYears) {
  for (int64_t t = 0; t < 4'102'444'800; t += 86'400 * 97 + 3'671) {  // 1970 .. 2100
    EXPECT_EQ(ParseHttpDate(FormatHttpDate(At(t))), At(t)) << t;
    EXPECT_EQ(ParseIso8601(FormatIso8601(At(t))), At(t)) << t;
    EXPECT_EQ(ParseV4Time(FormatV4Time(At(t))), At(t)) << t;
  }
}

}  // namespace
}  // namespace ossup::protocol
