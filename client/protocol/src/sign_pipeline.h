// The one signing pipeline per signature version, shared by the signers (signing.cc) and the
// verifier (sign_verify.cc). Both sides compute every signature through
// ComputeV1/ComputeV2/ComputeV4, which are built only from the public canonicalization functions in
// signing.h, so a request signed by this layer verifies by construction and the official vectors
// pin both directions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/signing.h"

namespace ossup::protocol::sign_pipeline {

inline constexpr std::string_view kV2Algorithm = "OSS2";
inline constexpr std::string_view kV4Algorithm = "OSS4-HMAC-SHA256";
inline constexpr std::string_view kV4Terminator = "aliyun_v4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kSecurityTokenHeader = "x-oss-security-token";

/// What one signing computation produced; the verifier reports these on a mismatch.
struct Computed {
  std::string string_to_sign;
  std::string signature;
  std::string canonical_request;  // V4 only
};

/// The V4 credential scope, minus the terminator.
struct SigningScope {
  std::string date;  // yyyymmdd
  std::string region;
  std::string product;
};

/// V1: `date` fills the Date slot (x-oss-date/Date for headers, Expires for URLs).
Computed ComputeV1(const WireRequest& request, std::string_view date, std::string_view secret);

/// V2: `date` fills the Date slot (the Date header, x-oss-expires for URLs);
/// `additional_headers` is the AdditionalHeaders list as sent; `exclude_query` is
/// "x-oss-signature" for presigned URLs.
Computed ComputeV2(const WireRequest& request, std::string_view date,
                   const std::vector<std::string>& additional_headers,
                   std::string_view exclude_query, std::string_view secret,
                   EmptyQueryValues empty_values = EmptyQueryValues::kBareName);

/// V4: `additional_headers` is the normalised AdditionalHeaders list; `exclude_query` is
/// "x-oss-signature" for presigned URLs.
Computed ComputeV4(const WireRequest& request, const std::vector<std::string>& additional_headers,
                   std::string_view exclude_query, std::string_view v4_time,
                   const SigningScope& scope, std::string_view secret,
                   EmptyQueryValues empty_values = EmptyQueryValues::kBareName);

/// The V1 Date slot for header authentication: x-oss-date wins over Date.
std::optional<std::string_view> V1HeaderDate(const WireRequest& request);

/// The bare region id: a leading "oss-" is dropped.
std::string StandardRegion(std::string_view region);

inline int64_t UnixSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

}  // namespace ossup::protocol::sign_pipeline
