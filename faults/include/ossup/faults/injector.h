// The injector decides, for each request the fake server receives, whether a fault fires.
//
// It holds the installed plans and their accounting. It never touches sockets or storage:
// the fake's HTTP layer asks Decide() once per request, after routing and before doing any
// work, and then carries out the returned action at the matching hook point (before the
// body, after N body bytes, after the operation's effect and before the response, or
// mid-response). Every firing is returned to the caller, who writes it to the journal next
// to the request it hit.
//
// Determinism: given the same plans (and seeds) and the same sequence of Decide() calls, the
// same faults fire. Probabilities draw from a per-plan generator seeded by the plan's seed,
// one draw per request that matches a rule's other fields; nothing depends on time.
//
// Thread-safe: all methods may be called concurrently; Decide() calls are serialised.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ossup/faults/plan.h"
#include "ossup/protocol/operation.h"

namespace ossup::faults {

/// What the injector may look at in a request.
struct RequestFacts {
  protocol::Operation operation = protocol::Operation::kUnknown;
  std::string bucket;
  std::string key;
  std::string upload_id;           // "" when the request names none
  std::optional<int> part_number;  // UploadPart only
  std::string plan_header;         // value of x-fake-oss-plan, "" when absent
};

/// A fault that fired: which plan and rule, and what to do.
struct Firing {
  std::string plan_id;
  size_t rule_index = 0;
  Action action;
};

struct RuleAccounting {
  uint64_t matched = 0;               // requests that matched the rule's fields
  uint64_t fired = 0;                 // times the action was returned
  std::optional<uint64_t> remaining;  // nullopt = unlimited
};

struct PlanAccounting {
  std::string id;
  Plan plan;
  std::vector<RuleAccounting> rules;
};

class Injector {
 public:
  Injector();
  ~Injector();

  /// Installs a plan and returns its id ("plan-1", "plan-2", ... in installation order).
  std::string AddPlan(Plan plan);
  /// False when no plan has that id.
  bool RemovePlan(const std::string& id);
  void Clear();

  /// The fault to inject into this request, if any. Global plans are consulted in
  /// installation order, then the plan named by the request's header; within a plan the
  /// first rule whose match holds and whose budget is not spent fires.
  std::optional<Firing> Decide(const RequestFacts& request);

  std::optional<PlanAccounting> Accounting(const std::string& id) const;
  std::vector<PlanAccounting> AllAccounting() const;
  /// JSON for GET /_fake/faults/{id}: {"id", "plan", "rules": [{"matched","fired","remaining"}]}.
  static std::string AccountingToJson(const PlanAccounting& accounting);

 private:
  struct State;
  mutable std::mutex mu_;
  std::unique_ptr<State> state_;
};

}  // namespace ossup::faults
