#include "ossup/protocol/wire.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "wire_text.h"

namespace ossup::protocol {
namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid, shortest-form
// encoding of a scalar value (no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](size_t k) { return k < text.size() && (byte(k) & 0xC0) == 0x80; };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(i + 1) || !continuation(i + 2)) return 0;
    if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && byte(i + 1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return 0;
    if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && byte(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

namespace {

using wire_text::EqualsIgnoreCase;

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Broken-down UTC time with whole seconds, and the sub-second remainder.
struct UtcParts {
  std::tm tm{};
  std::chrono::nanoseconds subsecond{0};
};

UtcParts ToUtc(TimePoint t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const std::time_t whole = static_cast<std::time_t>(seconds.time_since_epoch().count());
  UtcParts parts;
  gmtime_r(&whole, &parts.tm);
  parts.subsecond = std::chrono::duration_cast<std::chrono::nanoseconds>(t - seconds);
  return parts;
}

// Fixed-width decimal field; false unless all `width` characters are digits.
bool ReadDigits(std::string_view& text, size_t width, int& value) {
  if (text.size() < width) return false;
  value = 0;
  for (size_t i = 0; i < width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(width);
  return true;
}

bool ReadLiteral(std::string_view& text, std::string_view literal) {
  if (text.substr(0, literal.size()) != literal) return false;
  text.remove_prefix(literal.size());
  return true;
}

// Validates the fields and converts them with timegm (UTC, no locale or TZ involvement).
std::optional<TimePoint> FromUtc(int year, int month, int day, int hour, int minute, int second,
                                 std::chrono::nanoseconds subsecond = {}) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t seconds = timegm(&tm);
  if (tm.tm_mday != day) return std::nullopt;  // timegm normalised an impossible date
  // TimePoint counts nanoseconds in 64 bits: about the years 1678 to 2261.
  constexpr auto kLimit =
      std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max()).count() - 1;
  if (seconds > kLimit || seconds < -kLimit) return std::nullopt;
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::seconds(seconds) + subsecond));
}

}  // namespace

std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (EqualsIgnoreCase(header_name, name)) return std::string_view(value);
  }
  return std::nullopt;
}

void SetHeader(Headers& headers, std::string_view name, std::string_view value) {
  std::erase_if(headers, [&](const auto& header) { return EqualsIgnoreCase(header.first, name); });
  headers.emplace_back(std::string(name), std::string(value));
}

std::optional<std::string_view> FindParam(const QueryParams& query, std::string_view name) {
  for (const auto& [param_name, value] : query) {
    if (param_name == name) return std::string_view(value);
  }
  return std::nullopt;
}

bool HasParam(const QueryParams& query, std::string_view name) {
  return FindParam(query, name).has_value();
}

std::string FormatHttpDate(TimePoint t) {
  const UtcParts utc = ToUtc(t);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kWeekdays[utc.tm.tm_wday].data(), utc.tm.tm_mday, kMonths[utc.tm.tm_mon].data(),
                utc.tm.tm_year + 1900, utc.tm.tm_hour, utc.tm.tm_min, utc.tm.tm_sec);
  return buffer;
}

std::string FormatIso8601(TimePoint t) {
  const UtcParts utc = ToUtc(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(utc.subsecond);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm.tm_year + 1900,
                utc.tm.tm_mon + 1, utc.tm.tm_mday, utc.tm.tm_hour, utc.tm.tm_min, utc.tm.tm_sec,
                static_cast<int>(millis.count()));
  return buffer;
}

std::string FormatV4Time(TimePoint t) {
  const UtcParts utc = ToUtc(t);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02dZ", utc.tm.tm_year + 1900,
                utc.tm.tm_mon + 1, utc.tm.tm_mday, utc.tm.tm_hour, utc.tm.tm_min, utc.tm.tm_sec);
  return buffer;
}

std::optional<TimePoint> ParseHttpDate(std::string_view text) {
  // "Wed, 28 Dec 2022 10:27:41 GMT"
  if (text.size() < 5 || text[3] != ',' || text[4] != ' ') return std::nullopt;
  if (std::find(kWeekdays.begin(), kWeekdays.end(), text.substr(0, 3)) == kWeekdays.end()) {
    return std::nullopt;
  }
  text.remove_prefix(5);
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 2, day) || !ReadLiteral(text, " ") || text.size() < 4) {
    return std::nullopt;
  }
  const auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(0, 3));
  if (month_it == kMonths.end()) return std::nullopt;
  text.remove_prefix(3);
  if (!ReadLiteral(text, " ") || !ReadDigits(text, 4, year) || !ReadLiteral(text, " ") ||
      !ReadDigits(text, 2, hour) || !ReadLiteral(text, ":") || !ReadDigits(text, 2, minute) ||
      !ReadLiteral(text, ":") || !ReadDigits(text, 2, second) || text != " GMT") {
    return std::nullopt;
  }
  const int month = static_cast<int>(month_it - kMonths.begin()) + 1;
  return FromUtc(year, month, day, hour, minute, second);
}

std::optional<TimePoint> ParseIso8601(std::string_view text) {
  // "2012-02-23T07:01:34.000Z", fraction and Z optional.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 4, year) || !ReadLiteral(text, "-") || !ReadDigits(text, 2, month) ||
      !ReadLiteral(text, "-") || !ReadDigits(text, 2, day) || !ReadLiteral(text, "T") ||
      !ReadDigits(text, 2, hour) || !ReadLiteral(text, ":") || !ReadDigits(text, 2, minute) ||
      !ReadLiteral(text, ":") || !ReadDigits(text, 2, second)) {
    return std::nullopt;
  }
  std::chrono::nanoseconds subsecond{0};
  if (ReadLiteral(text, ".")) {
    int64_t scale = 100'000'000;
    size_t digits = 0;
    while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      subsecond += std::chrono::nanoseconds((text.front() - '0') * scale);
      scale /= 10;
      text.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  if (!text.empty() && text != "Z") return std::nullopt;
  return FromUtc(year, month, day, hour, minute, second, subsecond);
}

std::optional<TimePoint> ParseV4Time(std::string_view text) {
  // "20231216T162057Z"
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 4, year) || !ReadDigits(text, 2, month) || !ReadDigits(text, 2, day) ||
      !ReadLiteral(text, "T") || !ReadDigits(text, 2, hour) || !ReadDigits(text, 2, minute) ||
      !ReadDigits(text, 2, second) || text != "Z") {
    return std::nullopt;
  }
  return FromUtc(year, month, day, hour, minute, second);
}

}  // namespace ossup::protocol
