#include "ossup/scenarios/generate.h"

#include <gtest/gtest.h>

#include <set>

#include "ossup/scenarios/codec.h"

namespace ossup::scenarios {
namespace {

TEST(Generate, IsAPureFunctionOfTheSeed) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    faults::Rng a(seed), b(seed);
    EXPECT_EQ(GenerateCase(a), GenerateCase(b)) << seed;
  }
  faults::Rng a(1), b(2);
  EXPECT_NE(GenerateCase(a), GenerateCase(b));
}

TEST(Generate, BuiltScenariosRoundTripThroughJson) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    faults::Rng rng(seed);
    Scenario s = BuildScenario(GenerateCase(rng), "case-" + std::to_string(seed));
    auto parsed = ParseScenario(ScenarioToJson(s));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString() << "\n" << ScenarioToJson(s);
    EXPECT_EQ(*parsed, s) << seed;
  }
}

TEST(Generate, EveryClientStepExpectsSomethingAndTheRunEndsWithALivenessUpload) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    faults::Rng rng(seed);
    CaseSpec spec = GenerateCase(rng);
    Scenario s = BuildScenario(spec, "x");
    ASSERT_GT(s.steps.size(), spec.steps.size());
    for (const auto& step : s.steps) {
      EXPECT_EQ(IsClientStep(step.kind), !step.expect.empty()) << seed;
    }
    EXPECT_EQ(s.steps.back().kind, StepKind::kUpload);
    EXPECT_EQ(s.steps.back().expect, std::vector<Outcome>{Outcome::kSucceeds}) << seed;
    EXPECT_FALSE(s.steps.back().faults.has_value());
    EXPECT_TRUE(s.checks.properties);
  }
}

TEST(Generate, FaultsStayInsideTheSurvivableModel) {
  for (uint64_t seed = 0; seed < 500; ++seed) {
    faults::Rng rng(seed);
    CaseSpec spec = GenerateCase(rng);
    for (const auto& step : spec.steps) {
      if (!step.fault) continue;
      const FaultSpec& f = *step.fault;
      EXPECT_TRUE(IsClientStep(step.kind));
      if (f.times == 0) {
        EXPECT_EQ(f.operation, protocol::Operation::kUploadPart) << seed;
      }
      EXPECT_LE(f.times, 2);
      if (f.type == faults::ActionType::kRestart) {
        EXPECT_EQ(spec.storage, Storage::kDisk);
      }
      if (f.non_retryable) {
        EXPECT_NE(f.operation, protocol::Operation::kAbortMultipartUpload);
      }
    }
  }
}

TEST(Generate, ModelExpectsCannotResumeAfterAnExpiredKeptUpload) {
  CaseSpec spec;
  spec.size_bytes = 3 * 102400;
  spec.steps = {{StepKind::kKillClientAfterParts, 1, std::nullopt},
                {StepKind::kExpireUpload, 0, std::nullopt},
                {StepKind::kUpload, 0, std::nullopt}};
  Scenario s = BuildScenario(spec, "x");
  EXPECT_EQ(s.steps[0].expect, std::vector<Outcome>{Outcome::kCancelled});
  EXPECT_EQ(s.steps[2].expect, std::vector<Outcome>{Outcome::kCannotResume});
  EXPECT_EQ(s.steps[3].expect, std::vector<Outcome>{Outcome::kSucceeds});
}

TEST(Generate, ShrinkCandidatesAreSimpler) {
  faults::Rng rng(7);
  CaseSpec spec = GenerateCase(rng);
  spec.parallelism = 3;
  for (const CaseSpec& c : ShrinkCandidates(spec)) {
    EXPECT_NE(c, spec);
    EXPECT_LE(c.steps.size(), spec.steps.size());
    EXPECT_LE(c.size_bytes, spec.size_bytes);
    EXPECT_LE(c.parallelism, spec.parallelism);
  }
  EXPECT_FALSE(ShrinkCandidates(spec).empty());
}

TEST(Shrink, KeepsOnlyCandidatesThatFailOnEveryReplay) {
  CaseSpec spec;
  spec.size_bytes = 3 * 102400;
  spec.parallelism = 3;
  spec.steps.resize(3);
  // Fails whenever a step is left; with parallelism 1 only every other run (a race).
  int calls = 0;
  auto fails = [&](const CaseSpec& c) {
    ++calls;
    if (c.steps.empty()) return false;
    return c.parallelism != 1 || calls % 2 == 0;
  };
  const CaseSpec shrunk = ShrinkCase(spec, fails);
  EXPECT_EQ(shrunk.steps.size(), 1u);
  EXPECT_EQ(shrunk.parallelism, 3) << "a candidate that passed a replay was kept";
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(fails(shrunk));
}

TEST(Generate, ReachesEveryStepKindAndFaultType) {
  std::set<StepKind> kinds;
  std::set<faults::ActionType> types;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    faults::Rng rng(seed);
    for (const StepSpec& step : GenerateCase(rng).steps) {
      kinds.insert(step.kind);
      if (step.fault) types.insert(step.fault->type);
    }
  }
  for (int k = 0; k <= static_cast<int>(StepKind::kDamageRecordLine); ++k) {
    // "upload" covers "resume": the same request, which resumes whenever there is a record.
    if (static_cast<StepKind>(k) == StepKind::kResume) continue;
    EXPECT_TRUE(kinds.contains(static_cast<StepKind>(k))) << StepKindName(static_cast<StepKind>(k));
  }
  for (int t = 0; t <= static_cast<int>(faults::ActionType::kCorruptEtag); ++t) {
    const auto type = static_cast<faults::ActionType>(t);
    EXPECT_TRUE(types.contains(type)) << faults::ActionTypeName(type);
  }
}

