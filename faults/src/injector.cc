#include "ossup/faults/injector.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "ossup/faults/rng.h"
#include "plan_json.h"

namespace ossup::faults {

// One installed plan. Invariant: accounting.rules.size() == accounting.plan.rules.size().
struct InstalledPlan {
  PlanAccounting accounting;
  Rng rng;  // seeded with plan.seed at installation; drawn only by probability rules
};

struct Injector::State {
  uint64_t next_id = 1;              // ids are never reused, even after Clear()
  std::vector<InstalledPlan> plans;  // installation order
};

namespace {

bool FieldsMatch(const Match& match, const RequestFacts& request) {
  if (match.operation && *match.operation != request.operation) return false;
  if (match.bucket && *match.bucket != request.bucket) return false;
  if (match.key_glob && !GlobMatch(*match.key_glob, request.key)) return false;
  if (match.upload_id && *match.upload_id != request.upload_id) return false;
  if (match.part_number && match.part_number != request.part_number) return false;
  return true;
}

// Offers the request to every rule of `plan` (each rule counts and draws whether or not an
// earlier rule fires), and fires the first eligible rule unless `fired` is already set.
void Offer(InstalledPlan& installed, const RequestFacts& request, std::optional<Firing>& fired) {
  const Plan& plan = installed.accounting.plan;
  for (size_t i = 0; i < plan.rules.size(); ++i) {
    const Rule& rule = plan.rules[i];
    RuleAccounting& counts = installed.accounting.rules[i];
    if (!FieldsMatch(rule.match, request)) continue;
    ++counts.matched;
    if (rule.match.nth && counts.matched != *rule.match.nth) continue;
    if (rule.match.probability && !(installed.rng.UniformDouble() < *rule.match.probability)) {
      continue;
    }
    if (fired || counts.remaining == uint64_t{0}) continue;
    ++counts.fired;
    if (counts.remaining) --*counts.remaining;
    fired = Firing{installed.accounting.id, i, rule.action};
  }
}

}  // namespace

Injector::Injector() : state_(std::make_unique<State>()) {}
Injector::~Injector() = default;

std::string Injector::AddPlan(Plan plan) {
  protocol::MutexLock lock(mu_);
  InstalledPlan installed{PlanAccounting{}, Rng(plan.seed)};
  installed.accounting.id = "plan-" + std::to_string(state_->next_id++);
  for (const Rule& rule : plan.rules) {
    installed.accounting.rules.push_back(RuleAccounting{0, 0, rule.times});
  }
  installed.accounting.plan = std::move(plan);
  std::string id = installed.accounting.id;
  state_->plans.push_back(std::move(installed));
  plan_count_ = state_->plans.size();
  return id;
}

bool Injector::RemovePlan(const std::string& id) {
  protocol::MutexLock lock(mu_);
  auto& plans = state_->plans;
  for (auto it = plans.begin(); it != plans.end(); ++it) {
    if (it->accounting.id == id) {
      plans.erase(it);
      plan_count_ = plans.size();
      return true;
    }
  }
  return false;
}

void Injector::Clear() {
  protocol::MutexLock lock(mu_);
  state_->plans.clear();
  plan_count_ = 0;
}

bool Injector::HasPlan(const std::string& id) const {
  protocol::MutexLock lock(mu_);
  for (const InstalledPlan& installed : state_->plans) {
    if (installed.accounting.id == id) return true;
  }
  return false;
}

std::optional<Firing> Injector::Decide(const RequestFacts& request) {
  protocol::MutexLock lock(mu_);
  std::optional<Firing> fired;
  InstalledPlan* header_plan = nullptr;
  for (InstalledPlan& installed : state_->plans) {
    if (installed.accounting.plan.scope == Scope::kGlobal) {
      Offer(installed, request, fired);
    } else if (!request.plan_header.empty() && installed.accounting.id == request.plan_header) {
      header_plan = &installed;
    }
  }
  if (header_plan != nullptr) Offer(*header_plan, request, fired);
  return fired;
}

std::optional<PlanAccounting> Injector::Accounting(const std::string& id) const {
  protocol::MutexLock lock(mu_);
  for (const InstalledPlan& installed : state_->plans) {
    if (installed.accounting.id == id) return installed.accounting;
  }
  return std::nullopt;
}

std::vector<PlanAccounting> Injector::AllAccounting() const {
  protocol::MutexLock lock(mu_);
  std::vector<PlanAccounting> all;
  all.reserve(state_->plans.size());
  for (const InstalledPlan& installed : state_->plans) all.push_back(installed.accounting);
  return all;
}

std::string Injector::AccountingToJson(const PlanAccounting& accounting) {
  nlohmann::ordered_json json;
  json["id"] = accounting.id;
  json["plan"] = internal::PlanJsonValue(accounting.plan);
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const RuleAccounting& rule : accounting.rules) {
    nlohmann::ordered_json entry;
    entry["matched"] = rule.matched;
    entry["fired"] = rule.fired;
    if (rule.remaining) {
      entry["remaining"] = *rule.remaining;
    } else {
      entry["remaining"] = "unlimited";
    }
    rules.push_back(std::move(entry));
  }
  json["rules"] = std::move(rules);
  return internal::Dump(json);
}

std::string FiringToJson(const Firing& firing) {
  nlohmann::ordered_json json;
  json["plan"] = firing.plan_id;
  json["rule"] = firing.rule_index;
  json["action"] = internal::ActionJsonValue(firing.action);
  return internal::Dump(json);
}

}  // namespace ossup::faults
