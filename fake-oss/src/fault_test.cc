// Each fault action at the HTTP level with a real socket: what the client observed and what
// the server actually stored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ossup/faults/plan.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

constexpr size_t kPart = protocol::limits::kMinPartSize + 1000;

class FaultTest : public FakeOssTest {
 protected:
  std::string AddPlan(const std::string& json) {
    auto plan = faults::ParsePlan(json);
    EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().ToString());
    return plan.ok() ? server().AddFaultPlan(std::move(*plan)) : "";
  }
  std::vector<int> StoredParts() {
    std::vector<int> numbers;
    auto uploads = server().ListUploads();
    for (const auto& p : uploads.at(0).parts) numbers.push_back(p.part_number);
    return numbers;
  }
  // The latest journal entry with a fault. A reset reaches the client before the server has
  // journaled the request, so this waits (bounded) for the entry to appear.
  std::optional<JournalEntry> LastFaulted() {
    for (int attempt = 0; attempt < 500; ++attempt) {
      std::optional<JournalEntry> last;
      for (const auto& e : server().Journal()) {
        if (e.fault) last = e;
      }
      if (last) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::nullopt;
  }
};

TEST_F(FaultTest, InjectedErrorsUseTheTableMessageForKnownCodes) {
  AddPlan(R"({"rules": [
    {"match": {"key": "known"}, "action": {"type": "error", "code": "SlowDown"}, "times": 1},
    {"match": {"key": "status"}, "action": {"type": "error", "code": "NoSuchUpload", "status": 500},
     "times": 1},
    {"match": {"key": "unknown"}, "action": {"type": "error", "code": "FakeOssCustom", "status": 599},
     "times": 1},
    {"match": {"key": "message"}, "action": {"type": "error", "code": "SlowDown", "message": "mine"},
     "times": 1}]})");
  const protocol::ErrorSpec* slow_down = protocol::FindErrorSpec("SlowDown");
  const protocol::ErrorSpec* no_such_upload = protocol::FindErrorSpec("NoSuchUpload");
  ASSERT_NE(slow_down, nullptr);
  ASSERT_NE(no_such_upload, nullptr);

  auto known = client().Get("bkt", "known");
  EXPECT_EQ(known.status, slow_down->http_status);
  EXPECT_EQ(known.ErrorDocument().code, "SlowDown");
  EXPECT_EQ(known.ErrorDocument().message, slow_down->message);
  // The plan's status wins; the code keeps its OSS message and EC.
  auto status = client().Get("bkt", "status");
  EXPECT_EQ(status.status, 500);
  EXPECT_EQ(status.ErrorDocument().message, no_such_upload->message);
  EXPECT_EQ(status.ErrorDocument().ec, no_such_upload->ec);
  auto unknown = client().Get("bkt", "unknown");
  EXPECT_EQ(unknown.status, 599);
  EXPECT_EQ(unknown.ErrorDocument().code, "FakeOssCustom");
  EXPECT_EQ(unknown.ErrorDocument().message, "Injected fault.");
  EXPECT_EQ(client().Get("bkt", "message").ErrorDocument().message, "mine");
}

TEST_F(FaultTest, RestartRulesAreRefusedInMemoryMode) {
  auto plan = faults::ParsePlan(R"({"rules": [
    {"match": {"op": "ListParts"}, "action": {"type": "error"}},
    {"match": {"op": "UploadPart"}, "action": {"type": "restart"}}]})");
  ASSERT_TRUE(plan.ok());
  auto checked = server().CheckFaultPlan(*plan);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, "InvalidArgument");
  EXPECT_TRUE(checked.error().message.starts_with("rules[1].action.type: "))
      << checked.error().message;

  httplib::Client control("127.0.0.1", server().port());
  auto created = control.Post("/_fake/faults", faults::PlanToJson(*plan), "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 400);
  EXPECT_EQ(nlohmann::json::parse(created->body).at("error"), checked.error().message);
  EXPECT_TRUE(server().AllFaultAccounting().empty());
}