TEST(Generate, DrawsEveryIntegrityModeAndFitsTheCaseToIt) {
  std::set<client::IntegrityMode> modes;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    faults::Rng rng(seed);
    const CaseSpec spec = GenerateCase(rng);
    modes.insert(spec.integrity);
    for (const StepSpec& step : spec.steps) {
      if (spec.integrity == client::IntegrityMode::kNone) {
        EXPECT_NE(step.kind, StepKind::kTamperPart);
        EXPECT_FALSE(step.fault && (step.fault->type == faults::ActionType::kCorruptChecksum ||
                                    step.fault->type == faults::ActionType::kCorruptEtag));
      }
      if (spec.integrity != client::IntegrityMode::kMd5AndCrc64 && step.fault &&
          step.fault->type == faults::ActionType::kCorruptEtag) {
        EXPECT_EQ(step.fault->operation, protocol::Operation::kUploadPart);
      }
    }
  }
  EXPECT_EQ(modes.size(), client::AllIntegrityModes().size());
}

std::vector<std::vector<Outcome>> Expected(
    std::vector<StepSpec> steps, client::IntegrityMode mode = client::IntegrityMode::kCrc64) {
  CaseSpec spec;
  spec.integrity = mode;
  spec.size_bytes = 3 * 102400;
  spec.steps = std::move(steps);
  std::vector<std::vector<Outcome>> out;
  for (const Step& step : BuildScenario(spec, "model").steps) {
    if (IsClientStep(step.kind)) out.push_back(step.expect);
  }
  return out;
}

TEST(Generate, ModelIsDefiniteWhereTheContractIs) {
  using O = Outcome;
  using V = std::vector<std::vector<Outcome>>;
  // A kill during Complete leaves a committed object: the resume verifies it and succeeds.
  EXPECT_EQ(Expected({{StepKind::kKillClientDuringComplete, 0, {}}, {StepKind::kResume, 0, {}}}),
            (V{{O::kCancelled}, {O::kSucceeds}, {O::kSucceeds}}));
  // A foreign part in the kept upload: cannot resume, then a fresh upload.
  EXPECT_EQ(Expected({{StepKind::kKillClientAfterParts, 1, {}},
                      {StepKind::kForeignPart, 0, {}},
                      {StepKind::kResume, 0, {}}}),
            (V{{O::kCancelled}, {O::kCannotResume}, {O::kSucceeds}}));
  // The file changed during a fresh upload: it fails.
  EXPECT_EQ(Expected({{StepKind::kRewriteFileDuringUpload, 1, {}}}),
            (V{{O::kFails}, {O::kSucceeds}}));
  // Unlimited errors on every UploadPart of a fresh upload: it fails, and a failure keeps
  // nothing to resume from but must not make the next upload anything but a success.
  FaultSpec unlimited;
  unlimited.type = faults::ActionType::kError;
  unlimited.times = 0;
  EXPECT_EQ(Expected({{StepKind::kUpload, 0, unlimited}}),
            (V{{O::kFailsRetryable}, {O::kSucceeds}}));
  // A failure keeps the record of a kill: the next step resumes it and succeeds.
  FaultSpec denied = unlimited;
  denied.operation = protocol::Operation::kListParts;
  denied.times = 1;
  denied.non_retryable = true;
  EXPECT_EQ(Expected({{StepKind::kKillClientAfterParts, 1, {}},
                      {StepKind::kResume, 0, denied},
                      {StepKind::kResume, 0, {}}}),
            (V{{O::kCancelled}, {O::kSucceeds, O::kFails}, {O::kSucceeds}, {O::kSucceeds}}));
  // A corrupted part answer is caught and the part sent again: the step succeeds. A
  // corrupted Complete answer fails it, unless the mode checks nothing.
  FaultSpec corrupt_part;
  corrupt_part.type = faults::ActionType::kCorruptChecksum;
  corrupt_part.operation = protocol::Operation::kUploadPart;
  FaultSpec corrupt_complete = corrupt_part;
  corrupt_complete.operation = protocol::Operation::kCompleteMultipartUpload;
  for (auto mode : client::AllIntegrityModes()) {
    EXPECT_EQ(Expected({{StepKind::kUpload, 0, corrupt_part}}, mode),
              (V{{O::kSucceeds}, {O::kSucceeds}}));
    const V caught = {{O::kSucceeds, O::kFailsRetryable}, {O::kSucceeds}};
    const V unchecked = {{O::kSucceeds}, {O::kSucceeds}};
    EXPECT_EQ(Expected({{StepKind::kUpload, 0, corrupt_complete}}, mode),
              mode == client::IntegrityMode::kNone ? unchecked : caught);
  }
}

}  // namespace
}  // namespace ossup::scenarios
