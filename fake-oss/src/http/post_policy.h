// The `policy` form field of PostObject (docs/protocol.md, "PostObject policy"): base64 of a
// JSON document {"expiration": ISO-8601, "conditions": [...]}, whose conditions are
//   {"field": "value"}                        exact match (one property per object)
//   ["eq", "$field", "value"]                 exact match
//   ["starts-with", "$field", "prefix"]       prefix match
//   ["in", "$field", ["a", "b"]]              one of
//   ["not-in", "$field", ["a", "b"]]          none of
//   ["content-length-range", min, max]        the file's size in [min, max]
// Field names compare case-insensitively; `bucket` is the request's bucket; a field the form
// lacks reads as "" for starts-with/not-in and fails eq/in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {

struct PostCondition {
  enum class Kind { kEq, kStartsWith, kIn, kNotIn, kContentLengthRange };
  Kind kind = Kind::kEq;
  std::string field;                // lower-case, without '$'
  std::vector<std::string> values;  // one for eq and starts-with
  uint64_t min = 0;
  uint64_t max = 0;
  /// The condition as OSS quotes it when it fails: ["eq", "$key", "a"].
  std::string text;
};

struct PostPolicy {
  protocol::TimePoint expiration{};
  std::vector<PostCondition> conditions;
};

/// Decodes the policy field. InvalidPolicyDocument (400) for bad base64, bad JSON, a missing or
/// malformed expiration or conditions, and malformed conditions (with OSS's EC where documented).
protocol::StatusOr<PostPolicy> ParsePostPolicy(std::string_view base64);

/// A form field's value by lower-case name; nullopt when the form lacks it.
using FormLookup = std::function<std::optional<std::string>(std::string_view)>;

/// Checks, in order: expiration against `now` (AccessDenied "Policy expired."), then each
/// condition but content-length-range (AccessDenied "Policy Condition failed: ..."), then
/// content-length-range against `file_size` (EntityTooLarge / EntityTooSmall).
protocol::Status CheckPostPolicy(const PostPolicy& policy, const FormLookup& form,
                                 uint64_t file_size, protocol::TimePoint now);

}  // namespace ossup::fake