TEST_F(FaultTest, IssueMinimalPlanOverHttp) {
  httplib::Client control("127.0.0.1", server().port());
  const std::string plan = R"({"seed": 7, "rules": [
    {"match": {"op": "UploadPart", "partNumber": 3}, "action": {"type": "reset", "afterBytes": 65536}, "times": 1},
    {"match": {"op": "CompleteMultipartUpload"}, "action": {"type": "drop-response"}, "times": 1},
    {"match": {"op": "ListParts"}, "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}, "times": 2}
  ]})";
  auto created = control.Post("/_fake/faults", plan, "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  std::string id = nlohmann::json::parse(created->body).at("id");

  auto upload = client().Initiate("bkt", "big");
  std::vector<protocol::CompletePart> parts;
  for (int n = 1; n <= 3; ++n) {
    auto response = client().UploadPart("bkt", "big", upload, n, Payload(kPart, n));
    if (n == 3) {
      EXPECT_EQ(response.status, 0);  // reset: no HTTP response
    } else {
      ASSERT_EQ(response.status, 200);
      parts.push_back({n, response.Header("ETag")});
    }
  }
  EXPECT_EQ(StoredParts(), (std::vector<int>{1, 2}));  // part 3 is absent
  auto fired = LastFaulted();
  ASSERT_TRUE(fired.has_value());
  EXPECT_EQ(fired->operation, protocol::Operation::kUploadPart);
  EXPECT_EQ(fired->part_number, 3);
  EXPECT_EQ(fired->http_status, 0);

  EXPECT_EQ(client().ListParts("bkt", "big", upload).status, 503);
  EXPECT_EQ(client().ListParts("bkt", "big", upload).ErrorCode(), "ServiceUnavailable");
  EXPECT_EQ(client().ListParts("bkt", "big", upload).status, 200);  // budget spent

  auto third = client().UploadPart("bkt", "big", upload, 3, Payload(kPart, 3));
  ASSERT_EQ(third.status, 200);
  parts.push_back({3, third.Header("ETag")});
  auto done = client().Complete("bkt", "big", upload, parts);
  EXPECT_EQ(done.status, 0);  // the answer was dropped...
  auto object = client().Get("bkt", "big");
  EXPECT_EQ(object.status, 200);  // ...but the effect happened
  EXPECT_EQ(object.body.size(), 3 * kPart);

  auto accounting = control.Get("/_fake/faults/" + id);
  ASSERT_TRUE(accounting);
  ASSERT_EQ(accounting->status, 200);
  auto rules = nlohmann::json::parse(accounting->body).at("rules");
  EXPECT_EQ(rules[0].at("fired"), 1);
  EXPECT_EQ(rules[1].at("fired"), 1);
  EXPECT_EQ(rules[2].at("fired"), 2);
  EXPECT_EQ(rules[2].at("remaining"), 0);

  EXPECT_EQ(control.Delete("/_fake/faults/" + id)->status, 204);
  EXPECT_EQ(control.Get("/_fake/faults/" + id)->status, 404);
  EXPECT_EQ(control.Post("/_fake/faults", "{not json", "application/json")->status, 400);
}

TEST_F(FaultTest, ErrorStoresNothingAndKeepsTheConnectionInSync) {
  AddPlan(R"({"rules": [{"match": {"op": "PutObject"},
              "action": {"type": "error", "status": 500, "code": "InternalError"}}]})");
  auto failed = client().Put("bkt", "k", Payload(200000));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.ErrorCode(), "InternalError");
  EXPECT_FALSE(failed.Header("x-oss-request-id").empty());
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
  EXPECT_EQ(client().Put("bkt", "k", "ok").status, 200);
}

TEST_F(FaultTest, InjectedStatusSurvivesDrainingALargeBody) {
  // Bodies above the direct-read threshold are drained after the error is chosen; the
  // status on the wire must still be the planned one.
  AddPlan(R"({"rules": [{"match": {"op": "PutObject"},
              "action": {"type": "error", "status": 403, "code": "AccessDenied"},
              "times": "unlimited"}]})");
  for (size_t size : {size_t{0}, size_t{100}, size_t{4} << 20}) {
    auto failed = client().Put("bkt", "k", Payload(size));
    EXPECT_EQ(failed.status, 403) << size << " bytes";
    EXPECT_EQ(failed.ErrorCode(), "AccessDenied") << size << " bytes";
  }
}

