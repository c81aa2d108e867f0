// Runs one scenario against a fake OSS and judges it: one verdict per step (the outcome it
// had against the outcomes it was expected to have) and one per final check.
//
// Target: a fresh in-process fake::Server per run (the default; storage, signing and seed
// from the scenario), or a running fake-oss at `RunOptions::endpoint`, driven through its
// /_fake/ control API over HTTP (reset first; the server's own storage, signing and seed
// then apply, and restart-server needs it to run with --data-dir to mean anything).
//
// How steps map onto the client (ossup::client, public API only):
//   upload, resume           Client::ResumableUpload(request).Wait()
//   cancel-after-bytes N     the progress callback, once total_bytes_sent >= N, calls
//                            Cancel() on the task before the next part is started
//   kill-client-after-parts  the same after K parts, on a request with
//                            delete_upload_id_on_cancelling = false. APPROXIMATION of a
//                            crash: the process does not die, in-flight requests are
//                            abandoned by Cancel(), and the record is whatever the client
//                            wrote up to then (it writes it after every part)
//   rewrite-file-during-upload  the progress callback, once K parts are safe, rewrites the
//                            file in place (same size, same inode, new bytes, mtime + 1 s);
//                            a simple upload reports progress too late: rewritten after it
//   kill-client-during-complete  a plan drops the answer of the first Complete (it commits)
//                            and stalls every later one; the runner cancels the task once the
//                            fake journals the dropped Complete. Request as for a kill
//   advance-clock, expire-upload, restart-server   fake controls
//   rewrite-file             the local file is replaced (new inode) with new content
//   tamper-part, foreign-part  fake::Server::PutPart on every upload of the object
//   power-loss               every client's record storage is a PowerLossRecordStorage
//                            (ossup/client/record_storage.h) shared by the run; the event
//                            drops what it holds unsynced
// Every client step uses a fresh Client object (as a new process would) with a fast retry
// policy (5 attempts, 1-4 ms backoff) and the same record directory.
//
// Determinism: file bytes from the scenario's seed, the fake's ids from its seed, frozen
// virtual clock, count-based faults. With parallelism > 1 the interleaving of parts is
// real-time, so only part-number-matched faults fire on a fixed part.
//
// Thread-safety: RunScenario may be called from several threads at once (each run has its
// own server, client and temporary directory).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ossup/client/client.h"
#include "ossup/client/record_storage.h"
#include "ossup/fake/server.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

struct RunOptions {
  /// Empty: a fresh in-process fake. Otherwise "http://127.0.0.1:PORT" of a running fake-oss
  /// (its control requests carry FAKE_OSS_CONTROL_TOKEN, when set, as X-Fake-Oss-Control-Token).
  std::string endpoint;
  /// The bucket and credentials the remote fake accepts (ignored in-process).
  std::string bucket = "scenario-bucket";
  std::string access_key_id = "AK";
  std::string access_key_secret = "SK";
  std::string region = "cn-hangzhou";
  std::string key = "scenario/object.bin";
  /// Where the run's temporary directory is made; empty = the system temp directory.
  std::string temp_root;
  /// Keep the temporary directory (file, record, disk data) for inspection.
  bool keep_temp = false;
  /// Test hook: wraps the record storage the client is given, e.g. to run a deliberately
  /// broken client (one that never removes its record) in a test of the properties or the
  /// reports. Unset: the client gets the runner's storage as it is.
  std::function<std::shared_ptr<client::RecordStorage>(std::shared_ptr<client::RecordStorage>)>
      wrap_client_record_storage;
};

/// Something the client or the runner did, placed on the same clock as the fake's journal
/// (fake::JournalEntry::arrived_us), for the run report's timeline (report.h).
struct ClientEvent {
  enum class Kind {
    kStepStart,        // a step begins (client step or server event)
    kProgress,         // the progress callback: total bytes sent
    kCheckpointWrite,  // the client wrote (or renamed into place) its checkpoint record
    kCancel,           // the runner called Cancel() on the task (cancel and kill steps)
    kResume,           // a step resumed: the parts it reconciled with the server
    kStepEnd,          // a step ended: its outcome against what was expected
    kVerdict,          // the run's verdict
  };
  int64_t at_us = 0;  // steady_clock microseconds, as the journal's arrived_us
  /// The step's index; nullopt for the run's verdict.
  std::optional<size_t> step;
  Kind kind = Kind::kStepStart;
  std::string text;
};

