// The fault actions, one row each: everything the plan codec, the swarm, the fault model, the
// journal and the tests know about an action is read from its row in kActions.
//
// Adding an action (CONTRIBUTING.md, "Adding a fault action"): append an enumerator to
// ActionType, move kLastActionType to it and append its row to kActions; then carry it out in
// fake-oss (the exhaustive switches in fake-oss/src/http/exchange.cc), give it parameters in
// the scenario generator (the exhaustive switch in scenarios/src/generate.cc) and document it
// in docs/faults.md. The static_asserts below and faults/src/actions_test.cc reject a row that
// is missing, out of order or incomplete.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ossup/protocol/operation.h"

namespace ossup::faults {

/// In swarm order: append only, so that a swarm seed keeps the plans of the earlier kinds.
enum class ActionType {
  kError,
  kReset,
  kDropResponse,
  kTruncateResponse,
  kStall,
  kExpireUpload,
  kCorruptChecksum,
  kRestart,
  kCorruptEtag,
  kStripCrc64,
};
/// The last enumerator of ActionType: move it when appending one.
inline constexpr ActionType kLastActionType = ActionType::kStripCrc64;

/// Where in a request's life fake-oss carries the action out (fault_model.h).
enum class Hook {
  kBeforeOperation,   // before the operation runs; nothing stored
  kWhileReadingBody,  // after afterBytes request body bytes (0 = before the body)
  kAfterEffect,       // the operation took effect; the answer is not written yet
  kWhileWritingResponse,
};

/// The JSON fields of an action besides "type", as bits. Written in this order.
enum ActionField : unsigned {
  kFieldStatus = 1u << 0,      // "status": HTTP status 400..599 (error)
  kFieldCode = 1u << 1,        // "code": OSS error code
  kFieldMessage = 1u << 2,     // "message": written only when not empty
  kFieldMs = 1u << 3,          // "ms": pause, 0..600000
  kFieldAfterBytes = 1u << 4,  // "afterBytes": a byte offset
};

/// What the server has done with the request's operation once an action ran.
enum class ServerEffect {
  kNotPerformed,  // nothing stored or changed
  kPerformed,     // the operation took effect exactly as without the fault
  kUploadLost,    // the request's upload (and its parts) no longer exists
};

/// What a correct client must end up doing when it meets the fault once.
enum class ClientDuty {
  kSurvive,             // retry or carry on; the upload must still succeed
  kSurviveIfRetryable,  // error: survive when protocol::IsRetryable, else surface the error
  kDetectAndSurvive,    // notice the bad checksum; never report success on it
  kCannotResume,        // report CannotResumeUpload (or start over if allowed)
};

struct FaultTraits {
  ServerEffect effect;
  ClientDuty duty;
};

namespace targets {
using protocol::Operation;
/// Every request of an upload, its checks and its cleanup.
inline constexpr Operation kUploadPath[] = {
    Operation::kInitiateMultipartUpload,
    Operation::kUploadPart,
    Operation::kListParts,
    Operation::kCompleteMultipartUpload,
    Operation::kAbortMultipartUpload,
    Operation::kListMultipartUploads,
    Operation::kPutObject,
    Operation::kGetObject,
    Operation::kHeadObject,
    Operation::kGetObjectMeta,
};
/// Answers that carry a body.
inline constexpr Operation kWithBody[] = {
    Operation::kInitiateMultipartUpload, Operation::kListParts, Operation::kCompleteMultipartUpload,
    Operation::kListMultipartUploads,    Operation::kGetObject,
};
/// Requests that name an upload.
inline constexpr Operation kNamingUpload[] = {Operation::kUploadPart, Operation::kListParts,
                                              Operation::kCompleteMultipartUpload,
                                              Operation::kAbortMultipartUpload};
/// Answers that carry x-oss-hash-crc64ecma.
inline constexpr Operation kWithCrc64Header[] = {Operation::kUploadPart, Operation::kPutObject,
                                                 Operation::kCompleteMultipartUpload,
                                                 Operation::kGetObject, Operation::kHeadObject};
/// Answers whose ETag is the MD5 of the body sent.
inline constexpr Operation kWithMd5Etag[] = {Operation::kUploadPart, Operation::kPutObject};
/// Answers that list parts, whose CRC-64 a client may use only when it is there.
inline constexpr Operation kListingParts[] = {Operation::kListParts};
}  // namespace targets

struct ActionSpec {
  ActionType type;
  std::string_view name;  // the JSON "type"
  unsigned fields;        // ActionField bits the action takes; any other field is an error
  unsigned required;      // the fields a plan must give
  Hook hook;
  FaultTraits traits;
  /// Only for a server with a data directory: in memory the action loses acknowledged data,
  /// which no client survives. The swarm and the scenario generator leave it out otherwise.
  bool disk_mode_only;
  /// The operations the action can sensibly hit, for the swarm and the scenario generator.
  std::span<const protocol::Operation> targets;
  /// Swarm: one in this many drawn afterBytes is 0 (before the body); 0 = drawn from
  /// [0, max_truncate_bytes] (a response offset). Unused without kFieldAfterBytes.
  uint64_t swarm_zero_offset_one_in;
};

inline constexpr std::array<ActionSpec, static_cast<size_t>(kLastActionType) + 1> kActions = {{
    {ActionType::kError,
     "error",
     kFieldStatus | kFieldCode | kFieldMessage,
     0,
     Hook::kBeforeOperation,
     {ServerEffect::kNotPerformed, ClientDuty::kSurviveIfRetryable},
     false,
     targets::kUploadPath,
     0},
    {ActionType::kReset,
     "reset",
     kFieldAfterBytes,
     0,
     Hook::kWhileReadingBody,
     {ServerEffect::kNotPerformed, ClientDuty::kSurvive},
     false,
     targets::kUploadPath,
     4},
    {ActionType::kDropResponse,
     "drop-response",
     0,
     0,
     Hook::kAfterEffect,
     {ServerEffect::kPerformed, ClientDuty::kSurvive},
     false,
     targets::kUploadPath,
     0},
    {ActionType::kTruncateResponse,
     "truncate-response",
     kFieldAfterBytes,
     0,
     Hook::kWhileWritingResponse,
     {ServerEffect::kPerformed, ClientDuty::kSurvive},
     false,
     targets::kWithBody,
     0},
    {ActionType::kStall,
     "stall",
     kFieldMs | kFieldAfterBytes,
     kFieldMs,
     Hook::kWhileReadingBody,
     {ServerEffect::kPerformed, ClientDuty::kSurvive},
     false,
     targets::kUploadPath,
     2},
    {ActionType::kExpireUpload,
     "expire-upload",
     0,
     0,
     Hook::kBeforeOperation,
     {ServerEffect::kUploadLost, ClientDuty::kCannotResume},
     false,
     targets::kNamingUpload,
     0},
    {ActionType::kCorruptChecksum,
     "corrupt-checksum",
     0,
     0,
     Hook::kAfterEffect,
     {ServerEffect::kPerformed, ClientDuty::kDetectAndSurvive},
     false,
     targets::kWithCrc64Header,
     0},
    {ActionType::kRestart,
     "restart",
     0,
     0,
     Hook::kBeforeOperation,
     {ServerEffect::kPerformed, ClientDuty::kSurvive},
     true,
     targets::kUploadPath,
     0},
    {ActionType::kCorruptEtag,
     "corrupt-etag",
     0,
     0,
     Hook::kAfterEffect,
     {ServerEffect::kPerformed, ClientDuty::kDetectAndSurvive},
     false,
     targets::kWithMd5Etag,
     0},
    {ActionType::kStripCrc64,
     "strip-crc64",
     0,
     0,
     Hook::kAfterEffect,
     {ServerEffect::kPerformed, ClientDuty::kSurvive},
     false,
     targets::kListingParts,
     0},
}};

/// The row of `type`.
constexpr const ActionSpec& SpecOf(ActionType type) { return kActions[static_cast<size_t>(type)]; }

namespace internal {
constexpr bool RowsComplete() {
  for (size_t i = 0; i < kActions.size(); ++i) {
    const ActionSpec& row = kActions[i];
    if (static_cast<size_t>(row.type) != i || row.name.empty() || row.targets.empty()) {
      return false;
    }
    if ((row.required & ~row.fields) != 0) return false;
    if ((row.fields & kFieldAfterBytes) != 0 && row.hook == Hook::kWhileReadingBody &&
        row.swarm_zero_offset_one_in == 0) {
      return false;
    }
  }
  return true;
}
}  // namespace internal
static_assert(internal::RowsComplete(),
              "kActions: one row per ActionType, in enum order, with a name, targets, "
              "required fields among its fields and a swarm offset rule for body offsets");

}  // namespace ossup::faults
