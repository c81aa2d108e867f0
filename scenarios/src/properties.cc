#include "ossup/scenarios/properties.h"

#include <algorithm>
#include <map>
#include <set>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"

namespace ossup::scenarios {
namespace {

using faults::ActionType;

std::string Where(const StepRecord& step) {
  return "step " + std::to_string(step.index + 1) + " (" +
         std::string(StepKindName(step.step.kind)) + ")";
}

bool Fired(const fake::JournalEntry& e, ActionType type) {
  return e.fault && e.fault->action.type == type;
}

uint64_t PartSizeFor(uint64_t file_size, uint64_t part_size) {
  const uint64_t max_parts = protocol::limits::kMaxPartNumber;
  if ((file_size + part_size - 1) / part_size <= max_parts) return part_size;
  uint64_t grown = (file_size + max_parts - 1) / max_parts;
  return (grown + 4095) / 4096 * 4096;
}

class Checker {
 public:
  Checker(const Scenario& s, const RunReport& r) : s_(s), r_(r) {}

  std::vector<Violation> Run() {
    FileSpec file = s_.file;
    int orphans = 0;
    for (const StepRecord& step : r_.steps) {
      if (step.step.kind == StepKind::kRewriteFile) {
        file = FileSpec{step.step.size_bytes, step.step.content_seed};
        continue;
      }
      if (!IsClientStep(step.step.kind) || !step.outcome) continue;
      auto slice = Slice(step);
      for (const auto* e : slice) {
        if (e->operation == "InitiateMultipartUpload" &&
            (Fired(*e, ActionType::kDropResponse) || Fired(*e, ActionType::kTruncateResponse))) {
          ++orphans;
        }
      }
      CheckStep(step, slice, file, orphans + unreachable_);
      if (!s_.upload.record_directory && LeavesUnreachableUpload(step)) ++unreachable_;
    }
    CheckEnd(orphans);
    return std::move(violations_);
  }

 private:
  std::vector<const fake::JournalEntry*> Slice(const StepRecord& step) const {
    std::vector<const fake::JournalEntry*> slice;
    for (const fake::JournalEntry& e : r_.journal) {
      if (e.arrival > step.arrival_begin && e.arrival <= step.arrival_end) slice.push_back(&e);
    }
    std::sort(slice.begin(), slice.end(),
              [](const auto* a, const auto* b) { return a->arrival < b->arrival; });
    return slice;
  }

  /// Without a record directory, an upload the client keeps (cancel with keep, or any
  /// failure: failures never abort) can never be resumed or found again by the client.
  bool LeavesUnreachableUpload(const StepRecord& step) const {
    const Outcome o = *step.outcome;
    const bool keep =
        step.step.kind == StepKind::kKillClientAfterParts ||
        (step.step.kind == StepKind::kCancelAfterBytes && !s_.upload.delete_on_cancel);
    return (o == Outcome::kCancelled && keep) || o == Outcome::kFails ||
           o == Outcome::kFailsRetryable;
  }

  void Add(int property, const std::string& where, const std::string& message) {
    violations_.push_back({property, where, message});
  }