TEST_F(FaultTest, ResetBeforeTheBody) {
  AddPlan(
      R"({"rules": [{"match": {"op": "PutObject"}, "action": {"type": "reset", "afterBytes": 0}}]})");
  EXPECT_EQ(client().Put("bkt", "k", "data").status, 0);
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
}

TEST_F(FaultTest, TruncateResponse) {
  ASSERT_EQ(client().Put("bkt", "k", Payload(5000)).status, 200);
  AddPlan(R"({"rules": [{"match": {"op": "GetObject"},
              "action": {"type": "truncate-response", "afterBytes": 100}}]})");
  auto truncated = client().Get("bkt", "k");
  EXPECT_EQ(truncated.status, 0);
  EXPECT_EQ(truncated.error, httplib::Error::Read);
  EXPECT_EQ(client().Get("bkt", "k").body, Payload(5000));
}

TEST_F(FaultTest, StallDelaysTheAnswer) {
  ASSERT_EQ(client().Put("bkt", "k", "data").status, 200);
  AddPlan(
      R"({"rules": [{"match": {"op": "GetObject"}, "action": {"type": "stall", "ms": 1500}}]})");
  client().http().set_read_timeout(0, 200000);  // 200 ms, far below the stall
  auto stalled = client().Get("bkt", "k");
  EXPECT_EQ(stalled.status, 0);
  EXPECT_EQ(stalled.error, httplib::Error::Read);
}

TEST_F(FaultTest, StallMidBodyThenCarriesOn) {
  AddPlan(
      R"({"rules": [{"match": {"op": "PutObject"}, "action": {"type": "stall", "ms": 50, "afterBytes": 1000}}]})");
  auto response = client().Put("bkt", "k", Payload(5000));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(client().Get("bkt", "k").body, Payload(5000));
  auto fired = LastFaulted();
  ASSERT_TRUE(fired.has_value());
  EXPECT_EQ(fired->fault->action.type, faults::ActionType::kStall);
}

TEST_F(FaultTest, ExpireUpload) {
  auto upload = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", upload, 1, "a").status, 200);
  AddPlan(
      R"({"rules": [{"match": {"op": "UploadPart", "partNumber": 2}, "action": {"type": "expire-upload"}}]})");
  EXPECT_EQ(client().UploadPart("bkt", "k", upload, 2, "b").ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "k", upload).ErrorCode(), "NoSuchUpload");
  EXPECT_TRUE(server().ListUploads().empty());
}

TEST_F(FaultTest, CorruptChecksumChangesOnlyTheAnswer) {
  auto upload = client().Initiate("bkt", "k");
  AddPlan(
      R"({"rules": [{"match": {"op": "UploadPart"}, "action": {"type": "corrupt-checksum"}}]})");
  std::string data = Payload(1000);
  auto response = client().UploadPart("bkt", "k", upload, 1, data);
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64(data)));
  EXPECT_EQ(response.Header("ETag"), protocol::ETagOf(protocol::Md5Of(data)));  // CRC-64 only
  auto stored = server().ListUploads().at(0).parts.at(0);
  EXPECT_EQ(stored.etag, protocol::ETagOf(protocol::Md5Of(data)));
  EXPECT_EQ(stored.crc64, protocol::Crc64(data));
}

TEST_F(FaultTest, CorruptEtagChangesOnlyTheAnswersETag) {
  auto upload = client().Initiate("bkt", "k");
  AddPlan(R"({"rules": [{"match": {"op": "UploadPart"}, "action": {"type": "corrupt-etag"}}]})");
  std::string data = Payload(1000);
  auto response = client().UploadPart("bkt", "k", upload, 1, data);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("x-oss-hash-crc64ecma"),
            protocol::Crc64ToString(protocol::Crc64(data)));
  EXPECT_NE(response.Header("ETag"), protocol::ETagOf(protocol::Md5Of(data)));
  auto stored = server().ListUploads().at(0).parts.at(0);
  EXPECT_EQ(stored.etag, protocol::ETagOf(protocol::Md5Of(data)));
}

