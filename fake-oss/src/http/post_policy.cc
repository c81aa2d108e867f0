#include "http/post_policy.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ossup/protocol/checksum.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

using Kind = PostCondition::Kind;
using Json = nlohmann::json;

// The matching modes and how a policy spells them (docs/protocol.md, "PostObject policy").
constexpr std::pair<std::string_view, Kind> kModes[] = {
    {"eq", Kind::kEq},
    {"starts-with", Kind::kStartsWith},
    {"in", Kind::kIn},
    {"not-in", Kind::kNotIn},
    {"content-length-range", Kind::kContentLengthRange},
};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

protocol::Error InvalidPolicy(std::string_view detail, std::string_view ec = "") {
  auto e = errors::Oss("InvalidPolicyDocument");
  e.message = "Invalid Policy: " + std::string(detail);
  e.ec = std::string(ec);
  return e;
}

// `["eq", "$key", "a"]` as OSS quotes a failed condition: elements joined by ", ".
std::string Quote(const Json& array) {
  std::string out = "[";
  for (size_t i = 0; i < array.size(); ++i) {
    if (i > 0) out += ", ";
    out += array[i].dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return out + "]";
}

protocol::StatusOr<PostCondition> ParseMap(const Json& object) {
  if (object.size() != 1) {
    return InvalidPolicy(
        "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
  }
  const auto first = object.begin();
  const std::string& name = first.key();
  const Json& value = first.value();
  if (!value.is_string()) return InvalidPolicy("Invalid Simple-Condition: value must be a string.");
  PostCondition c;
  c.kind = Kind::kEq;
  c.field = Lower(name);
  c.values = {value.get<std::string>()};
  c.text = Quote(Json::array({"eq", "$" + name, value}));
  return c;
}

protocol::StatusOr<PostCondition> ParseList(const Json& list) {
  if (list.empty() || !list[0].is_string()) {
    return InvalidPolicy("Invalid Condition: no matching mode.", "0006-00000216");
  }
  const std::string mode = Lower(list[0].get<std::string>());
  auto found = std::find_if(std::begin(kModes), std::end(kModes),
                            [&](const auto& m) { return m.first == mode; });
  if (found == std::end(kModes)) {
    if (!mode.empty() && mode[0] == '$') {
      return InvalidPolicy("Invalid Condition: no matching mode.", "0006-00000216");
    }
    return InvalidPolicy("Invalid Condition: unsupported matching mode " + mode + ".",
                         "0006-00000217");
  }
  PostCondition c;
  c.kind = found->second;
  c.text = Quote(list);
  if (list.size() != 3) return InvalidPolicy("Invalid Condition: " + c.text + ".");
  if (c.kind == Kind::kContentLengthRange) {
    if (!list[1].is_number_unsigned() || !list[2].is_number_unsigned()) {
      return InvalidPolicy("Invalid content-length-range: " + c.text + ".", "0006-00000221");
    }
    c.min = list[1].get<uint64_t>();
    c.max = list[2].get<uint64_t>();
    if (c.max < c.min) {
      return InvalidPolicy("Invalid content-length-range: " + c.text + ".", "0006-00000219");
    }
    return c;
  }
  if (!list[1].is_string() || list[1].get<std::string>().size() < 2 ||
      list[1].get<std::string>()[0] != '$') {
    return InvalidPolicy("Invalid Condition: " + c.text + ".");
  }
  c.field = Lower(list[1].get<std::string>().substr(1));
  if (c.kind == Kind::kEq || c.kind == Kind::kStartsWith) {
    if (!list[2].is_string()) return InvalidPolicy("Invalid Condition: " + c.text + ".");
    c.values = {list[2].get<std::string>()};
    return c;
  }
  if (!list[2].is_array()) return InvalidPolicy("Invalid Condition: " + c.text + ".");
  for (const auto& v : list[2]) {
    if (!v.is_string()) return InvalidPolicy("Invalid Condition: " + c.text + ".");
    c.values.push_back(v.get<std::string>());
  }
  return c;
}

protocol::Error ConditionFailed(const PostCondition& c) {
  auto e = errors::Oss("AccessDenied");
  e.message = "Invalid according to Policy: Policy Condition failed: " + c.text;
  return e;
}

bool Holds(const PostCondition& c, const std::optional<std::string>& value) {
  const std::string text = value.value_or("");
  switch (c.kind) {
    case Kind::kEq:
      return value && text == c.values[0];
    case Kind::kStartsWith:
      return text.starts_with(c.values[0]);
    case Kind::kIn:
      return value && std::find(c.values.begin(), c.values.end(), text) != c.values.end();
    case Kind::kNotIn:
      return std::find(c.values.begin(), c.values.end(), text) == c.values.end();
    case Kind::kContentLengthRange:
      return true;  // checked against the file's size
  }
  return false;
}

}  // namespace

protocol::StatusOr<PostPolicy> ParsePostPolicy(std::string_view base64) {
  auto bytes = protocol::Base64Decode(base64);
  if (!bytes) return InvalidPolicy("Invalid Base64 policy.");
  Json doc = Json::parse(bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidPolicy("Invalid JSON.");
  const bool has_expiration = doc.contains("expiration");
  const bool has_conditions = doc.contains("conditions");
  if (!has_expiration && !has_conditions) {
    return InvalidPolicy("Policy must contain expiration and conditions.", "0006-00000209");
  }
  if (!has_expiration) return InvalidPolicy("Policy missing expiration.", "0006-00000208");
  if (!has_conditions) return InvalidPolicy("Policy missing conditions.", "0006-00000207");
  PostPolicy policy;
  const Json& expiration = doc["expiration"];
  auto when =
      expiration.is_string() ? protocol::ParseIso8601(expiration.get<std::string>()) : std::nullopt;
  if (!when) return InvalidPolicy("Invalid expiration.");
  policy.expiration = *when;
  const Json& conditions = doc["conditions"];
  if (!conditions.is_array()) return InvalidPolicy("conditions must be a list.");
  for (const Json& item : conditions) {
    protocol::StatusOr<PostCondition> c =
        item.is_object()  ? ParseMap(item)
        : item.is_array() ? ParseList(item)
                          : protocol::StatusOr<PostCondition>(InvalidPolicy(
                                "Invalid Condition: must be a map or a list.", "0006-00000222"));
    if (!c.ok()) return c.status();
    policy.conditions.push_back(std::move(*c));
  }
  return policy;
}

protocol::Status CheckPostPolicy(const PostPolicy& policy, const FormLookup& form,
                                 uint64_t file_size, protocol::TimePoint now) {
  if (now > policy.expiration) {
    auto e = errors::Oss("AccessDenied");
    e.message = "Invalid according to Policy: Policy expired.";
    e.ec = "0006-00000213";
    return e;
  }
  for (const PostCondition& c : policy.conditions) {
    if (c.kind != Kind::kContentLengthRange && !Holds(c, form(c.field))) return ConditionFailed(c);
  }
  for (const PostCondition& c : policy.conditions) {
    if (c.kind != Kind::kContentLengthRange) continue;
    if (file_size > c.max) {
      auto e = errors::Oss("EntityTooLarge");
      e.ec = "0006-00000003";
      return e;
    }
    if (file_size < c.min) {
      auto e = errors::Oss("EntityTooSmall");
      e.ec = "0006-00000004";
      return e;
    }
  }
  return {};
}

}  // namespace ossup::fake
