// The transport-neutral shape of an OSS request: what signing, verification, addressing and
// operation classification all read. Neither side's HTTP library appears here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ossup::protocol {

using TimePoint = std::chrono::system_clock::time_point;

/// Name/value pairs in arrival order. Query names and values are percent-decoded; a bare
/// `?uploads` and `?uploads=` both appear as {"uploads", ""}.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
/// Header names keep their spelling; lookups are case-insensitive.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive lookup of the first header named `name`.
std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name);
/// Replaces every header named `name` (case-insensitively) with one `name: value`.
void SetHeader(Headers& headers, std::string_view name, std::string_view value);
std::optional<std::string_view> FindParam(const QueryParams& query, std::string_view name);
bool HasParam(const QueryParams& query, std::string_view name);

/// One OSS request as both signer and verifier see it.
struct WireRequest {
  std::string method;  // "GET", "PUT", ...
  std::string bucket;  // "" for service-level requests (ListBuckets)
  std::string key;     // decoded UTF-8 object key; "" for bucket-level requests
  QueryParams query;
  Headers headers;
};

// --- Time formats on the wire --------------------------------------------------------------

/// Strict UTF-8: shortest forms only, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);

/// "Wed, 28 Dec 2022 10:27:41 GMT" (Date, x-oss-date in V1, Last-Modified).
std::string FormatHttpDate(TimePoint t);
/// "2012-02-23T07:01:34.000Z" (times inside XML documents).
std::string FormatIso8601(TimePoint t);
/// "20231216T162057Z" (x-oss-date in V4).
std::string FormatV4Time(TimePoint t);
/// The parsers return nullopt for malformed text, impossible dates and times a TimePoint cannot
/// hold (before about 1678 or after about 2261).
std::optional<TimePoint> ParseHttpDate(std::string_view text);
/// Accepts fractional seconds or none, and a trailing Z.
std::optional<TimePoint> ParseIso8601(std::string_view text);
std::optional<TimePoint> ParseV4Time(std::string_view text);

}  // namespace ossup::protocol