TEST_F(FaultTest, HeaderScopedPlanOnlyHitsRequestsThatNameIt) {
  auto id = AddPlan(R"({"scope": "header", "rules": [{"match": {"op": "PutObject"},
                      "action": {"type": "error", "status": 503, "code": "SlowDown"}, "times": "unlimited"}]})");
  EXPECT_EQ(client().Put("bkt", "k", "x").status, 200);
  auto hit = client().Put("bkt", "k", "x", {{"x-fake-oss-plan", id}});
  EXPECT_EQ(hit.status, 503);
  EXPECT_EQ(hit.ErrorCode(), "SlowDown");
  auto accounting = server().FaultAccounting(id);
  ASSERT_TRUE(accounting);
  EXPECT_EQ(accounting->rules.at(0).fired, 1u);
  server().ClearFaultPlans();
  EXPECT_EQ(client().Put("bkt", "k", "x", {{"x-fake-oss-plan", id}}).status, 200);
}

TEST_F(FaultTest, NthMatchingRequest) {
  AddPlan(R"({"rules": [{"match": {"op": "PutObject", "nth": 2}, "action": {"type": "error"}}]})");
  EXPECT_EQ(client().Put("bkt", "a", "x").status, 200);
  EXPECT_EQ(client().Put("bkt", "b", "x").status, 503);
  EXPECT_EQ(client().Put("bkt", "c", "x").status, 200);
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

// Bodies of 256 KiB and more are read straight from the socket; the hooks work there too.
TEST_F(FaultTest, LargeBodyResetAndStall) {
  auto upload = client().Initiate("bkt", "big");
  std::string data = Payload(10 << 20, 9);  // large enough for the CRC helper thread
  AddPlan(R"({"rules": [
    {"match": {"op": "UploadPart", "partNumber": 1}, "action": {"type": "reset", "afterBytes": 1000000}},
    {"match": {"op": "UploadPart", "partNumber": 2}, "action": {"type": "stall", "ms": 20, "afterBytes": 2000000}}]})");
  EXPECT_EQ(client().UploadPart("bkt", "big", upload, 1, data).status, 0);
  auto fired = LastFaulted();
  ASSERT_TRUE(fired.has_value());
  EXPECT_EQ(fired->request_body_bytes, 1000000u);
  auto stalled = client().UploadPart("bkt", "big", upload, 2, data);
  EXPECT_EQ(stalled.status, 200);
  EXPECT_EQ(stalled.Header("ETag"), protocol::ETagOf(protocol::Md5Of(data)));
  EXPECT_EQ(StoredParts(), (std::vector<int>{2}));
  // Same keep-alive connection, still in sync.
  EXPECT_EQ(client().UploadPart("bkt", "big", upload, 1, data).status, 200);
  EXPECT_EQ(StoredParts(), (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace ossup::fake::testing

namespace ossup::fake::testing {
namespace {

TEST_F(FaultTest, ErrorOnOnePartLeavesTheOthersIntact) {
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":3},
              "action":{"type":"error","status":403,"code":"AccessDenied"},"times":1}]})");
  auto upload = client().Initiate("bkt", "k");
  constexpr size_t kSize = 100 * 1024;
  for (int n = 1; n <= 5; ++n) {
    auto response = client().UploadPart("bkt", "k", upload, n, Payload(kSize, n));
    EXPECT_EQ(response.status, n == 3 ? 403 : 200) << n;
  }
  auto uploads = server().ListUploads();
  ASSERT_EQ(uploads.size(), 1u);
  ASSERT_EQ(uploads[0].parts.size(), 4u);
  for (const auto& part : uploads[0].parts) {
    EXPECT_EQ(part.crc64, protocol::Crc64(Payload(kSize, part.part_number))) << part.part_number;
    EXPECT_EQ(part.size, kSize);
  }
}

}  // namespace
}  // namespace ossup::fake::testing