  void CheckStep(const StepRecord& step, const std::vector<const fake::JournalEntry*>& slice,
                 const FileSpec& file, int orphans) {
    const std::string where = Where(step);
    const Outcome outcome = *step.outcome;
    const bool keep =
        step.step.kind == StepKind::kKillClientAfterParts ||
        (step.step.kind == StepKind::kCancelAfterBytes && !s_.upload.delete_on_cancel);
    int firings = 0;
    bool expire_fired_on_resumable_op = false;
    bool expire_fired_on_complete = false;
    bool complete_answer_lost = false;
    for (const auto* e : slice) {
      if (!e->fault) continue;
      ++firings;
      if (Fired(*e, ActionType::kExpireUpload)) {
        if (e->operation == "UploadPart" || e->operation == "ListParts") {
          expire_fired_on_resumable_op = true;
        }
        if (e->operation == "CompleteMultipartUpload") expire_fired_on_complete = true;
      }
      if (e->operation == "CompleteMultipartUpload" &&
          (Fired(*e, ActionType::kDropResponse) || Fired(*e, ActionType::kTruncateResponse))) {
        complete_answer_lost = true;
      }
    }

    // P1: success means the client's CRC-64 is the file's.
    if (outcome == Outcome::kSucceeds) {
      const uint64_t crc = protocol::Crc64(FileBytes(file));
      if (step.result_crc64 != crc) {
        Add(1, where,
            "reported success with CRC-64 " + protocol::Crc64ToString(step.result_crc64) +
                " but the file's is " + protocol::Crc64ToString(crc));
      }
      if (step.record_after) Add(1, where, "reported success but left its checkpoint record");
    }

    // P2: cancel with delete leaves nothing behind.
    if (outcome == Outcome::kCancelled && step.step.kind == StepKind::kCancelAfterBytes &&
        s_.upload.delete_on_cancel) {
      if (step.record_after) Add(2, where, "cancelled with delete but the record is still there");
      if (static_cast<int>(step.uploads_after.size()) > orphans) {
        Add(2, where,
            "cancelled with delete but " + std::to_string(step.uploads_after.size()) +
                " upload(s) are left on the server");
      }
    }

    // P3 (first half): cancel with keep / kill keeps the record and the upload.
    if (outcome == Outcome::kCancelled && keep) {
      if (s_.upload.record_directory && !step.record_after) {
        Add(3, where, "cancelled with keep but the checkpoint record is gone");
      }
      const bool expired = expire_fired_on_resumable_op || expire_fired_on_complete;
      if (step.uploads_after.empty() && !expired) {
        Add(3, where, "cancelled with keep but the upload is gone");
      }
    }

    // P3 (second half) and P6: no part the server already had is sent again.
    std::map<std::string, std::set<int>> stored;
    for (const auto& u : step.uploads_before) {
      for (const auto& p : u.parts) stored[u.upload_id].insert(p.part_number);
    }
    std::set<int> resent_stored;
    uint64_t part_bytes = 0;
    std::map<int, bool> parts_seen;
    int upload_part_requests = 0;
    for (const auto* e : slice) {
      if (e->operation != "UploadPart" || !e->part_number) continue;
      ++upload_part_requests;
      part_bytes += e->request_body_bytes;
      parts_seen[*e->part_number] = true;
      auto it = stored.find(e->upload_id);
      if (it != stored.end() && it->second.contains(*e->part_number)) {
        resent_stored.insert(*e->part_number);
      }
    }
    if (!resent_stored.empty()) {
      Add(3, where,
          "re-sent part " + std::to_string(*resent_stored.begin()) +
              " that the server already had (" + std::to_string(resent_stored.size()) +
              " such part(s))");
    }
    const uint64_t part_size = PartSizeFor(file.size_bytes, s_.upload.part_size_bytes);
    if (!step.simple_upload && upload_part_requests > 0) {
      uint64_t distinct_bytes = 0;
      for (const auto& [n, _] : parts_seen) {
        uint64_t offset = static_cast<uint64_t>(n - 1) * part_size;
        distinct_bytes +=
            offset >= file.size_bytes ? 0 : std::min(part_size, file.size_bytes - offset);
      }
      const uint64_t resent = part_bytes > distinct_bytes ? part_bytes - distinct_bytes : 0;
      const uint64_t allowed =
          static_cast<uint64_t>(firings) * static_cast<uint64_t>(s_.upload.parallelism) * part_size;
      if (resent > allowed) {
        Add(6, where,
            std::to_string(resent) + " bytes re-sent after " + std::to_string(firings) +
                " fault(s); at most " + std::to_string(allowed) + " allowed");
      }
    }
    if (outcome == Outcome::kSucceeds && !step.record_before && firings == 0 &&
        !step.simple_upload && file.size_bytes > 0) {
      const int expected = static_cast<int>((file.size_bytes + part_size - 1) / part_size);
      if (upload_part_requests != expected) {
        Add(6, where,
            "a fault-free fresh upload sent " + std::to_string(upload_part_requests) +
                " UploadPart requests for " + std::to_string(expected) + " parts");
      }
    }

    // P4: the server lost the upload.
    // A resume whose record holds every part may find the object already complete and
    // verify it with HEAD: that success is legitimate.
    const bool verified_success = outcome == Outcome::kSucceeds && step.verified_by_head;
    if (expire_fired_on_resumable_op && outcome != Outcome::kCannotResume &&
        outcome != Outcome::kCancelled && !verified_success) {
      Add(4, where,
          "the upload expired under the client, which reported " +
              std::string(OutcomeName(outcome)) + " instead of cannot-resume");
    }
    if (expire_fired_on_complete && outcome != Outcome::kCannotResume &&
        !(outcome == Outcome::kSucceeds && step.verified_by_head)) {
      Add(4, where,
          "the upload expired at Complete, and the client reported " +
              std::string(OutcomeName(outcome)));
    }
    if (outcome == Outcome::kCannotResume && step.record_after) {
      Add(4, where, "reported cannot-resume but kept the stale record");
    }
    if (step.record_before && LostBefore(step) && outcome != Outcome::kCannotResume &&
        !verified_success && firings == 0) {
      Add(4, where,
          "resumed an upload the server had lost and reported " +
              std::string(OutcomeName(outcome)));
    }

    // P5: the server never rejected a Complete's part list.
    for (const auto* e : slice) {
      if (e->operation == "CompleteMultipartUpload" &&
          (e->error_code == "InvalidPart" || e->error_code == "InvalidPartOrder")) {
        Add(5, where, "CompleteMultipartUpload was rejected with " + e->error_code);
      }
    }

    // P7: progress.
    for (size_t i = 0; i < step.progress.size(); ++i) {
      if (step.progress[i] > file.size_bytes) {
        Add(7, where,
            "progress " + std::to_string(step.progress[i]) + " exceeds the size " +
                std::to_string(file.size_bytes));
        break;
      }
      if (i > 0 && step.progress[i] < step.progress[i - 1]) {
        Add(7, where,
            "progress went back from " + std::to_string(step.progress[i - 1]) + " to " +
                std::to_string(step.progress[i]));
        break;
      }
    }
    if (outcome == Outcome::kSucceeds &&
        (step.progress.empty() || step.progress.back() != file.size_bytes)) {
      Add(7, where,
          "succeeded but progress ended at " + (step.progress.empty()
                                                    ? std::string("nothing")
                                                    : std::to_string(step.progress.back())));
    }

    // P9: a lost Complete answer is not a failure.
    if (complete_answer_lost && outcome != Outcome::kSucceeds) {
      Add(9, where,
          "Complete's response was lost and the client reported " +
              std::string(OutcomeName(outcome)));
    }
  }

