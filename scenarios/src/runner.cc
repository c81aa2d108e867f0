#include "ossup/scenarios/runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include "event_log.h"
#include "fake_target.h"
#include "ossup/client/client.h"
#include "ossup/client/part_size.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/mutex.h"
#include "ossup/scenarios/properties.h"

namespace ossup::scenarios {
namespace {

namespace fs = std::filesystem;

/// Longest a single client step may run before the runner gives up on it.
constexpr auto kStepDeadline = std::chrono::minutes(5);
/// kill-client-during-complete: how long a retried Complete is held (long enough for the
/// runner to cancel the task; the fake journals it when the stall ends).
constexpr int64_t kCrashStallMs = 1000;
/// Larger objects are compared by size and CRC-64 only (HEAD), not byte for byte.
constexpr uint64_t kByteCompareLimit = 256ull << 20;

/// A temporary directory removed on destruction unless kept.
class TempDir {
 public:
  TempDir(const std::string& root, bool keep) : keep_(keep) {
    fs::path base = root.empty() ? fs::temp_directory_path() : fs::path(root);
    std::random_device entropy;  // only names the directory; nothing observable depends on it
    for (int attempt = 0; attempt < 100; ++attempt) {
      fs::path candidate = base / ("ossup-scenario-" + std::to_string(entropy()));
      std::error_code ec;
      if (fs::create_directories(candidate, ec) && !ec) {
        path_ = candidate;
        return;
      }
    }
  }
  ~TempDir() {
    if (!keep_ && !path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const fs::path& path() const { return path_; }

 private:
  bool keep_;
  fs::path path_;
};

bool WriteWholeFile(const fs::path& path, const std::string& bytes) {
  fs::path temp = path;
  temp += ".new";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(temp, path, ec);  // a new inode: the client sees a different file
  return !ec;
}

/// Overwrites the file in place (same inode, same size) and sets its mtime to the old one
/// with the lowest nanosecond bit flipped: within the same second, so only a client that
/// compares mtimes to the nanosecond, as client.md promises, sees the change.
bool RewriteInPlace(const fs::path& path, const std::string& bytes) {
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) return false;
  {
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return false;
  }
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  times[1].tv_nsec ^= 1;
  return ::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0;
}

/// Cuts the file short at `size` bytes in place (same inode); `before` gets its times.
bool ShrinkInPlace(const fs::path& path, uint64_t size, struct stat& before) {
  if (::stat(path.c_str(), &before) != 0) return false;
  return ::truncate(path.c_str(), static_cast<off_t>(size)) == 0;
}

/// Puts `bytes` back in place and the times ShrinkInPlace saw: the file is as it was, to the
/// nanosecond of its mtime.
bool RestoreInPlace(const fs::path& path, const std::string& bytes, const struct stat& before) {
  {
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return false;
  }
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  return ::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0;
}

bool AnyRecord(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) return true;
  }
  return false;
}

Outcome Classify(const protocol::Error& error) {
  if (error.code == protocol::client_codes::kCancelled) return Outcome::kCancelled;
  if (error.code == protocol::client_codes::kCannotResumeUpload) return Outcome::kCannotResume;
  if (protocol::IsRetryable(error)) return Outcome::kFailsRetryable;
  return Outcome::kFails;
}

std::string OutcomeList(const std::vector<Outcome>& outcomes) {
  std::string text;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (i > 0) text += " or ";
    text += OutcomeName(outcomes[i]);
  }
  return text;
}

/// Hands the task to the progress callback, which cancels it once a threshold is reached.
/// The callback waits for the handle, so the cancel always lands before the next part.
struct CancelRelay {
  protocol::Mutex mu;
  protocol::CondVar cv;
  client::UploadTask* task OSSUP_GUARDED_BY(mu) = nullptr;
  bool fired OSSUP_GUARDED_BY(mu) = false;
  std::vector<uint64_t> progress OSSUP_GUARDED_BY(mu);
  /// rewrite-file-during-upload, shrink-file-during-upload: runs once at the threshold
  /// instead of Cancel(). Set before the upload starts.
  std::function<void()> rewrite;
  /// shrink-file-during-upload: runs once at the first progress report after `rewrite`.
  std::function<void()> restore OSSUP_GUARDED_BY(mu);
  /// steps[].deleteRecordAfterParts: runs once when progress reaches `delete_at` (set before
  /// the upload starts).
  uint64_t delete_at = UINT64_MAX;
  std::function<void()> delete_record OSSUP_GUARDED_BY(mu);
};

