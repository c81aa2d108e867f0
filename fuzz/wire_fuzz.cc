// The wire.h and addressing.h text parsers, all on the same input: query strings, percent
// decoding, HTTP dates, ISO 8601 and V4 times, UTF-8 validation. Properties:
//   ParseQueryString(EncodeQueryString(q)) == q for every q it parsed;
//   UriDecode(UriEncode(s, keep_slash)) == s for any bytes s;
//   a parsed time formats to text that parses to the same instant (ISO 8601: to the
//   millisecond, what FormatIso8601 writes).
#include <chrono>
#include <string>

#include "fuzz_support.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/wire.h"

using namespace ossup::protocol;  // NOLINT(google-build-using-namespace)
using ossup::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = ossup::fuzz::AsText(data, size);

  if (auto query = ParseQueryString(text)) {
    auto again = ParseQueryString(EncodeQueryString(*query));
    Require(again && *again == *query, "ParseQueryString(EncodeQueryString(q)) == q");
  }
  for (bool keep_slash : {false, true}) {
    auto decoded = UriDecode(UriEncode(text, keep_slash));
    Require(decoded && *decoded == text, "UriDecode(UriEncode(s)) == s");
  }
  (void)UriDecode(text);
  (void)IsValidUtf8(text);

  if (auto t = ParseHttpDate(text)) {
    auto again = ParseHttpDate(FormatHttpDate(*t));
    Require(again && *again == *t, "ParseHttpDate(FormatHttpDate(t)) == t");
  }
  if (auto t = ParseIso8601(text)) {
    auto again = ParseIso8601(FormatIso8601(*t));
    Require(again && *again == std::chrono::floor<std::chrono::milliseconds>(*t),
            "ParseIso8601(FormatIso8601(t)) == t to the millisecond");
  }
  if (auto t = ParseV4Time(text)) {
    auto again = ParseV4Time(FormatV4Time(*t));
    Require(again && *again == *t, "ParseV4Time(FormatV4Time(t)) == t");
  }
  return 0;
}
