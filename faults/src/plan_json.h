// JSON values for plans and actions, shared by the codec, the accounting and the journal
// helpers so that every document embeds exactly the canonical form.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ossup/faults/plan.h"

namespace ossup::faults::internal {

nlohmann::ordered_json ActionJsonValue(const Action& action);
nlohmann::ordered_json PlanJsonValue(const Plan& plan);

/// Compact text. Bytes that are not UTF-8 (possible only in plans built in C++, never in
/// parsed ones) are written as U+FFFD instead of throwing.
inline std::string Dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace ossup::faults::internal
