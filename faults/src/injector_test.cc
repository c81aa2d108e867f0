#include "ossup/faults/injector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace ossup::faults {
namespace {

using protocol::Operation;

RequestFacts Request(Operation op, std::string key = "obj", std::optional<int> part = {}) {
  RequestFacts facts;
  facts.operation = op;
  facts.bucket = "bucket";
  facts.key = std::move(key);
  facts.upload_id = op == Operation::kPutObject ? "" : "U1";
  facts.part_number = part;
  return facts;
}

RequestFacts Part(int n) { return Request(Operation::kUploadPart, "obj", n); }

Rule MakeRule(Match match, ActionType type, std::optional<uint64_t> times = 1) {
  Rule rule;
  rule.match = std::move(match);
  rule.action.type = type;
  rule.times = times;
  return rule;
}

Match OnOperation(Operation op) {
  Match match;
  match.operation = op;
  return match;
}

Plan PlanOf(std::vector<Rule> rules, uint64_t seed = 0, Scope scope = Scope::kGlobal) {
  Plan plan;
  plan.seed = seed;
  plan.scope = scope;
  plan.rules = std::move(rules);
  return plan;
}

// The rule index that fired, or -1.
int FiredRule(Injector& injector, const RequestFacts& request) {
  std::optional<Firing> firing = injector.Decide(request);
  return firing ? static_cast<int>(firing->rule_index) : -1;
}

TEST(Injector, IdsCountFromOneAndAreNeverReused) {
  Injector injector;
  EXPECT_EQ(injector.AddPlan(Plan{}), "plan-1");
  EXPECT_EQ(injector.AddPlan(Plan{}), "plan-2");
  EXPECT_TRUE(injector.RemovePlan("plan-1"));
  EXPECT_FALSE(injector.RemovePlan("plan-1"));
  EXPECT_FALSE(injector.HasPlan("plan-1"));
  EXPECT_TRUE(injector.HasPlan("plan-2"));
  injector.Clear();
  EXPECT_FALSE(injector.HasPlan("plan-2"));
  EXPECT_TRUE(injector.AllAccounting().empty());
  EXPECT_EQ(injector.AddPlan(Plan{}), "plan-3");
}

TEST(Injector, NoPlansNoFaults) {
  Injector injector;
  EXPECT_EQ(injector.Decide(Part(1)), std::nullopt);
}

TEST(Injector, FiringCarriesPlanRuleAndAction) {
  Injector injector;
  Rule rule = MakeRule(OnOperation(Operation::kListParts), ActionType::kError);
  rule.action.http_status = 500;
  rule.action.code = "InternalError";
  const std::string id = injector.AddPlan(PlanOf({rule}));
  std::optional<Firing> firing = injector.Decide(Request(Operation::kListParts));
  ASSERT_TRUE(firing.has_value());
  EXPECT_EQ(firing->plan_id, id);
  EXPECT_EQ(firing->rule_index, 0u);
  EXPECT_EQ(firing->action, rule.action);
  EXPECT_EQ(FiringToJson(*firing),
            R"({"plan":"plan-1","rule":0,"action":{"type":"error","status":500,)"
            R"("code":"InternalError"}})");
}

TEST(Injector, MatchesByOperation) {
  Injector injector;
  injector.AddPlan(PlanOf({MakeRule(OnOperation(Operation::kCompleteMultipartUpload),
                                    ActionType::kDropResponse, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Part(1)), -1);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), -1);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kCompleteMultipartUpload)), 0);
}

TEST(Injector, MatchesByBucket) {
  Injector injector;
  Match match;
  match.bucket = "other";
  injector.AddPlan(PlanOf({MakeRule(match, ActionType::kReset, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Part(1)), -1);
  RequestFacts request = Part(1);
  request.bucket = "other";
  EXPECT_EQ(FiredRule(injector, request), 0);
}

TEST(Injector, MatchesByKeyGlob) {
  Injector injector;
  Match match;
  match.key_glob = "logs/*.gz";
  injector.AddPlan(PlanOf({MakeRule(match, ActionType::kReset, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Request(Operation::kPutObject, "logs/2026/11/a.gz")), 0);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kPutObject, "logs/a.gz.tmp")), -1);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kPutObject, "data/a.gz")), -1);
}

