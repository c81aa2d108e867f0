#include "ossup/scenarios/runner.h"

#include <gtest/gtest.h>

#include "ossup/protocol/limits.h"
#include "ossup/scenarios/codec.h"

namespace ossup::scenarios {
namespace {

constexpr uint64_t kPart = protocol::limits::kMinPartSize;

Scenario Parse(const std::string& json) {
  auto s = ParseScenario(json);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return s.ok() ? *s : Scenario{};
}

TEST(Runner, KillThenResumePassesAndRecordsEachStep) {
  Scenario s = Parse(R"({"version":1,"name":"kill-resume","file":{"size":409600,"contentSeed":3},
    "steps":[{"do":"kill-client-after-parts","parts":2,"expect":"cancelled"},
             {"do":"resume","expect":"succeeds"}],
    "checks":{"objectEqualsFile":true,"noUploadsLeft":true,"recordExists":false,
              "maxBytesResent":0,"properties":true}})");
  RunReport r = RunScenario(s);
  ASSERT_TRUE(r.passed) << r.reason;
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].outcome, Outcome::kCancelled);
  EXPECT_TRUE(r.steps[0].record_after);
  ASSERT_EQ(r.steps[0].uploads_after.size(), 1u);
  EXPECT_EQ(r.steps[0].uploads_after[0].parts.size(), 2u);
  EXPECT_EQ(r.steps[1].outcome, Outcome::kSucceeds);
  EXPECT_TRUE(r.steps[1].resumed);
  EXPECT_EQ(r.steps[1].progress.back(), 409600u);
  EXPECT_TRUE(r.object_equals_file);
  EXPECT_EQ(r.bytes_resent, 0u);
  EXPECT_EQ(SummaryLine(r), "PASS kill-resume");
}

TEST(Runner, ReportsAnUnexpectedOutcome) {
  Scenario s = Parse(R"({"version":1,"name":"wrong","file":{"size":204800},
    "steps":[{"do":"upload","expect":"fails"}]})");
  RunReport r = RunScenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.reason, "step 1 (upload): expected fails, got succeeds");
  EXPECT_EQ(SummaryLine(r), "FAIL wrong: step 1 (upload): expected fails, got succeeds");
}

// A failing case saved to a file replays as the same failure, also with parallel parts
// cancelled mid-flight.
TEST(Runner, ASavedFailingCaseReplaysAsAFailure) {
  Scenario s = Parse(R"({"version":1,"name":"saved","file":{"size":512000,"contentSeed":9},
    "upload":{"parallelism":3},
    "steps":[{"do":"kill-client-after-parts","parts":2,"expect":"cancelled"},
             {"do":"resume","expect":"cannot-resume"}],
    "checks":{"properties":true}})");
  const std::string path = ::testing::TempDir() + "/ossup-saved-failure.json";
  ASSERT_TRUE(SaveScenarioFile(path, s).ok());
  auto loaded = LoadScenarioFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  for (int replay = 0; replay < 3; ++replay) {
    RunReport r = RunScenario(*loaded);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.reason, "step 2 (resume): expected cannot-resume, got succeeds");
  }
}

TEST(Runner, KillDuringCompleteLeavesACommittedObjectAndAFullRecord) {
  Scenario s = Parse(R"({"version":1,"name":"crash-in-complete","file":{"size":307200},
    "steps":[{"do":"kill-client-during-complete","expect":"cancelled"},
             {"do":"power-loss"},
             {"do":"resume","expect":"succeeds"}],
    "checks":{"objectEqualsFile":true,"noUploadsLeft":true,"recordExists":false,
              "properties":true}})");
  RunReport r = RunScenario(s);
  ASSERT_TRUE(r.passed) << r.reason;
  ASSERT_TRUE(r.steps[0].checkpoint_after.has_value());
  EXPECT_EQ(r.steps[0].checkpoint_after->parts.size(), 3u);
  EXPECT_TRUE(r.steps[0].uploads_after.empty()) << "Complete committed";
  EXPECT_TRUE(r.steps[2].verified_by_head);
}

TEST(Runner, ReportsAFailedFinalCheck) {
  Scenario s = Parse(R"({"version":1,"name":"left","file":{"size":204800},
    "steps":[{"do":"upload","expect":"succeeds"}],"checks":{"uploadsLeft":1}})");
  RunReport r = RunScenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.reason, "check uploadsLeft: 0 upload(s) left, expected 1");
}

TEST(Runner, ResumeWithoutARecordIsAFailure) {
  Scenario s = Parse(R"({"version":1,"name":"no-record","file":{"size":204800},
    "steps":[{"do":"resume","expect":"succeeds"}]})");
  RunReport r = RunScenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.reason.find("no checkpoint record"), std::string::npos) << r.reason;
}

