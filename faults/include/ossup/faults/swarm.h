// Swarm mode: a random fault plan derived from one seed, for soak runs and property tests
// (`fake-oss --chaos SEED`).
//
// Swarm testing (FoundationDB's buggify, TigerBeetle's options_swarm): rather than turning
// every fault on at a low rate, each run switches a random subset of fault kinds on and lets
// those fire often. Runs then differ in kind, not only in timing, and each run can still make
// progress. Here, for each fault kind (ActionType, in enum order):
//   - the kind is on for the run with probability `kind_on` (default 1/4);
//   - an "on" kind targets a random non-empty subset of the operations it makes sense for
//     (each candidate with probability 1/2; if none was picked, one uniformly);
//   - its parameters are drawn once for the run (error code, afterBytes, stall ms);
//   - it becomes one rule per targeted operation, with probability `fires` (default 1/4)
//     and an unlimited budget. Rules are in kind order, so first-match-wins gives earlier
//     kinds precedence on an operation that several kinds target.
// `restart` is only a candidate when `disk_mode` is set: in memory mode a restart loses
// acknowledged data, which no client can survive.
//
// Determinism: the swarm is a pure function of (seed, options). Each kind draws from its own
// generator (seeded from a derivation stream), so one kind's draws never shift another's.
// The plan's own seed (for the probability draws while serving) is `seed`.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ossup/faults/plan.h"
#include "ossup/protocol/operation.h"

namespace ossup::faults {

/// An exact ratio numerator/denominator. REQUIRES: 0 < denominator, numerator <= denominator.
struct Ratio {
  uint64_t numerator = 0;
  uint64_t denominator = 1;
  friend bool operator==(const Ratio&, const Ratio&) = default;
};

struct SwarmOptions {
  Ratio kind_on{1, 4};  // chance that a fault kind is switched on for the run
  Ratio fires{1, 4};    // chance that an "on" kind fires on a request it targets
  bool disk_mode = false;
  /// Upper bounds for the drawn parameters.
  uint64_t max_after_bytes = 1 << 20;
  uint64_t max_truncate_bytes = 512;
  uint64_t max_stall_ms = 200;
};

struct SwarmKind {
  ActionType type = ActionType::kError;
  bool on = false;
  Action action;                             // parameters drawn for the run (when on)
  std::vector<protocol::Operation> targets;  // empty when off
  friend bool operator==(const SwarmKind&, const SwarmKind&) = default;
};

struct Swarm {
  uint64_t seed = 0;
  SwarmOptions options;
  std::vector<SwarmKind> kinds;  // one per ActionType, in enum order
  Plan plan;                     // global scope, seed = `seed`
};

/// The operations a fault kind can sensibly hit (e.g. expire-upload: only requests that name
/// an upload; corrupt-checksum: only answers that carry a CRC64).
std::vector<protocol::Operation> SwarmCandidates(ActionType type, bool disk_mode);

/// REQUIRES: the options' ratios are valid, max_after_bytes >= 1 and
/// 1 <= max_stall_ms <= 600000 (the plan limit), so the plan always passes ParsePlan.
Swarm DeriveSwarm(uint64_t seed, const SwarmOptions& options = {});

/// A multi-line banner for logs: the seed, the ratios, and each kind on or off with its
/// parameters and targets. Enough to reproduce the run: `fake-oss --chaos <seed>`.
std::string SwarmToString(const Swarm& swarm);

}  // namespace ossup::faults