TEST(Injector, MatchesByUploadId) {
  Injector injector;
  Match match;
  match.upload_id = "U2";
  injector.AddPlan(PlanOf({MakeRule(match, ActionType::kExpireUpload, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Part(1)), -1);  // upload U1
  RequestFacts request = Part(1);
  request.upload_id = "U2";
  EXPECT_EQ(FiredRule(injector, request), 0);
}

TEST(Injector, MatchesByPartNumber) {
  Injector injector;
  Match match;
  match.part_number = 3;
  injector.AddPlan(PlanOf({MakeRule(match, ActionType::kReset, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Part(2)), -1);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), -1);  // no part number
  EXPECT_EQ(FiredRule(injector, Part(3)), 0);
}

TEST(Injector, NthFiresOnlyOnTheKthMatchingRequest) {
  Injector injector;
  Match match = OnOperation(Operation::kUploadPart);
  match.nth = 3;
  const std::string id = injector.AddPlan(PlanOf({MakeRule(match, ActionType::kReset, 5)}));
  std::vector<int> fired;
  for (int i = 1; i <= 6; ++i) {
    // Requests of other operations do not count towards nth.
    EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), -1);
    fired.push_back(FiredRule(injector, Part(i)));
  }
  EXPECT_EQ(fired, (std::vector<int>{-1, -1, 0, -1, -1, -1}));
  const PlanAccounting accounting = *injector.Accounting(id);
  EXPECT_EQ(accounting.rules[0].matched, 6u);
  EXPECT_EQ(accounting.rules[0].fired, 1u);
  EXPECT_EQ(accounting.rules[0].remaining, 4u);
}

TEST(Injector, TimesBudgetStopsFiring) {
  Injector injector;
  const std::string id = injector.AddPlan(
      PlanOf({MakeRule(OnOperation(Operation::kListParts), ActionType::kError, 2)}));
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), 0);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), 0);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), -1);
  EXPECT_EQ(FiredRule(injector, Request(Operation::kListParts)), -1);
  const PlanAccounting accounting = *injector.Accounting(id);
  EXPECT_EQ(accounting.rules[0].matched, 4u);
  EXPECT_EQ(accounting.rules[0].fired, 2u);
  EXPECT_EQ(accounting.rules[0].remaining, 0u);
}

TEST(Injector, UnlimitedBudgetNeverRunsOut) {
  Injector injector;
  const std::string id = injector.AddPlan(PlanOf({MakeRule({}, ActionType::kStall, std::nullopt)}));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(FiredRule(injector, Part(1 + i % 10)), 0);
  const PlanAccounting accounting = *injector.Accounting(id);
  EXPECT_EQ(accounting.rules[0].fired, 1000u);
  EXPECT_EQ(accounting.rules[0].remaining, std::nullopt);
}

TEST(Injector, FirstMatchWinsAndSpentRulesFallThrough) {
  Injector injector;
  const std::string id = injector.AddPlan(PlanOf({
      MakeRule(OnOperation(Operation::kUploadPart), ActionType::kReset, 1),
      MakeRule(OnOperation(Operation::kUploadPart), ActionType::kDropResponse, 1),
      MakeRule({}, ActionType::kStall, 1),
  }));
  EXPECT_EQ(FiredRule(injector, Part(1)), 0);
  EXPECT_EQ(FiredRule(injector, Part(2)), 1);
  EXPECT_EQ(FiredRule(injector, Part(3)), 2);
  EXPECT_EQ(FiredRule(injector, Part(4)), -1);
  const PlanAccounting accounting = *injector.Accounting(id);
  // Every rule saw every request, whichever fired.
  for (const RuleAccounting& rule : accounting.rules) {
    EXPECT_EQ(rule.matched, 4u);
    EXPECT_EQ(rule.fired, 1u);
    EXPECT_EQ(rule.remaining, 0u);
  }
}

