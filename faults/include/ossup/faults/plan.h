// A fault plan: what to break, where, and how often. Pure data with a JSON codec.
//
// A plan is a list of rules checked first-match-wins. Each rule has a match (which requests),
// an action (what goes wrong) and a budget (how many times). The JSON form is the contract
// used by `POST /_fake/faults`, scenario files and other SDKs' test suites (docs/faults.md):
//
//   {"seed": 7, "scope": "global",
//    "rules": [{"match": {"op": "UploadPart", "nth": 3},
//               "action": {"type": "reset", "afterBytes": 65536},
//               "times": 1}]}
//
// Match fields (all optional; absent or no "match" = any): op (OSS API name; "operation" is
// accepted as an alias), bucket, key (glob with `*` and `?`, not empty), uploadId, partNumber
// (1..10000), nth (only the Kth request that matches the other fields, counting from 1),
// probability (0..1, drawn from the plan's seed).
// Action types and their fields: one row each in kActions (actions.h), described in
// docs/faults.md; for instance error takes status (400..599; default: the code's OSS status,
// else 503), code (default ServiceUnavailable) and message (default: the code's), and stall
// requires ms (at most 600000).
// A field that the action type does not use is an error. Limits: at most 1000 rules; strings
// (bucket, key, uploadId, code, message) at most 1024 bytes.
// Budget: "times": N (N >= 1, default 1) or "times": "unlimited".
// Scope: "global" (every request, the default) or "header" (only requests carrying
// `x-fake-oss-plan: <plan id>`). "seed" defaults to 0.
//
// PlanToJson writes the canonical form (always "op", "scope", "times" and the action's
// fields); ParsePlan(PlanToJson(p)) == p for every plan ParsePlan can produce.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/faults/actions.h"
#include "ossup/protocol/operation.h"
#include "ossup/protocol/status.h"

namespace ossup::faults {

/// "error", "reset", "drop-response", ... (the JSON names).
std::string_view ActionTypeName(ActionType type);
std::optional<ActionType> ActionTypeFromName(std::string_view name);

struct Action {
  ActionType type = ActionType::kError;
  int http_status = 503;                    // error
  std::string code = "ServiceUnavailable";  // error
  std::string message;                      // error; empty = the code's OSS message
  uint64_t after_bytes = 0;                 // reset, truncate-response, stall
  uint64_t stall_ms = 0;                    // stall
  friend bool operator==(const Action&, const Action&) = default;
};

struct Match {
  std::optional<protocol::Operation> operation;
  std::optional<std::string> bucket;
  std::optional<std::string> key_glob;
  std::optional<std::string> upload_id;
  std::optional<int> part_number;
  std::optional<uint64_t> nth;
  std::optional<double> probability;
  friend bool operator==(const Match&, const Match&) = default;
};

struct Rule {
  Match match;
  Action action;
  /// How many times the rule may fire; nullopt = unlimited.
  std::optional<uint64_t> times = 1;
  friend bool operator==(const Rule&, const Rule&) = default;
};

enum class Scope { kGlobal, kHeader };

struct Plan {
  uint64_t seed = 0;
  Scope scope = Scope::kGlobal;
  std::vector<Rule> rules;
  friend bool operator==(const Plan&, const Plan&) = default;
};

/// Parses the JSON form. Unknown fields, unknown operations or action types, bad globs and
/// out-of-range values are errors (code InvalidArgument, message naming the field).
protocol::StatusOr<Plan> ParsePlan(std::string_view json);
std::string PlanToJson(const Plan& plan);
/// The JSON object for one action, as it appears in a plan ({"type": "reset", "afterBytes": 0}).
/// Only the fields that the action type uses are written.
std::string ActionToJson(const Action& action);
/// Parses one action object as ActionToJson writes it (and as a plan's rule holds it), with
/// ParsePlan's checks.
protocol::StatusOr<Action> ParseActionJson(std::string_view json);

/// Glob match with `*` (any run, including '/') and `?` (one byte).
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace ossup::faults
