// Every row of kActions is complete: its name round-trips, the plan codec accepts exactly its
// fields (and requires its required ones), its targets are operations a plan can name, the
// swarm can switch it on, and docs/faults.md describes it.
#include "ossup/faults/actions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ossup/faults/plan.h"
#include "ossup/faults/swarm.h"

namespace ossup::faults {
namespace {

struct FieldSample {
  ActionField field;
  const char* json;  // "name": value, a valid value
};
constexpr FieldSample kSamples[] = {
    {kFieldStatus, R"("status": 500)"},       {kFieldCode, R"("code": "SlowDown")"},
    {kFieldMessage, R"("message": "m")"},     {kFieldMs, R"("ms": 5)"},
    {kFieldAfterBytes, R"("afterBytes": 7)"},
};

std::string PlanWith(std::string_view name, const std::string& extra) {
  return R"({"rules": [{"action": {"type": ")" + std::string(name) + "\"" +
         (extra.empty() ? "" : ", " + extra) + "}}]}";
}

std::string RequiredFields(const ActionSpec& spec) {
  std::string json;
  for (const FieldSample& sample : kSamples) {
    if ((spec.required & sample.field) == 0) continue;
    json += (json.empty() ? "" : ", ") + std::string(sample.json);
  }
  return json;
}

TEST(ActionsTest, NamesAreUniqueAndRoundTrip) {
  std::set<std::string_view> names;
  for (const ActionSpec& spec : kActions) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_EQ(ActionTypeName(spec.type), spec.name);
    EXPECT_EQ(ActionTypeFromName(spec.name), spec.type);
  }
  EXPECT_EQ(ActionTypeName(static_cast<ActionType>(kActions.size())), "unknown");
}

TEST(ActionsTest, PlanCodecTakesExactlyTheRowsFields) {
  for (const ActionSpec& spec : kActions) {
    const std::string required = RequiredFields(spec);
    auto minimal = ParsePlan(PlanWith(spec.name, required));
    ASSERT_TRUE(minimal.ok()) << spec.name << ": " << minimal.error().ToString();
    EXPECT_EQ(minimal->rules[0].action.type, spec.type);
    for (const FieldSample& sample : kSamples) {
      const bool takes = (spec.fields & sample.field) != 0;
      const bool is_required = (spec.required & sample.field) != 0;
      if (is_required) {
        EXPECT_FALSE(ParsePlan(PlanWith(spec.name, "")).ok()) << spec.name << " " << sample.json;
        continue;
      }
      const std::string with = required.empty() ? sample.json : required + ", " + sample.json;
      auto plan = ParsePlan(PlanWith(spec.name, with));
      EXPECT_EQ(plan.ok(), takes) << spec.name << " " << sample.json;
      if (plan.ok()) {
        // The field is written back, so the canonical form keeps it.
        const std::string written = ActionToJson(plan->rules[0].action);
        const std::string key =
            std::string(sample.json).substr(0, std::string(sample.json).find(':'));
        EXPECT_NE(written.find(key), std::string::npos) << written;
        auto again = ParsePlan(PlanToJson(*plan));
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, *plan);
      }
    }
  }
}

TEST(ActionsTest, TargetsAreOperationsAPlanCanName) {
  for (const ActionSpec& spec : kActions) {
    ASSERT_FALSE(spec.targets.empty()) << spec.name;
    for (protocol::Operation op : spec.targets) {
      const std::string name(protocol::OperationName(op));
      auto plan =
          ParsePlan(R"({"rules": [{"match": {"op": ")" + name + R"("}, "action": {"type": ")" +
                    std::string(spec.name) + "\"" +
                    (RequiredFields(spec).empty() ? "" : ", " + RequiredFields(spec)) + "}}]}");
      EXPECT_TRUE(plan.ok()) << spec.name << " on " << name;
    }
  }
}

TEST(ActionsTest, TheSwarmCanSwitchEveryActionOn) {
  SwarmOptions options;
  options.kind_on = {1, 1};
  options.disk_mode = true;
  const Swarm swarm = DeriveSwarm(1, options);
  ASSERT_EQ(swarm.kinds.size(), kActions.size());
  for (const ActionSpec& spec : kActions) {
    const SwarmKind& kind = swarm.kinds[static_cast<size_t>(spec.type)];
    EXPECT_EQ(kind.type, spec.type);
    EXPECT_TRUE(kind.on) << spec.name;
    EXPECT_EQ(SwarmCandidates(spec.type, false).empty(), spec.disk_mode_only) << spec.name;
  }
  EXPECT_TRUE(ParsePlan(PlanToJson(swarm.plan)).ok());
}

TEST(ActionsTest, DocsDescribeEveryAction) {
  std::ifstream in(OSSUP_FAULTS_DOC);
  ASSERT_TRUE(in) << OSSUP_FAULTS_DOC;
  std::stringstream text;
  text << in.rdbuf();
  for (const ActionSpec& spec : kActions) {
    EXPECT_NE(text.str().find("**`" + std::string(spec.name) + "`**"), std::string::npos)
        << "docs/faults.md, section 2, has no paragraph **`" << spec.name << "`**";
  }
}

}  // namespace
}  // namespace ossup::faults
