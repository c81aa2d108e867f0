#include "ossup/faults/plan.h"

#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>
#include <vector>

#include "ossup/protocol/errors.h"
#include "plan_json.h"

namespace ossup::faults {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The JSON name of each ActionField bit, in the order ActionJsonValue writes them.
struct FieldName {
  ActionField field;
  const char* name;
};
constexpr std::array<FieldName, 5> kFieldNames = {{
    {kFieldStatus, "status"},
    {kFieldCode, "code"},
    {kFieldMessage, "message"},
    {kFieldMs, "ms"},
    {kFieldAfterBytes, "afterBytes"},
}};

constexpr int kMinPartNumber = 1;
constexpr int kMaxPartNumber = 10000;
constexpr uint64_t kMaxStallMs = 10 * 60 * 1000;  // a stall longer than this is a hang
constexpr size_t kMaxRules = 1000;
constexpr size_t kMaxStringBytes = 1024;  // OSS keys are at most 1023 bytes

protocol::Error Invalid(const std::string& field, const std::string& why) {
  return protocol::MakeError("InvalidArgument", field + ": " + why);
}

// Fields an object may carry; anything else is an error naming the field.
std::optional<protocol::Error> RejectUnknown(const Json& object, const std::string& where,
                                             std::span<const std::string_view> allowed) {
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (std::string_view candidate : allowed) known = known || candidate == name;
    if (!known) return Invalid(where + name, "unknown field");
  }
  return std::nullopt;
}

std::optional<protocol::Error> RejectUnknown(const Json& object, const std::string& where,
                                             std::initializer_list<std::string_view> allowed) {
  return RejectUnknown(object, where, std::span<const std::string_view>(allowed));
}

// An unsigned JSON integer (no sign, no fraction).
std::optional<uint64_t> AsUnsigned(const Json& value) {
  if (!value.is_number_unsigned()) return std::nullopt;
  return value.get<uint64_t>();
}

std::optional<protocol::Error> ParseUnsigned(const Json& object, const std::string& where,
                                             const char* name, uint64_t min, uint64_t max,
                                             uint64_t& out) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  std::optional<uint64_t> value = AsUnsigned(*it);
  if (!value || *value < min || *value > max) {
    return Invalid(where + name, "must be an integer in [" + std::to_string(min) + ", " +
                                     std::to_string(max) + "]");
  }
  out = *value;
  return std::nullopt;
}

std::optional<protocol::Error> ParseString(const Json& object, const std::string& where,
                                           const char* name, std::optional<std::string>& out) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) return Invalid(where + name, "must be a string");
  out = it->get<std::string>();
  if (out->size() > kMaxStringBytes) {
    return Invalid(where + name, "longer than " + std::to_string(kMaxStringBytes) + " bytes");
  }
  return std::nullopt;
}

std::optional<protocol::Error> ParseMatch(const Json& json, const std::string& where,
                                          Match& match) {
  if (!json.is_object()) return Invalid(where.substr(0, where.size() - 1), "must be an object");
  if (auto error = RejectUnknown(
          json, where,
          {"op", "operation", "bucket", "key", "uploadId", "partNumber", "nth", "probability"})) {
    return error;
  }
  if (json.contains("op") && json.contains("operation")) {
    return Invalid(where + "op", "give either op or operation, not both");
  }
  for (const char* name : {"op", "operation"}) {
    auto it = json.find(name);
    if (it == json.end()) continue;
    if (!it->is_string()) return Invalid(where + name, "must be a string");
    const std::string op_name = it->get<std::string>();
    std::optional<protocol::Operation> op = protocol::OperationFromName(op_name);
    if (!op || protocol::RowOf(*op).faults != protocol::Faults::kTargetable) {
      return Invalid(where + name, "unknown operation \"" + op_name + "\"");
    }
    match.operation = *op;
  }
  if (auto error = ParseString(json, where, "bucket", match.bucket)) return error;
  if (auto error = ParseString(json, where, "key", match.key_glob)) return error;
  if (match.key_glob && match.key_glob->empty()) {
    return Invalid(where + "key", "an empty glob matches no object key");
  }
  if (auto error = ParseString(json, where, "uploadId", match.upload_id)) return error;
  if (json.contains("partNumber")) {
    uint64_t part_number = 0;
    if (auto error =
            ParseUnsigned(json, where, "partNumber", kMinPartNumber, kMaxPartNumber, part_number)) {
      return error;
    }
    match.part_number = static_cast<int>(part_number);
  }
  if (json.contains("nth")) {
    uint64_t nth = 0;
    if (auto error = ParseUnsigned(json, where, "nth", 1, UINT64_MAX, nth)) return error;
    match.nth = nth;
  }
  if (auto it = json.find("probability"); it != json.end()) {
    if (!it->is_number()) return Invalid(where + "probability", "must be a number in [0, 1]");
    const double p = it->get<double>();
    if (!(p >= 0.0 && p <= 1.0)) return Invalid(where + "probability", "must be in [0, 1]");
    match.probability = p;
  }
  return std::nullopt;
}