/// The object as HEAD and GetObject show it, against the expected bytes.
struct ObjectView {
  bool exists = false;
  bool equals = false;
  std::string problem;
  std::string etag;
};

/// kill-client-during-complete: the first Complete commits and loses its answer; every later
/// one stalls until the runner has abandoned the task.
faults::Plan CompleteCrashPlan() {
  faults::Plan plan;
  faults::Rule commit;
  commit.match.operation = protocol::Operation::kCompleteMultipartUpload;
  commit.match.nth = 1;
  commit.action.type = faults::ActionType::kDropResponse;
  faults::Rule stall;
  stall.match.operation = protocol::Operation::kCompleteMultipartUpload;
  stall.action.type = faults::ActionType::kStall;
  stall.action.stall_ms = kCrashStallMs;
  stall.times = std::nullopt;
  plan.rules = {commit, stall};
  return plan;
}

class Run {
 public:
  Run(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario), options_(options), dir_(options.temp_root, options.keep_temp) {
    report_.name = scenario.name;
  }

  RunReport Go() {
    if (auto s = Setup(); !s.ok()) {
      report_.passed = false;
      report_.reason = "setup: " + s.error().ToString();
      return std::move(report_);
    }
    if (scenario_.faults) {
      auto id = target_->AddPlan(*scenario_.faults);
      if (!id.ok()) return SetupFailure("scenario faults: " + id.error().ToString());
    }
    for (size_t i = 0; i < scenario_.steps.size(); ++i) {
      if (!RunStep(scenario_.steps[i], i)) break;
    }
    Finish();
    return std::move(report_);
  }

 private:
  RunReport SetupFailure(const std::string& reason) {
    report_.passed = false;
    report_.reason = reason;
    return std::move(report_);
  }

  protocol::Status Setup() {
    if (dir_.path().empty()) {
      return protocol::MakeError(protocol::client_codes::kIoError,
                                 "cannot create a temporary directory");
    }
    file_path_ = dir_.path() / "file.bin";
    record_dir_ = dir_.path() / "records";
    file_ = scenario_.file;
    file_bytes_ = FileBytes(file_);
    if (!WriteWholeFile(file_path_, file_bytes_)) {
      return protocol::MakeError(protocol::client_codes::kIoError,
                                 "cannot write " + file_path_.string());
    }
    bucket_ = options_.bucket;
    if (options_.endpoint.empty()) {
      auto target = internal::StartInProcessFake(scenario_.server, bucket_, options_.access_key_id,
                                                 options_.access_key_secret, options_.region,
                                                 (dir_.path() / "fake-data").string());
      if (!target.ok()) return target.error();
      target_ = std::move(*target);
    } else {
      auto target = internal::ConnectRemoteFake(options_.endpoint);
      if (!target.ok()) return target.error();
      target_ = std::move(*target);
    }
    auto client = MakeClient();
    if (!client.ok()) return client.error();
    checker_ = std::make_unique<client::Client>(std::move(*client));
    return protocol::Status();
  }

  protocol::StatusOr<client::Client> MakeClient() const {
    client::ClientOptions options;
    options.endpoint = target_->endpoint();
    options.region = options_.region;
    options.signature_version = scenario_.server.signing == Signing::kV1
                                    ? protocol::SignatureVersion::kV1
                                    : protocol::SignatureVersion::kV4;
    options.credentials = client::MakeStaticCredentialsProvider(
        protocol::Credentials{options_.access_key_id, options_.access_key_secret, ""});
    options.connect_timeout = std::chrono::seconds(5);
    options.io_timeout = std::chrono::seconds(20);
    options.retry_policy = FastRetry();
    options.record_storage = options_.wrap_client_record_storage
                                 ? options_.wrap_client_record_storage(recording_storage_)
                                 : recording_storage_;
    return client::Client::Create(std::move(options));
  }

  static client::RetryPolicy FastRetry() {
    client::RetryPolicy policy;
    policy.max_attempts = 5;
    policy.initial_backoff = std::chrono::milliseconds(1);
    policy.max_backoff = std::chrono::milliseconds(4);
    policy.max_elapsed = std::chrono::seconds(60);
    return policy;
  }