TEST(Runner, StepFaultsFireOnlyDuringTheirStepAndAreJournaled) {
  Scenario s = Parse(R"({"version":1,"name":"drop","file":{"size":307200},
    "steps":[{"do":"upload","expect":"succeeds",
              "faults":{"rules":[{"match":{"op":"UploadPart","partNumber":2},
                                  "action":{"type":"drop-response"}}]}},
             {"do":"upload","expect":"succeeds"}],
    "checks":{"objectEqualsFile":true}})");
  RunReport r = RunScenario(s);
  ASSERT_TRUE(r.passed) << r.reason;
  int fired = 0;
  for (const auto& e : r.journal) {
    if (e.fault) {
      ++fired;
      EXPECT_EQ(e.operation, protocol::Operation::kUploadPart);
      EXPECT_EQ(e.part_number, 2);
    }
  }
  EXPECT_EQ(fired, 1);
  // Part 2 went twice in step 1; step 2 is a second full upload of the same file.
  EXPECT_EQ(r.bytes_resent, kPart + 307200u);
}

TEST(Runner, ExpireUploadStepMakesTheResumeCannotResume) {
  Scenario s = Parse(R"({"version":1,"name":"expire","file":{"size":307200},
    "steps":[{"do":"kill-client-after-parts","parts":1,"expect":"cancelled"},
             {"do":"expire-upload","expect":"succeeds"},
             {"do":"resume","expect":"cannot-resume"},
             {"do":"upload","expect":"succeeds"}],
    "checks":{"objectEqualsFile":true,"noUploadsLeft":true,"recordExists":false,
              "properties":true}})");
  RunReport r = RunScenario(s);
  ASSERT_TRUE(r.passed) << r.reason;
  EXPECT_EQ(r.steps[1].uploads_expired, 1);
  EXPECT_FALSE(r.steps[2].record_after);
}

TEST(Runner, ExpireUploadWithNothingToExpireFailsWhenExpected) {
  Scenario s = Parse(R"({"version":1,"name":"nothing","file":{"size":1},
    "steps":[{"do":"expire-upload","expect":"succeeds"}]})");
  RunReport r = RunScenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.reason.find("no upload to expire"), std::string::npos) << r.reason;
}

TEST(Runner, ReplayingAScenarioReplaysTheRun) {
  Scenario s = Parse(R"({"version":1,"name":"replay","file":{"size":409600,"contentSeed":9},
    "server":{"seed":42},
    "faults":{"rules":[{"match":{"op":"UploadPart","nth":2},
                        "action":{"type":"reset","afterBytes":1000}}]},
    "steps":[{"do":"kill-client-after-parts","parts":3,"expect":"cancelled"},
             {"do":"resume","expect":"succeeds"}]})");
  RunReport first = RunScenario(s);
  RunReport second = RunScenario(s);
  ASSERT_TRUE(first.passed) << first.reason;
  ASSERT_EQ(first.journal.size(), second.journal.size());
  for (size_t i = 0; i < first.journal.size(); ++i) {
    const auto& a = first.journal[i];
    const auto& b = second.journal[i];
    EXPECT_EQ(a.operation, b.operation) << i;
    EXPECT_EQ(a.upload_id, b.upload_id) << i;  // seeded ids
    EXPECT_EQ(a.part_number, b.part_number) << i;
    EXPECT_EQ(a.http_status, b.http_status) << i;
    EXPECT_EQ(a.request_body_bytes, b.request_body_bytes) << i;
    EXPECT_EQ(a.fault.has_value(), b.fault.has_value()) << i;
  }
}

TEST(Runner, RewrittenFileIsUploadedFresh) {
  Scenario s = Parse(R"({"version":1,"name":"rewrite","file":{"size":307200,"contentSeed":1},
    "steps":[{"do":"kill-client-after-parts","parts":1,"expect":"cancelled"},
             {"do":"rewrite-file","size":307200,"contentSeed":2},
             {"do":"upload","expect":"succeeds"}],
    "checks":{"objectEqualsFile":true,"noUploadsLeft":true,"properties":true}})");
  RunReport r = RunScenario(s);
  ASSERT_TRUE(r.passed) << r.reason;
  EXPECT_FALSE(r.steps[2].resumed);
}

TEST(Runner, UnreachableRemoteEndpointIsASetupFailure) {
  Scenario s = Parse(R"({"version":1,"name":"remote","file":{"size":1},
    "steps":[{"do":"upload","expect":"succeeds"}]})");
  RunOptions options;
  options.endpoint = "http://127.0.0.1:1";
  RunReport r = RunScenario(s, options);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.reason.rfind("setup: ", 0), 0u) << r.reason;
}

}  // namespace
}  // namespace ossup::scenarios
