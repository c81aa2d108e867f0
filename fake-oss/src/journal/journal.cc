#include "journal/journal.h"

#include <nlohmann/json.hpp>

#include "journal/json_bytes.h"

namespace ossup::fake {

uint64_t Journal::Admit() {
  std::lock_guard lock(mu_);
  return ++arrivals_;
}

uint64_t Journal::Arrivals() const {
  std::lock_guard lock(mu_);
  return arrivals_;
}

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
  arrivals_ = 0;
}

std::string Journal::ToJson(const std::vector<JournalEntry>& entries, uint64_t arrivals) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {
        {"sequence", e.sequence},  {"arrival", e.arrival},      {"requestId", e.request_id},
        {"method", e.method},      {"operation", e.operation},  {"partNumber", nullptr},
        {"status", e.http_status}, {"errorCode", e.error_code}, {"bytes", e.request_body_bytes},
        {"fault", nullptr},        {"arrivedUs", e.arrived_us}, {"latencyUs", e.latency_us}};
    SetBytesField(j, "bucket", e.bucket);
    SetBytesField(j, "key", e.key);
    SetBytesField(j, "uploadId", e.upload_id);
    if (e.part_number) j["partNumber"] = *e.part_number;
    if (e.fault) {
      const faults::Action& action = e.fault->action;
      j["fault"] = {{"plan", e.fault->plan_id},
                    {"rule", e.fault->rule_index},
                    {"action", std::string(faults::ActionTypeName(action.type))}};
      switch (action.type) {
        case faults::ActionType::kError:
          j["fault"]["status"] = action.http_status;
          j["fault"]["code"] = action.code;
          break;
        case faults::ActionType::kStall:
          j["fault"]["ms"] = action.stall_ms;
          j["fault"]["afterBytes"] = action.after_bytes;
          break;
        case faults::ActionType::kReset:
        case faults::ActionType::kTruncateResponse:
          j["fault"]["afterBytes"] = action.after_bytes;
          break;
        default:
          break;
      }
    }
    list.push_back(std::move(j));
  }
  return DumpJson(nlohmann::json{{"arrivals", arrivals}, {"entries", list}});
}

std::string JournalToJson(const std::vector<JournalEntry>& entries, uint64_t arrivals) {
  return Journal::ToJson(entries, arrivals);
}

}  // namespace ossup::fake