/// "step-start", "progress", "checkpoint-write", "cancel", "resume", "step-end", "verdict".
std::string_view ClientEventKindName(ClientEvent::Kind kind);

/// What one step did, for verdicts and for property checks.
struct StepRecord {
  Step step;
  size_t index = 0;
  /// Client steps: how it ended, and the error when it did not succeed.
  std::optional<Outcome> outcome;
  std::string error;  // Error::ToString(), "" on success
  /// Client steps that succeeded: bytes_sent etc. as the client reported them.
  bool resumed = false;
  bool verified_by_head = false;
  bool simple_upload = false;
  uint64_t result_crc64 = 0;
  std::string result_etag;
  int parts_total = 0;
  int parts_uploaded = 0;
  int parts_skipped = 0;
  uint64_t part_size_bytes = 0;
  /// Every progress callback's total_bytes_sent, in order.
  std::vector<uint64_t> progress;
  /// State around the step.
  bool record_before = false;
  bool record_after = false;
  std::vector<fake::UploadSnapshot> uploads_before;  // of the scenario's object
  std::vector<fake::UploadSnapshot> uploads_after;
  /// The step's requests are the journal entries with arrival_begin < arrival <=
  /// arrival_end (fake::JournalEntry::arrival). Attributing by arrival rather than by
  /// journal position keeps a request that a cancelled step abandoned, and that the fake
  /// journals late, in the step that sent it.
  uint64_t arrival_begin = 0;
  uint64_t arrival_end = 0;
  /// The file size when the step ran.
  uint64_t file_size_bytes = 0;
  /// When the step began and ended, on ClientEvent::at_us's clock.
  int64_t started_us = 0;
  int64_t ended_us = 0;
  /// Client steps: the checkpoint record as Client::ReadCheckpoint read it before and after
  /// the step; nullopt when there was none or it did not decode (record_* say whether a
  /// file existed).
  std::optional<client::CheckpointInfo> checkpoint_before;
  std::optional<client::CheckpointInfo> checkpoint_after;
  /// Client steps that succeeded: the object right after the step, against the file then.
  bool object_equals_file_after = false;
  std::string object_problem_after;  // why it differs, "" when equal
  std::string object_etag_after;
  /// rewrite-file-during-upload: the file was rewritten while the step ran (before it
  /// finished), and the file it had at the start.
  bool rewrote_during_step = false;
  FileSpec file_before;
  /// tamper-part, foreign-part: how many uploads got the part.
  int uploads_touched = 0;
  /// Server events: expire-upload's count of uploads that vanished.
  int uploads_expired = 0;
};

struct Verdict {
  std::string what;  // "step 2 (resume)", "check noUploadsLeft"
  bool ok = true;
  std::string reason;  // why it failed; "" when ok
};

struct RunReport {
  std::string name;
  bool passed = false;
  /// The first failing verdict's "what: reason", or the setup error.
  std::string reason;
  std::vector<Verdict> verdicts;
  std::vector<StepRecord> steps;
  /// The fake's whole journal for the run, in order.
  std::vector<fake::JournalEntry> journal;
  /// What the client and the runner did, in time order (progress, checkpoint writes,
  /// cancels, resumes, outcomes, the verdict).
  std::vector<ClientEvent> events;
  /// Final state.
  std::vector<fake::UploadSnapshot> uploads_left;
  bool record_exists = false;
  /// The object as GetObject returned it (empty when absent), and whether it exists.
  bool object_exists = false;
  bool object_equals_file = false;
  std::string object_problem;  // why it differs, "" when equal
  std::string object_etag;     // HEAD's ETag, "" when absent
  /// Journal-based bytes re-sent over the run (UploadPart + PutObject bodies - file size).
  uint64_t bytes_resent = 0;
};

RunReport RunScenario(const Scenario& scenario, const RunOptions& options = {});

/// "PASS name" or "FAIL name: reason" (one line, no newline).
std::string SummaryLine(const RunReport& report);

}  // namespace ossup::scenarios
