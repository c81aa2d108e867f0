#include "ossup/scenarios/generate.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "ossup/protocol/limits.h"

namespace ossup::scenarios {
namespace {

using faults::ActionType;
using protocol::Operation;

constexpr uint64_t kPartSize = protocol::limits::kMinPartSize;  // 100 KiB: fast and legal

/// Yes / no / could be either: the model's knowledge of one fact.
enum class Tri { kNo, kYes, kMaybe };

Tri Merge(Tri a, Tri b) { return a == b ? a : Tri::kMaybe; }

/// What the model knows between steps.
struct ModelState {
  Tri record = Tri::kNo;    // a checkpoint record exists
  Tri lost = Tri::kNo;      // the server lost the recorded upload
  Tri poisoned = Tri::kNo;  // the recorded upload holds a part this file cannot have
  /// The record holds every part of an upload whose Complete committed (a kill during
  /// Complete), and the object is the file: the next resume must verify it and succeed.
  bool committed = false;
  /// The object on the server may already equal the file: a resume whose record holds every
  /// part then verifies it with HEAD and succeeds instead of reporting cannot-resume.
  bool object_may_match = false;
};

template <typename T>
const T& Pick(faults::Rng& rng, const std::vector<T>& items) {
  return items[rng.Below(items.size())];
}

bool IsMultipart(const CaseSpec& spec) {
  // The client's default: files smaller than one part (and empty files) use PutObject.
  return spec.size_bytes > 0 && spec.size_bytes >= spec.part_size_bytes;
}

void AddOutcome(std::vector<Outcome>& outcomes, Outcome o) {
  if (std::find(outcomes.begin(), outcomes.end(), o) == outcomes.end()) outcomes.push_back(o);
}

/// The outcomes a fault may add when it fires (survivable faults add none): what the
/// client owes (the action's FaultTraits) given how often the generator lets it fire and the
/// upload's integrity mode.
std::vector<Outcome> FaultOutcomes(const FaultSpec& f, client::IntegrityMode mode) {
  switch (faults::SpecOf(f.type).traits.duty) {
    case faults::ClientDuty::kSurviveIfRetryable:
      if (f.non_retryable) return {Outcome::kFails};
      return f.times == 0 ? std::vector<Outcome>{Outcome::kFailsRetryable} : std::vector<Outcome>{};
    case faults::ClientDuty::kSurvive:
      return f.times == 0 ? std::vector<Outcome>{Outcome::kFailsRetryable} : std::vector<Outcome>{};
    case faults::ClientDuty::kDetectAndSurvive:
      // A part or PutObject whose answer is caught is sent again within the run (at most 2
      // firings, 2 re-sends); Complete's answer comes after the commit: a caught checksum
      // mismatch fails. Without MD5 a wrong ETag shows as InvalidPart, then the listed ETags.
      if (f.type == ActionType::kCorruptChecksum &&
          f.operation == Operation::kCompleteMultipartUpload &&
          mode != client::IntegrityMode::kNone) {
        return {Outcome::kFailsRetryable};
      }
      return {};
    case faults::ClientDuty::kCannotResume:
      if (f.operation == Operation::kAbortMultipartUpload) return {};
      return {Outcome::kCannotResume};
  }
  return {};
}

uint64_t PartCount(const CaseSpec& spec) {
  return std::max<uint64_t>(1, (spec.size_bytes + spec.part_size_bytes - 1) / spec.part_size_bytes);
}

/// Applies one client step to the model: returns the outcomes it allows, updates `state`.
/// Definite where the contract is: a failure keeps an existing record, a resume of a lost or
/// poisoned upload cannot resume, a resume after a kill during Complete succeeds, a file
/// changed during a fresh multipart upload fails it.
std::vector<Outcome> ModelClientStep(const CaseSpec& spec, const StepSpec& step,
                                     ModelState& state) {
  std::vector<Outcome> outcomes;
  const bool kill_in_complete = step.kind == StepKind::kKillClientDuringComplete;
  const bool cancel_like = step.kind == StepKind::kCancelAfterBytes ||
                           step.kind == StepKind::kKillClientAfterParts || kill_in_complete;
  // The callback rewrites a multipart file once K parts are safe, before Complete.
  const bool rewrites = step.kind == StepKind::kRewriteFileDuringUpload;
  const Outcome plain = cancel_like ? Outcome::kCancelled
                        : rewrites  ? Outcome::kFails
                                    : Outcome::kSucceeds;
  if (!IsMultipart(spec)) {
    AddOutcome(outcomes, Outcome::kSucceeds);
  } else if (state.committed && state.record == Tri::kYes) {
    AddOutcome(outcomes, Outcome::kSucceeds);  // HEAD shows the committed object
    if (cancel_like && !kill_in_complete) AddOutcome(outcomes, Outcome::kCancelled);
  } else {
    const bool gone = state.lost != Tri::kNo || state.poisoned != Tri::kNo;
    const bool surely_gone = state.lost == Tri::kYes || state.poisoned == Tri::kYes;
    if (state.record != Tri::kNo && gone) AddOutcome(outcomes, Outcome::kCannotResume);
    if (!(state.record == Tri::kYes && surely_gone)) {
      AddOutcome(outcomes, plain);
    }
  }
  if (step.fault) {
    // A fresh multipart upload must send UploadParts: an unlimited fault on them decides it.
    const FaultSpec& f = *step.fault;
    if (IsMultipart(spec) && state.record == Tri::kNo && f.times == 0 &&
        f.operation == Operation::kUploadPart) {
      outcomes.clear();
    }
    for (Outcome o : FaultOutcomes(f, spec.integrity)) AddOutcome(outcomes, o);
  }
  // A part read while the file is short fails the step (IoError); with parts in parallel or
  // a record whose parts lie past the cut, every read may fall outside that window.
  if (step.kind == StepKind::kShrinkFileDuringUpload && IsMultipart(spec)) {
    AddOutcome(outcomes, Outcome::kFails);
  }
  const bool may_cannot_resume =
      std::find(outcomes.begin(), outcomes.end(), Outcome::kCannotResume) != outcomes.end();
  // A record holding every part whose upload is gone verifies the object with HEAD; a
  // poisoned upload that is still there is never verified that way.
  if (may_cannot_resume && state.object_may_match &&
      (state.poisoned == Tri::kNo || state.lost != Tri::kNo)) {
    AddOutcome(outcomes, Outcome::kSucceeds);
  }

  ModelState next;
  bool first = true;
  bool committed = false;
  auto merge = [&](ModelState s) {
    if (!spec.record_directory) s.record = Tri::kNo;
    if (first) {
      next = s;
      first = false;
    } else {
      next.record = Merge(next.record, s.record);
      next.lost = Merge(next.lost, s.lost);
      next.poisoned = Merge(next.poisoned, s.poisoned);
    }
  };
  for (Outcome o : outcomes) {
    switch (o) {
      case Outcome::kSucceeds:
      case Outcome::kCannotResume:
        merge(IsMultipart(spec) ? ModelState{} : state);
        break;
      case Outcome::kCancelled: {
        const bool keep = KeepsRecordOnCancel(step.kind) || !spec.delete_on_cancel;
        if (kill_in_complete && IsMultipart(spec)) {
          merge({Tri::kYes, Tri::kYes, Tri::kNo});  // committed, record kept
          committed = outcomes.size() == 1 && spec.record_directory;
        } else {
          merge({keep ? Tri::kYes : Tri::kNo, Tri::kNo, Tri::kNo});
        }
        break;
      }
      case Outcome::kFails:
      case Outcome::kFailsRetryable:
        // Failures never drop a record nor abort its upload, except after a Complete that
        // took effect (a corrupted answer to it: the upload id is spent).
        merge({state.record == Tri::kYes &&
                       !(step.fault && step.fault->operation == Operation::kCompleteMultipartUpload)
                   ? Tri::kYes
                   : Tri::kMaybe,
               state.lost == Tri::kNo ? Tri::kNo : Tri::kMaybe, state.poisoned});
        break;
    }
  }
  next.committed = committed;
  // A kill during Complete that may have been the outcome committed the object, even when
  // the model cannot tell that it was (then `committed` stays false).
  const bool may_have_committed =
      kill_in_complete && IsMultipart(spec) &&
      std::find(outcomes.begin(), outcomes.end(), Outcome::kCancelled) != outcomes.end();
  next.object_may_match =
      state.object_may_match || committed || may_have_committed ||
      std::find(outcomes.begin(), outcomes.end(), Outcome::kSucceeds) != outcomes.end();
  // An expire-upload fault may fire and still lose the race with a cancel: the record then
  // outlives its upload.
  if (step.fault &&
      faults::SpecOf(step.fault->type).traits.effect == faults::ServerEffect::kUploadLost &&
      next.record != Tri::kNo) {
    next.lost = Tri::kMaybe;
  }
  // The file changed: the next step retires the record (and its upload) and starts afresh.
  if (step.kind == StepKind::kRewriteFileDuringUpload) next = ModelState{};
  state = next;
  return outcomes;
}

std::string OpName(Operation op) { return std::string(protocol::OperationName(op)); }

}  // namespace

std::vector<Operation> GeneratedTargets(ActionType type, Storage storage) {
  // The requests the scenario client sends for an upload, its checks and its cleanup.
  constexpr Operation kUploadRequests[] = {
      Operation::kInitiateMultipartUpload, Operation::kUploadPart,           Operation::kListParts,
      Operation::kCompleteMultipartUpload, Operation::kAbortMultipartUpload, Operation::kPutObject};
  const faults::ActionSpec& spec = faults::SpecOf(type);
  if (spec.disk_mode_only && storage != Storage::kDisk) return {};
  std::vector<Operation> targets;
  for (Operation op : kUploadRequests) {
    if (std::find(spec.targets.begin(), spec.targets.end(), op) != spec.targets.end()) {
      targets.push_back(op);
    }
  }
  return targets;
}

void DrawFaultParameters(FaultSpec& f, faults::Rng& rng) {
  // An unlimited fault on UploadPart decides a fresh multipart upload (ModelClientStep).
  auto maybe_unlimited = [&] {
    if (f.operation == Operation::kUploadPart && rng.Chance(1, 6)) f.times = 0;
  };
  switch (f.type) {
    case ActionType::kError:
      maybe_unlimited();
      if (f.operation != Operation::kAbortMultipartUpload) f.non_retryable = rng.Chance(1, 4);
      return;
    case ActionType::kReset:
      maybe_unlimited();
      f.after_bytes = rng.Chance(1, 2) ? 0 : rng.Between(1, kPartSize);
      return;
    case ActionType::kDropResponse:
      maybe_unlimited();
      return;
    case ActionType::kTruncateResponse:
      f.after_bytes = rng.Between(0, 200);
      return;
    case ActionType::kStall:
      f.stall_ms = rng.Between(1, 50);
      return;
    case ActionType::kExpireUpload:
    case ActionType::kCorruptChecksum:
    case ActionType::kRestart:
    case ActionType::kCorruptEtag:
    case ActionType::kStripCrc64:
      return;
  }
}

std::vector<uint64_t> EdgeSizes(uint64_t p) {
  return {0, 1, p - 1, p, p + 1, 2 * p - 1, 2 * p, 2 * p + 1, 3 * p, 5 * p + 7, 6 * p};
}

CaseSpec GenerateCase(faults::Rng& rng) {
  CaseSpec spec;
  spec.part_size_bytes = kPartSize;
  spec.size_bytes =
      rng.Chance(1, 2) ? Pick(rng, EdgeSizes(kPartSize)) : rng.Between(0, 6 * kPartSize);
  spec.content_seed = rng.Next() >> 1;
  spec.parallelism = rng.Chance(1, 2) ? 1 : static_cast<int>(rng.Between(2, 3));
  spec.record_directory = !rng.Chance(1, 8);
  spec.delete_on_cancel = rng.Chance(1, 2);
  spec.storage = rng.Chance(1, 4) ? Storage::kDisk : Storage::kMemory;
  const uint64_t signing = rng.Below(5);
  spec.signing = signing < 3 ? Signing::kV4 : signing == 3 ? Signing::kV1 : Signing::kAnonymous;
  spec.server_seed = rng.Below(1000);
  const uint64_t parts = std::max<uint64_t>(1, (spec.size_bytes + kPartSize - 1) / kPartSize);
  const int steps = static_cast<int>(rng.Between(1, 5));
  for (int i = 0; i < steps; ++i) {
    StepSpec step;
    const uint64_t roll = rng.Below(100);
    if (roll < 26) {
      step.kind = StepKind::kUpload;
    } else if (roll < 40) {
      step.kind = StepKind::kCancelAfterBytes;
      step.amount = rng.Between(0, spec.size_bytes);
    } else if (roll < 54) {
      step.kind = StepKind::kKillClientAfterParts;
      step.amount = rng.Between(1, parts);
    } else if (roll < 59) {
      step.kind = StepKind::kKillClientDuringComplete;
    } else if (roll < 62) {
      step.kind = StepKind::kRewriteFileDuringUpload;
      step.amount = rng.Between(1, parts);
    } else if (roll < 64) {
      step.kind = StepKind::kShrinkFileDuringUpload;
      step.amount = rng.Between(1, parts);
    } else if (roll < 72) {
      step.kind = StepKind::kExpireUpload;
    } else if (roll < 76) {
      step.kind = StepKind::kRestartServer;
    } else if (roll < 80) {
      step.kind = StepKind::kAdvanceClock;
      step.amount = Pick(rng, std::vector<uint64_t>{60, 3600, 86400});
    } else if (roll < 84) {
      step.kind = StepKind::kRewriteFile;
      step.amount = rng.Next() >> 1;
    } else if (roll < 89) {
      step.kind = StepKind::kTamperPart;
      step.amount = rng.Between(1, parts);
    } else if (roll < 93) {
      step.kind = StepKind::kForeignPart;
      step.amount = rng.Below(2);
    } else if (roll < 97) {
      step.kind = StepKind::kPowerLoss;
    } else if (roll < 99) {
      step.kind = StepKind::kDamageRecordHeader;
    } else {
      step.kind = StepKind::kDamageRecordLine;
    }
    // A kill during Complete carries no fault of its own: its crash plan owns Complete.
    if (IsClientStep(step.kind) && step.kind != StepKind::kKillClientDuringComplete &&
        rng.Chance(1, 2)) {
      std::vector<ActionType> kinds;
      for (const faults::ActionSpec& action : faults::kActions) {
        if (!GeneratedTargets(action.type, spec.storage).empty()) kinds.push_back(action.type);
      }
      FaultSpec f;
      f.type = Pick(rng, kinds);
      f.operation = Pick(rng, GeneratedTargets(f.type, spec.storage));
      f.nth = static_cast<int>(rng.Between(1, 3));
      f.times = static_cast<int>(rng.Between(1, 2));
      DrawFaultParameters(f, rng);
      step.fault = f;
    }
    spec.steps.push_back(step);
  }
  const uint64_t mode = rng.Below(8);
  spec.integrity = mode < 4   ? client::IntegrityMode::kCrc64
                   : mode < 7 ? client::IntegrityMode::kMd5AndCrc64
                              : client::IntegrityMode::kNone;
  FitToIntegrity(spec);
  return spec;
}

void FitToIntegrity(CaseSpec& spec) {
  for (StepSpec& step : spec.steps) {
    const bool corrupt = step.fault && (step.fault->type == ActionType::kCorruptChecksum ||
                                        step.fault->type == ActionType::kCorruptEtag);
    // kNone promises nothing about damaged parts or wrong answers.
    if (spec.integrity == client::IntegrityMode::kNone) {
      if (step.kind == StepKind::kTamperPart) step.kind = StepKind::kUpload;
      if (corrupt) step.fault.reset();
    }
    // Without MD5 a PutObject answer's ETag cannot be checked (the result reports it as is).
    if (spec.integrity != client::IntegrityMode::kMd5AndCrc64 && step.fault &&
        step.fault->type == ActionType::kCorruptEtag &&
        step.fault->operation == Operation::kPutObject) {
      step.fault->operation = Operation::kUploadPart;
    }
  }
}

faults::Plan FaultPlan(const FaultSpec& f) {
  faults::Rule rule;
  rule.match.operation = f.operation;
  if (f.times == 1) rule.match.nth = static_cast<uint64_t>(f.nth);  // nth picks one request
  rule.times = f.times == 0 ? std::nullopt : std::optional<uint64_t>(f.times);
  rule.action.type = f.type;
  const unsigned fields = faults::SpecOf(f.type).fields;
  if ((fields & faults::kFieldCode) != 0) {
    rule.action.code = f.non_retryable ? "AccessDenied" : "ServiceUnavailable";
    rule.action.http_status = f.non_retryable ? 403 : 503;
  }
  if ((fields & faults::kFieldMs) != 0) rule.action.stall_ms = f.stall_ms;
  if ((fields & faults::kFieldAfterBytes) != 0) rule.action.after_bytes = f.after_bytes;
  faults::Plan plan;
  plan.rules.push_back(rule);
  return plan;
}

Scenario BuildScenario(const CaseSpec& spec, const std::string& name) {
  Scenario s;
  s.name = name;
  s.description = "Generated: " + DescribeCase(spec);
  s.file = {spec.size_bytes, spec.content_seed};
  s.upload.part_size_bytes = spec.part_size_bytes;
  s.upload.parallelism = spec.parallelism;
  s.upload.record_directory = spec.record_directory;
  s.upload.delete_on_cancel = spec.delete_on_cancel;
  s.upload.integrity = spec.integrity;
  s.server = {spec.storage, spec.signing, spec.server_seed};
  ModelState state;
  for (const StepSpec& g : spec.steps) {
    Step step;
    step.kind = g.kind;
    switch (g.kind) {
      case StepKind::kCancelAfterBytes:
        step.bytes = g.amount;
        break;
      case StepKind::kKillClientAfterParts:
        step.parts = static_cast<int>(std::max<uint64_t>(1, g.amount));
        break;
      case StepKind::kRewriteFileDuringUpload:
        step.parts = static_cast<int>(std::max<uint64_t>(1, g.amount));
        step.content_seed = spec.content_seed + 1 + g.amount;
        break;
      case StepKind::kShrinkFileDuringUpload:
        step.parts = static_cast<int>(std::max<uint64_t>(1, g.amount));
        break;
      case StepKind::kAdvanceClock:
        step.seconds = static_cast<int64_t>(g.amount);
        break;
      case StepKind::kRewriteFile:
        step.size_bytes = spec.size_bytes;
        step.content_seed = g.amount;
        state = ModelState{};  // the next step retires the record and starts afresh
        break;
      case StepKind::kExpireUpload:
        state.lost = state.record == Tri::kNo ? Tri::kNo : state.record;
        if (state.lost == Tri::kYes) state.poisoned = Tri::kNo;  // the foreign part went too
        break;
      case StepKind::kTamperPart:
        // Other bytes of the right size: a resume re-checks and re-sends it; no outcome moves.
        step.part = static_cast<int>(std::max<uint64_t>(1, g.amount));
        step.content_seed = spec.content_seed + 7 * g.amount + 3;
        break;
      case StepKind::kForeignPart:
        // amount 0: one byte past the last part; 1: part 1 one byte over the planned size.
        step.part = g.amount == 0 ? static_cast<int>(PartCount(spec)) + 1 : 1;
        step.size_bytes = g.amount == 0 ? 1 : spec.part_size_bytes + 1;
        if (state.record != Tri::kNo && state.lost != Tri::kYes && IsMultipart(spec)) {
          state.poisoned = state.record == Tri::kYes && state.lost == Tri::kNo
                               ? Tri::kYes
                               : Merge(state.poisoned, Tri::kYes);
        }
        break;
      case StepKind::kUpload:
      case StepKind::kResume:
      case StepKind::kKillClientDuringComplete:
      case StepKind::kRestartServer:
      case StepKind::kPowerLoss:         // a correct client syncs all it acknowledged: no change
      case StepKind::kDamageRecordLine:  // the client skips the line: no change
        break;
      case StepKind::kDamageRecordHeader: {
        // The next step throws the record away, aborts its upload and starts afresh.
        const bool object_may_match = state.object_may_match;
        state = ModelState{};
        state.object_may_match = object_may_match;
        break;
      }
    }
    if (IsClientStep(g.kind)) {
      if (g.fault) step.faults = FaultPlan(*g.fault);
      step.expect = ModelClientStep(spec, g, state);
    }
    s.steps.push_back(std::move(step));
  }
  // Liveness: with the faults gone, a plain upload must get the object there.
  StepSpec plain;
  Step live;
  live.kind = StepKind::kUpload;
  live.expect = ModelClientStep(spec, plain, state);
  const bool may_be_stale = std::find(live.expect.begin(), live.expect.end(),
                                      Outcome::kCannotResume) != live.expect.end();
  s.steps.push_back(live);
  if (may_be_stale) {
    Step again;
    again.kind = StepKind::kUpload;
    again.expect = {Outcome::kSucceeds};
    s.steps.push_back(again);
  }
  s.checks.object_equals_file = true;
  s.checks.record_exists = false;
  s.checks.properties = true;
  return s;
}

std::vector<CaseSpec> ShrinkCandidates(const CaseSpec& spec) {
  std::vector<CaseSpec> out;
  auto push = [&](const CaseSpec& c) {
    if (!(c == spec) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    CaseSpec c = spec;
    c.steps.erase(c.steps.begin() + static_cast<std::ptrdiff_t>(i));
    push(c);
  }
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    if (!spec.steps[i].fault) continue;
    CaseSpec c = spec;
    c.steps[i].fault.reset();
    push(c);
    const FaultSpec& f = *spec.steps[i].fault;
    if (f.times != 1) {
      CaseSpec d = spec;
      d.steps[i].fault->times = 1;
      push(d);
    }
    if (f.nth != 1) {
      CaseSpec d = spec;
      d.steps[i].fault->nth = 1;
      push(d);
    }
  }
  if (spec.parallelism != 1) {
    CaseSpec c = spec;
    c.parallelism = 1;
    push(c);
  }
  if (spec.storage != Storage::kMemory) {
    bool needs_disk = false;
    for (const auto& st : spec.steps) {
      needs_disk |= st.fault && faults::SpecOf(st.fault->type).disk_mode_only;
    }
    if (!needs_disk) {
      CaseSpec c = spec;
      c.storage = Storage::kMemory;
      push(c);
    }
  }
  if (spec.signing != Signing::kV4) {
    CaseSpec c = spec;
    c.signing = Signing::kV4;
    push(c);
  }
  const bool putobject_etag_fault =
      std::any_of(spec.steps.begin(), spec.steps.end(), [](const StepSpec& st) {
        return st.fault && st.fault->type == ActionType::kCorruptEtag &&
               st.fault->operation == Operation::kPutObject;
      });
  if (spec.integrity == client::IntegrityMode::kMd5AndCrc64 && !putobject_etag_fault) {
    CaseSpec c = spec;  // the default mode
    c.integrity = client::IntegrityMode::kCrc64;
    push(c);
  }
  for (uint64_t size : EdgeSizes(spec.part_size_bytes)) {
    if (size >= spec.size_bytes) continue;
    CaseSpec c = spec;
    c.size_bytes = size;
    const uint64_t parts =
        std::max<uint64_t>(1, (size + c.part_size_bytes - 1) / c.part_size_bytes);
    for (auto& st : c.steps) {
      if (st.kind == StepKind::kCancelAfterBytes) st.amount = std::min(st.amount, size);
      if (st.kind == StepKind::kKillClientAfterParts ||
          st.kind == StepKind::kRewriteFileDuringUpload ||
          st.kind == StepKind::kShrinkFileDuringUpload || st.kind == StepKind::kTamperPart) {
        st.amount = std::min(st.amount, parts);
      }
    }
    push(c);
  }
  return out;
}

CaseSpec ShrinkCase(CaseSpec spec, const std::function<bool(const CaseSpec&)>& fails, int replays) {
  auto fails_every_time = [&](const CaseSpec& candidate) {
    for (int i = 0; i < replays; ++i) {
      if (!fails(candidate)) return false;
    }
    return true;
  };
  for (int round = 0; round < 50; ++round) {
    bool progressed = false;
    for (const CaseSpec& candidate : ShrinkCandidates(spec)) {
      if (fails_every_time(candidate)) {
        spec = candidate;
        progressed = true;
        break;
      }
    }
    if (!progressed) break;
  }
  return spec;
}

std::string DescribeCase(const CaseSpec& spec) {
  std::ostringstream out;
  out << "size=" << spec.size_bytes << " contentSeed=" << spec.content_seed
      << " partSize=" << spec.part_size_bytes << " parallelism=" << spec.parallelism
      << " record=" << spec.record_directory << " deleteOnCancel=" << spec.delete_on_cancel
      << " storage=" << (spec.storage == Storage::kDisk ? "disk" : "memory") << " signing="
      << (spec.signing == Signing::kV1   ? "v1"
          : spec.signing == Signing::kV4 ? "v4"
                                         : "anonymous")
      << " integrity=" << client::IntegrityModeName(spec.integrity) << " steps=[";
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    const StepSpec& st = spec.steps[i];
    if (i > 0) out << ", ";
    out << StepKindName(st.kind);
    if (st.amount) out << "(" << st.amount << ")";
    if (st.fault) {
      const FaultSpec& f = *st.fault;
      out << " with " << faults::ActionTypeName(f.type) << " on " << OpName(f.operation);
      if (f.times == 1) out << " #" << f.nth;
      out << " x" << (f.times == 0 ? std::string("unlimited") : std::to_string(f.times));
      if (f.non_retryable) out << " (non-retryable)";
    }
  }
  out << "]";
  return out.str();
}

}  // namespace ossup::scenarios