std::optional<protocol::Error> ParseAction(const Json& json, const std::string& where,
                                           Action& action) {
  if (!json.is_object()) return Invalid(where.substr(0, where.size() - 1), "must be an object");
  auto type_it = json.find("type");
  if (type_it == json.end()) return Invalid(where + "type", "missing");
  if (!type_it->is_string()) return Invalid(where + "type", "must be a string");
  const std::string type_name = type_it->get<std::string>();
  std::optional<ActionType> type = ActionTypeFromName(type_name);
  if (!type) return Invalid(where + "type", "unknown action \"" + type_name + "\"");
  action = Action{};
  action.type = *type;
  const ActionSpec& spec = SpecOf(*type);

  std::vector<std::string_view> allowed = {"type"};
  for (const FieldName& field : kFieldNames) {
    if ((spec.fields & field.field) != 0) allowed.push_back(field.name);
  }
  if (auto error = RejectUnknown(json, where, allowed)) return error;
  for (const FieldName& field : kFieldNames) {
    if ((spec.required & field.field) != 0 && !json.contains(field.name)) {
      return Invalid(where + field.name, "missing");
    }
  }
  if ((spec.fields & kFieldCode) != 0) {
    std::optional<std::string> code;
    if (auto error = ParseString(json, where, "code", code)) return error;
    if (code) {
      if (code->empty()) return Invalid(where + "code", "must not be empty");
      action.code = *code;
    }
  }
  if ((spec.fields & kFieldMessage) != 0) {
    std::optional<std::string> message;
    if (auto error = ParseString(json, where, "message", message)) return error;
    if (message) action.message = *message;
  }
  if ((spec.fields & kFieldStatus) != 0) {
    // Without a status, a code from the OSS table brings its own (SlowDown 503,
    // RequestTimeTooSkewed 403, ...); an unknown code defaults to 503.
    const protocol::ErrorSpec* error_spec = protocol::FindErrorSpec(action.code);
    uint64_t status = error_spec != nullptr ? static_cast<uint64_t>(error_spec->http_status) : 503;
    if (auto error = ParseUnsigned(json, where, "status", 400, 599, status)) return error;
    action.http_status = static_cast<int>(status);
  }
  if ((spec.fields & kFieldMs) != 0) {
    if (auto error = ParseUnsigned(json, where, "ms", 0, kMaxStallMs, action.stall_ms)) {
      return error;
    }
  }
  if ((spec.fields & kFieldAfterBytes) != 0) {
    return ParseUnsigned(json, where, "afterBytes", 0, UINT64_MAX, action.after_bytes);
  }
  return std::nullopt;
}

std::optional<protocol::Error> ParseRule(const Json& json, const std::string& where, Rule& rule) {
  if (!json.is_object()) return Invalid(where.substr(0, where.size() - 1), "must be an object");
  if (auto error = RejectUnknown(json, where, {"match", "action", "times"})) return error;
  if (auto it = json.find("match"); it != json.end()) {
    if (auto error = ParseMatch(*it, where + "match.", rule.match)) return error;
  }
  auto action_it = json.find("action");
  if (action_it == json.end()) return Invalid(where + "action", "missing");
  if (auto error = ParseAction(*action_it, where + "action.", rule.action)) return error;
  if (auto it = json.find("times"); it != json.end()) {
    if (it->is_string() && it->get<std::string>() == "unlimited") {
      rule.times = std::nullopt;
    } else {
      std::optional<uint64_t> times = AsUnsigned(*it);
      if (!times || *times == 0) {
        return Invalid(where + "times", "must be a positive integer or \"unlimited\"");
      }
      rule.times = *times;
    }
  }
  return std::nullopt;
}

