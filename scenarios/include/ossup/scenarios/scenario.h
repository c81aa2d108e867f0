// A scenario: one file, one upload configuration, one fake server, a fault plan and a list of
// steps with the outcome each must have, then final checks. Pure data with a JSON codec
// (codec.h); the runner (runner.h) carries it out. The JSON form is documented in
// docs/scenarios.md and is the format of scenarios/library/*.json and
// scenarios/regressions/*.json.
//
// A scenario is a pure function of its fields: the file's bytes come from `content_seed`
// (FileBytes below), the fake's ids from `server.seed`, and faults are count-based rules
// (or seeded probabilities), so replaying a file replays the run.
//
// Plain values; copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/client/upload_request.h"
#include "ossup/faults/plan.h"

namespace ossup::scenarios {

inline constexpr int kScenarioVersion = 1;

/// What one step does. Client steps start an upload with the scenario's request; server
/// events act on the fake between client steps.
enum class StepKind {
  // Client steps.
  kUpload,                // run the upload until it finishes or fails
  kResume,                // the same request again; a record is expected to exist before it
  kCancelAfterBytes,      // run it; Cancel() once progress reaches `bytes`
  kKillClientAfterParts,  // run it; abandon it after `parts` parts, keeping its record
  /// Run it; once `parts` parts are safe, the local file is rewritten in place with the same
  /// size and new content (`content_seed`) while the upload goes on.
  kRewriteFileDuringUpload,
  /// Run it; once CompleteMultipartUpload has committed (its answer is dropped and the retry
  /// stalled), abandon it, keeping its record: a crash after the commit.
  kKillClientDuringComplete,
  /// Run it; once `parts` parts are safe, the local file is cut short at the end of part
  /// `parts` (same inode), and at the next progress report (or when the step ends) put back:
  /// the same bytes and the same mtime. A read of a later part in between comes up short.
  kShrinkFileDuringUpload,
  // Server and world events.
  kAdvanceClock,   // the fake's virtual clock moves `seconds` forward
  kExpireUpload,   // every in-progress upload of the scenario's object vanishes (lifecycle)
  kRestartServer,  // the fake drops its memory and reloads from disk (crash)
  kRewriteFile,    // the local file gets new content (`content_seed`, `size_bytes`)
  /// Part `part` of every in-progress upload of the object gets other bytes (`content_seed`)
  /// of the size the file's part has: a server part that no longer matches the record.
  kTamperPart,
  /// Every in-progress upload of the object gets a part this file cannot have: number `part`
  /// with `size_bytes` bytes (past the last part, or bigger than the planned part size).
  kForeignPart,
  /// The machine loses power: every checkpoint-record write not yet synced (file data or
  /// directory entry) is lost, as the client's record storage saw it.
  kPowerLoss,
  /// The checkpoint record's header no longer verifies (a digit of its CRC-64 changed), as a
  /// disk error would leave it: the next request must throw the record away and start over.
  kDamageRecordHeader,
  /// A complete part line that does not verify is appended to the checkpoint record: the
  /// next request must skip that line and still resume from the others.
  kDamageRecordLine,
};

/// "upload", "resume", "cancel-after-bytes", "kill-client-after-parts",
/// "rewrite-file-during-upload", "kill-client-during-complete", "shrink-file-during-upload",
/// "advance-clock",
/// "expire-upload", "restart-server", "rewrite-file", "tamper-part", "foreign-part",
/// "power-loss", "damage-record-header", "damage-record-line".
std::string_view StepKindName(StepKind kind);
std::optional<StepKind> StepKindFromName(std::string_view name);
bool IsClientStep(StepKind kind);
/// The kill steps: their request sets delete_upload_id_on_cancelling = false, as a crash
/// keeps everything whatever the request says.
bool KeepsRecordOnCancel(StepKind kind);

/// How a client step ended.
enum class Outcome {
  kSucceeds,        // the upload reported success
  kFailsRetryable,  // an error protocol::IsRetryable() accepts (record and upload kept)
  kFails,           // any other error except the two below
  kCannotResume,    // client_codes::kCannotResumeUpload
  kCancelled,       // client_codes::kCancelled
};

/// "succeeds", "fails-retryable", "fails", "cannot-resume", "cancelled".
std::string_view OutcomeName(Outcome outcome);
std::optional<Outcome> OutcomeFromName(std::string_view name);

struct FileSpec {
  uint64_t size_bytes = 0;
  uint64_t content_seed = 0;
  friend bool operator==(const FileSpec&, const FileSpec&) = default;
};

struct UploadOptions {
  uint64_t part_size_bytes = 100 * 1024;
  int parallelism = 1;
  /// Keep a checkpoint record (in the run's own temporary directory).
  bool record_directory = true;
  bool delete_on_cancel = true;
  /// nullopt = the client's default (files smaller than one part go up with PutObject).
  std::optional<uint64_t> simple_upload_threshold_bytes;
  /// The request's lost_upload_policy: false = kFail (the client's default), true = kRestart.
  bool restart_lost_upload = false;
  /// The request's integrity mode ("integrity": "crc64" | "md5+crc64" | "none").
  client::IntegrityMode integrity = client::IntegrityMode::kCrc64;
  friend bool operator==(const UploadOptions&, const UploadOptions&) = default;
};

enum class Storage { kMemory, kDisk };
enum class Signing { kV1, kV4, kAnonymous };

struct ServerSpec {
  Storage storage = Storage::kMemory;
  Signing signing = Signing::kV4;
  uint64_t seed = 0;
  friend bool operator==(const ServerSpec&, const ServerSpec&) = default;
};

struct Step {
  StepKind kind = StepKind::kUpload;
  uint64_t bytes = 0;         // cancel-after-bytes
  int parts = 0;              // kill-client-after-parts, rewrite-/shrink-file-during-upload
  int part = 0;               // tamper-part, foreign-part: the part number
  int64_t seconds = 0;        // advance-clock (>= 0)
  uint64_t content_seed = 0;  // rewrite-file, rewrite-file-during-upload, tamper-part
  uint64_t size_bytes = 0;    // rewrite-file, foreign-part
  /// Client steps only: a plan armed right before the step and removed right after it, so
  /// its counts (`nth`) start at the step.
  std::optional<faults::Plan> faults;
  /// Client steps: the outcomes accepted (one in hand-written files; generated regressions
  /// may list several when the model allows more than one). Empty for server events.
  std::vector<Outcome> expect;
  /// Client steps, optional: when the step succeeds, UploadResult::resumed must be this.
  std::optional<bool> resumed;
  /// Client steps, optional: this step's request asks for this part size instead of the
  /// scenario's (a record of the same file for another part size must be retired).
  std::optional<uint64_t> part_size_bytes;
  /// Client steps, optional: once this many parts are safe, the runner deletes the record
  /// files while the upload goes on (the client must write its record again).
  std::optional<int> delete_record_after_parts;
  /// Client steps, optional: the machine dies after this many more checkpoint-record
  /// operations (later ones fail with IoError), and the power is lost when the step ends:
  /// what was not synced is gone (PowerLossRecordStorage::CrashAfter, then PowerLoss).
  std::optional<uint64_t> power_loss_after_record_operations;
  friend bool operator==(const Step&, const Step&) = default;
};

/// Checked after the last step. Absent fields are not checked.
struct FinalChecks {
  /// The object exists and its bytes (and CRC-64) equal the file's current content.
  bool object_equals_file = false;
  /// No in-progress upload of the scenario's object is left on the server.
  bool no_uploads_left = false;
  /// Exactly this many in-progress uploads of the object are left.
  std::optional<int> uploads_left;
  /// The checkpoint record file exists (true) or does not (false).
  std::optional<bool> record_exists;
  /// Body bytes of UploadPart/PutObject requests over the whole run, minus the file size,
  /// are at most this (from the fake's journal, not the client's own account).
  std::optional<uint64_t> max_bytes_resent;
  /// Exactly this many requests had a fault injected (the journal's count), so a scenario
  /// cannot pass vacuously because its fault never fired.
  std::optional<int> faults_fired;
  /// Also check the named properties of the resumable-upload contract on the whole run
  /// (properties.h); what generated regressions use.
  bool properties = false;
  friend bool operator==(const FinalChecks&, const FinalChecks&) = default;
};

struct Scenario {
  std::string name;
  std::string description;
  FileSpec file;
  UploadOptions upload;
  ServerSpec server;
  /// Armed before the first step, for the whole run.
  std::optional<faults::Plan> faults;
  std::vector<Step> steps;
  FinalChecks checks;
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

/// The file's bytes: `size_bytes` bytes taken from faults::Rng(content_seed), each Next()
/// word written little-endian (the last word truncated). Fixed forever: changing it changes
/// what every scenario file means.
std::string FileBytes(const FileSpec& file);

}  // namespace ossup::scenarios
