// Properties 1-9 of the resumable-upload contract (issue 6), checked on a finished run
// against the fake's journal and state as the runner observed them around every step. They
// hold for any scenario whatever its outcomes; the runner applies them when
// checks.properties is set, and the property suites and `oss-scenario fuzz` always do.
//
//   P1 success => the object equals the file; the client's CRC-64 equals the file's and
//      its ETag equals the object's.
//   P2 cancel with delete => no upload of the object and no record left.
//   P3 cancel with keep / kill => record and upload kept; the next resume sends no part the
//      server already had (same size, same file).
//   P4 the server lost the recorded upload (expired, aborted) => cannot-resume and the
//      record is removed; an expire-upload fault firing => cannot-resume.
//   P5 no CompleteMultipartUpload is rejected for its part list (InvalidPart,
//      InvalidPartOrder): the client never names a part it did not see succeed.
//   P6 a fresh upload with no fault firing sends exactly ceil(size/partSize) UploadParts;
//      with faults, re-sent bytes <= firings x parallelism x partSize.
//   P7 progress never decreases, never exceeds the size, and ends at the size on success.
//   P8 at the end no upload is left except keep-on-cancel ones and orphans of dropped
//      Initiate responses (which no client can know about).
//   P9 a lost Complete response (drop/truncate) never turns into a failure.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "ossup/scenarios/runner.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios {

struct Violation {
  int property = 0;     // 1..9
  std::string where;    // "step 3 (upload)" or "end"
  std::string message;  // what was seen
};

std::vector<Violation> CheckProperties(const Scenario& scenario, const RunReport& report);

/// "P4 at step 3 (upload): ..."
std::string ToString(const Violation& violation);

}  // namespace ossup::scenarios
