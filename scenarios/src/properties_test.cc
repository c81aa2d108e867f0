#include "ossup/scenarios/properties.h"

#include <gtest/gtest.h>

#include "ossup/protocol/checksum.h"

namespace ossup::scenarios {
namespace {

constexpr uint64_t kPart = 102400;

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
    for (int n = 1; n <= 3; ++n) report.journal.push_back(Part(n));
    fake::JournalEntry complete;
    complete.operation = "CompleteMultipartUpload";
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
    e.operation = "UploadPart";
    e.upload_id = std::move(upload_id);
    e.part_number = n;
    e.http_status = 200;
    e.request_body_bytes = kPart;
    return e;
  }

  StepRecord& step() { return report.steps[0]; }

  /// Numbers the journal's entries in order as they arrived, all within the first step.
  std::vector<int> Properties() {
    for (size_t i = 0; i < report.journal.size(); ++i) report.journal[i].arrival = i + 1;
    step().arrival_begin = 0;
    step().arrival_end = report.journal.size();
    std::vector<int> out;
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
  EXPECT_EQ(f.Properties(), std::vector<int>{1});
  Fixture g;
  g.report.object_equals_file = false;
  g.report.object_problem = "differs at byte 7";
  EXPECT_EQ(g.Properties(), std::vector<int>{1});
  Fixture h;
  h.step().result_etag = "\"ABD-3\"";
  EXPECT_EQ(h.Properties(), std::vector<int>{1});
}

TEST(Properties, P2CancelWithDeleteLeavesNothing) {
  Fixture f;
  f.scenario.steps[0].kind = f.step().step.kind = StepKind::kCancelAfterBytes;
  f.step().outcome = Outcome::kCancelled;
  f.step().uploads_after.push_back(fake::UploadSnapshot{"b", "k", "U", {}, {}});
  EXPECT_EQ(f.Properties(), std::vector<int>{2});
}

TEST(Properties, P3ResumeMustNotResendAStoredPart) {
  Fixture f;
  f.step().record_before = true;
  fake::UploadSnapshot before{"b", "k", "U", {}, {}};
  before.parts.push_back(protocol::PartInfo{1, {}, "\"E\"", std::nullopt, kPart});
  f.step().uploads_before.push_back(before);
  EXPECT_EQ(f.Properties(), std::vector<int>{3});
}

TEST(Properties, P4LostUploadMustBeCannotResume) {
  Fixture f;
  f.report.journal[1].fault = Firing(faults::ActionType::kExpireUpload);
  auto found = f.Properties();
  EXPECT_NE(std::find(found.begin(), found.end(), 4), found.end());
}

TEST(Properties, P5RejectedCompleteIsAViolation) {
  Fixture f;
  f.report.journal[3].http_status = 400;
  f.report.journal[3].error_code = "InvalidPart";
  EXPECT_EQ(f.Properties(), std::vector<int>{5});
}

TEST(Properties, P6FaultFreeUploadSendsEachPartOnce) {
  Fixture f;
  f.report.journal.insert(f.report.journal.begin() + 1, Fixture::Part(2));
  auto found = f.Properties();
  EXPECT_NE(std::find(found.begin(), found.end(), 6), found.end());
}

TEST(Properties, P7ProgressIsMonotonicAndEndsAtTheSize) {
  Fixture f;
  f.step().progress = {kPart, 0, 3 * kPart};
  EXPECT_EQ(f.Properties(), std::vector<int>{7});
  Fixture g;
  g.step().progress = {kPart, 2 * kPart};
  EXPECT_EQ(g.Properties(), std::vector<int>{7});
}

TEST(Properties, P8NothingLeftBehind) {
  Fixture f;
  f.report.uploads_left.push_back(fake::UploadSnapshot{"b", "k", "X", {}, {}});
  EXPECT_EQ(f.Properties(), std::vector<int>{8});
  f.report.journal.insert(f.report.journal.begin(), fake::JournalEntry{});
  f.report.journal[0].operation = "InitiateMultipartUpload";
  f.report.journal[0].fault = Firing(faults::ActionType::kDropResponse);
  EXPECT_TRUE(f.Properties().empty()) << "an orphan of a dropped Initiate is accounted for";
}

TEST(Properties, P9LostCompleteAnswerIsNotAFailure) {
  Fixture f;
  f.report.journal[3].fault = Firing(faults::ActionType::kDropResponse);
  f.step().outcome = Outcome::kFailsRetryable;
  EXPECT_EQ(f.Properties(), std::vector<int>{9});
}

TEST(Properties, ViolationsPrintTheirProperty) {
  EXPECT_EQ(ToString({4, "step 2 (upload)", "kept the record"}),
            "P4 at step 2 (upload): kept the record");
}

}  // namespace
}  // namespace ossup::scenarios