OrderedJson MatchToJson(const Match& match) {
  OrderedJson json = OrderedJson::object();
  if (match.operation) json["op"] = std::string(protocol::OperationName(*match.operation));
  if (match.bucket) json["bucket"] = *match.bucket;
  if (match.key_glob) json["key"] = *match.key_glob;
  if (match.upload_id) json["uploadId"] = *match.upload_id;
  if (match.part_number) json["partNumber"] = *match.part_number;
  if (match.nth) json["nth"] = *match.nth;
  if (match.probability) json["probability"] = *match.probability;
  return json;
}

}  // namespace

std::string_view ActionTypeName(ActionType type) {
  return static_cast<size_t>(type) < kActions.size() ? SpecOf(type).name : "unknown";
}

std::optional<ActionType> ActionTypeFromName(std::string_view name) {
  for (const ActionSpec& spec : kActions) {
    if (spec.name == name) return spec.type;
  }
  return std::nullopt;
}

namespace internal {

OrderedJson ActionJsonValue(const Action& action) {
  OrderedJson json;
  json["type"] = std::string(ActionTypeName(action.type));
  const unsigned fields = SpecOf(action.type).fields;
  if ((fields & kFieldStatus) != 0) json["status"] = action.http_status;
  if ((fields & kFieldCode) != 0) json["code"] = action.code;
  if ((fields & kFieldMessage) != 0 && !action.message.empty()) json["message"] = action.message;
  if ((fields & kFieldMs) != 0) json["ms"] = action.stall_ms;
  if ((fields & kFieldAfterBytes) != 0) json["afterBytes"] = action.after_bytes;
  return json;
}

OrderedJson PlanJsonValue(const Plan& plan) {
  OrderedJson json;
  json["seed"] = plan.seed;
  json["scope"] = plan.scope == Scope::kGlobal ? "global" : "header";
  OrderedJson rules = OrderedJson::array();
  for (const Rule& rule : plan.rules) {
    OrderedJson entry;
    OrderedJson match = MatchToJson(rule.match);
    if (!match.empty()) entry["match"] = std::move(match);
    entry["action"] = ActionJsonValue(rule.action);
    if (rule.times) {
      entry["times"] = *rule.times;
    } else {
      entry["times"] = "unlimited";
    }
    rules.push_back(std::move(entry));
  }
  json["rules"] = std::move(rules);
  return json;
}

}  // namespace internal

std::string ActionToJson(const Action& action) {
  return internal::Dump(internal::ActionJsonValue(action));
}

protocol::StatusOr<Action> ParseActionJson(std::string_view text) {
  const Json json = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Invalid("action", "not valid JSON");
  Action action;
  if (auto error = ParseAction(json, "action.", action)) return *error;
  return action;
}

std::string PlanToJson(const Plan& plan) { return internal::Dump(internal::PlanJsonValue(plan)); }

protocol::StatusOr<Plan> ParsePlan(std::string_view text) {
  const Json json = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Invalid("plan", "not valid JSON");
  if (!json.is_object()) return Invalid("plan", "must be a JSON object");
  if (auto error = RejectUnknown(json, "", {"seed", "scope", "rules"})) return *error;

  Plan plan;
  if (auto error = ParseUnsigned(json, "", "seed", 0, UINT64_MAX, plan.seed)) return *error;
  if (auto it = json.find("scope"); it != json.end()) {
    const std::string scope = it->is_string() ? it->get<std::string>() : "";
    if (scope == "global") {
      plan.scope = Scope::kGlobal;
    } else if (scope == "header") {
      plan.scope = Scope::kHeader;
    } else {
      return Invalid("scope", "must be \"global\" or \"header\"");
    }
  }
  auto rules_it = json.find("rules");
  if (rules_it == json.end()) return Invalid("rules", "missing");
  if (!rules_it->is_array()) return Invalid("rules", "must be an array");
  if (rules_it->size() > kMaxRules) {
    return Invalid("rules", "more than " + std::to_string(kMaxRules) + " rules");
  }
  for (size_t i = 0; i < rules_it->size(); ++i) {
    Rule rule;
    if (auto error = ParseRule((*rules_it)[i], "rules[" + std::to_string(i) + "].", rule)) {
      return *error;
    }
    plan.rules.push_back(std::move(rule));
  }
  return plan;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single-star backtracking: O(|pattern| * |text|) worst case.
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;  // position after the last '*' seen
  size_t star_t = 0;                       // text position that '*' is currently absorbing to
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star_p != std::string_view::npos) {
      p = star_p;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace ossup::faults
