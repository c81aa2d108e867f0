#include "ossup/scenarios/codec.h"

#include <gtest/gtest.h>

#include "ossup/faults/rng.h"

namespace ossup::scenarios {
namespace {

constexpr const char* kFull = R"({
  "version": 1, "name": "full", "description": "every field",
  "file": {"size": 512000, "contentSeed": 7},
  "upload": {"partSize": 102400, "parallelism": 3, "recordDirectory": true,
             "deleteOnCancel": false, "simpleUploadThreshold": 0, "restartLostUpload": true},
  "server": {"storage": "disk", "signing": "v1", "seed": 9},
  "faults": {"rules": [{"match": {"op": "UploadPart", "nth": 2},
                        "action": {"type": "reset", "afterBytes": 100}}]},
  "steps": [
    {"do": "kill-client-after-parts", "parts": 2, "expect": "cancelled"},
    {"do": "cancel-after-bytes", "bytes": 1000, "expect": "cancelled",
     "faults": {"rules": [{"match": {"op": "ListParts"}, "action": {"type": "drop-response"}}]}},
    {"do": "advance-clock", "seconds": 86400},
    {"do": "expire-upload", "expect": "succeeds"},
    {"do": "restart-server"},
    {"do": "rewrite-file", "size": 5, "contentSeed": 3},
    {"do": "resume", "expect": ["succeeds", "fails-retryable"], "resumed": true,
     "partSize": 204800, "deleteRecordAfterParts": 1,
     "powerLossAfterRecordOperations": 9},
    {"do": "damage-record-header"},
    {"do": "damage-record-line"},
    {"do": "upload", "expect": "cannot-resume"}
  ],
  "checks": {"objectEqualsFile": true, "noUploadsLeft": true, "uploadsLeft": 0,
             "recordExists": false, "maxBytesResent": 204800, "faultsFired": 3, "properties": true}
})";

TEST(ScenarioCodec, ParsesEveryField) {
  auto s = ParseScenario(kFull);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->name, "full");
  EXPECT_EQ(s->file.size_bytes, 512000u);
  EXPECT_EQ(s->file.content_seed, 7u);
  EXPECT_EQ(s->upload.parallelism, 3);
  EXPECT_FALSE(s->upload.delete_on_cancel);
  EXPECT_EQ(s->upload.simple_upload_threshold_bytes, 0u);
  EXPECT_TRUE(s->upload.restart_lost_upload);
  EXPECT_EQ(s->server.storage, Storage::kDisk);
  EXPECT_EQ(s->server.signing, Signing::kV1);
  EXPECT_EQ(s->server.seed, 9u);
  ASSERT_TRUE(s->faults.has_value());
  EXPECT_EQ(s->faults->rules.at(0).action.type, faults::ActionType::kReset);
  ASSERT_EQ(s->steps.size(), 10u);
  EXPECT_EQ(s->steps[0].kind, StepKind::kKillClientAfterParts);
  EXPECT_EQ(s->steps[0].parts, 2);
  EXPECT_EQ(s->steps[1].bytes, 1000u);
  ASSERT_TRUE(s->steps[1].faults.has_value());
  EXPECT_EQ(s->steps[1].faults->rules.at(0).action.type, faults::ActionType::kDropResponse);
  EXPECT_EQ(s->steps[2].seconds, 86400);
  EXPECT_EQ(s->steps[3].expect, std::vector<Outcome>{Outcome::kSucceeds});
  EXPECT_EQ(s->steps[5].size_bytes, 5u);
  EXPECT_EQ(s->steps[5].content_seed, 3u);
  EXPECT_EQ(s->steps[6].expect,
            (std::vector<Outcome>{Outcome::kSucceeds, Outcome::kFailsRetryable}));
  EXPECT_EQ(s->steps[6].resumed, true);
  EXPECT_EQ(s->steps[6].part_size_bytes, 204800u);
  EXPECT_EQ(s->steps[6].delete_record_after_parts, 1);
  EXPECT_EQ(s->steps[6].power_loss_after_record_operations, 9u);
  EXPECT_FALSE(s->steps[5].resumed.has_value());
  EXPECT_EQ(s->steps[7].kind, StepKind::kDamageRecordHeader);
  EXPECT_EQ(s->steps[8].kind, StepKind::kDamageRecordLine);
  EXPECT_EQ(s->steps[9].expect, std::vector<Outcome>{Outcome::kCannotResume});
  EXPECT_TRUE(s->checks.object_equals_file);
  EXPECT_TRUE(s->checks.no_uploads_left);
  EXPECT_EQ(s->checks.uploads_left, 0);
  EXPECT_EQ(s->checks.record_exists, false);
  EXPECT_EQ(s->checks.max_bytes_resent, 204800u);
  EXPECT_EQ(s->checks.faults_fired, 3);
  EXPECT_TRUE(s->checks.properties);
}

