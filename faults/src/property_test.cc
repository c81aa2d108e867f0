// Property tests: the plan codec, the glob matcher and the injector's counting against
// simple reference models, over generated inputs.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "ossup/faults/injector.h"
#include "ossup/faults/plan.h"

namespace ossup::faults {
namespace {

using protocol::Operation;

std::string GenWord(const std::string& alphabet, size_t min_size, size_t max_size) {
  const size_t size = *rc::gen::inRange(min_size, max_size + 1);
  std::string word;
  for (size_t i = 0; i < size; ++i) word += *rc::gen::elementOf(alphabet);
  return word;
}

template <typename T, typename Make>
std::optional<T> Maybe(Make make) {
  if (!*rc::gen::arbitrary<bool>()) return std::nullopt;
  return make();
}

Action GenAction() {
  Action action;
  action.type = static_cast<ActionType>(*rc::gen::inRange<size_t>(0, kActions.size()));
  const unsigned fields = SpecOf(action.type).fields;
  if ((fields & kFieldStatus) != 0) action.http_status = *rc::gen::inRange(400, 600);
  if ((fields & kFieldCode) != 0) {
    action.code = GenWord("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 1, 24);
  }
  if ((fields & kFieldMessage) != 0) action.message = GenWord("abc xyz.", 0, 30);
  if ((fields & kFieldMs) != 0) action.stall_ms = *rc::gen::inRange<uint64_t>(0, 600001);
  if ((fields & kFieldAfterBytes) != 0) action.after_bytes = *rc::gen::arbitrary<uint64_t>();
  return action;
}

Plan GenPlan() {
  Plan plan;
  plan.seed = *rc::gen::arbitrary<uint64_t>();
  plan.scope = *rc::gen::element(Scope::kGlobal, Scope::kHeader);
  const size_t rules = *rc::gen::inRange<size_t>(0, 8);
  for (size_t i = 0; i < rules; ++i) {
    Rule rule;
    rule.match.operation = Maybe<Operation>([] {
      return static_cast<Operation>(
          *rc::gen::inRange(static_cast<int>(Operation::kListBuckets),
                            static_cast<int>(Operation::kAbortMultipartUpload) + 1));
    });
    rule.match.bucket = Maybe<std::string>([] { return GenWord("abc-0123", 0, 12); });
    rule.match.key_glob = Maybe<std::string>([] { return GenWord("ab/*?.\"\\", 1, 12); });
    rule.match.upload_id = Maybe<std::string>([] { return GenWord("0123456789ABCDEF", 0, 32); });
    rule.match.part_number = Maybe<int>([] { return *rc::gen::inRange(1, 10001); });
    rule.match.nth = Maybe<uint64_t>([] { return *rc::gen::inRange<uint64_t>(1, UINT64_MAX); });
    rule.match.probability = Maybe<double>([] {
      // Any double in [0, 1], both ends included.
      const uint64_t bits = *rc::gen::inRange<uint64_t>(0, (uint64_t{1} << 53) + 1);
      return static_cast<double>(bits) / 9007199254740992.0;
    });
    rule.action = GenAction();
    rule.times = Maybe<uint64_t>([] { return *rc::gen::inRange<uint64_t>(1, UINT64_MAX); });
    plan.rules.push_back(std::move(rule));
  }
  return plan;
}

RC_GTEST_PROP(PlanProperty, JsonRoundTrips, ()) {
  const Plan plan = GenPlan();
  const std::string json = PlanToJson(plan);
  protocol::StatusOr<Plan> parsed = ParsePlan(json);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == plan);
  RC_ASSERT(PlanToJson(*parsed) == json);
}

// The textbook recursive definition, exponential but obviously right.
bool ReferenceGlob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    return ReferenceGlob(pattern.substr(1), text) ||
           (!text.empty() && ReferenceGlob(pattern, text.substr(1)));
  }
  if (text.empty()) return false;
  if (pattern[0] != '?' && pattern[0] != text[0]) return false;
  return ReferenceGlob(pattern.substr(1), text.substr(1));
}

RC_GTEST_PROP(GlobProperty, AgreesWithTheRecursiveDefinition, ()) {
  const std::string pattern = GenWord("ab*?", 0, 8);
  const std::string text = GenWord("ab*?", 0, 10);
  RC_ASSERT(GlobMatch(pattern, text) == ReferenceGlob(pattern, text));
}

RC_GTEST_PROP(GlobProperty, AWordMatchesItselfAndStar, ()) {
  const std::string text = GenWord("ab/.", 0, 20);
  RC_ASSERT(GlobMatch(text, text));
  RC_ASSERT(GlobMatch("*", text));
}

// Two deterministic rules (no probability) against a request stream, checked against a
// direct model of the contract in injector.h: every rule counts every request matching its
// fields; the first eligible rule with budget left fires.
RC_GTEST_PROP(InjectorProperty, CountsAndFiringsFollowTheModel, ()) {
  struct ModelRule {
    Rule rule;
    uint64_t matched = 0;
    uint64_t fired = 0;
  };
  std::vector<ModelRule> model;
  Plan plan;
  for (int i = 0; i < 2; ++i) {
    Rule rule;
    rule.match.operation = *rc::gen::element(Operation::kUploadPart, Operation::kListParts);
    rule.match.part_number = Maybe<int>([] { return *rc::gen::inRange(1, 4); });
    rule.match.nth = Maybe<uint64_t>([] { return *rc::gen::inRange<uint64_t>(1, 6); });
    rule.times = Maybe<uint64_t>([] { return *rc::gen::inRange<uint64_t>(1, 4); });
    rule.action.type = i == 0 ? ActionType::kReset : ActionType::kStall;
    plan.rules.push_back(rule);
    model.push_back(ModelRule{rule});
  }
  Injector injector;
  const std::string id = injector.AddPlan(plan);

  const size_t requests = *rc::gen::inRange<size_t>(0, 30);
  for (size_t r = 0; r < requests; ++r) {
    RequestFacts request;
    request.operation = *rc::gen::element(Operation::kUploadPart, Operation::kListParts);
    if (request.operation == Operation::kUploadPart) request.part_number = *rc::gen::inRange(1, 4);

    std::optional<size_t> expected;
    for (size_t i = 0; i < model.size(); ++i) {
      ModelRule& m = model[i];
      if (m.rule.match.operation != request.operation) continue;
      if (m.rule.match.part_number && m.rule.match.part_number != request.part_number) continue;
      ++m.matched;
      if (m.rule.match.nth && *m.rule.match.nth != m.matched) continue;
      if (expected || (m.rule.times && m.fired == *m.rule.times)) continue;
      ++m.fired;
      expected = i;
    }
    const std::optional<Firing> firing = injector.Decide(request);
    RC_ASSERT(firing.has_value() == expected.has_value());
    if (firing) RC_ASSERT(firing->rule_index == *expected);
  }
  const PlanAccounting accounting = *injector.Accounting(id);
  for (size_t i = 0; i < model.size(); ++i) {
    RC_ASSERT(accounting.rules[i].matched == model[i].matched);
    RC_ASSERT(accounting.rules[i].fired == model[i].fired);
    if (model[i].rule.times) {
      RC_ASSERT(accounting.rules[i].remaining == *model[i].rule.times - model[i].fired);
    } else {
      RC_ASSERT(!accounting.rules[i].remaining.has_value());
    }
  }
}

}  // namespace
}  // namespace ossup::faults