TEST(Injector, NthCountsRequestsThatAnEarlierRuleFaulted) {
  Injector injector;
  Match second = OnOperation(Operation::kUploadPart);
  second.nth = 2;
  injector.AddPlan(PlanOf({MakeRule(OnOperation(Operation::kUploadPart), ActionType::kReset, 2),
                           MakeRule(second, ActionType::kDropResponse, 1)}));
  // Rule 0 takes requests 1 and 2; rule 1's 2nd match is shadowed and never comes back.
  EXPECT_EQ(FiredRule(injector, Part(1)), 0);
  EXPECT_EQ(FiredRule(injector, Part(2)), 0);
  EXPECT_EQ(FiredRule(injector, Part(3)), -1);
}

TEST(Injector, GlobalPlansInInstallationOrder) {
  Injector injector;
  const std::string first =
      injector.AddPlan(PlanOf({MakeRule(OnOperation(Operation::kListParts), ActionType::kError)}));
  const std::string second =
      injector.AddPlan(PlanOf({MakeRule({}, ActionType::kReset, std::nullopt)}));
  std::optional<Firing> firing = injector.Decide(Request(Operation::kListParts));
  ASSERT_TRUE(firing);
  EXPECT_EQ(firing->plan_id, first);
  firing = injector.Decide(Request(Operation::kListParts));
  ASSERT_TRUE(firing);
  EXPECT_EQ(firing->plan_id, second);
  EXPECT_EQ(injector.Accounting(second)->rules[0].matched, 2u);
  EXPECT_EQ(injector.Accounting(second)->rules[0].fired, 1u);
}

TEST(Injector, HeaderScopedPlanAppliesOnlyToItsHeader) {
  Injector injector;
  const std::string id =
      injector.AddPlan(PlanOf({MakeRule({}, ActionType::kReset, std::nullopt)}, 0, Scope::kHeader));
  RequestFacts plain = Part(1);
  EXPECT_EQ(injector.Decide(plain), std::nullopt);
  RequestFacts wrong = Part(1);
  wrong.plan_header = "plan-99";
  EXPECT_EQ(injector.Decide(wrong), std::nullopt);
  RequestFacts tagged = Part(1);
  tagged.plan_header = id;
  std::optional<Firing> firing = injector.Decide(tagged);
  ASSERT_TRUE(firing);
  EXPECT_EQ(firing->plan_id, id);
  // Requests without the header are not even counted.
  EXPECT_EQ(injector.Accounting(id)->rules[0].matched, 1u);
}

TEST(Injector, GlobalPlansComeBeforeTheHeaderPlan) {
  Injector injector;
  const std::string header_plan =
      injector.AddPlan(PlanOf({MakeRule({}, ActionType::kReset, std::nullopt)}, 0, Scope::kHeader));
  const std::string global_plan = injector.AddPlan(PlanOf({MakeRule({}, ActionType::kStall, 1)}));
  RequestFacts tagged = Part(1);
  tagged.plan_header = header_plan;
  std::optional<Firing> firing = injector.Decide(tagged);
  ASSERT_TRUE(firing);
  EXPECT_EQ(firing->plan_id, global_plan);
  firing = injector.Decide(tagged);
  ASSERT_TRUE(firing);
  EXPECT_EQ(firing->plan_id, header_plan);
  EXPECT_EQ(injector.Accounting(header_plan)->rules[0].matched, 2u);
  EXPECT_EQ(injector.Accounting(header_plan)->rules[0].fired, 1u);
}

TEST(Injector, HeaderNamingAGlobalPlanDoesNotConsultItTwice) {
  Injector injector;
  const std::string id = injector.AddPlan(PlanOf({MakeRule({}, ActionType::kStall, 5)}));
  RequestFacts tagged = Part(1);
  tagged.plan_header = id;
  EXPECT_EQ(FiredRule(injector, tagged), 0);
  EXPECT_EQ(injector.Accounting(id)->rules[0].matched, 1u);
}

