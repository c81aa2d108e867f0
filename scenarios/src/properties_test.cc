#include "ossup/scenarios/properties.h"

#include <gtest/gtest.h>

#include <set>

#include "ossup/protocol/checksum.h"

namespace ossup::scenarios {
namespace {

constexpr uint64_t kPart = 102400;
using Names = std::vector<std::string>;

faults::Firing Firing(faults::ActionType type) {
  faults::Firing firing;
  firing.plan_id = "plan-1";
  firing.action.type = type;
  return firing;
}

/// A scenario of one 3-part upload step and a report of it going right; tests break it.
struct Fixture {
  Scenario scenario;
  RunReport report;

  Fixture() {
    scenario.name = "synthetic";
    scenario.file = {3 * kPart, 5};
    Step step;
    step.kind = StepKind::kUpload;
    step.expect = {Outcome::kSucceeds};
    scenario.steps.push_back(step);

    StepRecord record;
    record.step = step;
    record.outcome = Outcome::kSucceeds;
    record.result_crc64 = protocol::Crc64(FileBytes(scenario.file));
    record.progress = {kPart, 2 * kPart, 3 * kPart};
    record.file_size_bytes = 3 * kPart;
    record.parts_total = 3;
    record.parts_uploaded = 3;
    record.file_before = scenario.file;
    record.object_equals_file_after = true;
    record.object_etag_after = "\"ABC-3\"";
    for (int n = 1; n <= 3; ++n) report.journal.push_back(Part(n));
    fake::JournalEntry complete;
    complete.operation = protocol::Operation::kCompleteMultipartUpload;
    complete.upload_id = "U";
    complete.http_status = 200;
    report.journal.push_back(complete);
    report.steps.push_back(record);
    report.object_exists = true;
    report.object_equals_file = true;
    report.object_etag = "\"ABC-3\"";
    report.steps[0].result_etag = "\"ABC-3\"";
  }

  static fake::JournalEntry Part(int n, std::string upload_id = "U") {
    fake::JournalEntry e;
    e.operation = protocol::Operation::kUploadPart;
    e.upload_id = std::move(upload_id);
    e.part_number = n;
    e.http_status = 200;
    e.request_body_bytes = kPart;
    return e;
  }

  StepRecord& step() { return report.steps[0]; }

