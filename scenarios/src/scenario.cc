#include "ossup/scenarios/scenario.h"

#include <array>
#include <utility>

#include "ossup/faults/rng.h"
#include "ossup/protocol/name_table.h"

namespace ossup::scenarios {
namespace {

constexpr protocol::NameTable<StepKind, 16> kStepNames = {{
    {StepKind::kUpload, "upload"},
    {StepKind::kResume, "resume"},
    {StepKind::kCancelAfterBytes, "cancel-after-bytes"},
    {StepKind::kKillClientAfterParts, "kill-client-after-parts"},
    {StepKind::kRewriteFileDuringUpload, "rewrite-file-during-upload"},
    {StepKind::kKillClientDuringComplete, "kill-client-during-complete"},
    {StepKind::kShrinkFileDuringUpload, "shrink-file-during-upload"},
    {StepKind::kAdvanceClock, "advance-clock"},
    {StepKind::kExpireUpload, "expire-upload"},
    {StepKind::kRestartServer, "restart-server"},
    {StepKind::kRewriteFile, "rewrite-file"},
    {StepKind::kTamperPart, "tamper-part"},
    {StepKind::kForeignPart, "foreign-part"},
    {StepKind::kPowerLoss, "power-loss"},
    {StepKind::kDamageRecordHeader, "damage-record-header"},
    {StepKind::kDamageRecordLine, "damage-record-line"},
}};

constexpr protocol::NameTable<Outcome, 5> kOutcomeNames = {{
    {Outcome::kSucceeds, "succeeds"},
    {Outcome::kFailsRetryable, "fails-retryable"},
    {Outcome::kFails, "fails"},
    {Outcome::kCannotResume, "cannot-resume"},
    {Outcome::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view StepKindName(StepKind kind) {
  return protocol::LookupName(kStepNames, kind, "unknown");
}

std::optional<StepKind> StepKindFromName(std::string_view name) {
  return protocol::LookupValue(kStepNames, name);
}

bool IsClientStep(StepKind kind) {
  switch (kind) {
    case StepKind::kUpload:
    case StepKind::kResume:
    case StepKind::kCancelAfterBytes:
    case StepKind::kKillClientAfterParts:
    case StepKind::kRewriteFileDuringUpload:
    case StepKind::kKillClientDuringComplete:
    case StepKind::kShrinkFileDuringUpload:
      return true;
    case StepKind::kAdvanceClock:
    case StepKind::kExpireUpload:
    case StepKind::kRestartServer:
    case StepKind::kRewriteFile:
    case StepKind::kTamperPart:
    case StepKind::kForeignPart:
    case StepKind::kPowerLoss:
    case StepKind::kDamageRecordHeader:
    case StepKind::kDamageRecordLine:
      return false;
  }
  return false;
}

bool KeepsRecordOnCancel(StepKind kind) {
  return kind == StepKind::kKillClientAfterParts || kind == StepKind::kKillClientDuringComplete;
}

std::string_view OutcomeName(Outcome outcome) {
  return protocol::LookupName(kOutcomeNames, outcome, "unknown");
}

std::optional<Outcome> OutcomeFromName(std::string_view name) {
  return protocol::LookupValue(kOutcomeNames, name);
}

std::string FileBytes(const FileSpec& file) {
  std::string bytes(file.size_bytes, '\0');
  faults::Rng rng(file.content_seed);
  for (uint64_t offset = 0; offset < file.size_bytes; offset += 8) {
    uint64_t word = rng.Next();
    for (uint64_t i = 0; i < 8 && offset + i < file.size_bytes; ++i) {
      bytes[offset + i] = static_cast<char>((word >> (8 * i)) & 0xff);
    }
  }
  return bytes;
}

}  // namespace ossup::scenarios
