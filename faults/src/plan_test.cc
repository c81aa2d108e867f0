#include "ossup/faults/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ossup::faults {
namespace {

using protocol::Operation;
using ::testing::HasSubstr;

Plan ParseOk(const std::string& json) {
  protocol::StatusOr<Plan> plan = ParsePlan(json);
  EXPECT_TRUE(plan.ok()) << json << " -> " << plan.status().ToString();
  return plan.ok() ? *plan : Plan{};
}

// Expects a parse failure with code InvalidArgument whose message names `field`.
void ExpectRejected(const std::string& json, const std::string& field) {
  protocol::StatusOr<Plan> plan = ParsePlan(json);
  ASSERT_FALSE(plan.ok()) << json;
  EXPECT_EQ(plan.error().code, "InvalidArgument");
  EXPECT_EQ(plan.error().http_status, 400);
  EXPECT_THAT(plan.error().message, HasSubstr(field)) << json;
}

std::string WithRule(const std::string& rule) { return R"({"rules": [)" + rule + "]}"; }

TEST(ParsePlan, AcceptsTheIssueExampleExactly) {
  Plan plan = ParseOk(R"({"seed": 7, "rules": [
    {"match": {"op": "UploadPart", "partNumber": 3},
     "action": {"type": "reset", "afterBytes": 65536}, "times": 1},
    {"match": {"op": "CompleteMultipartUpload"}, "action": {"type": "drop-response"},
     "times": 1},
    {"match": {"op": "ListParts"},
     "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}, "times": 2}
  ]})");
  EXPECT_EQ(plan.seed, 7u);
  EXPECT_EQ(plan.scope, Scope::kGlobal);
  ASSERT_EQ(plan.rules.size(), 3u);
  EXPECT_EQ(plan.rules[0].match.operation, Operation::kUploadPart);
  EXPECT_EQ(plan.rules[0].match.part_number, 3);
  EXPECT_EQ(plan.rules[0].action.type, ActionType::kReset);
  EXPECT_EQ(plan.rules[0].action.after_bytes, 65536u);
  EXPECT_EQ(plan.rules[0].times, 1u);
  EXPECT_EQ(plan.rules[1].match.operation, Operation::kCompleteMultipartUpload);
  EXPECT_EQ(plan.rules[1].action.type, ActionType::kDropResponse);
  EXPECT_EQ(plan.rules[2].match.operation, Operation::kListParts);
  EXPECT_EQ(plan.rules[2].action.type, ActionType::kError);
  EXPECT_EQ(plan.rules[2].action.http_status, 503);
  EXPECT_EQ(plan.rules[2].action.code, "ServiceUnavailable");
  EXPECT_EQ(plan.rules[2].times, 2u);
}

TEST(ParsePlan, Defaults) {
  Plan plan = ParseOk(R"({"rules": [{"action": {"type": "error"}}]})");
  EXPECT_EQ(plan.seed, 0u);
  EXPECT_EQ(plan.scope, Scope::kGlobal);
  ASSERT_EQ(plan.rules.size(), 1u);
  EXPECT_EQ(plan.rules[0].match, Match{});
  EXPECT_EQ(plan.rules[0].times, 1u);
  EXPECT_EQ(plan.rules[0].action.http_status, 503);
  EXPECT_EQ(plan.rules[0].action.code, "ServiceUnavailable");
  EXPECT_EQ(plan.rules[0].action.message, "");
}

TEST(ParsePlan, ErrorStatusDefaultsToTheCodesOssStatus) {
  Plan plan = ParseOk(WithRule(R"({"action": {"type": "error", "code": "RequestTimeTooSkewed"}},
                                  {"action": {"type": "error", "code": "SlowDown"}},
                                  {"action": {"type": "error", "code": "NotAnOssCode"}},
                                  {"action": {"type": "error", "code": "SlowDown", "status": 500}})"));
  ASSERT_EQ(plan.rules.size(), 4u);
  EXPECT_EQ(plan.rules[0].action.http_status, 403);
  EXPECT_EQ(plan.rules[1].action.http_status, 503);
  EXPECT_EQ(plan.rules[2].action.http_status, 503);
  EXPECT_EQ(plan.rules[3].action.http_status, 500);
}

TEST(ParsePlan, AllMatchFieldsAndOperationAlias) {
  Plan plan = ParseOk(WithRule(R"({"match": {"operation": "ListParts", "bucket": "b",
      "key": "dir/*.bin", "uploadId": "U1", "partNumber": 10000, "nth": 4, "probability": 0.5},
      "action": {"type": "restart"}, "times": "unlimited"})"));
  const Rule& rule = plan.rules.at(0);
  EXPECT_EQ(rule.match.operation, Operation::kListParts);
  EXPECT_EQ(rule.match.bucket, "b");
  EXPECT_EQ(rule.match.key_glob, "dir/*.bin");
  EXPECT_EQ(rule.match.upload_id, "U1");
  EXPECT_EQ(rule.match.part_number, 10000);
  EXPECT_EQ(rule.match.nth, 4u);
  EXPECT_EQ(rule.match.probability, 0.5);
  EXPECT_EQ(rule.times, std::nullopt);
}