  /// Numbers the journal's entries in order as they arrived, all within the first step.
  std::vector<std::string> Properties() {
    for (size_t i = 0; i < report.journal.size(); ++i) report.journal[i].arrival = i + 1;
    step().arrival_begin = 0;
    step().arrival_end = report.journal.size();
    std::vector<std::string> out;
    for (const auto& v : CheckProperties(scenario, report)) out.push_back(v.property);
    return out;
  }
};

TEST(Properties, ACorrectRunHasNoViolation) {
  Fixture f;
  EXPECT_TRUE(f.Properties().empty());
}

TEST(Properties, P1WrongCrcOrObject) {
  Fixture f;
  f.step().result_crc64 ^= 1;
  EXPECT_EQ(f.Properties(), Names{"success-matches-file"});
  Fixture g;
  g.step().object_equals_file_after = false;
  g.step().object_problem_after = "differs at byte 7";
  EXPECT_EQ(g.Properties(), Names{"success-matches-file"});
  Fixture h;
  h.step().result_etag = "\"ABD-3\"";
  Fixture i;
  i.step().record_after = true;
  EXPECT_EQ(i.Properties(), (Names{"success-removes-record", "complete-200-removes-record"}));
  EXPECT_EQ(h.Properties(), Names{"success-matches-file"});
}

TEST(Properties, P2CancelWithDeleteLeavesNothing) {
  Fixture f;
  f.scenario.steps[0].kind = f.step().step.kind = StepKind::kCancelAfterBytes;
  f.step().outcome = Outcome::kCancelled;
  f.step().uploads_after.push_back(fake::UploadSnapshot{"b", "k", "U", {}, {}});
  EXPECT_EQ(f.Properties(), Names{"cancel-delete-removes-both"});
}

TEST(Properties, P3ResumeMustNotResendAStoredPart) {
  Fixture f;
  f.step().record_before = true;
  fake::UploadSnapshot before{"b", "k", "U", {}, {}};
  const std::string bytes = FileBytes(f.scenario.file).substr(0, kPart);
  before.parts.push_back(protocol::PartInfo{1, {}, "\"E\"", protocol::Crc64(bytes), kPart});
  f.step().uploads_before.push_back(before);
  EXPECT_EQ(f.Properties(), Names{"no-stored-part-resent"});
  // A stored part with other bytes (tampered) must be sent again.
  f.step().uploads_before[0].parts[0].crc64 = protocol::Crc64(bytes) ^ 1;
  EXPECT_TRUE(f.Properties().empty());
}

TEST(Properties, P4LostUploadMustBeCannotResume) {
  Fixture f;
  f.report.journal[1].fault = Firing(faults::ActionType::kExpireUpload);
  auto found = f.Properties();
  EXPECT_NE(std::find(found.begin(), found.end(), "lost-upload-cannot-resume"), found.end());
}

TEST(Properties, P5RejectedCompleteIsAViolation) {
  Fixture f;
  f.report.journal[3].http_status = 400;
  f.report.journal[3].error_code = "InvalidPart";
  EXPECT_EQ(f.Properties(), Names{"complete-names-acknowledged-parts"});
}

TEST(Properties, P6FaultFreeUploadSendsEachPartOnce) {
  Fixture f;
  f.report.journal.insert(f.report.journal.begin() + 1, Fixture::Part(2));
  auto found = f.Properties();
  EXPECT_NE(std::find(found.begin(), found.end(), "resend-bounded"), found.end());
}

TEST(Properties, P7ProgressIsMonotonicAndEndsAtTheSize) {
  Fixture f;
  f.step().progress = {kPart, 0, 3 * kPart};
  EXPECT_EQ(f.Properties(), Names{"progress-monotone"});
  Fixture g;
  g.step().progress = {kPart, 2 * kPart};
  EXPECT_EQ(g.Properties(), Names{"progress-monotone"});
}

TEST(Properties, P8NothingLeftBehind) {
  Fixture f;
  f.report.uploads_left.push_back(fake::UploadSnapshot{"b", "k", "X", {}, {}});
  EXPECT_EQ(f.Properties(), Names{"no-upload-leaked"});
  f.report.journal.insert(f.report.journal.begin(), fake::JournalEntry{});
  f.report.journal[0].operation = protocol::Operation::kInitiateMultipartUpload;
  f.report.journal[0].fault = Firing(faults::ActionType::kDropResponse);
  EXPECT_TRUE(f.Properties().empty()) << "an orphan of a dropped Initiate is accounted for";
}

TEST(Properties, P9LostCompleteAnswerIsNotAFailure) {
  Fixture f;
  f.report.journal[3].fault = Firing(faults::ActionType::kDropResponse);
  f.step().outcome = Outcome::kFailsRetryable;
  EXPECT_EQ(f.Properties(), Names{"lost-complete-answer-not-failure"});
}

TEST(Properties, AFailureKeepsTheRecordAndTheUploadWhateverDeleteOnCancelSays) {
  for (bool delete_on_cancel : {true, false}) {
    Fixture f;
    f.scenario.upload.delete_on_cancel = delete_on_cancel;
    f.step().outcome = Outcome::kFailsRetryable;
    f.report.journal.pop_back();  // no Complete
    f.step().progress.clear();
    client::CheckpointInfo info;
    info.upload_id = "U";
    info.resumable = true;
    f.step().checkpoint_before = info;
    f.step().record_before = true;
    f.step().uploads_before.push_back(fake::UploadSnapshot{"b", "k", "U", {}, {}});
    EXPECT_EQ(f.Properties(), Names{"failure-keeps-record-and-upload"}) << "record dropped";
    f.step().checkpoint_after = info;
    f.step().record_after = true;
    EXPECT_EQ(f.Properties(), Names{"failure-keeps-record-and-upload"}) << "upload aborted";
    f.step().uploads_after = f.step().uploads_before;
    EXPECT_TRUE(f.Properties().empty());
  }
}

TEST(Properties, AFailureWithoutARecordDirectoryAbortsItsUpload) {
  Fixture f;
  f.scenario.upload.record_directory = false;
  f.step().outcome = Outcome::kFails;
  f.report.journal.pop_back();
  f.step().progress.clear();
  f.step().uploads_after.push_back(fake::UploadSnapshot{"b", "k", "U", {}, {}});
  f.report.uploads_left = f.step().uploads_after;
  EXPECT_EQ(f.Properties(), (Names{"failure-without-record-aborts", "no-upload-leaked"}));
}

TEST(Properties, ACorruptedPartAnswerTheModeChecksMustBeFollowedByAResend) {
  using client::IntegrityMode;
  struct Case {
    faults::ActionType type;
    IntegrityMode mode;
    bool checked;
  };
  for (const Case& c :
       {Case{faults::ActionType::kCorruptChecksum, IntegrityMode::kCrc64, true},
        Case{faults::ActionType::kCorruptChecksum, IntegrityMode::kMd5AndCrc64, true},
        Case{faults::ActionType::kCorruptChecksum, IntegrityMode::kNone, false},
        Case{faults::ActionType::kCorruptEtag, IntegrityMode::kMd5AndCrc64, true},
        Case{faults::ActionType::kCorruptEtag, IntegrityMode::kCrc64, false}}) {
    Fixture f;
    f.scenario.upload.integrity = c.mode;
    f.report.journal[1].fault = Firing(c.type);
    EXPECT_EQ(f.Properties(), c.checked ? Names{"corrupt-answer-caught"} : Names{})
        << client::IntegrityModeName(c.mode);
    // The same part sent again after the bad answer: the client did not trust it.
    Fixture resent;
    resent.scenario.upload.integrity = c.mode;
    resent.report.journal[1].fault = Firing(c.type);
    resent.report.journal.insert(resent.report.journal.begin() + 2, Fixture::Part(2));
    EXPECT_EQ(resent.Properties(), Names{}) << client::IntegrityModeName(c.mode);
  }
}

TEST(Properties, ACorruptedObjectChecksumOnCompleteIsNeverASuccessWhenChecked) {
  for (auto mode : client::AllIntegrityModes()) {
    Fixture f;
    f.scenario.upload.integrity = mode;
    f.report.journal.back().fault = Firing(faults::ActionType::kCorruptChecksum);
    EXPECT_EQ(f.Properties(),
              mode == client::IntegrityMode::kNone ? Names{} : Names{"corrupt-answer-caught"});
  }
}

TEST(Properties, InvalidPartAfterAnUncheckableETagIsExcused) {
  Fixture f;
  f.report.journal[1].fault = Firing(faults::ActionType::kCorruptEtag);
  fake::JournalEntry rejected = f.report.journal.back();
  rejected.http_status = 400;
  rejected.error_code = "InvalidPart";
  f.report.journal.insert(f.report.journal.end() - 1, rejected);
  EXPECT_EQ(f.Properties(), Names{});
  f.scenario.upload.integrity = client::IntegrityMode::kMd5AndCrc64;
  EXPECT_EQ(f.Properties(), (Names{"complete-names-acknowledged-parts", "corrupt-answer-caught"}));
}

TEST(Properties, TheRecordListsOnlyPartsTheServerHoldsWithTheirETags) {
  Fixture f;
  f.step().outcome = Outcome::kCancelled;
  f.scenario.steps[0].kind = f.step().step.kind = StepKind::kKillClientAfterParts;
  f.report.journal.pop_back();
  client::CheckpointInfo info;
  info.upload_id = "U";
  info.parts.push_back({1, kPart, "\"WRONG\"", 0});
  f.step().checkpoint_after = info;
  f.step().record_after = true;
  fake::UploadSnapshot upload{"b", "k", "U", {}, {}};
  upload.parts.push_back(protocol::PartInfo{1, {}, "\"RIGHT\"", std::nullopt, kPart});
  f.step().uploads_after.push_back(upload);
  f.report.record_exists = true;
  f.report.uploads_left = f.step().uploads_after;
  EXPECT_EQ(f.Properties(), Names{"recorded-parts-on-server"});
}

TEST(Properties, PartsUploadedAndSkippedAddUpToTheTotal) {
  Fixture f;
  f.step().parts_uploaded = 1;
  f.step().parts_skipped = 1;  // a resume that found one part and did not count the other
  EXPECT_EQ(f.Properties(), Names{"parts-counted"});
  f.step().parts_skipped = 2;
  EXPECT_TRUE(f.Properties().empty());
}

TEST(Properties, ViolationsPrintTheirProperty) {
  EXPECT_EQ(ToString({"cannot-resume-removes-record", "step 2 (upload)", "kept the record"}),
            "cannot-resume-removes-record at step 2 (upload): kept the record");
  EXPECT_EQ(PropertyNames().size(), 20u);
}

TEST(Properties, EveryPropertyHasItsOwnName) {
  std::set<std::string> seen;
  for (const std::string& name : PropertyNames()) {
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
  EXPECT_EQ(PropertyName(Property::kSuccessMatchesFile), PropertyNames().front());
  EXPECT_EQ(PropertyName(Property::kNoUploadLeaked), PropertyNames().back());
  EXPECT_EQ(PropertyName(static_cast<Property>(PropertyNames().size())), "unknown");
}

}  // namespace
}  // namespace ossup::scenarios