TEST(ScenarioCodec, RoundTripsThroughCanonicalForm) {
  auto s = ParseScenario(kFull);
  ASSERT_TRUE(s.ok());
  std::string canonical = ScenarioToJson(*s);
  auto again = ParseScenario(canonical);
  ASSERT_TRUE(again.ok()) << again.error().ToString() << "\n" << canonical;
  EXPECT_EQ(*again, *s);
  EXPECT_EQ(ScenarioToJson(*again), canonical);
}

TEST(ScenarioCodec, AppliesDefaults) {
  auto s = ParseScenario(R"({"version":1,"name":"n","file":{"size":0},"steps":[]})");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->upload, UploadOptions{});
  EXPECT_EQ(s->server, ServerSpec{});
  EXPECT_FALSE(s->faults.has_value());
  EXPECT_EQ(s->checks, FinalChecks{});
}

struct BadCase {
  const char* json;
  const char* message_part;
};

TEST(ScenarioCodec, RejectsMalformedScenariosNamingTheField) {
  const BadCase cases[] = {
      {R"({"name":"n","file":{"size":0},"steps":[]})", "version is required"},
      {R"({"version":2,"name":"n","file":{"size":0},"steps":[]})", "version must be 1"},
      {R"({"version":1,"file":{"size":0},"steps":[]})", "name is required"},
      {R"({"version":1,"name":"n","file":{},"steps":[]})", "file.size is required"},
      {R"({"version":1,"name":"n","file":{"size":-1},"steps":[]})", "file.size must be"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[],"extra":1})", "unknown field extra"},
      {R"({"version":1,"name":"n","file":{"size":0},"upload":{"parallelism":0},"steps":[]})",
       "upload.parallelism"},
      {R"({"version":1,"name":"n","file":{"size":0},"server":{"storage":"tape"},"steps":[]})",
       "server.storage"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"fly","expect":"succeeds"}]})",
       "unknown step"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"upload"}]})",
       "steps[0].expect is required"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"upload","expect":"maybe"}]})",
       "unknown outcome"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"upload","expect":"succeeds","bytes":3}]})",
       "unknown field steps[0].bytes"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"cancel-after-bytes","expect":"cancelled"}]})",
       "steps[0].bytes is required"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"restart-server","faults":{"rules":[]}}]})",
       "unknown field steps[0].faults"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"restart-server","expect":"cancelled"}]})",
       "server event"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[{"do":"upload","expect":"succeeds","faults":{"rules":[{"action":{"type":"boom"}}]}}]})",
       "steps[0].faults"},
      {R"({"version":1,"name":"n","file":{"size":0},"steps":[],"checks":{"recordExists":"yes"}})",
       "checks.recordExists"},
      {R"(not json)", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto s = ParseScenario(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.error().code, "InvalidArgument");
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos)
        << c.json << "\n -> " << s.error().message;
  }
}

TEST(FileBytes, IsTheRngStreamLittleEndian) {
  std::string bytes = FileBytes({11, 42});
  ASSERT_EQ(bytes.size(), 11u);
  faults::Rng rng(42);
  uint64_t w0 = rng.Next();
  uint64_t w1 = rng.Next();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(static_cast<uint8_t>(bytes[i]), (w0 >> (8 * i)) & 0xff);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(static_cast<uint8_t>(bytes[8 + i]), (w1 >> (8 * i)) & 0xff);
  EXPECT_EQ(FileBytes({0, 1}), "");
  EXPECT_NE(FileBytes({64, 1}), FileBytes({64, 2}));
}

TEST(StepAndOutcomeNames, RoundTrip) {
  for (auto kind : {StepKind::kUpload, StepKind::kResume, StepKind::kCancelAfterBytes,
                    StepKind::kKillClientAfterParts, StepKind::kAdvanceClock,
                    StepKind::kExpireUpload, StepKind::kRestartServer, StepKind::kRewriteFile,
                    StepKind::kDamageRecordHeader, StepKind::kDamageRecordLine}) {
    EXPECT_EQ(StepKindFromName(StepKindName(kind)), kind);
  }
  for (auto o : {Outcome::kSucceeds, Outcome::kFailsRetryable, Outcome::kFails,
                 Outcome::kCannotResume, Outcome::kCancelled}) {
    EXPECT_EQ(OutcomeFromName(OutcomeName(o)), o);
  }
  EXPECT_FALSE(StepKindFromName("Upload").has_value());
}

}  // namespace
}  // namespace ossup::scenarios