TEST(ParsePlan, HeaderScope) {
  EXPECT_EQ(ParseOk(R"({"scope": "header", "rules": []})").scope, Scope::kHeader);
  EXPECT_EQ(ParseOk(R"({"scope": "global", "rules": []})").scope, Scope::kGlobal);
}

TEST(ParsePlan, LargeSeed) {
  EXPECT_EQ(ParseOk(R"({"seed": 18446744073709551615, "rules": []})").seed, UINT64_MAX);
}

// One rule per action type, with every field it takes set to a non-default value.
Plan EveryActionPlan() {
  Plan plan;
  plan.seed = 123456789;
  plan.scope = Scope::kHeader;
  Rule error;
  error.match.operation = Operation::kInitiateMultipartUpload;
  error.match.bucket = "bucket-1";
  error.action = Action{ActionType::kError, 403, "RequestTimeTooSkewed", "clock is off", 0, 0};
  error.times = 3;
  Rule reset;
  reset.match.operation = Operation::kUploadPart;
  reset.match.part_number = 3;
  reset.match.upload_id = "0004B9894A22E5B1888A1E29F823";
  reset.action.type = ActionType::kReset;
  reset.action.after_bytes = 65536;
  Rule drop;
  drop.match.operation = Operation::kCompleteMultipartUpload;
  drop.action.type = ActionType::kDropResponse;
  Rule truncate;
  truncate.match.operation = Operation::kGetObject;
  truncate.match.key_glob = "videos/*.mp?";
  truncate.action.type = ActionType::kTruncateResponse;
  truncate.action.after_bytes = 17;
  Rule stall;
  stall.match.operation = Operation::kListParts;
  stall.match.nth = 2;
  stall.action.type = ActionType::kStall;
  stall.action.stall_ms = 250;
  stall.action.after_bytes = 1024;
  stall.times = std::nullopt;
  Rule expire;
  expire.match.operation = Operation::kUploadPart;
  expire.match.probability = 0.123456789012345;
  expire.action.type = ActionType::kExpireUpload;
  Rule corrupt;
  corrupt.match.operation = Operation::kPutObject;
  corrupt.action.type = ActionType::kCorruptChecksum;
  Rule restart;
  restart.action.type = ActionType::kRestart;
  restart.times = 2;
  plan.rules = {error, reset, drop, truncate, stall, expire, corrupt, restart};
  return plan;
}

TEST(PlanJson, RoundTripsEveryActionType) {
  const Plan plan = EveryActionPlan();
  const std::string json = PlanToJson(plan);
  protocol::StatusOr<Plan> parsed = ParsePlan(json);
  ASSERT_TRUE(parsed.ok()) << json << " -> " << parsed.status().ToString();
  EXPECT_EQ(*parsed, plan) << json;
  EXPECT_EQ(PlanToJson(*parsed), json);
}

TEST(PlanJson, CanonicalForm) {
  Plan plan;
  plan.seed = 7;
  Rule rule;
  rule.match.operation = Operation::kUploadPart;
  rule.match.part_number = 3;
  rule.action.type = ActionType::kReset;
  rule.action.after_bytes = 65536;
  plan.rules.push_back(rule);
  EXPECT_EQ(PlanToJson(plan),
            R"({"seed":7,"scope":"global","rules":[{"match":{"op":"UploadPart","partNumber":3},)"
            R"("action":{"type":"reset","afterBytes":65536},"times":1}]})");
}

TEST(ActionJson, WritesOnlyTheFieldsTheTypeUses) {
  EXPECT_EQ(ActionToJson(Action{ActionType::kDropResponse, 500, "X", "m", 9, 9}),
            R"({"type":"drop-response"})");
  EXPECT_EQ(ActionToJson(Action{ActionType::kStall, 503, "", "", 10, 20}),
            R"({"type":"stall","ms":20,"afterBytes":10})");
  EXPECT_EQ(ActionToJson(Action{ActionType::kError, 500, "InternalError", "", 0, 0}),
            R"({"type":"error","status":500,"code":"InternalError"})");
}

