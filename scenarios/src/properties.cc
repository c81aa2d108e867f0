#include "ossup/scenarios/properties.h"

#include <algorithm>
#include <map>
#include <set>

#include "ossup/client/part_size.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/name_table.h"

namespace ossup::scenarios {
namespace {

using faults::ActionType;
using Slice = std::vector<const fake::JournalEntry*>;

constexpr protocol::NameTable<Property, 20> kPropertyNames = {{
    {Property::kSuccessMatchesFile, "success-matches-file"},
    {Property::kSuccessRemovesRecord, "success-removes-record"},
    {Property::kComplete200RemovesRecord, "complete-200-removes-record"},
    {Property::kCancelDeleteRemovesBoth, "cancel-delete-removes-both"},
    {Property::kCancelKeepKeepsBoth, "cancel-keep-keeps-both"},
    {Property::kFailureKeepsRecordAndUpload, "failure-keeps-record-and-upload"},
    {Property::kFailureWithoutRecordAborts, "failure-without-record-aborts"},
    {Property::kRecordedPartsOnServer, "recorded-parts-on-server"},
    {Property::kNoStoredPartResent, "no-stored-part-resent"},
    {Property::kResendBounded, "resend-bounded"},
    {Property::kLostUploadCannotResume, "lost-upload-cannot-resume"},
    {Property::kCannotResumeRemovesRecord, "cannot-resume-removes-record"},
    {Property::kCompleteNamesAcknowledgedParts, "complete-names-acknowledged-parts"},
    {Property::kProgressMonotone, "progress-monotone"},
    {Property::kLostCompleteAnswerNotFailure, "lost-complete-answer-not-failure"},
    {Property::kCorruptAnswerCaught, "corrupt-answer-caught"},
    {Property::kPermanentErrorSurfaces, "permanent-error-surfaces"},
    {Property::kChangedFileNotSuccess, "changed-file-not-success"},
    {Property::kPartsCounted, "parts-counted"},
    {Property::kNoUploadLeaked, "no-upload-leaked"},
}};

std::string Where(const StepRecord& step) {
  return "step " + std::to_string(step.index + 1) + " (" +
         std::string(StepKindName(step.step.kind)) + ")";
}

bool Fired(const fake::JournalEntry& e, ActionType type) {
  return e.fault && e.fault->action.type == type;
}

bool AnswerLost(const fake::JournalEntry& e) {
  return Fired(e, ActionType::kDropResponse) || Fired(e, ActionType::kTruncateResponse);
}

bool HasUpload(const std::vector<fake::UploadSnapshot>& uploads, const std::string& id) {
  return std::any_of(uploads.begin(), uploads.end(),
                     [&](const auto& u) { return u.upload_id == id; });
}

/// What one client step's requests and state say, computed once for every property.
struct StepFacts {
  const StepRecord& step;
  std::string where;
  Outcome outcome;
  Slice slice;
  FileSpec file_begin;  // the file when the step started
  FileSpec file_end;    // and when it ended
  bool keep = false;    // a cancel of this step keeps the record and the upload
  bool cancel_like = false;
  int firings = 0;
  int lost_initiates = 0;                     // Initiate answers dropped or truncated: orphans
  bool expire_fired_on_resumable_op = false;  // UploadPart or ListParts
  bool expire_fired_on_complete = false;
  bool expire_fired = false;
  std::set<std::string> expired_uploads{};  // the uploads an expire-upload fault hit
  bool complete_answer_lost = false;
  bool complete_committed = false;  // a Complete took effect (answered 200, or answer lost)
  bool complete_200_seen = false;   // a Complete answered 200 and the answer arrived
  /// Corrupted answers the step's integrity mode checks and a correct client must not trust:
  /// on Complete (the object is committed: never a success), and the UploadPart/PutObject
  /// requests that got one (a success must have sent that part or object again after it).
  bool corrupt_complete_answer = false;
  std::vector<const fake::JournalEntry*> corrupt_sends{};
  /// Parts whose answer carried a wrong ETag the mode cannot check (no MD5): their recorded
  /// ETag may be that one, and Complete may be rejected with InvalidPart before the client
  /// takes the listed ETags.
  std::set<int> unchecked_etag_parts{};
  bool unchecked_putobject_etag = false;
  /// A ListParts answer lost its CRC-64s (strip-crc64) under kCrc64: the client cannot tell a
  /// stored part from a damaged one without MD5, so it may send stored parts again.
  bool listed_crc_stripped = false;
  bool permanent_error = false;  // a non-retryable error fault fired (not on Abort)
  bool abort_failed = false;     // an AbortMultipartUpload failed or carried a fault
  bool multipart = false;        // the step sent multipart requests or resumed a record
};

class Checker {
 public:
  Checker(const Scenario& s, const RunReport& r) : s_(s), r_(r) {}