TEST(Injector, RemovedPlanStopsFiring) {
  Injector injector;
  const std::string id = injector.AddPlan(PlanOf({MakeRule({}, ActionType::kReset, std::nullopt)}));
  EXPECT_EQ(FiredRule(injector, Part(1)), 0);
  ASSERT_TRUE(injector.RemovePlan(id));
  EXPECT_EQ(FiredRule(injector, Part(1)), -1);
  EXPECT_EQ(injector.Accounting(id), std::nullopt);
}

// The firings (request index, rule) of `plan` over a fixed request sequence.
std::vector<std::pair<int, int>> Firings(const Plan& plan, int requests) {
  Injector injector;
  injector.AddPlan(plan);
  std::vector<std::pair<int, int>> firings;
  for (int i = 0; i < requests; ++i) {
    const RequestFacts request = i % 3 == 0 ? Request(Operation::kListParts) : Part(1 + i % 10000);
    if (std::optional<Firing> firing = injector.Decide(request)) {
      firings.emplace_back(i, static_cast<int>(firing->rule_index));
    }
  }
  return firings;
}

Plan ProbabilityPlan(uint64_t seed) {
  Match parts = OnOperation(Operation::kUploadPart);
  parts.probability = 0.25;
  Match lists = OnOperation(Operation::kListParts);
  lists.probability = 0.5;
  Match any;
  any.probability = 0.1;
  return PlanOf(
      {MakeRule(parts, ActionType::kReset, std::nullopt), MakeRule(lists, ActionType::kError, 20),
       MakeRule(any, ActionType::kStall, std::nullopt)},
      seed);
}

TEST(InjectorDeterminism, SamePlanSeedAndRequestsGiveSameFirings) {
  const auto first = Firings(ProbabilityPlan(42), 2000);
  const auto second = Firings(ProbabilityPlan(42), 2000);
  EXPECT_EQ(first, second);
  EXPECT_GT(first.size(), 300u);  // the plan really does fire
}

TEST(InjectorDeterminism, DifferentSeedsGiveDifferentFirings) {
  EXPECT_NE(Firings(ProbabilityPlan(42), 2000), Firings(ProbabilityPlan(43), 2000));
  EXPECT_NE(Firings(ProbabilityPlan(0), 2000), Firings(ProbabilityPlan(1), 2000));
}

TEST(InjectorDeterminism, ProbabilityRateIsRoughlyRight) {
  Match match;
  match.probability = 0.25;
  const auto firings =
      Firings(PlanOf({MakeRule(match, ActionType::kReset, std::nullopt)}, 9), 8000);
  // Binomial(8000, 0.25): mean 2000, sd ~39; a 10-sd window cannot fail by chance.
  EXPECT_GT(firings.size(), 1600u);
  EXPECT_LT(firings.size(), 2400u);
}

TEST(InjectorDeterminism, ProbabilityZeroAndOne) {
  Match never;
  never.probability = 0.0;
  Match always;
  always.probability = 1.0;
  EXPECT_TRUE(Firings(PlanOf({MakeRule(never, ActionType::kReset, std::nullopt)}), 500).empty());
  EXPECT_EQ(Firings(PlanOf({MakeRule(always, ActionType::kReset, std::nullopt)}), 500).size(),
            500u);
}

