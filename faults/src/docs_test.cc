// The examples in docs/faults.md are real: every ```json block there is a plan, a list of
// rules (one per line), or an accounting document whose "plan" is a plan; all must parse.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ossup/faults/plan.h"

namespace ossup::faults {
namespace {

std::vector<std::string> JsonBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

void ExpectPlan(const std::string& json) {
  protocol::StatusOr<Plan> plan = ParsePlan(json);
  EXPECT_TRUE(plan.ok()) << json << "\n-> " << plan.status().ToString();
}

TEST(Docs, EveryExampleInFaultsMdParses) {
  std::ifstream file(OSSUP_FAULTS_DOC);
  ASSERT_TRUE(file) << OSSUP_FAULTS_DOC;
  std::stringstream text;
  text << file.rdbuf();
  const std::vector<std::string> blocks = JsonBlocks(text.str());
  ASSERT_GE(blocks.size(), 10u);
  int plans = 0;
  int rules = 0;
  for (const std::string& block : blocks) {
    const nlohmann::json whole = nlohmann::json::parse(block, nullptr, false);
    if (!whole.is_discarded() && whole.contains("id")) {  // an accounting document
      ExpectPlan(whole.at("plan").dump());
      ++plans;
    } else if (!whole.is_discarded() && whole.contains("rules")) {
      ExpectPlan(block);
      ++plans;
    } else {  // one rule per line
      std::istringstream lines(block);
      std::string line;
      while (std::getline(lines, line)) {
        ExpectPlan(R"({"rules": [)" + line + "]}");
        ++rules;
      }
    }
  }
  EXPECT_GE(plans, 2);
  EXPECT_GE(rules, 9);  // one example per action, two for error
}

}  // namespace
}  // namespace ossup::faults
