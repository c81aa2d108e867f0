// The injector decides, for each request the fake server receives, whether a fault fires.
//
// It holds the installed plans and their accounting. It never touches sockets or storage:
// the fake's HTTP layer asks Decide() once per request, after routing and before doing any
// work, and then carries out the returned action at the matching hook point (before the
// body, after N body bytes, after the operation's effect and before the response, or
// mid-response). Every firing is returned to the caller, who writes it to the journal next
// to the request it hit.
//
// The fault model (what each action does to the server and what a client must survive) is in
// fault_model.h.
//
// Evaluation of one request: the plans that apply are every global plan, in installation
// order, then the plan named by the request's x-fake-oss-plan header if it has header scope.
// Every rule of every applicable plan sees the request, whether or not an earlier rule fires,
// so a rule's counting and drawing never depend on the other rules:
//   1. if the rule's fields (operation, bucket, key glob, upload id, part number) do not all
//      hold, the rule is skipped; otherwise its `matched` count goes up by one;
//   2. with `nth`, the rule is eligible only when `matched` == nth;
//   3. with `probability`, one number is drawn from the plan's generator (rng.h, seeded with
//      plan.seed at AddPlan) and the rule is eligible only when it is below the probability;
//   4. the first eligible rule with budget left (over all applicable plans) fires: `fired`
//      goes up, `remaining` goes down. At most one rule fires per request.
//
// Determinism: given the same plans (and seeds) and the same sequence of Decide() calls, the
// same faults fire. A plan's draws happen in (request, rule) order and only for requests
// that reach step 3, regardless of budgets; nothing depends on time or on other plans.
//
// Thread-safe: all methods may be called concurrently; Decide() calls are serialised.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ossup/faults/plan.h"
#include "ossup/protocol/mutex.h"
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
  uint64_t matched = 0;               // requests that matched the rule's fields (what nth counts)
  uint64_t fired = 0;                 // times the action was returned
  std::optional<uint64_t> remaining;  // nullopt = unlimited
  friend bool operator==(const RuleAccounting&, const RuleAccounting&) = default;
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
  /// Removes every plan. Ids are never reused: the next plan after "plan-3" is "plan-4".
  void Clear();
  bool HasPlan(const std::string& id) const;
  /// True when no plan is installed (then Decide returns nullopt). Lock-free.
  bool Empty() const { return plan_count_.load(std::memory_order_acquire) == 0; }

  /// The fault to inject into this request, if any. Global plans are consulted in
  /// installation order, then the plan named by the request's header; within a plan the
  /// first rule whose match holds and whose budget is not spent fires.
  std::optional<Firing> Decide(const RequestFacts& request);

  std::optional<PlanAccounting> Accounting(const std::string& id) const;
  std::vector<PlanAccounting> AllAccounting() const;
  /// JSON for GET /_fake/faults/{id}: {"id", "plan", "rules": [{"matched","fired","remaining"}]}
  /// where "plan" is PlanToJson's form and "remaining" is a number or "unlimited".
  static std::string AccountingToJson(const PlanAccounting& accounting);

 private:
  struct State;
  mutable protocol::Mutex mu_;
  std::unique_ptr<State> state_ OSSUP_PT_GUARDED_BY(mu_);
  /// state_->plans.size(), written under mu_.
  std::atomic<size_t> plan_count_{0};
};

/// One journal-ready JSON object: {"plan": "plan-1", "rule": 0, "action": {...}}.
std::string FiringToJson(const Firing& firing);

}  // namespace ossup::faults