  /// True when an expire-upload event since the previous client step made an upload vanish.
  bool LostBefore(const StepRecord& step) const {
    bool expired = false;
    for (size_t i = step.index; i-- > 0;) {
      const StepRecord& earlier = r_.steps[i];
      if (IsClientStep(earlier.step.kind)) break;
      if (earlier.step.kind == StepKind::kRewriteFile) return false;  // record retired instead
      if (earlier.step.kind == StepKind::kExpireUpload && earlier.uploads_expired > 0) {
        expired = true;
      }
    }
    return expired;
  }

  void CheckEnd(int orphans) {
    // P8: nothing left behind but the recorded upload, unknowable orphans, and uploads the
    // client kept without a record directory (LeavesUnreachableUpload).
    const int allowed = orphans + unreachable_ + (r_.record_exists ? 1 : 0);
    if (static_cast<int>(r_.uploads_left.size()) > allowed) {
      Add(8, "end",
          std::to_string(r_.uploads_left.size()) + " upload(s) left on the server; " +
              std::to_string(allowed) + " accounted for (" + std::to_string(orphans) +
              " orphaned Initiate(s), " + std::to_string(unreachable_) +
              " kept without a record, record " + (r_.record_exists ? "present" : "absent") + ")");
    }
    // P1 at the end: if the last client step succeeded, the object is the file.
    for (size_t i = r_.steps.size(); i-- > 0;) {
      const StepRecord& step = r_.steps[i];
      if (step.step.kind == StepKind::kRewriteFile) break;
      if (!IsClientStep(step.step.kind) || !step.outcome) continue;
      if (*step.outcome == Outcome::kSucceeds && !r_.object_equals_file) {
        Add(1, Where(step), "reported success but the object differs: " + r_.object_problem);
      }
      if (*step.outcome == Outcome::kSucceeds && r_.object_exists &&
          protocol::NormalizeETag(step.result_etag) != protocol::NormalizeETag(r_.object_etag)) {
        Add(1, Where(step),
            "reported ETag " + step.result_etag + " but the object's is " + r_.object_etag);
      }
      break;
    }
  }

  const Scenario& s_;
  const RunReport& r_;
  std::vector<Violation> violations_;
  int unreachable_ = 0;
};

}  // namespace

std::vector<Violation> CheckProperties(const Scenario& scenario, const RunReport& report) {
  return Checker(scenario, report).Run();
}

std::string ToString(const Violation& v) {
  return "P" + std::to_string(v.property) + " at " + v.where + ": " + v.message;
}

}  // namespace ossup::scenarios