TEST(ActionTypeNames, RoundTrip) {
  for (ActionType type :
       {ActionType::kError, ActionType::kReset, ActionType::kDropResponse,
        ActionType::kTruncateResponse, ActionType::kStall, ActionType::kExpireUpload,
        ActionType::kCorruptChecksum, ActionType::kRestart, ActionType::kCorruptEtag}) {
    EXPECT_EQ(ActionTypeFromName(ActionTypeName(type)), type);
  }
  EXPECT_EQ(ActionTypeName(ActionType::kDropResponse), "drop-response");
  EXPECT_EQ(ActionTypeFromName("Reset"), std::nullopt);
}

TEST(ParsePlan, RejectsMalformedDocuments) {
  ExpectRejected("", "not valid JSON");
  ExpectRejected("{\"rules\": [}", "not valid JSON");
  ExpectRejected("[]", "JSON object");
  ExpectRejected("{}", "rules");
  ExpectRejected(R"({"rules": {}})", "rules");
  ExpectRejected(R"({"rules": [7]})", "rules[0]");
  ExpectRejected(R"({"rules": [{"match": {}}]})", "rules[0].action");
  ExpectRejected(R"({"rules": [{"match": [], "action": {"type": "reset"}}]})", "rules[0].match");
}

TEST(ParsePlan, RejectsUnknownFieldsNamingThem) {
  ExpectRejected(R"({"rules": [], "sead": 1})", "sead");
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}, "time": 2})"), "rules[0].time");
  ExpectRejected(WithRule(R"({"match": {"partNo": 1}, "action": {"type": "reset"}})"),
                 "rules[0].match.partNo");
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}}, {"action": {"type": "reset",
      "ms": 5}})"),
                 "rules[1].action.ms");
  ExpectRejected(WithRule(R"({"action": {"type": "error", "afterBytes": 5}})"),
                 "rules[0].action.afterBytes");
  ExpectRejected(WithRule(R"({"action": {"type": "drop-response", "afterBytes": 5}})"),
                 "rules[0].action.afterBytes");
  ExpectRejected(WithRule(R"({"action": {"type": "stall", "ms": 5, "status": 500}})"),
                 "rules[0].action.status");
}

TEST(ParsePlan, RejectsUnknownActionsAndOperations) {
  ExpectRejected(WithRule(R"({"action": {"type": "explode"}})"), "explode");
  ExpectRejected(WithRule(R"({"action": {}})"), "rules[0].action.type");
  ExpectRejected(WithRule(R"({"action": {"type": 3}})"), "rules[0].action.type");
  ExpectRejected(WithRule(R"({"match": {"op": "UploadParts"}, "action": {"type": "reset"}})"),
                 "UploadParts");
  ExpectRejected(WithRule(R"({"match": {"op": "Unknown"}, "action": {"type": "reset"}})"),
                 "rules[0].match.op");
  ExpectRejected(WithRule(R"({"match": {"op": "ListParts", "operation": "ListParts"},
      "action": {"type": "reset"}})"),
                 "op");
}

