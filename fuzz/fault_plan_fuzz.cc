// faults::ParsePlan on arbitrary text. Property (plan.h's contract): a plan that parses
// writes canonical JSON that parses to the same plan, and writing that plan again gives the
// same text.
#include <string>

#include "fuzz_support.h"
#include "ossup/faults/plan.h"

using ossup::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto plan = ossup::faults::ParsePlan(ossup::fuzz::AsText(data, size));
  if (!plan.ok()) return 0;
  const std::string json = ossup::faults::PlanToJson(*plan);
  auto again = ossup::faults::ParsePlan(json);
  Require(again.ok(), "PlanToJson's output parses");
  Require(*again == *plan, "ParsePlan(PlanToJson(p)) == p");
  Require(ossup::faults::PlanToJson(*again) == json, "PlanToJson is stable");
  for (const auto& rule : plan->rules) (void)ossup::faults::ActionToJson(rule.action);
  return 0;
}