  std::vector<Violation> Run() {
    for (const StepRecord& step : r_.steps) {
      if (!IsClientStep(step.step.kind) || !step.outcome) continue;
      const StepFacts f = Facts(step);
      orphans_ += f.lost_initiates;
      for (const auto& [property, name] : kPropertyNames) CheckStep(property, f);
      if (!s_.upload.record_directory && LeavesUnreachableUpload(f)) ++unreachable_;
    }
    CheckNoUploadLeaked();
    return std::move(violations_);
  }

 private:
  void Add(Property property, const std::string& where, const std::string& message) {
    violations_.push_back({std::string(PropertyName(property)), where, message});
  }

  /// Checks one property on one client step.
  void CheckStep(Property property, const StepFacts& f) {
    switch (property) {
      case Property::kSuccessMatchesFile:
        return SuccessMatchesFile(f);
      case Property::kSuccessRemovesRecord:
        return SuccessRemovesRecord(f);
      case Property::kComplete200RemovesRecord:
        return Complete200RemovesRecord(f);
      case Property::kCancelDeleteRemovesBoth:
        return CancelDeleteRemovesBoth(f);
      case Property::kCancelKeepKeepsBoth:
        return CancelKeepKeepsBoth(f);
      case Property::kFailureKeepsRecordAndUpload:
        return FailureKeepsRecordAndUpload(f);
      case Property::kFailureWithoutRecordAborts:
        return FailureWithoutRecordAborts(f);
      case Property::kRecordedPartsOnServer:
        return RecordedPartsOnServer(f);
      case Property::kNoStoredPartResent:
        return NoStoredPartResent(f);
      case Property::kResendBounded:
        return ResendBounded(f);
      case Property::kLostUploadCannotResume:
        return LostUploadCannotResume(f);
      case Property::kCannotResumeRemovesRecord:
        return CannotResumeRemovesRecord(f);
      case Property::kCompleteNamesAcknowledgedParts:
        return CompleteNamesAcknowledgedParts(f);
      case Property::kProgressMonotone:
        return ProgressMonotone(f);
      case Property::kLostCompleteAnswerNotFailure:
        return LostCompleteAnswerNotFailure(f);
      case Property::kCorruptAnswerCaught:
        return CorruptAnswerCaught(f);
      case Property::kPermanentErrorSurfaces:
        return PermanentErrorSurfaces(f);
      case Property::kChangedFileNotSuccess:
        return ChangedFileNotSuccess(f);
      case Property::kPartsCounted:
        return PartsCounted(f);
      case Property::kNoUploadLeaked:
        return;  // checked once, at the end
    }
  }

  Slice SliceOf(const StepRecord& step) const {
    Slice slice;
    for (const fake::JournalEntry& e : r_.journal) {
      if (e.arrival > step.arrival_begin && e.arrival <= step.arrival_end) slice.push_back(&e);
    }
    std::sort(slice.begin(), slice.end(),
              [](const auto* a, const auto* b) { return a->arrival < b->arrival; });
    return slice;
  }