  client::UploadRequest Request(bool keep_on_cancel) const {
    client::UploadRequest r;
    r.bucket = bucket_;
    r.key = options_.key;
    r.file_path = file_path_.string();
    r.part_size_bytes = scenario_.upload.part_size_bytes;
    r.parallelism = scenario_.upload.parallelism;
    if (scenario_.upload.record_directory) r.record_directory = record_dir_.string();
    r.delete_upload_id_on_cancelling = keep_on_cancel ? false : scenario_.upload.delete_on_cancel;
    r.simple_upload_threshold_bytes = scenario_.upload.simple_upload_threshold_bytes;
    r.lost_upload_policy = scenario_.upload.restart_lost_upload ? client::LostUploadPolicy::kRestart
                                                                : client::LostUploadPolicy::kFail;
    r.retry_policy = FastRetry();
    r.integrity = scenario_.upload.integrity;
    return r;
  }

  std::vector<fake::UploadSnapshot> UploadsOfObject() {
    auto all = target_->ListUploads();
    std::vector<fake::UploadSnapshot> mine;
    if (!all.ok()) {
      problems_.push_back("ListUploads: " + all.error().ToString());
      return mine;
    }
    for (auto& u : *all) {
      if (u.bucket == bucket_ && u.key == options_.key) mine.push_back(std::move(u));
    }
    return mine;
  }

  uint64_t JournalArrivals() {
    auto arrivals = target_->JournalArrivals();
    if (!arrivals.ok()) {
      problems_.push_back("Journal: " + arrivals.error().ToString());
      return 0;
    }
    return *arrivals;
  }

  /// How far the fake's work has got: the sequence number of the last journaled request, and
  /// whether every request that had reached the fake was journaled (none was being served).
  struct JournalProgress {
    uint64_t last_sequence = 0;
    bool settled = false;
    bool operator==(const JournalProgress&) const = default;
  };
  JournalProgress ReadJournalProgress() {
    auto journal = target_->Journal();
    if (!journal.ok()) {
      problems_.push_back("Journal: " + journal.error().ToString());
      return {0, true};
    }
    const uint64_t last = journal->entries.empty() ? 0 : journal->entries.back().sequence;
    return {last, last == journal->arrivals};
  }

  /// Waits until no request is being served (every request that reached the fake has been
  /// journaled: a killed client's abandoned part may still be stored after the client has
  /// returned) and the journal has stopped growing (two equal readings `window` apart, for a
  /// request still on its way to the fake); at most 80 windows. Every request a step sent is
  /// then counted in that step, and none lands in the next one.
  void Quiesce(std::chrono::milliseconds window) {
    JournalProgress last = ReadJournalProgress();
    for (int i = 0; i < 80; ++i) {
      std::this_thread::sleep_for(window);
      const JournalProgress now = ReadJournalProgress();
      if (now.settled && now == last) return;
      last = now;
    }
  }

  /// The step's outcome and, for a resume, the parts it reconciled, as client events.
  void LogStepEnd(const StepRecord& record, const std::string& what) {
    if (!record.outcome) return;
    std::string text = what + ": " + std::string(OutcomeName(*record.outcome));
    if (!record.step.expect.empty()) text += " (expected " + OutcomeList(record.step.expect) + ")";
    if (!record.error.empty()) text += " " + record.error;
    if (record.resumed) {
      events_.Add(ClientEvent::Kind::kResume, "resumed: " + std::to_string(record.parts_skipped) +
                                                  " part(s) already on the server kept, " +
                                                  std::to_string(record.parts_uploaded) +
                                                  " sent, of " +
                                                  std::to_string(record.parts_total));
    }
    events_.Add(ClientEvent::Kind::kStepEnd, text);
  }

  void Judge(const std::string& what, bool ok, const std::string& reason) {
    report_.verdicts.push_back({what, ok, ok ? "" : reason});
  }

