#include "journal/journal.h"

#include <nlohmann/json.hpp>

namespace ossup::fake {

void Journal::Record(JournalEntry entry) {
  std::lock_guard lock(mu_);
  entry.sequence = next_sequence_++;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<JournalEntry> Journal::Entries() const {
  std::lock_guard lock(mu_);
  return {entries_.begin(), entries_.end()};
}

void Journal::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  next_sequence_ = 1;
}

std::string Journal::ToJson(const std::vector<JournalEntry>& entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"sequence", e.sequence},
                        {"requestId", e.request_id},
                        {"method", e.method},
                        {"operation", e.operation},
                        {"bucket", e.bucket},
                        {"key", e.key},
                        {"uploadId", e.upload_id},
                        {"partNumber", nullptr},
                        {"status", e.http_status},
                        {"errorCode", e.error_code},
                        {"bytes", e.request_body_bytes},
                        {"fault", nullptr}};
    if (e.part_number) j["partNumber"] = *e.part_number;
    if (e.fault) {
      j["fault"] = {{"plan", e.fault->plan_id},
                    {"rule", e.fault->rule_index},
                    {"action", std::string(faults::ActionTypeName(e.fault->action.type))}};
    }
    list.push_back(std::move(j));
  }
  return nlohmann::json{{"entries", list}}.dump();
}

}  // namespace ossup::fake