  StepFacts Facts(const StepRecord& step) const {
    // The runner rewrites the file after the step when the callback never got there, and
    // judges the step against the file it had.
    StepFacts f{.step = step,
                .where = Where(step),
                .outcome = *step.outcome,
                .slice = SliceOf(step),
                .file_begin = step.file_before,
                .file_end = step.rewrote_during_step
                                ? FileSpec{step.file_before.size_bytes, step.step.content_seed}
                                : step.file_before};
    f.keep = KeepsRecordOnCancel(step.step.kind) ||
             (step.step.kind == StepKind::kCancelAfterBytes && !s_.upload.delete_on_cancel);
    f.cancel_like =
        step.step.kind == StepKind::kCancelAfterBytes || KeepsRecordOnCancel(step.step.kind);
    f.multipart = step.record_before;
    for (const auto* e : f.slice) {
      const bool complete = e->operation == protocol::Operation::kCompleteMultipartUpload;
      if (e->operation == protocol::Operation::kInitiateMultipartUpload ||
          e->operation == protocol::Operation::kUploadPart ||
          e->operation == protocol::Operation::kListParts || complete) {
        f.multipart = true;
      }
      if (complete && e->error_code.empty() && (e->http_status == 200 || AnswerLost(*e))) {
        f.complete_committed = true;
      }
      if (complete && e->http_status == 200 && !AnswerLost(*e)) f.complete_200_seen = true;
      if (e->operation == protocol::Operation::kAbortMultipartUpload &&
          (e->fault || (e->http_status / 100 != 2 && e->error_code != "NoSuchUpload"))) {
        f.abort_failed = true;
      }
      if (!e->fault) continue;
      ++f.firings;
      if (e->operation == protocol::Operation::kInitiateMultipartUpload && AnswerLost(*e))
        ++f.lost_initiates;
      if (Fired(*e, ActionType::kExpireUpload)) {
        f.expire_fired = true;
        f.expired_uploads.insert(e->upload_id);
        if (e->operation == protocol::Operation::kUploadPart ||
            e->operation == protocol::Operation::kListParts) {
          f.expire_fired_on_resumable_op = true;
        }
        if (complete) f.expire_fired_on_complete = true;
      }
      if (complete && AnswerLost(*e)) f.complete_answer_lost = true;
      // Which corrupted answers the integrity mode can see: corrupt-checksum unless kNone,
      // corrupt-etag only with MD5.
      const bool checked = Fired(*e, ActionType::kCorruptChecksum)
                               ? s_.upload.integrity != client::IntegrityMode::kNone
                               : Fired(*e, ActionType::kCorruptEtag) &&
                                     s_.upload.integrity == client::IntegrityMode::kMd5AndCrc64;
      if (checked && complete) f.corrupt_complete_answer = true;
      if (checked && !complete) f.corrupt_sends.push_back(e);
      if (Fired(*e, ActionType::kStripCrc64) &&
          s_.upload.integrity == client::IntegrityMode::kCrc64) {
        f.listed_crc_stripped = true;
      }
      if (Fired(*e, ActionType::kCorruptEtag) && !checked) {
        if (e->part_number) f.unchecked_etag_parts.insert(*e->part_number);
        if (e->operation == protocol::Operation::kPutObject) f.unchecked_putobject_etag = true;
      }
      if (Fired(*e, ActionType::kError) &&
          e->operation != protocol::Operation::kAbortMultipartUpload) {
        protocol::Error error;
        error.code = e->error_code;
        error.http_status = e->http_status;
        if (!protocol::IsRetryable(error)) f.permanent_error = true;
      }
    }
    return f;
  }

  /// Without a record directory, an upload the client keeps (cancel with keep, a kill) or
  /// could not abort after a failure can never be found again by the client.
  bool LeavesUnreachableUpload(const StepFacts& f) const {
    if (f.outcome == Outcome::kCancelled) return f.keep;
    if (f.outcome == Outcome::kFails || f.outcome == Outcome::kFailsRetryable) {
      return f.abort_failed;
    }
    return false;
  }

  /// Success => the client's CRC-64 is the file's, the object right after the step equals
  /// the file, and the reported ETag is the object's.
  void SuccessMatchesFile(const StepFacts& f) {
    if (f.outcome != Outcome::kSucceeds) return;
    const StepRecord& step = f.step;
    const uint64_t crc = protocol::Crc64(FileBytes(f.file_end));
    if (s_.upload.integrity != client::IntegrityMode::kNone && step.result_crc64 != crc) {
      Add(Property::kSuccessMatchesFile, f.where,
          "reported success with CRC-64 " + protocol::Crc64ToString(step.result_crc64) +
              " but the file's is " + protocol::Crc64ToString(crc));
    }
    if (!step.object_equals_file_after) {
      Add(Property::kSuccessMatchesFile, f.where,
          "reported success but the object differs: " + step.object_problem_after);
    } else if (!f.unchecked_putobject_etag && protocol::NormalizeETag(step.result_etag) !=
                                                  protocol::NormalizeETag(step.object_etag_after)) {
      Add(Property::kSuccessMatchesFile, f.where,
          "reported ETag " + step.result_etag + " but the object's is " + step.object_etag_after);
    }
  }

