#include "ossup/faults/swarm.h"

#include <array>
#include <cassert>
#include <sstream>

#include "ossup/faults/rng.h"
#include "ossup/protocol/errors.h"

namespace ossup::faults {
namespace {

using protocol::Operation;

// Kept apart from the plan's own stream (which starts at `seed`) by a fixed tweak.
constexpr uint64_t kDerivationTweak = 0x5357'4152'4D00'0001ULL;  // "SWARM" 1

// Codes a server sends under load or trouble; all are retryable (protocol::IsRetryable).
constexpr std::array<std::string_view, 4> kErrorCodes = {"ServiceUnavailable", "SlowDown",
                                                         "InternalError", "RequestTimeTooSkewed"};

[[maybe_unused]] bool ValidRatio(const Ratio& ratio) {
  return ratio.denominator > 0 && ratio.numerator <= ratio.denominator;
}

// Draws the parameters of the action's fields, in field order (code, ms, afterBytes).
Action DrawAction(ActionType type, const SwarmOptions& options, Rng& rng) {
  const ActionSpec& spec = SpecOf(type);
  Action action;
  action.type = type;
  if ((spec.fields & kFieldCode) != 0) {
    action.code = std::string(kErrorCodes[rng.Below(kErrorCodes.size())]);
    const protocol::ErrorSpec* error_spec = protocol::FindErrorSpec(action.code);
    action.http_status = error_spec != nullptr ? error_spec->http_status : 503;
  }
  if ((spec.fields & kFieldMs) != 0) action.stall_ms = rng.Between(1, options.max_stall_ms);
  if ((spec.fields & kFieldAfterBytes) != 0) {
    if (spec.swarm_zero_offset_one_in == 0) {  // an offset into the response
      action.after_bytes = rng.Between(0, options.max_truncate_bytes);
    } else {  // an offset into the request body; some hit before it
      action.after_bytes = rng.Chance(1, spec.swarm_zero_offset_one_in)
                               ? 0
                               : rng.Between(1, options.max_after_bytes);
    }
  }
  return action;
}

SwarmKind DeriveKind(ActionType type, const SwarmOptions& options, Rng rng) {
  SwarmKind kind;
  kind.type = type;
  kind.action.type = type;
  const std::vector<Operation> candidates = SwarmCandidates(type, options.disk_mode);
  if (candidates.empty()) return kind;
  kind.on = rng.Chance(options.kind_on.numerator, options.kind_on.denominator);
  if (!kind.on) return kind;
  for (Operation op : candidates) {
    if (rng.Chance(1, 2)) kind.targets.push_back(op);
  }
  if (kind.targets.empty()) kind.targets.push_back(candidates[rng.Below(candidates.size())]);
  kind.action = DrawAction(type, options, rng);
  return kind;
}

std::string RatioText(const Ratio& ratio) {
  return std::to_string(ratio.numerator) + "/" + std::to_string(ratio.denominator);
}

}  // namespace

std::vector<Operation> SwarmCandidates(ActionType type, bool disk_mode) {
  const ActionSpec& spec = SpecOf(type);
  if (spec.disk_mode_only && !disk_mode) return {};
  return {spec.targets.begin(), spec.targets.end()};
}

Swarm DeriveSwarm(uint64_t seed, const SwarmOptions& options) {
  assert(ValidRatio(options.kind_on) && ValidRatio(options.fires));
  assert(options.max_after_bytes >= 1);
  assert(options.max_stall_ms >= 1 && options.max_stall_ms <= 600000);
  Swarm swarm;
  swarm.seed = seed;
  swarm.options = options;
  swarm.plan.seed = seed;
  swarm.plan.scope = Scope::kGlobal;
  const double fire_probability =
      static_cast<double>(options.fires.numerator) / static_cast<double>(options.fires.denominator);
  Rng derivation(seed ^ kDerivationTweak);
  for (const ActionSpec& spec : kActions) {
    SwarmKind kind = DeriveKind(spec.type, options, Rng(derivation.Next()));
    for (Operation op : kind.targets) {
      Rule rule;
      rule.match.operation = op;
      rule.match.probability = fire_probability;
      rule.action = kind.action;
      rule.times = std::nullopt;
      swarm.plan.rules.push_back(std::move(rule));
    }
    swarm.kinds.push_back(std::move(kind));
  }
  return swarm;
}

std::string SwarmToString(const Swarm& swarm) {
  std::ostringstream out;
  size_t on = 0;
  for (const SwarmKind& kind : swarm.kinds) on += kind.on ? 1 : 0;
  out << "SEED=" << swarm.seed << " fault swarm: " << on << " of " << swarm.kinds.size()
      << " kinds on (chance " << RatioText(swarm.options.kind_on) << " each), firing on "
      << RatioText(swarm.options.fires) << " of targeted requests"
      << (swarm.options.disk_mode ? ", disk mode" : "") << "\n";
  for (const SwarmKind& kind : swarm.kinds) {
    std::string name(ActionTypeName(kind.type));
    name.resize(18, ' ');
    out << "  " << name << (kind.on ? "on " : "off");
    if (kind.on) {
      out << "  " << ActionToJson(kind.action) << " on ";
      for (size_t i = 0; i < kind.targets.size(); ++i) {
        out << (i == 0 ? "" : ", ") << protocol::OperationName(kind.targets[i]);
      }
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace ossup::faults
