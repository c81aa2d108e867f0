#include "ossup/scenarios/scenario.h"

#include <array>
#include <utility>

#include "ossup/faults/rng.h"

namespace ossup::scenarios {
namespace {

constexpr std::array<std::pair<StepKind, std::string_view>, 8> kStepNames = {{
    {StepKind::kUpload, "upload"},
    {StepKind::kResume, "resume"},
    {StepKind::kCancelAfterBytes, "cancel-after-bytes"},
    {StepKind::kKillClientAfterParts, "kill-client-after-parts"},
    {StepKind::kAdvanceClock, "advance-clock"},
    {StepKind::kExpireUpload, "expire-upload"},
    {StepKind::kRestartServer, "restart-server"},
    {StepKind::kRewriteFile, "rewrite-file"},
}};

constexpr std::array<std::pair<Outcome, std::string_view>, 5> kOutcomeNames = {{
    {Outcome::kSucceeds, "succeeds"},
    {Outcome::kFailsRetryable, "fails-retryable"},
    {Outcome::kFails, "fails"},
    {Outcome::kCannotResume, "cannot-resume"},
    {Outcome::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view StepKindName(StepKind kind) {
  for (const auto& [k, name] : kStepNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<StepKind> StepKindFromName(std::string_view name) {
  for (const auto& [k, n] : kStepNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool IsClientStep(StepKind kind) {
  return kind == StepKind::kUpload || kind == StepKind::kResume ||
         kind == StepKind::kCancelAfterBytes || kind == StepKind::kKillClientAfterParts;
}

std::string_view OutcomeName(Outcome outcome) {
  for (const auto& [o, name] : kOutcomeNames) {
    if (o == outcome) return name;
  }
  return "unknown";
}

std::optional<Outcome> OutcomeFromName(std::string_view name) {
  for (const auto& [o, n] : kOutcomeNames) {
    if (n == name) return o;
  }
  return std::nullopt;
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