TEST(ParsePlan, RejectsOutOfRangeValues) {
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}, "times": -1})"), "rules[0].times");
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}, "times": 0})"), "rules[0].times");
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}, "times": 1.5})"), "rules[0].times");
  ExpectRejected(WithRule(R"({"action": {"type": "reset"}, "times": "forever"})"),
                 "rules[0].times");
  ExpectRejected(R"({"seed": -7, "rules": []})", "seed");
  ExpectRejected(R"({"seed": "7", "rules": []})", "seed");
  ExpectRejected(R"({"scope": "local", "rules": []})", "scope");
  ExpectRejected(WithRule(R"({"match": {"probability": 1.5}, "action": {"type": "reset"}})"),
                 "rules[0].match.probability");
  ExpectRejected(WithRule(R"({"match": {"probability": -0.1}, "action": {"type": "reset"}})"),
                 "rules[0].match.probability");
  ExpectRejected(WithRule(R"({"match": {"probability": "half"}, "action": {"type": "reset"}})"),
                 "rules[0].match.probability");
  ExpectRejected(WithRule(R"({"match": {"nth": 0}, "action": {"type": "reset"}})"),
                 "rules[0].match.nth");
  ExpectRejected(WithRule(R"({"match": {"nth": -2}, "action": {"type": "reset"}})"),
                 "rules[0].match.nth");
  ExpectRejected(WithRule(R"({"match": {"nth": 2.5}, "action": {"type": "reset"}})"),
                 "rules[0].match.nth");
  ExpectRejected(WithRule(R"({"match": {"partNumber": 0}, "action": {"type": "reset"}})"),
                 "rules[0].match.partNumber");
  ExpectRejected(WithRule(R"({"match": {"partNumber": 10001}, "action": {"type": "reset"}})"),
                 "rules[0].match.partNumber");
  ExpectRejected(WithRule(R"({"match": {"key": ""}, "action": {"type": "reset"}})"),
                 "rules[0].match.key");
  ExpectRejected(WithRule(R"({"match": {"bucket": 5}, "action": {"type": "reset"}})"),
                 "rules[0].match.bucket");
  ExpectRejected(WithRule(R"({"action": {"type": "reset", "afterBytes": -1}})"),
                 "rules[0].action.afterBytes");
  ExpectRejected(WithRule(R"({"action": {"type": "error", "status": 200}})"),
                 "rules[0].action.status");
  ExpectRejected(WithRule(R"({"action": {"type": "error", "status": 600}})"),
                 "rules[0].action.status");
  ExpectRejected(WithRule(R"({"action": {"type": "error", "code": ""}})"), "rules[0].action.code");
  ExpectRejected(WithRule(R"({"action": {"type": "stall"}})"), "rules[0].action.ms");
  ExpectRejected(WithRule(R"({"action": {"type": "stall", "ms": 600001}})"), "rules[0].action.ms");
}

TEST(ParsePlan, RejectsPlansOverTheLimits) {
  std::string rules;
  for (int i = 0; i < 1001; ++i)
    rules += std::string(i == 0 ? "" : ",") + R"({"action": {"type": "reset"}})";
  ExpectRejected(R"({"rules": [)" + rules + "]}", "rules: more than 1000");
  const std::string long_key(1025, 'k');
  ExpectRejected(
      WithRule(R"({"match": {"key": ")" + long_key + R"("}, "action": {"type": "reset"}})"),
      "rules[0].match.key");
  ExpectRejected(WithRule(R"({"action": {"type": "error", "message": ")" + long_key + R"("}})"),
                 "rules[0].action.message");
  EXPECT_TRUE(ParsePlan(WithRule(R"({"match": {"key": ")" + std::string(1024, 'k') +
                                 R"("}, "action": {"type": "reset"}})"))
                  .ok());
}

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "a/b/c"));
  EXPECT_TRUE(GlobMatch("a/*", "a/b/c"));  // '*' crosses '/'
  EXPECT_TRUE(GlobMatch("*.bin", "dir/x.bin"));
  EXPECT_FALSE(GlobMatch("*.bin", "dir/x.bin.tmp"));
  EXPECT_TRUE(GlobMatch("part-??", "part-07"));
  EXPECT_FALSE(GlobMatch("part-??", "part-7"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(GlobMatch("a*b*c", "abbbc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYY"));
  EXPECT_TRUE(GlobMatch("exact", "exact"));
  EXPECT_FALSE(GlobMatch("exact", "exact2"));
  EXPECT_FALSE(GlobMatch("exact2", "exact"));
  EXPECT_TRUE(GlobMatch("**", "x"));
  EXPECT_TRUE(GlobMatch("?*", "x"));
  EXPECT_FALSE(GlobMatch("?*", ""));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "x"));
}

TEST(GlobMatch, LiteralStarInTextIsOnlyMatchedByWildcardsOrItself) {
  EXPECT_TRUE(GlobMatch("a*", "a*"));
  EXPECT_TRUE(GlobMatch("a?", "a*"));
  EXPECT_FALSE(GlobMatch("ab", "a*"));
}

TEST(GlobMatch, ManyStarsStayFast) {
  // Backtracking on one star at a time is linear-times-pattern, not exponential.
  const std::string text(5000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a*a*a*a", text));
}

}  // namespace
}  // namespace ossup::faults

namespace ossup::faults {
namespace {

TEST(PlanJson, BytesThatAreNotUtf8DoNotThrow) {
  Plan plan;
  Rule rule;
  rule.match.key_glob = std::string("bad\xff\xfe*");
  rule.action.type = ActionType::kReset;
  plan.rules.push_back(rule);
  const std::string json = PlanToJson(plan);
  EXPECT_THAT(json, ::testing::HasSubstr("bad\xEF\xBF\xBD"));  // U+FFFD
  EXPECT_TRUE(ParsePlan(json).ok());
}

}  // namespace
}  // namespace ossup::faults
