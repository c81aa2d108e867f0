// The named properties of the resumable-upload contract under generated files, options, client
// actions, server events and faults (scenarios/properties.h lists them).
//
// Each case is a generated CaseSpec (scenarios/generate.h): faults are fields of its steps,
// so rapidcheck's shrinking removes steps and faults and simplifies sizes together. A case is
// built into a Scenario, run against a fresh in-process fake, and judged by the runner: the
// model's expected outcomes, the final checks, and CheckProperties.
//
// Reproduce: rapidcheck prints `Using configuration: seed=N` first and, on failure,
// `RC_PARAMS="reproduce=..."`. Every failing case is also written as a scenario file
// ($OSSUP_REGRESSION_DIR, default ./property-failures/<Test>.json; the last one written is
// the shrunk case) that `oss-scenario run FILE` replays; commit it under
// scenarios/regressions/.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "ossup/protocol/limits.h"
#include "ossup/scenarios/codec.h"
#include "ossup/scenarios/generate.h"
#include "ossup/scenarios/report.h"
#include "ossup/scenarios/runner.h"

namespace ossup::scenarios {

// How rapidcheck prints a counterexample (found by argument-dependent lookup).
void showValue(const CaseSpec& spec, std::ostream& os) { os << DescribeCase(spec); }

namespace {

constexpr uint64_t kPart = protocol::limits::kMinPartSize;
/// Replays of a failing case before it is saved as a scenario file.
constexpr int kReplays = 2;

struct Shape {
  bool faults = true;
  bool server_events = true;
  bool cancels = true;
};

rc::Gen<FaultSpec> GenFault(Storage storage) {
  return rc::gen::exec([storage] {
    std::vector<faults::ActionType> kinds;
    for (const faults::ActionSpec& action : faults::kActions) {
      if (!GeneratedTargets(action.type, storage).empty()) kinds.push_back(action.type);
    }
    FaultSpec f;
    f.type = *rc::gen::elementOf(kinds);
    f.operation = *rc::gen::elementOf(GeneratedTargets(f.type, storage));
    f.nth = *rc::gen::inRange(1, 4);
    f.times = *rc::gen::inRange(1, 3);
    faults::Rng parameters(*rc::gen::arbitrary<uint64_t>());
    DrawFaultParameters(f, parameters);
    return f;
  });
}

rc::Gen<StepSpec> GenStep(uint64_t size, Storage storage, Shape shape) {
  return rc::gen::exec([size, storage, shape] {
    // Weighted by repetition: upload 3, cancel 2, kill 2, each server event 1.
    std::vector<StepKind> kinds = {StepKind::kUpload, StepKind::kUpload, StepKind::kUpload};
    if (shape.cancels) {
      kinds.insert(kinds.end(), 2, StepKind::kCancelAfterBytes);
      kinds.insert(kinds.end(), 2, StepKind::kKillClientAfterParts);
      kinds.push_back(StepKind::kKillClientDuringComplete);
    }
    if (shape.server_events) {
      for (auto k :
           {StepKind::kExpireUpload, StepKind::kRestartServer, StepKind::kAdvanceClock,
            StepKind::kRewriteFile, StepKind::kRewriteFileDuringUpload,
            StepKind::kShrinkFileDuringUpload, StepKind::kTamperPart, StepKind::kForeignPart,
            StepKind::kPowerLoss, StepKind::kDamageRecordHeader, StepKind::kDamageRecordLine}) {
        kinds.push_back(k);
      }
    }
    StepSpec step;
    step.kind = *rc::gen::elementOf(kinds);
    const uint64_t parts = std::max<uint64_t>(1, (size + kPart - 1) / kPart);
    switch (step.kind) {
      case StepKind::kCancelAfterBytes:
        step.amount = *rc::gen::inRange<uint64_t>(0, size + 1);
        break;
      case StepKind::kKillClientAfterParts:
      case StepKind::kRewriteFileDuringUpload:
      case StepKind::kShrinkFileDuringUpload:
      case StepKind::kTamperPart:
        step.amount = *rc::gen::inRange<uint64_t>(1, parts + 1);
        break;
      case StepKind::kForeignPart:
        step.amount = *rc::gen::inRange<uint64_t>(0, 2);
        break;
      case StepKind::kAdvanceClock:
        step.amount = *rc::gen::element<uint64_t>(60, 3600, 86400);
        break;
      case StepKind::kRewriteFile:
        step.amount = *rc::gen::inRange<uint64_t>(1, 1000000);
        break;
      default:
        break;
    }
    // A kill during Complete carries no fault of its own: its crash plan owns Complete.
    if (shape.faults && IsClientStep(step.kind) &&
        step.kind != StepKind::kKillClientDuringComplete) {
      rc::Maybe<FaultSpec> fault = *rc::gen::maybe(GenFault(storage));
      if (fault) step.fault = *fault;
    }
    return step;
  });
}

rc::Gen<CaseSpec> GenCase(Shape shape) {
  return rc::gen::exec([shape] {
    CaseSpec spec;
    spec.part_size_bytes = kPart;
    spec.size_bytes = *rc::gen::oneOf(rc::gen::elementOf(EdgeSizes(kPart)),
                                      rc::gen::inRange<uint64_t>(0, 6 * kPart + 1));
    spec.content_seed = *rc::gen::inRange<uint64_t>(0, 1u << 30);
    spec.parallelism = *rc::gen::inRange(1, 4);
    spec.record_directory = *rc::gen::weightedElement<bool>({{7, true}, {1, false}});
    spec.delete_on_cancel = *rc::gen::arbitrary<bool>();
    spec.storage = *rc::gen::weightedElement<Storage>({{3, Storage::kMemory}, {1, Storage::kDisk}});
    spec.signing = *rc::gen::element(Signing::kV4, Signing::kV1, Signing::kAnonymous);
    spec.server_seed = *rc::gen::inRange<uint64_t>(0, 1000);
    const int steps = *rc::gen::inRange(1, 6);
    spec.steps = *rc::gen::container<std::vector<StepSpec>>(
        static_cast<size_t>(steps), GenStep(spec.size_bytes, spec.storage, shape));
    spec.integrity =
        *rc::gen::weightedElement<client::IntegrityMode>({{4, client::IntegrityMode::kCrc64},
                                                          {3, client::IntegrityMode::kMd5AndCrc64},
                                                          {1, client::IntegrityMode::kNone}});
    FitToIntegrity(spec);
    return spec;
  });
}

/// Where failing cases are written: $OSSUP_REGRESSION_DIR or ./property-failures.
std::filesystem::path FailureDir() {
  const char* dir = std::getenv("OSSUP_REGRESSION_DIR");
  return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path("property-failures");
}

void CheckCase(const CaseSpec& spec) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + std::string(info->name());
  Scenario scenario = BuildScenario(spec, name);
  // Coverage: which fault kind the case's first fault is (swarm-style evidence).
  std::string first_fault = "no fault";
  for (const auto& step : spec.steps) {
    if (step.fault) {
      first_fault = std::string(faults::ActionTypeName(step.fault->type));
      break;
    }
  }
  RC_TAG(first_fault);
  RunReport report = RunScenario(scenario);
  if (report.passed) return;
  // Replays: where parallel parts race a cancel a run can fail once and pass the next time.
  // The first failure of a test is reported whatever its replays do (a race is a bug too);
  // while rapidcheck shrinks it, a candidate counts as failing only if every replay fails,
  // so the shrunk counterexample, and the scenario file written for it, reproduce.
  static std::string shrinking;  // the test whose failure is being shrunk
  const bool discovery = shrinking != name;
  shrinking = name;
  int replays_failed = 0;
  for (int i = 0; i < kReplays; ++i) replays_failed += RunScenario(scenario).passed ? 0 : 1;
  const bool reproduces = replays_failed == kReplays;
  if (!reproduces && !discovery) {
    RC_LOG() << "a shrink candidate passed " << (kReplays - replays_failed) << " of " << kReplays
             << " replays: not kept\n";
    return;
  }
  if (reproduces) {
    // Overwritten while shrinking: the file left is the smallest case that reproduces.
    scenario.description = "Found by " + name + " (see RC_PARAMS reproduce line). " +
                           DescribeCase(spec) + ". First failure: " + report.reason;
    std::filesystem::create_directories(FailureDir());
    const auto path = FailureDir() / (name + ".json");
    (void)SaveScenarioFile(path.string(), scenario);
    RC_LOG() << "scenario written to " << path.string() << "; replay it with: oss-scenario run "
             << path.string() << "\n";
    auto page = path;
    page.replace_extension(".html");
    const ScenarioResult result{name, false, report.reason, 0, "oss-scenario run " + path.string(),
                                ""};
    if (WriteScenarioReport(page.string(), scenario, report, result).ok()) {
      RC_LOG() << "report written to " << page.string() << "\n";
    }
  }
  RC_FAIL(DescribeCase(spec) + "\n" + report.reason +
          (reproduces ? "" : "\n(a race: did not fail on every replay; not saved)"));
}

// Everything at once: client actions, server events and faults interleaved.
RC_GTEST_PROP(UploadProperties, HoldUnderFaultsAndServerEvents, ()) {
  CheckCase(*GenCase(Shape{}));
}

// No faults, no events: plain uploads, cancels and kills across edge sizes and parallelism.
// Sharpest on P3 (resume re-sends nothing) and P6 (exactly ceil(size/partSize) parts).
RC_GTEST_PROP(UploadProperties, HoldWithoutFaults, ()) {
  CheckCase(*GenCase(Shape{.faults = false, .server_events = false, .cancels = true}));
}

// Faults on every step of plain uploads (no cancels): retries, lost answers, lost uploads.
RC_GTEST_PROP(UploadProperties, HoldUnderFaultsAlone, ()) {
  CheckCase(*GenCase(Shape{.faults = true, .server_events = false, .cancels = false}));
}

// Crash-style kills and server events (expiry, restart, clock jumps, file changes).
RC_GTEST_PROP(UploadProperties, HoldAcrossServerEvents, ()) {
  CheckCase(*GenCase(Shape{.faults = false, .server_events = true, .cancels = true}));
}

}  // namespace
}  // namespace ossup::scenarios