  /// Success => no checkpoint record left.
  void SuccessRemovesRecord(const StepFacts& f) {
    if (f.outcome == Outcome::kSucceeds && f.step.record_after) {
      Add(Property::kSuccessRemovesRecord, f.where,
          "reported success but left its checkpoint record");
    }
  }

  /// A multipart success (not HEAD-verified, no restart of a lost upload) reports
  /// parts_uploaded + parts_skipped == parts_total.
  void PartsCounted(const StepFacts& f) {
    const StepRecord& step = f.step;
    if (f.outcome != Outcome::kSucceeds || step.simple_upload || step.verified_by_head ||
        s_.upload.restart_lost_upload) {
      return;
    }
    if (step.parts_uploaded + step.parts_skipped != step.parts_total) {
      Add(Property::kPartsCounted, f.where,
          "reported " + std::to_string(step.parts_uploaded) + " parts uploaded and " +
              std::to_string(step.parts_skipped) + " skipped of " +
              std::to_string(step.parts_total));
    }
  }

  /// A Complete answered 200 and the answer arrived => no record left (unless cancelled).
  void Complete200RemovesRecord(const StepFacts& f) {
    if (f.complete_200_seen && f.outcome != Outcome::kCancelled && f.step.record_after) {
      Add(Property::kComplete200RemovesRecord, f.where,
          "Complete returned 200 (" + std::string(OutcomeName(f.outcome)) +
              ") but the record is still there");
    }
  }

  /// Cannot-resume => no record left.
  void CannotResumeRemovesRecord(const StepFacts& f) {
    if (f.outcome == Outcome::kCannotResume && f.step.record_after) {
      Add(Property::kCannotResumeRemovesRecord, f.where,
          "reported cannot-resume but kept the record");
    }
  }

  /// Cancel() with delete => no record, and none of the step's own uploads left (the new one
  /// or the recorded one; older unreachable ones and orphans of lost Initiate answers are not
  /// its to abort).
  void CancelDeleteRemovesBoth(const StepFacts& f) {
    if (f.outcome != Outcome::kCancelled || f.keep) return;
    const StepRecord& step = f.step;
    if (step.record_after) {
      Add(Property::kCancelDeleteRemovesBoth, f.where,
          "cancelled with delete but the record is still there");
    }
    int left = 0;
    for (const auto& u : step.uploads_after) {
      const bool recorded =
          step.checkpoint_before && step.checkpoint_before->upload_id == u.upload_id;
      if (recorded || !HasUpload(step.uploads_before, u.upload_id)) ++left;
    }
    if (left > f.lost_initiates) {
      Add(Property::kCancelDeleteRemovesBoth, f.where,
          "cancelled with delete but " + std::to_string(left) +
              " of its upload(s) are left on the server");
    }
  }

  /// Cancel() with keep, or a kill => the record and its upload are kept (unless the upload
  /// expired or a Complete took effect).
  void CancelKeepKeepsBoth(const StepFacts& f) {
    if (f.outcome != Outcome::kCancelled || !f.keep) return;
    const StepRecord& step = f.step;
    if (s_.upload.record_directory && !step.record_after) {
      Add(Property::kCancelKeepKeepsBoth, f.where, "cancelled with keep but the record is gone");
    }
    const bool gone_legitimately = f.expire_fired || f.complete_committed;
    if (step.checkpoint_after && !gone_legitimately &&
        !HasUpload(step.uploads_after, step.checkpoint_after->upload_id)) {
      Add(Property::kCancelKeepKeepsBoth, f.where,
          "cancelled with keep but the recorded upload " + step.checkpoint_after->upload_id +
              " is gone");
    }
    if (!s_.upload.record_directory && step.uploads_after.empty() && !gone_legitimately &&
        f.multipart && !step.uploads_before.empty()) {
      Add(Property::kCancelKeepKeepsBoth, f.where, "cancelled with keep but the upload is gone");
    }
  }

