// scenarios::ParseScenario on arbitrary text. Property (codec.h's contract): a scenario that
// parses writes canonical JSON that parses to the same scenario, and writing it again gives
// the same text.
#include <string>

#include "fuzz_support.h"
#include "ossup/scenarios/codec.h"

using ossup::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto scenario = ossup::scenarios::ParseScenario(ossup::fuzz::AsText(data, size));
  if (!scenario.ok()) return 0;
  const std::string json = ossup::scenarios::ScenarioToJson(*scenario);
  auto again = ossup::scenarios::ParseScenario(json);
  Require(again.ok(), "ScenarioToJson's output parses");
  Require(*again == *scenario, "ParseScenario(ScenarioToJson(s)) == s");
  Require(ossup::scenarios::ScenarioToJson(*again) == json, "ScenarioToJson is stable");
  return 0;
}