  /// Returns false when the run cannot go on (a control failed).
  bool RunStep(const Step& step, size_t index) {
    StepRecord record;
    record.step = step;
    record.index = index;
    record.file_size_bytes = file_.size_bytes;
    const std::string what =
        "step " + std::to_string(index + 1) + " (" + std::string(StepKindName(step.kind)) + ")";
    events_.SetStep(index);
    events_.Add(ClientEvent::Kind::kStepStart, what);
    record.started_us = internal::MonotonicMicros();
    if (IsClientStep(step.kind)) {
      RunClientStep(step, record, what);
    } else {
      if (auto s = RunServerEvent(step, record); !s.ok()) {
        Judge(what, false, s.error().ToString());
        record.ended_us = internal::MonotonicMicros();
        report_.steps.push_back(std::move(record));
        return false;
      }
      if (step.kind == StepKind::kExpireUpload && !step.expect.empty()) {
        Judge(what, record.uploads_expired > 0, "there was no upload to expire");
      }
      if ((step.kind == StepKind::kTamperPart || step.kind == StepKind::kForeignPart) &&
          !step.expect.empty()) {
        Judge(what, record.uploads_touched > 0, "there was no upload to put the part into");
      }
    }
    record.ended_us = internal::MonotonicMicros();
    LogStepEnd(record, what);
    report_.steps.push_back(std::move(record));
    return true;
  }

  protocol::Status RunServerEvent(const Step& step, StepRecord& record) {
    record.arrival_begin = record.arrival_end = JournalArrivals();
    switch (step.kind) {
      case StepKind::kAdvanceClock:
        return target_->AdvanceClock(step.seconds);
      case StepKind::kExpireUpload: {
        for (const auto& u : UploadsOfObject()) {
          auto expired = target_->ExpireUpload(u.upload_id);
          if (!expired.ok()) return expired.error();
          if (*expired) ++record.uploads_expired;
        }
        return protocol::Status();
      }
      case StepKind::kRestartServer:
        return target_->Restart();
      case StepKind::kRewriteFile:
        file_ = FileSpec{step.size_bytes, step.content_seed};
        file_bytes_ = FileBytes(file_);
        if (!WriteWholeFile(file_path_, file_bytes_)) {
          return protocol::MakeError(protocol::client_codes::kIoError, "cannot rewrite the file");
        }
        record.file_size_bytes = file_.size_bytes;
        return protocol::Status();
      case StepKind::kTamperPart: {
        // Other bytes of the size the file's part has.
        const uint64_t part =
            client::EffectivePartSize(file_.size_bytes, scenario_.upload.part_size_bytes);
        const uint64_t offset = part * static_cast<uint64_t>(step.part - 1);
        const uint64_t size =
            offset >= file_.size_bytes ? 1 : std::min(part, file_.size_bytes - offset);
        std::string bytes = FileBytes(FileSpec{size, step.content_seed});
        if (offset < file_.size_bytes && bytes == file_bytes_.substr(offset, size)) bytes[0] ^= 1;
        return PutPartEverywhere(step.part, bytes, record);
      }
      case StepKind::kForeignPart:
        return PutPartEverywhere(step.part, std::string(step.size_bytes, 'f'), record);
      case StepKind::kPowerLoss:
        record_storage_->PowerLoss();
        return protocol::Status();
      case StepKind::kDamageRecordHeader:
      case StepKind::kDamageRecordLine:
        return DamageRecords(step.kind);
      case StepKind::kUpload:
      case StepKind::kResume:
      case StepKind::kCancelAfterBytes:
      case StepKind::kKillClientAfterParts:
      case StepKind::kRewriteFileDuringUpload:
      case StepKind::kKillClientDuringComplete:
      case StepKind::kShrinkFileDuringUpload:
        return protocol::Status();
    }
    return protocol::Status();
  }