  static bool Failed(const StepFacts& f) {
    return f.outcome == Outcome::kFails || f.outcome == Outcome::kFailsRetryable;
  }

  /// A failure without a record directory leaves no new upload behind (aborted), unless the
  /// abort itself failed or the Initiate answer was lost.
  void FailureWithoutRecordAborts(const StepFacts& f) {
    if (!Failed(f) || s_.upload.record_directory) return;
    int added = 0;
    for (const auto& u : f.step.uploads_after) {
      if (!HasUpload(f.step.uploads_before, u.upload_id)) ++added;
    }
    if (added > f.lost_initiates && !f.abort_failed) {
      Add(Property::kFailureWithoutRecordAborts, f.where,
          "failed without a record directory and left " + std::to_string(added) +
              " new upload(s) on the server");
    }
  }

  /// Any other failure with a record directory => a record this request would have resumed
  /// is kept, and so is its upload, whatever delete_upload_id_on_cancelling says (unless the
  /// upload expired or a Complete took effect: the upload id is spent, the record goes).
  void FailureKeepsRecordAndUpload(const StepFacts& f) {
    if (!Failed(f) || !s_.upload.record_directory) return;
    const StepRecord& step = f.step;
    const auto& before = step.checkpoint_before;
    if (before && before->resumable && HasUpload(step.uploads_before, before->upload_id) &&
        !f.expire_fired && !f.complete_committed) {
      if (!step.checkpoint_after || step.checkpoint_after->upload_id != before->upload_id) {
        Add(Property::kFailureKeepsRecordAndUpload, f.where,
            "failed (" + step.error + ") and dropped the record of upload " + before->upload_id);
      }
    }
    if (step.checkpoint_after && !f.expire_fired &&
        !HasUpload(step.uploads_after, step.checkpoint_after->upload_id)) {
      Add(Property::kFailureKeepsRecordAndUpload, f.where,
          "failed (" + step.error + ") and the recorded upload " +
              step.checkpoint_after->upload_id + " is gone from the server");
    }
  }

  /// Every part the step added to the record is a server part of the recorded upload with
  /// the same size and ETag.
  void RecordedPartsOnServer(const StepFacts& f) {
    const auto& after = f.step.checkpoint_after;
    if (!after) return;
    const fake::UploadSnapshot* upload = nullptr;
    for (const auto& u : f.step.uploads_after) {
      if (u.upload_id == after->upload_id) upload = &u;
    }
    if (!upload) return;  // gone (expired, completed): nothing to compare with
    std::set<std::pair<int, std::string>> known;
    if (f.step.checkpoint_before && f.step.checkpoint_before->upload_id == after->upload_id) {
      for (const auto& p : f.step.checkpoint_before->parts) known.insert({p.number, p.etag});
    }
    for (const auto& p : after->parts) {
      if (known.contains({p.number, p.etag})) continue;
      auto it = std::find_if(upload->parts.begin(), upload->parts.end(),
                             [&](const auto& s) { return s.part_number == p.number; });
      if (it == upload->parts.end()) {
        Add(Property::kRecordedPartsOnServer, f.where,
            "the record lists part " + std::to_string(p.number) + " that the server lacks");
      } else if ((protocol::NormalizeETag(it->etag) != protocol::NormalizeETag(p.etag) &&
                  !f.unchecked_etag_parts.contains(p.number)) ||
                 it->size != p.size_bytes) {
        Add(Property::kRecordedPartsOnServer, f.where,
            "the record lists part " + std::to_string(p.number) + " as " + p.etag + " (" +
                std::to_string(p.size_bytes) + " bytes), the server holds " + it->etag + " (" +
                std::to_string(it->size) + " bytes)");
      }
    }
  }

