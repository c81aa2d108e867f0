// protocol::Verify: V1/V2/V4 Authorization headers and presigned URLs, parsed and checked
// against a fixed credential table. Input: lines
//   0 "<now, unix seconds> [sts] [region]"   1 method   2 bucket   3 key (decoded)
//   4 query string (percent-encoded, as on the wire)   5.. headers "Name: value"
// `now` is the verifier's clock, taken from the input (clamped to 1970..2100) so that signed
// seeds from the signing vectors, made at different instants, reach the signature check.
// Credentials: "ak"/"sk" (long-term, or with `sts` temporary with token "token" valid for an
// hour after now), the V2 vectors' 44CF9590006BF252F707 (long-term) and "expired" (secret
// "sk", token "token", expired an hour before now). `region` requires V4 scope cn-hangzhou.
// Properties: Verify is deterministic, a refusal has a code, a verified request names a known
// key; and the request, when its header names are HTTP tokens and it carries no signature,
// date or token of its own, signed by SignV1/V2/V4 and presigned by PresignV1/V2/V4 with the
// input's key (every header named as an additional header) verifies: signer and verifier
// agree on any method, bucket, key, query and headers.
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/signing.h"

using namespace ossup::protocol;  // NOLINT(google-build-using-namespace)
using ossup::fuzz::Require;

namespace {

constexpr int64_t kLatest = 4102444800;  // 2100-01-01T00:00:00Z

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// An HTTP field name (RFC 9110 token): only such names can be sent, and only they can be
// listed in V2's AdditionalHeaders (`;`-separated) or V4's (`;`-separated too).
bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (std::isalnum(c) == 0 &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// True when `request` is what a client hands to Sign*/Presign*: header names that HTTP can
// carry, and nothing that signing sets or that selects a signature form.
bool IsUnsigned(const WireRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) return false;
    for (std::string_view reserved :
         {"authorization", "date", "x-oss-date", "x-oss-content-sha256", "x-oss-security-token"}) {
      if (name.size() == reserved.size() && StartsWithIgnoreCase(name, reserved)) return false;
    }
  }
  for (const auto& [name, value] : request.query) {
    if (name == "OSSAccessKeyId" || name == "Signature" || name == "Expires" ||
        name == "security-token" || StartsWithIgnoreCase(name, "x-oss-")) {
      return false;
    }
  }
  return true;
}

void RequireVerifies(const WireRequest& request, const CredentialLookup& lookup, TimePoint now,
                     const VerifyOptions& options, const char* what) {
  auto verified = Verify(request, lookup, now, options);
  if (!verified.ok()) std::fprintf(stderr, "%s\n", verified.error().ToString().c_str());
  Require(verified.ok(), what);
}

// Signs and presigns `request` every way and requires each to verify.
void CheckSignedVerifies(const WireRequest& request, const Credentials& credentials,
                         const CredentialLookup& lookup, TimePoint now,
                         const VerifyOptions& options) {
  std::vector<std::string> names;
  for (const auto& header : request.headers) names.push_back(header.first);
  const V2Params v2{names};
  const V4Params v4{"cn-hangzhou", "oss", names};
  const auto expires = now + std::chrono::minutes(10);

  WireRequest v1 = request;
  SignV1(v1, credentials, now);
  RequireVerifies(v1, lookup, now, options, "a SignV1 request verifies");
  WireRequest v2_signed = request;
  SignV2(v2_signed, credentials, v2, now);
  RequireVerifies(v2_signed, lookup, now, options, "a SignV2 request verifies");
  WireRequest v4_signed = request;
  SignV4(v4_signed, credentials, v4, now);
  RequireVerifies(v4_signed, lookup, now, options, "a SignV4 request verifies");

  auto with = [&](const QueryParams& params) {
    WireRequest presigned = request;
    presigned.query.insert(presigned.query.end(), params.begin(), params.end());
    return presigned;
  };
  RequireVerifies(with(PresignV1(request, credentials, expires)), lookup, now, options,
                  "a PresignV1 URL verifies");
  RequireVerifies(with(PresignV2(request, credentials, v2, expires)), lookup, now, options,
                  "a PresignV2 URL verifies");
  RequireVerifies(with(PresignV4(request, credentials, v4, now, std::chrono::minutes(10))), lookup,
                  now, options, "a PresignV4 URL verifies");
}

TimePoint NowOf(std::string_view line) {
  int64_t seconds = 0;
  std::from_chars(line.data(), line.data() + line.size(), seconds);
  if (seconds < 0) seconds = 0;
  if (seconds > kLatest) seconds = kLatest;
  return TimePoint(std::chrono::seconds(seconds));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ossup::fuzz::Lines lines(ossup::fuzz::AsText(data, size));
  const std::string_view options_line = lines.Field(0);
  const TimePoint now = NowOf(options_line);
  const bool sts = options_line.find(" sts") != std::string_view::npos;
  VerifyOptions options;
  if (options_line.find(" region") != std::string_view::npos) options.region = "cn-hangzhou";

  WireRequest request;
  request.method = std::string(lines.Field(1));
  request.bucket = std::string(lines.Field(2));
  request.key = std::string(lines.Field(3));
  auto query = ParseQueryString(lines.Field(4));
  if (!query) return 0;
  request.query = std::move(*query);
  ossup::fuzz::AppendHeaderLines(lines, 5, request.headers);

  const CredentialLookup lookup = [&](std::string_view ak) -> std::optional<KnownCredential> {
    if (ak == "ak") {
      if (sts) return KnownCredential{"sk", "token", now + std::chrono::hours(1)};
      return KnownCredential{"sk", "", std::nullopt};
    }
    if (ak == "44CF9590006BF252F707") {
      return KnownCredential{"OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", "", std::nullopt};
    }
    if (ak == "expired") return KnownCredential{"sk", "token", now - std::chrono::hours(1)};
    return std::nullopt;
  };

  if (IsUnsigned(request)) {
    const Credentials credentials{"ak", "sk", sts ? "token" : ""};
    CheckSignedVerifies(request, credentials, lookup, now, options);
  }

  auto verified = Verify(request, lookup, now, options);
  auto again = Verify(request, lookup, now, options);
  Require(verified.ok() == again.ok(), "Verify is deterministic");
  if (!verified.ok()) {
    Require(verified.error() == again.error(), "Verify's error is deterministic");
    Require(!verified.error().code.empty(), "a refusal has an error code");
    return 0;
  }
  Require(lookup(verified->access_key_id).has_value(), "a verified request names a known key");
  return 0;
}
