// The named properties of the resumable-upload contract (docs/client.md), checked on a
// finished run against the fake's journal and the state the runner observed around every
// step (uploads, checkpoint record, object). They hold for any scenario whatever its
// outcomes; the runner applies them when checks.properties is set, and the property suites
// and `oss-scenario fuzz` always do. docs/scenarios.md maps each contract sentence to them.
//
// Per client step ("the step's requests" = its journal slice):
//   success-matches-file          success => the client's CRC-64 is the file's (unless
//                                 kNone, which computes none), the object right after the
//                                 step equals the file, and the reported ETag is the
//                                 object's (unless a PutObject answered a wrong ETag the mode
//                                 cannot check)
//   success-removes-record        success => no record left
//   complete-200-removes-record   a Complete answered 200 (not lost) => no record left
//   cancel-delete-removes-both    Cancel() with delete => no record and no upload
//   cancel-keep-keeps-both        Cancel() with keep / a kill => record and its upload kept
//   failure-keeps-record-and-upload  any other failure with a record directory => a record
//                                 that would have resumed is kept, and so is its upload,
//                                 whatever delete_upload_id_on_cancelling says
//   failure-without-record-aborts  a failure without a record directory leaves no new
//                                 upload behind (aborted), unless the abort itself failed or
//                                 the Initiate answer was lost
//   recorded-parts-on-server      every part the step added to the record is a server part
//                                 of the recorded upload with the same size and ETag (the
//                                 ETag not compared for a part whose answer carried a wrong
//                                 ETag the mode cannot check: no MD5)
//   no-stored-part-resent         no UploadPart for a part the server already held with the
//                                 file's bytes when the step began
//   resend-bounded                a fresh fault-free upload sends exactly ceil(size/part)
//                                 UploadParts; re-sent bytes <= firings x parallelism x part
//   lost-upload-cannot-resume     the recorded upload lost (expire fault or event), or
//                                 holding a part this file cannot have => cannot-resume
//                                 (such a foreign upload is aborted); a HEAD-verified success
//                                 is allowed only when the object matches
//   cannot-resume-removes-record  cannot-resume => no record left
//   complete-names-acknowledged-parts  no Complete rejected with InvalidPart(Order), but
//                                 for InvalidPart after a wrong ETag the mode cannot check
//   progress-monotone             progress never decreases, never exceeds the size, ends at
//                                 the size on success
//   lost-complete-answer-not-failure  a dropped/truncated Complete answer => success (or
//                                 cancelled on a cancel or kill step)
//   corrupt-answer-caught         a corrupted answer the upload's integrity mode checks
//                                 (corrupt-checksum unless kNone; corrupt-etag with MD5):
//                                 on Complete => not success; on UploadPart / PutObject =>
//                                 success only if that part (object) was sent again after it
//   permanent-error-surfaces      a fired non-retryable error => the step fails (or is
//                                 cancelled on a cancel or kill step)
//   changed-file-not-success      the file changed during a multipart step => not success
//   parts-counted                 a multipart success (not HEAD-verified) reports
//                                 parts_uploaded + parts_skipped == parts_total
// At the end:
//   no-upload-leaked              uploads left <= the recorded one + orphans of lost
//                                 Initiate answers + uploads kept without a record
//                                 (cancel-keep, kill, or a failure whose abort failed)
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ossup/scenarios/runner.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

/// The properties above, in that order; PropertyName gives the name used above.
enum class Property {
  kSuccessMatchesFile,
  kSuccessRemovesRecord,
  kComplete200RemovesRecord,
  kCancelDeleteRemovesBoth,
  kCancelKeepKeepsBoth,
  kFailureKeepsRecordAndUpload,
  kFailureWithoutRecordAborts,
  kRecordedPartsOnServer,
  kNoStoredPartResent,
  kResendBounded,
  kLostUploadCannotResume,
  kCannotResumeRemovesRecord,
  kCompleteNamesAcknowledgedParts,
  kProgressMonotone,
  kLostCompleteAnswerNotFailure,
  kCorruptAnswerCaught,
  kPermanentErrorSurfaces,
  kChangedFileNotSuccess,
  kPartsCounted,
  kNoUploadLeaked,
};

std::string_view PropertyName(Property property);

struct Violation {
  std::string property;  // PropertyName of one of the properties above
  std::string where;     // "step 3 (upload)" or "end"
  std::string message;   // what was seen
};

std::vector<Violation> CheckProperties(const Scenario& scenario, const RunReport& report);

/// Every property name, in the order above.
const std::vector<std::string>& PropertyNames();

/// "lost-upload-cannot-resume at step 3 (upload): ..."
std::string ToString(const Violation& violation);

}  // namespace ossup::scenarios