  /// The parts each upload held at the start of the step with exactly the file's bytes.
  std::map<std::string, std::set<int>> GoodStoredParts(const StepFacts& f) const {
    std::map<std::string, std::set<int>> good;
    const std::string bytes = FileBytes(f.file_begin);
    const uint64_t part_size =
        client::EffectivePartSize(f.file_begin.size_bytes, RequestedPartSize(f.step));
    for (const auto& u : f.step.uploads_before) {
      for (const auto& p : u.parts) {
        const uint64_t offset = static_cast<uint64_t>(p.part_number - 1) * part_size;
        if (offset >= bytes.size()) continue;
        const uint64_t size = std::min<uint64_t>(part_size, bytes.size() - offset);
        if (p.size != size || !p.crc64) continue;
        if (*p.crc64 == protocol::Crc64(std::string_view(bytes).substr(offset, size))) {
          good[u.upload_id].insert(p.part_number);
        }
      }
    }
    return good;
  }

  /// No UploadPart for a part the server already held with the file's bytes when the step
  /// began.
  void NoStoredPartResent(const StepFacts& f) {
    if (f.listed_crc_stripped) return;
    const auto good = GoodStoredParts(f);
    std::set<int> resent;
    for (const auto* e : f.slice) {
      if (e->operation != protocol::Operation::kUploadPart || !e->part_number) continue;
      auto it = good.find(e->upload_id);
      if (it != good.end() && it->second.contains(*e->part_number)) resent.insert(*e->part_number);
    }
    if (!resent.empty()) {
      Add(Property::kNoStoredPartResent, f.where,
          "re-sent part " + std::to_string(*resent.begin()) +
              " that the server already had with the file's bytes (" +
              std::to_string(resent.size()) + " such part(s))");
    }
  }

  /// The part size the step's request asked for.
  uint64_t RequestedPartSize(const StepRecord& step) const {
    return step.step.part_size_bytes.value_or(s_.upload.part_size_bytes);
  }

  /// A fresh fault-free upload sends exactly ceil(size/part) UploadParts; re-sent bytes <=
  /// firings x parallelism x part size.
  void ResendBounded(const StepFacts& f) {
    const StepRecord& step = f.step;
    const FileSpec& file = f.file_begin;
    const uint64_t part_size = client::EffectivePartSize(file.size_bytes, RequestedPartSize(step));
    uint64_t part_bytes = 0;
    std::set<int> parts_seen;
    int requests = 0;
    for (const auto* e : f.slice) {
      if (e->operation != protocol::Operation::kUploadPart || !e->part_number) continue;
      ++requests;
      part_bytes += e->request_body_bytes;
      parts_seen.insert(*e->part_number);
    }
    if (!step.simple_upload && requests > 0) {
      uint64_t distinct = 0;
      for (int n : parts_seen) {
        const uint64_t offset = static_cast<uint64_t>(n - 1) * part_size;
        distinct += offset >= file.size_bytes ? 0 : std::min(part_size, file.size_bytes - offset);
      }
      const uint64_t resent = part_bytes > distinct ? part_bytes - distinct : 0;
      const uint64_t allowed = static_cast<uint64_t>(f.firings) *
                               static_cast<uint64_t>(s_.upload.parallelism) * part_size;
      if (resent > allowed) {
        Add(Property::kResendBounded, f.where,
            std::to_string(resent) + " bytes re-sent after " + std::to_string(f.firings) +
                " fault(s); at most " + std::to_string(allowed) + " allowed");
      }
    }
    if (f.outcome == Outcome::kSucceeds && !step.record_before && f.firings == 0 &&
        !step.simple_upload && file.size_bytes > 0) {
      const int expected = static_cast<int>((file.size_bytes + part_size - 1) / part_size);
      if (requests != expected) {
        Add(Property::kResendBounded, f.where,
            "a fault-free fresh upload sent " + std::to_string(requests) +
                " UploadPart requests for " + std::to_string(expected) + " parts");
      }
    }
  }

  /// Since the previous client step: did an expire-upload event make an upload vanish, and
  /// did a foreign-part event put a part this file cannot have into one? A rewrite-file
  /// retires the record instead (the file changed), so neither then applies.
  std::pair<bool, bool> EventsBefore(const StepRecord& step) const {
    bool expired = false, foreign = false;
    for (size_t i = step.index; i-- > 0;) {
      const StepRecord& earlier = r_.steps[i];
      if (IsClientStep(earlier.step.kind)) break;
      if (earlier.step.kind == StepKind::kRewriteFile) return {false, false};
      if (earlier.step.kind == StepKind::kExpireUpload && earlier.uploads_expired > 0) {
        expired = true;
      }
      if (earlier.step.kind == StepKind::kForeignPart && earlier.uploads_touched > 0) {
        foreign = true;
      }
    }
    return {expired, foreign};
  }