TEST(InjectorDeterminism, OtherPlansDoNotShiftAPlansDraws) {
  // Each plan draws from its own generator: a later plan with probability rules of its own
  // leaves the first plan's firings exactly as they are alone.
  const Plan plan = ProbabilityPlan(42);
  Injector alone;
  const std::string alone_id = alone.AddPlan(plan);
  Injector shared;
  const std::string shared_id = shared.AddPlan(plan);
  shared.AddPlan(ProbabilityPlan(7));
  std::vector<std::pair<int, size_t>> alone_firings;
  std::vector<std::pair<int, size_t>> shared_firings;
  int other_plan_firings = 0;
  for (int i = 0; i < 1000; ++i) {
    const RequestFacts request = i % 2 == 0 ? Part(1 + i % 50) : Request(Operation::kListParts);
    if (auto firing = alone.Decide(request)) alone_firings.emplace_back(i, firing->rule_index);
    if (auto firing = shared.Decide(request)) {
      if (firing->plan_id == shared_id) {
        shared_firings.emplace_back(i, firing->rule_index);
      } else {
        ++other_plan_firings;
      }
    }
  }
  EXPECT_EQ(alone_firings, shared_firings);
  EXPECT_GT(other_plan_firings, 0);
  EXPECT_EQ(alone.Accounting(alone_id)->rules, shared.Accounting(shared_id)->rules);
}

TEST(InjectorAccounting, JsonContents) {
  Injector injector;
  Rule reset = MakeRule(OnOperation(Operation::kUploadPart), ActionType::kReset, 3);
  reset.match.part_number = 3;
  reset.action.after_bytes = 65536;
  Rule stall = MakeRule({}, ActionType::kStall, std::nullopt);
  stall.action.stall_ms = 10;
  const std::string id = injector.AddPlan(PlanOf({reset, stall}, 7));
  injector.Decide(Part(3));
  injector.Decide(Part(4));
  const std::string json = Injector::AccountingToJson(*injector.Accounting(id));
  const nlohmann::json parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["id"], "plan-1");
  EXPECT_EQ(parsed["plan"]["seed"], 7);
  EXPECT_EQ(parsed["plan"]["rules"][0]["action"]["afterBytes"], 65536);
  ASSERT_EQ(parsed["rules"].size(), 2u);
  EXPECT_EQ(parsed["rules"][0]["matched"], 1);
  EXPECT_EQ(parsed["rules"][0]["fired"], 1);
  EXPECT_EQ(parsed["rules"][0]["remaining"], 2);
  EXPECT_EQ(parsed["rules"][1]["matched"], 2);
  EXPECT_EQ(parsed["rules"][1]["fired"], 1);
  EXPECT_EQ(parsed["rules"][1]["remaining"], "unlimited");
  // The embedded plan is the canonical plan JSON, so it parses back to the installed plan.
  protocol::StatusOr<Plan> plan = ParsePlan(parsed["plan"].dump());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(*plan, injector.Accounting(id)->plan);
}

TEST(InjectorAccounting, AllAccountingInInstallationOrder) {
  Injector injector;
  injector.AddPlan(Plan{});
  injector.AddPlan(Plan{});
  injector.AddPlan(Plan{});
  injector.RemovePlan("plan-2");
  const std::vector<PlanAccounting> all = injector.AllAccounting();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "plan-1");
  EXPECT_EQ(all[1].id, "plan-3");
}

TEST(InjectorConcurrency, ExactCountsUnderConcurrentDecide) {
  Injector injector;
  const std::string id = injector.AddPlan(PlanOf({
      MakeRule(OnOperation(Operation::kUploadPart), ActionType::kReset, 1000),
      MakeRule(OnOperation(Operation::kListParts), ActionType::kError, std::nullopt),
  }));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<int> fired_per_thread(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&injector, &fired_per_thread, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const RequestFacts request =
            i % 2 == 0 ? Part(1 + i % 100) : Request(Operation::kListParts);
        if (injector.Decide(request)) ++fired_per_thread[t];
        if (i % 500 == 0) (void)injector.AllAccounting();  // readers race with Decide
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total_fired = 0;
  for (int count : fired_per_thread) total_fired += count;
  const PlanAccounting accounting = *injector.Accounting(id);
  EXPECT_EQ(accounting.rules[0].matched, uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(accounting.rules[0].fired, 1000u);
  EXPECT_EQ(accounting.rules[0].remaining, 0u);
  EXPECT_EQ(accounting.rules[1].matched, uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(accounting.rules[1].fired, uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(total_fired, 1000 + kThreads * kPerThread / 2);
}

}  // namespace
}  // namespace ossup::faults
