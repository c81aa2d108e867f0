// Generated scenarios for fuzzing (oss-scenario fuzz) and property tests (tests/property).
//
// A CaseSpec is the raw material of one generated case: a file, upload options and a list of
// steps, each client step carrying at most one fault as a FIELD (so a shrinker that drops or
// simplifies a step also drops or simplifies its fault). BuildScenario turns it into a
// Scenario that:
//   - arms each step's fault as that step's own plan (counts start at the step);
//   - expects, for each client step, the outcomes a small model allows (ExpectedOutcomes
//     below: conservative, a set when the fault's firing or an earlier outcome is open);
//   - ends with a liveness step: a plain upload with no fault, which must succeed;
//   - checks the object, the record and the named properties (checks.properties, properties.h).
//
// Faults are drawn only from those a correct client must survive or report in a defined way
// (faults/fault_model.h): finite budgets of at most 2 on any operation (within the client's
// 5 attempts), unlimited budgets only on UploadPart (=> fails-retryable), non-retryable
// errors only where no cleanup depends on them (not on AbortMultipartUpload), `restart` only
// in disk mode, and stalls of at most 50 ms.
//
// Determinism: GenerateCase is a pure function of the Rng's state; BuildScenario of the spec.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ossup/faults/plan.h"
#include "ossup/faults/rng.h"
#include "ossup/protocol/operation.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

struct FaultSpec {
  faults::ActionType type = faults::ActionType::kReset;
  protocol::Operation operation = protocol::Operation::kUploadPart;
  /// Which matching request of the step it hits first (1-based).
  int nth = 1;
  /// 1 or 2; 0 = unlimited (UploadPart only).
  int times = 1;
  /// error: true = a non-retryable code (AccessDenied 403), false = ServiceUnavailable 503.
  bool non_retryable = false;
  /// reset / truncate-response / stall: the byte offset; stall: `stall_ms`.
  uint64_t after_bytes = 0;
  uint64_t stall_ms = 0;
  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

struct StepSpec {
  StepKind kind = StepKind::kUpload;
  /// cancel-after-bytes: bytes; kill-client-after-parts: parts; advance-clock: seconds;
  /// rewrite-file: the new content seed (the size stays).
  uint64_t amount = 0;
  std::optional<FaultSpec> fault;  // client steps only
  friend bool operator==(const StepSpec&, const StepSpec&) = default;
};

struct CaseSpec {
  uint64_t size_bytes = 0;
  uint64_t content_seed = 0;
  uint64_t part_size_bytes = 100 * 1024;
  int parallelism = 1;
  bool record_directory = true;
  bool delete_on_cancel = true;
  Storage storage = Storage::kMemory;
  Signing signing = Signing::kV4;
  uint64_t server_seed = 0;
  /// kNone cases carry no tamper-part step and no corrupted answer (it promises nothing
  /// about them); cases without MD5 no corrupt-etag on PutObject.
  client::IntegrityMode integrity = client::IntegrityMode::kCrc64;
  std::vector<StepSpec> steps;
  friend bool operator==(const CaseSpec&, const CaseSpec&) = default;
};

/// Operations each fault kind is generated for: the action's targets (faults/actions.h)
/// among the requests of an upload; none for a disk-mode-only action in memory.
std::vector<protocol::Operation> GeneratedTargets(faults::ActionType type, Storage storage);

/// Draws the parameters of `f` for its type and operation (which are drawn already): the
/// error's retryability, afterBytes, ms, and an unlimited budget on UploadPart (1 in 6) for
/// the actions a fresh multipart upload must survive a few times.
void DrawFaultParameters(FaultSpec& f, faults::Rng& rng);

/// Interesting file sizes for a part size: 0, 1, part-1, part, part+1, k*part (k <= 6), ...
std::vector<uint64_t> EdgeSizes(uint64_t part_size_bytes);

/// A random case: edge or random size (up to 6 parts), parallelism 1-3, 1-5 steps, an
/// integrity mode (crc64 1/2, md5+crc64 3/8, none 1/8), fitted by FitToIntegrity.
CaseSpec GenerateCase(faults::Rng& rng);

/// Keeps out of `spec` what its integrity mode does not promise to catch: under kNone a
/// tamper-part step becomes a plain upload and corrupted answers go; without MD5 a
/// corrupt-etag on PutObject moves to UploadPart (where Complete's InvalidPart reveals it).
void FitToIntegrity(CaseSpec& spec);

/// The fault as a one-rule plan.
faults::Plan FaultPlan(const FaultSpec& fault);

/// The scenario for a case (see the header comment). `name` names it.
Scenario BuildScenario(const CaseSpec& spec, const std::string& name);

/// Simpler variants of a case, simplest first: fewer steps, no fault, smaller file,
/// parallelism 1, memory storage. Used by oss-scenario fuzz's greedy shrinker.
std::vector<CaseSpec> ShrinkCandidates(const CaseSpec& spec);

/// Greedy shrinking: the first ShrinkCandidates() variant for which `fails` holds on each of
/// `replays` runs replaces the case, until none does. A variant that fails only sometimes
/// (parallel parts racing a cancel) is never kept, so the result fails again on replay
/// whenever `spec` itself did.
CaseSpec ShrinkCase(CaseSpec spec, const std::function<bool(const CaseSpec&)>& fails,
                    int replays = 3);

/// One line per field, for logs and counterexamples.
std::string DescribeCase(const CaseSpec& spec);

}  // namespace ossup::scenarios