  /// The recorded upload lost (expire fault or event), or holding a part this file cannot
  /// have => cannot-resume (such a foreign upload is aborted); a HEAD-verified success is
  /// allowed only when the object matches (success-matches-file).
  void LostUploadCannotResume(const StepFacts& f) {
    const StepRecord& step = f.step;
    constexpr Property name = Property::kLostUploadCannotResume;
    const bool verified_success = f.outcome == Outcome::kSucceeds && step.verified_by_head;
    // LostUploadPolicy::kRestart starts over once: only an upload lost again is the end.
    if (s_.upload.restart_lost_upload && f.expired_uploads.size() < 2) return;
    if (f.expire_fired_on_resumable_op && f.outcome != Outcome::kCannotResume &&
        f.outcome != Outcome::kCancelled && !verified_success) {
      Add(name, f.where,
          "the upload expired under the client, which reported " +
              std::string(OutcomeName(f.outcome)) + " instead of cannot-resume");
    }
    if (f.expire_fired_on_complete && f.outcome != Outcome::kCannotResume && !verified_success) {
      Add(name, f.where,
          "the upload expired at Complete, and the client reported " +
              std::string(OutcomeName(f.outcome)));
    }
    const auto [expired, foreign] = EventsBefore(step);
    const bool resumable = step.checkpoint_before && step.checkpoint_before->resumable;
    if (resumable && expired && f.outcome != Outcome::kCannotResume && !verified_success &&
        f.firings == 0) {
      Add(name, f.where,
          "resumed an upload the server had lost and reported " +
              std::string(OutcomeName(f.outcome)));
    }
    if (resumable && foreign && f.firings == 0 &&
        HasUpload(step.uploads_before, step.checkpoint_before->upload_id)) {
      if (f.outcome != Outcome::kCannotResume) {
        Add(name, f.where,
            "the recorded upload holds a part this file cannot have, and the client reported " +
                std::string(OutcomeName(f.outcome)));
      } else if (HasUpload(step.uploads_after, step.checkpoint_before->upload_id)) {
        Add(name, f.where,
            "the recorded upload holds a part this file cannot have and was not aborted");
      }
    }
  }

  /// No Complete rejected with InvalidPart or InvalidPartOrder.
  void CompleteNamesAcknowledgedParts(const StepFacts& f) {
    for (const auto* e : f.slice) {
      const bool excused = e->error_code == "InvalidPart" && !f.unchecked_etag_parts.empty();
      if (e->operation == protocol::Operation::kCompleteMultipartUpload && !excused &&
          (e->error_code == "InvalidPart" || e->error_code == "InvalidPartOrder")) {
        Add(Property::kCompleteNamesAcknowledgedParts, f.where,
            "CompleteMultipartUpload was rejected with " + e->error_code);
      }
    }
  }

  /// Progress never decreases, never exceeds the size, and ends at the size on success.
  void ProgressMonotone(const StepFacts& f) {
    const auto& progress = f.step.progress;
    const uint64_t size = f.file_begin.size_bytes;
    for (size_t i = 0; i < progress.size(); ++i) {
      if (progress[i] > size) {
        Add(Property::kProgressMonotone, f.where,
            "progress " + std::to_string(progress[i]) + " exceeds the size " +
                std::to_string(size));
        break;
      }
      if (i > 0 && progress[i] < progress[i - 1]) {
        Add(Property::kProgressMonotone, f.where,
            "progress went back from " + std::to_string(progress[i - 1]) + " to " +
                std::to_string(progress[i]));
        break;
      }
    }
    if (f.outcome == Outcome::kSucceeds && (progress.empty() || progress.back() != size)) {
      Add(Property::kProgressMonotone, f.where,
          "succeeded but progress ended at " +
              (progress.empty() ? std::string("nothing") : std::to_string(progress.back())));
    }
  }