  /// Rewrites every record file through the run's record storage, synced, so that a later
  /// power loss keeps the damage: kDamageRecordHeader changes the last CRC digit of the
  /// header line, kDamageRecordLine appends a part line whose CRC does not verify.
  protocol::Status DamageRecords(StepKind kind) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(record_dir_, ec)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    for (const fs::path& path : files) {
      std::ifstream in(path, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (kind == StepKind::kDamageRecordHeader) {
        const size_t end = text.find('\n');
        if (end == std::string::npos || end == 0) continue;
        text[end - 1] = text[end - 1] == '0' ? '1' : '0';
      } else {
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += R"({"number":1,"size":1,"etag":"\"0\"","crc64":0} 0000000000000000)"
                "\n";
      }
      auto handle = record_storage_->Create(path.string());
      if (!handle.ok()) return handle.error();
      protocol::Status s = record_storage_->Write(*handle, text);
      if (s.ok()) s = record_storage_->Sync(*handle);
      record_storage_->Close(*handle);
      if (!s.ok()) return s;
      if (auto d = record_storage_->SyncDirectory(record_dir_.string()); !d.ok()) return d;
    }
    return protocol::Status();
  }

  protocol::Status PutPartEverywhere(int part_number, const std::string& bytes,
                                     StepRecord& record) {
    for (const auto& u : UploadsOfObject()) {
      if (auto s = target_->PutPart(u.upload_id, part_number, bytes); !s.ok()) return s;
      ++record.uploads_touched;
    }
    return protocol::Status();
  }

  std::optional<client::CheckpointInfo> ReadCheckpoint() {
    if (!scenario_.upload.record_directory) return std::nullopt;
    auto info = checker_->ReadCheckpoint(Request(false));
    if (!info.ok()) return std::nullopt;  // torn or damaged: record_* still say it exists
    return *info;
  }

  void RunClientStep(const Step& step, StepRecord& record, const std::string& what) {
    record.record_before = AnyRecord(record_dir_);
    record.checkpoint_before = ReadCheckpoint();
    record.uploads_before = UploadsOfObject();
    record.file_before = file_;
    record.arrival_begin = JournalArrivals();

    std::optional<std::string> crash_plan_id;
    if (step.kind == StepKind::kKillClientDuringComplete) {
      auto id = target_->AddPlan(CompleteCrashPlan());
      if (!id.ok()) {
        Judge(what, false, "arming the crash plan: " + id.error().ToString());
        return;
      }
      crash_plan_id = *id;
    }
    std::optional<std::string> plan_id;
    if (step.faults) {
      auto id = target_->AddPlan(*step.faults);
      if (!id.ok()) {
        Judge(what, false, "arming the step's faults: " + id.error().ToString());
        return;
      }
      plan_id = *id;
    }

    uint64_t threshold = UINT64_MAX;
    if (step.kind == StepKind::kCancelAfterBytes) threshold = step.bytes;
    if (step.kind == StepKind::kKillClientAfterParts ||
        step.kind == StepKind::kRewriteFileDuringUpload ||
        step.kind == StepKind::kShrinkFileDuringUpload) {
      uint64_t part = client::EffectivePartSize(file_.size_bytes, scenario_.upload.part_size_bytes);
      threshold = std::min<uint64_t>(part * static_cast<uint64_t>(step.parts), file_.size_bytes);
    }

    auto relay = std::make_shared<CancelRelay>();
    const FileSpec rewritten{file_.size_bytes, step.content_seed};
    bool rewrote = false;
    if (step.kind == StepKind::kRewriteFileDuringUpload) {
      relay->rewrite = [this, rewritten, &rewrote] {
        rewrote = RewriteInPlace(file_path_, FileBytes(rewritten));
      };
    }
    struct stat before_shrink {};
    bool shrunk = false;
    if (step.kind == StepKind::kShrinkFileDuringUpload) {
      relay->rewrite = [this, threshold, &before_shrink, &shrunk] {
        shrunk = ShrinkInPlace(file_path_, threshold, before_shrink);
      };
      protocol::MutexLock lock(relay->mu);
      relay->restore = [this, &before_shrink, &shrunk] {
        if (shrunk && RestoreInPlace(file_path_, file_bytes_, before_shrink)) shrunk = false;
      };
    }
    if (step.delete_record_after_parts) {
      uint64_t part = client::EffectivePartSize(file_.size_bytes, scenario_.upload.part_size_bytes);
      relay->delete_at = std::min<uint64_t>(
          part * static_cast<uint64_t>(*step.delete_record_after_parts), file_.size_bytes);
      protocol::MutexLock lock(relay->mu);
      relay->delete_record = [this] {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(record_dir_, ec)) {
          if (entry.is_regular_file()) record_storage_->Remove(entry.path().string());
        }
      };
    }
    client::UploadRequest request = Request(KeepsRecordOnCancel(step.kind));
    if (step.part_size_bytes) request.part_size_bytes = *step.part_size_bytes;
    // A simple upload reports progress only once PutObject is done: too late to rewrite
    // "during" it. A multipart upload reports each part before it goes on to Complete.
    const bool multipart =
        file_.size_bytes > 0 &&
        file_.size_bytes >=
            scenario_.upload.simple_upload_threshold_bytes.value_or(request.part_size_bytes);
    request.progress = [relay, threshold, multipart, log = &events_](uint64_t, uint64_t total,
                                                                     uint64_t size) {
      log->Add(ClientEvent::Kind::kProgress,
               "progress " + std::to_string(total) + " of " + std::to_string(size) + " bytes");
      protocol::MutexLock lock(relay->mu);
      relay->progress.push_back(total);
      if (relay->delete_record && total >= relay->delete_at) {
        relay->delete_record();
        relay->delete_record = nullptr;
      }
      if (relay->fired && relay->restore) {
        relay->restore();
        relay->restore = nullptr;
        return;
      }
      if (relay->fired || total < threshold) return;
      if (relay->rewrite) {
        if (!multipart) return;
        relay->fired = true;
        relay->rewrite();
        return;
      }
      relay->fired = true;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (relay->task == nullptr) {
        if (!relay->cv.WaitUntil(relay->mu, deadline)) break;  // timed out
      }
      if (relay->task) {
        log->Add(ClientEvent::Kind::kCancel,
                 "Cancel() at " + std::to_string(total) + " bytes sent");
        relay->task->Cancel();
      }
    };

    auto client = MakeClient();
    if (!client.ok()) {
      Judge(what, false, "client: " + client.error().ToString());
      return;
    }
    if (step.power_loss_after_record_operations) {
      record_storage_->CrashAfter(*step.power_loss_after_record_operations);
    }
    client::UploadTask task = client->ResumableUpload(std::move(request));
    {
      protocol::MutexLock lock(relay->mu);
      relay->task = &task;
    }
    relay->cv.NotifyAll();
    bool finished =
        step.kind == StepKind::kKillClientDuringComplete
            ? WaitForCommitThenCancel(task, record.arrival_begin)
            : task.WaitFor(std::chrono::duration_cast<std::chrono::milliseconds>(kStepDeadline));
    if (!finished) {
      events_.Add(ClientEvent::Kind::kCancel, "Cancel(): the step deadline passed");
      task.Cancel();
      task.Wait();
      Judge(what, false, "did not finish within the step deadline");
    }
    const client::UploadOutcome& outcome = task.Wait();
    {
      protocol::MutexLock lock(relay->mu);
      relay->task = nullptr;
      record.progress = relay->progress;
      if (relay->restore) relay->restore();  // no report came after the shrink
      relay->restore = nullptr;
    }
    if (shrunk) problems_.push_back("cannot put the shrunk file back");
    // The fake journals a request after answering it (or after dropping the connection), so
    // the last entries may land just after the client returns; abandoned parallel requests
    // take longer.
    Quiesce(!outcome.ok() && scenario_.upload.parallelism > 1 ? std::chrono::milliseconds(25)
                                                              : std::chrono::milliseconds(5));
    if (plan_id) (void)target_->RemovePlan(*plan_id);
    if (crash_plan_id) (void)target_->RemovePlan(*crash_plan_id);
    // A resume that finds its upload already completed (HEAD-verified) checks the object
    // before it reports progress: the rewrite then came after that success.
    if (rewrote && !(outcome.ok() && outcome->verified_by_head)) {
      record.rewrote_during_step = true;
      file_ = rewritten;
      file_bytes_ = FileBytes(file_);
    }

    if (outcome.ok()) {
      record.outcome = Outcome::kSucceeds;
      record.resumed = outcome->resumed;
      record.verified_by_head = outcome->verified_by_head;
      record.simple_upload = outcome->simple_upload;
      record.result_crc64 = outcome->crc64;
      record.result_etag = outcome->etag;
      record.parts_total = outcome->parts_total;
      record.parts_uploaded = outcome->parts_uploaded;
      record.parts_skipped = outcome->parts_skipped;
      record.part_size_bytes = outcome->part_size_bytes;
    } else {
      record.outcome = Classify(outcome.error());
      record.error = outcome.error().ToString();
    }
    if (step.power_loss_after_record_operations) record_storage_->PowerLoss();
    record.arrival_end = JournalArrivals();
    record.uploads_after = UploadsOfObject();
    record.record_after = AnyRecord(record_dir_);
    record.checkpoint_after = ReadCheckpoint();
    if (outcome.ok()) {
      ObjectView object = ReadObject();
      record.object_equals_file_after = object.equals;
      record.object_problem_after = object.problem;
      record.object_etag_after = object.etag;
    }
    if (step.kind == StepKind::kRewriteFileDuringUpload && !record.rewrote_during_step) {
      // The callback never got there (a simple upload) or came after a HEAD-verified success:
      // the step is judged on the file it had, and leaves the new one behind.
      if (!rewrote && !RewriteInPlace(file_path_, FileBytes(rewritten))) {
        problems_.push_back("cannot rewrite the file in place");
      }
      file_ = rewritten;
      file_bytes_ = FileBytes(file_);
    }

    if (finished) {
      const bool expected =
          std::find(step.expect.begin(), step.expect.end(), *record.outcome) != step.expect.end();
      std::string reason = "expected " + OutcomeList(step.expect) + ", got " +
                           std::string(OutcomeName(*record.outcome));
      if (!record.error.empty()) reason += " (" + record.error + ")";
      Judge(what, expected, reason);
      if (step.resumed && record.outcome == Outcome::kSucceeds) {
        Judge(what, record.resumed == *step.resumed,
              std::string("expected resumed = ") + (*step.resumed ? "true" : "false"));
      }
    }
    if (step.kind == StepKind::kResume && scenario_.upload.record_directory) {
      Judge(what, record.record_before, "resume: there was no checkpoint record to resume from");
    }
  }

  /// Waits until the fake journals the dropped Complete (the commit), then cancels: a crash
  /// right after the commit. True when the task finished within the step deadline.
  bool WaitForCommitThenCancel(client::UploadTask& task, uint64_t arrival_begin) {
    const auto deadline = std::chrono::steady_clock::now() + kStepDeadline;
    while (!task.WaitFor(std::chrono::milliseconds(2))) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      auto journal = target_->Journal();
      if (!journal.ok()) continue;
      for (const auto& e : journal->entries) {
        if (e.arrival > arrival_begin &&
            e.operation == protocol::Operation::kCompleteMultipartUpload && e.fault &&
            e.fault->action.type == faults::ActionType::kDropResponse) {
          events_.Add(ClientEvent::Kind::kCancel,
                      "Cancel() after the Complete committed (request " + e.request_id + ")");
          task.Cancel();
          crash_stall_ends_ =
              std::chrono::steady_clock::now() + std::chrono::milliseconds(kCrashStallMs + 200);
          return task.WaitFor(std::chrono::duration_cast<std::chrono::milliseconds>(kStepDeadline));
        }
      }
    }
    return true;
  }

  ObjectView ReadObject() {
    ObjectView view;
    auto meta = checker_->HeadObject(bucket_, options_.key);
    if (!meta.ok()) {
      view.problem = "HeadObject: " + meta.error().ToString();
      return view;
    }
    view.exists = true;
    view.etag = meta->etag;
    if (meta->size_bytes != file_bytes_.size()) {
      view.problem = "the object has " + std::to_string(meta->size_bytes) + " bytes, the file " +
                     std::to_string(file_bytes_.size());
      return view;
    }
    const uint64_t crc = protocol::Crc64(file_bytes_);
    if (meta->crc64 && *meta->crc64 != crc) {
      view.problem = "the object's CRC-64 " + protocol::Crc64ToString(*meta->crc64) +
                     " != the file's " + protocol::Crc64ToString(crc);
      return view;
    }
    if (file_bytes_.size() <= kByteCompareLimit) {
      auto body = checker_->GetObject(bucket_, options_.key);
      if (!body.ok()) {
        view.problem = "GetObject: " + body.error().ToString();
        return view;
      }
      if (*body != file_bytes_) {
        auto mismatch = std::mismatch(body->begin(), body->end(), file_bytes_.begin());
        view.problem = "the object differs from the file at byte " +
                       std::to_string(mismatch.first - body->begin());
        return view;
      }
    }
    view.equals = true;
    return view;
  }

  void Finish() {
    // A remote fake outlives the run: a Complete still stalled by a kill during Complete would
    // be journaled after the next run's reset, as that run's request.
    if (!options_.endpoint.empty() && crash_stall_ends_) {
      std::this_thread::sleep_until(*crash_stall_ends_);
    }
    auto journal = target_->Journal();
    if (journal.ok()) {
      report_.journal = std::move(journal->entries);
    } else {
      problems_.push_back("Journal: " + journal.error().ToString());
    }
    report_.uploads_left = UploadsOfObject();
    report_.record_exists = AnyRecord(record_dir_);
    ObjectView object = ReadObject();
    report_.object_exists = object.exists;
    report_.object_equals_file = object.equals;
    report_.object_problem = object.problem;
    report_.object_etag = object.etag;
    uint64_t sent = 0;
    for (const auto& e : report_.journal) {
      if (e.key == options_.key && (e.operation == protocol::Operation::kUploadPart ||
                                    e.operation == protocol::Operation::kPutObject)) {
        sent += e.request_body_bytes;
      }
    }
    report_.bytes_resent = sent > file_.size_bytes ? sent - file_.size_bytes : 0;

    const FinalChecks& c = scenario_.checks;
    if (c.object_equals_file) {
      Judge("check objectEqualsFile", report_.object_equals_file, report_.object_problem);
    }
    if (c.no_uploads_left) {
      Judge("check noUploadsLeft", report_.uploads_left.empty(),
            std::to_string(report_.uploads_left.size()) + " upload(s) left, first " +
                (report_.uploads_left.empty() ? "" : report_.uploads_left[0].upload_id));
    }
    if (c.uploads_left) {
      Judge("check uploadsLeft", static_cast<int>(report_.uploads_left.size()) == *c.uploads_left,
            std::to_string(report_.uploads_left.size()) + " upload(s) left, expected " +
                std::to_string(*c.uploads_left));
    }
    if (c.record_exists) {
      Judge("check recordExists", report_.record_exists == *c.record_exists,
            report_.record_exists ? "a checkpoint record exists" : "no checkpoint record exists");
    }
    if (c.max_bytes_resent) {
      Judge("check maxBytesResent", report_.bytes_resent <= *c.max_bytes_resent,
            std::to_string(report_.bytes_resent) + " bytes re-sent, at most " +
                std::to_string(*c.max_bytes_resent) + " allowed");
    }
    if (c.faults_fired) {
      int fired = 0;
      for (const auto& e : report_.journal) fired += e.fault ? 1 : 0;
      Judge("check faultsFired", fired == *c.faults_fired,
            std::to_string(fired) + " fault(s) fired, expected " + std::to_string(*c.faults_fired));
    }
    if (c.properties) {
      for (const Violation& v : CheckProperties(scenario_, report_)) {
        Judge("property " + v.property + " at " + v.where, false, v.message);
      }
    }
    for (const auto& problem : problems_) Judge("control", false, problem);

    report_.passed = true;
    for (const auto& v : report_.verdicts) {
      if (!v.ok) {
        report_.passed = false;
        report_.reason = v.what + ": " + v.reason;
        break;
      }
    }
    events_.SetStep(std::nullopt);
    events_.Add(ClientEvent::Kind::kVerdict, report_.passed ? "PASS" : "FAIL: " + report_.reason);
    report_.events = events_.Events();
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  TempDir dir_;
  RunReport report_;
  /// Declared before every client and storage that logs into it, so it outlives them.
  internal::EventLog events_;
  fs::path file_path_;
  fs::path record_dir_;
  FileSpec file_;
  std::string file_bytes_;
  std::string bucket_;
  std::unique_ptr<internal::FakeTarget> target_;
  std::unique_ptr<client::Client> checker_;
  /// Shared by every client of the run, so power-loss can drop what none of them synced.
  std::shared_ptr<client::PowerLossRecordStorage> record_storage_ =
      std::make_shared<client::PowerLossRecordStorage>();
  /// What the clients get: record_storage_, with each record write logged in events_.
  std::shared_ptr<internal::RecordingStorage> recording_storage_ =
      std::make_shared<internal::RecordingStorage>(record_storage_, events_);
  std::vector<std::string> problems_;
  std::optional<std::chrono::steady_clock::time_point> crash_stall_ends_;
};

}  // namespace

RunReport RunScenario(const Scenario& scenario, const RunOptions& options) {
  return Run(scenario, options).Go();
}

std::string SummaryLine(const RunReport& report) {
  return report.passed ? "PASS " + report.name : "FAIL " + report.name + ": " + report.reason;
}

}  // namespace ossup::scenarios