  static bool CancelledAsAsked(const StepFacts& f) {
    return f.cancel_like && f.outcome == Outcome::kCancelled;
  }

  /// A dropped or truncated Complete answer => success (or cancelled on a cancel or kill
  /// step).
  void LostCompleteAnswerNotFailure(const StepFacts& f) {
    if (f.complete_answer_lost && f.outcome != Outcome::kSucceeds && !CancelledAsAsked(f)) {
      Add(Property::kLostCompleteAnswerNotFailure, f.where,
          "Complete's response was lost and the client reported " +
              std::string(OutcomeName(f.outcome)));
    }
  }

  /// A corrupted answer the integrity mode checks (corrupt-checksum unless kNone, corrupt-etag
  /// with MD5): on Complete => not success; on UploadPart / PutObject => success only if that
  /// part (object) was sent again after it.
  void CorruptAnswerCaught(const StepFacts& f) {
    if (f.outcome != Outcome::kSucceeds) return;
    if (f.corrupt_complete_answer) {
      Add(Property::kCorruptAnswerCaught, f.where,
          "Complete answered a corrupted object checksum and the client reported success");
    }
    for (const auto* bad : f.corrupt_sends) {
      const bool sent_again = std::any_of(f.slice.begin(), f.slice.end(), [&](const auto* e) {
        return e->arrival > bad->arrival && e->operation == bad->operation &&
               e->upload_id == bad->upload_id && e->part_number == bad->part_number &&
               e->key == bad->key;
      });
      if (!sent_again) {
        Add(Property::kCorruptAnswerCaught, f.where,
            std::string(protocol::OperationName(bad->operation)) +
                (bad->part_number ? " " + std::to_string(*bad->part_number) : "") +
                " answered a corrupted checksum or ETag, it was never sent again, and the "
                "client reported success");
        return;
      }
    }
  }

  /// A fired non-retryable error => the step fails (or is cancelled on a cancel or kill step,
  /// or cannot resume).
  void PermanentErrorSurfaces(const StepFacts& f) {
    if (f.permanent_error && f.outcome != Outcome::kFails && !CancelledAsAsked(f) &&
        f.outcome != Outcome::kCannotResume) {
      Add(Property::kPermanentErrorSurfaces, f.where,
          "a non-retryable error was answered and the client reported " +
              std::string(OutcomeName(f.outcome)));
    }
  }

  /// The file changed during a multipart step => not success.
  void ChangedFileNotSuccess(const StepFacts& f) {
    if (f.step.rewrote_during_step && !f.step.simple_upload && f.outcome == Outcome::kSucceeds) {
      Add(Property::kChangedFileNotSuccess, f.where,
          "the file changed during the upload and the client reported success");
    }
  }

  /// At the end: uploads left <= the recorded one + orphans of lost Initiate answers +
  /// uploads kept without a record (cancel-keep, kill, or a failure whose abort failed).
  void CheckNoUploadLeaked() {
    const int allowed = orphans_ + unreachable_ + (r_.record_exists ? 1 : 0);
    if (static_cast<int>(r_.uploads_left.size()) > allowed) {
      Add(Property::kNoUploadLeaked, "end",
          std::to_string(r_.uploads_left.size()) + " upload(s) left on the server; " +
              std::to_string(allowed) + " accounted for (" + std::to_string(orphans_) +
              " orphaned Initiate(s), " + std::to_string(unreachable_) +
              " kept without a record, record " + (r_.record_exists ? "present" : "absent") + ")");
    }
  }

  const Scenario& s_;
  const RunReport& r_;
  std::vector<Violation> violations_;
  int orphans_ = 0;
  int unreachable_ = 0;
};

}  // namespace

std::vector<Violation> CheckProperties(const Scenario& scenario, const RunReport& report) {
  return Checker(scenario, report).Run();
}

std::string_view PropertyName(Property property) {
  return protocol::LookupName(kPropertyNames, property, "unknown");
}

const std::vector<std::string>& PropertyNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& [property, name] : kPropertyNames) all.emplace_back(name);
    return all;
  }();
  return names;
}

std::string ToString(const Violation& v) {
  return v.property + " at " + v.where + ": " + v.message;
}

}  // namespace ossup::scenarios
