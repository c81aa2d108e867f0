// The /_fake/ control API and seeded determinism.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ossup/fake/control_codec.h"
#include "ossup/faults/plan.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using nlohmann::json;

class ControlTest : public FakeOssTest {
 protected:
  json Call(const std::string& method, const std::string& path, const std::string& body = "",
            int expected_status = 200) {
    httplib::Client http("127.0.0.1", server().port());
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto result = http.send(req);
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, expected_status) << path << " " << result->body;
    if (result->body.empty()) return {};
    return json::parse(result->body, nullptr, false);
  }
};

TEST_F(ControlTest, RequestsWithoutABodyAreAnsweredAtOnce) {
  // What `curl -X POST http://HOST:PORT/_fake/reset` sends: no Content-Length, no body. The
  // connection stays open, so an answer can only come from the request head.
  RawConnection raw(server().port());
  ASSERT_TRUE(raw.connected());
  const std::pair<std::string, int> kCalls[] = {{"/_fake/reset", 200},
                                                {"/_fake/restart", 200},
                                                {"/_fake/sts", 200},
                                                {"/_fake/uploads/no-such-upload/expire", 404},
                                                {"/_fake/clock", 400}};
  for (const auto& [path, status] : kCalls) {
    ASSERT_TRUE(raw.Send(RawHead("POST", path, {})));
    const std::string answer = raw.ReadResponse();
    ASSERT_FALSE(raw.closed()) << path;
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 " + std::to_string(status) + " ")) << path << answer;
  }
}

TEST_F(ControlTest, Health) { EXPECT_EQ(Call("GET", "/_fake/health"), json({{"status", "ok"}})); }

TEST_F(ControlTest, Clock) {
  auto now = Call("GET", "/_fake/clock");
  EXPECT_EQ(now.at("now"), "2026-11-25T12:00:00.000Z");
  auto advanced = Call("POST", "/_fake/clock", R"({"advanceSeconds": 90})");
  EXPECT_EQ(advanced.at("now"), "2026-11-25T12:01:30.000Z");
  EXPECT_EQ(server().Now(), FixedStart() + std::chrono::seconds(90));
  auto set = Call("POST", "/_fake/clock", R"({"set": "2030-01-02T03:04:05Z"})");
  EXPECT_EQ(set.at("now"), "2030-01-02T03:04:05.000Z");
  Call("POST", "/_fake/clock", R"({"set": "yesterday"})", 400);
  Call("POST", "/_fake/clock", R"({})", 400);
}

TEST_F(ControlTest, ClockAndStsInputsAreRangeChecked) {
  const json before = Call("GET", "/_fake/clock");
  Call("POST", "/_fake/clock", R"({"advanceSeconds": 9223372036854775807})", 400);
  Call("POST", "/_fake/clock", R"({"advanceSeconds": -1})", 400);
  Call("POST", "/_fake/clock", R"({"set": "9999-12-31T23:59:59Z"})", 400);
  Call("POST", "/_fake/clock", R"({"set": "1969-12-31T23:59:59Z"})", 400);
  EXPECT_EQ(Call("GET", "/_fake/clock"), before);  // nothing moved
  auto far = Call("POST", "/_fake/clock", R"({"set": "2199-12-31T00:00:00Z"})");
  EXPECT_EQ(far.at("now"), "2199-12-31T00:00:00.000Z");
  Call("POST", "/_fake/clock", R"({"advanceSeconds": 172800})", 400);  // past 2200
  Call("POST", "/_fake/sts", R"({"durationSeconds": 0})", 400);
  Call("POST", "/_fake/sts", R"({"durationSeconds": 9223372036854775807})", 400);
  EXPECT_TRUE(Call("POST", "/_fake/sts", R"({"durationSeconds": 900})").contains("SecurityToken"));
}

TEST_F(ControlTest, UploadsExpireAndReset) {
  auto id = client().Initiate("bkt", "k");
  client().UploadPart("bkt", "k", id, 2, "abc");
  auto uploads = Call("GET", "/_fake/uploads").at("uploads");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].at("uploadId"), id);
  EXPECT_EQ(uploads[0].at("key"), "k");
  EXPECT_EQ(uploads[0].at("parts")[0].at("partNumber"), 2);
  EXPECT_EQ(uploads[0].at("parts")[0].at("size"), 3);

  Call("POST", "/_fake/uploads/" + id + "/expire");
  EXPECT_EQ(client().ListParts("bkt", "k", id).ErrorCode(), "NoSuchUpload");
  Call("POST", "/_fake/uploads/" + id + "/expire", "", 404);

  client().Put("bkt", "obj", "x");
  Call("POST", "/_fake/reset");
  EXPECT_EQ(client().Get("bkt", "obj").ErrorCode(), "NoSuchKey");  // the bucket is re-created
  EXPECT_TRUE(Call("GET", "/_fake/uploads").at("uploads").empty());
}

TEST_F(ControlTest, APartPutThroughTheControlReplacesTheStoredOne) {
  auto id = client().Initiate("bkt", "k");
  client().UploadPart("bkt", "k", id, 1, "abc");
  const size_t journaled = Call("GET", "/_fake/journal").at("entries").size();
  Call("POST", "/_fake/uploads/" + id + "/parts/1", R"({"dataBase64":"eHl6"})");  // "xyz"
  Call("POST", "/_fake/uploads/" + id + "/parts/7", R"({"dataBase64":"eHl6eg=="})");
  auto parts = Call("GET", "/_fake/uploads").at("uploads")[0].at("parts");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].at("etag"), "\"D16FB36F0911F878998C136191AF705E\"");  // MD5("xyz")
  EXPECT_EQ(parts[1].at("partNumber"), 7);
  EXPECT_EQ(parts[1].at("size"), 4);
  EXPECT_EQ(Call("GET", "/_fake/journal").at("entries").size(), journaled) << "not journaled";
  Call("POST", "/_fake/uploads/no-such-upload/parts/1", R"({"dataBase64":"eHl6"})", 404);
  Call("POST", "/_fake/uploads/" + id + "/parts/1", R"({"data":"xyz"})", 400);
  Call("POST", "/_fake/uploads/" + id + "/parts/0", R"({"dataBase64":"eHl6"})", 400);
  Call("POST", "/_fake/uploads/" + id + "/parts/1", R"({"dataBase64":"%%%"})", 400);
}

TEST_F(ControlTest, JournalRecordsEachRequest) {
  auto id = client().Initiate("bkt", "dir/k");
  client().UploadPart("bkt", "dir/k", id, 7, "12345");
  client().Get("bkt", "missing");
  auto entries = Call("GET", "/_fake/journal").at("entries");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].at("operation"), "InitiateMultipartUpload");
  EXPECT_EQ(entries[0].at("uploadId"), id);
  EXPECT_EQ(entries[1].at("operation"), "UploadPart");
  EXPECT_EQ(entries[1].at("partNumber"), 7);
  EXPECT_EQ(entries[1].at("bytes"), 5);
  EXPECT_EQ(entries[1].at("status"), 200);
  EXPECT_EQ(entries[1].at("key"), "dir/k");
  EXPECT_EQ(entries[2].at("errorCode"), "NoSuchKey");
  EXPECT_EQ(entries[2].at("status"), 404);
  EXPECT_TRUE(entries[2].at("fault").is_null());
}

TEST_F(ControlTest, BytesThatAreNotUtf8NeverBreakTheJournal) {
  // Refused (400), journaled, and the journal stays readable, with the exact bytes in base64.
  EXPECT_EQ(client().SendRaw("GET", "/bkt/k%FF", {}, "").status, 400);
  EXPECT_EQ(client().SendRaw("GET", "/bkt/k?uploadId=%FF%FE", {}, "").status, 403);
  auto journal = Call("GET", "/_fake/journal");
  ASSERT_TRUE(journal.is_object()) << journal;
  bool key_found = false, upload_found = false;
  for (const auto& entry : journal.at("entries")) {
    if (entry.contains("keyBase64")) {
      EXPECT_EQ(entry.at("keyBase64"), protocol::Base64Encode(std::string("k\xFF")));
      EXPECT_EQ(entry.at("key"), "k\xEF\xBF\xBD");  // U+FFFD
      key_found = true;
    }
    if (entry.contains("uploadIdBase64")) {
      EXPECT_EQ(entry.at("uploadIdBase64"), protocol::Base64Encode(std::string("\xFF\xFE")));
      upload_found = true;
    }
  }
  EXPECT_TRUE(key_found) << journal;
  EXPECT_TRUE(upload_found) << journal;
  // And the next requests are journaled as usual.
  EXPECT_EQ(client().Put("bkt", "after", "x").status, 200);
  EXPECT_EQ(Call("GET", "/_fake/journal").at("entries").back().at("key"), "after");
}

TEST_F(ControlTest, JournalNumbersRequestsInArrivalOrder) {
  // A stalled request arrives first but is journaled last: `sequence` follows the journal,
  // `arrival` follows the wire, and "arrivals" counts every request that has arrived.
  auto id = client().Initiate("bkt", "k");
  auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": "UploadPart"},
      "action": {"type": "stall", "ms": 300}}]})");
  ASSERT_TRUE(plan.ok());
  server().AddFaultPlan(std::move(*plan));
  std::thread stalled([&] {
    TestClient own(server());
    own.UploadPart("bkt", "k", id, 1, "12345");
  });
  for (int i = 0; i < 200 && server().JournalArrivals() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  client().Get("bkt", "missing");
  stalled.join();
  json journal = Call("GET", "/_fake/journal");
  EXPECT_EQ(journal.at("arrivals"), 3);
  const json& entries = journal.at("entries");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].at("operation"), "GetObject");
  EXPECT_EQ(entries[1].at("arrival"), 3);
  EXPECT_EQ(entries[2].at("operation"), "UploadPart");
  EXPECT_EQ(entries[2].at("arrival"), 2);
  EXPECT_EQ(entries[2].at("sequence"), 3);
}

TEST_F(ControlTest, BadFaultPlansNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"rules": [{"action": {"type": "error", "status": 99}}]})",
       "rules[0].action.status: must be an integer in [400, 599]"},
      {R"({"rules": [{"match": {"op": "Nope"}, "action": {"type": "reset"}}]})",
       "rules[0].match.op: unknown operation \"Nope\""},
      {R"({"rules": [{"action": {"type": "reset", "ms": 5}}]})",
       "rules[0].action.ms: unknown field"},
      {R"({"rulez": []})", "rulez: unknown field"},
  };
  for (const auto& [plan, message] : cases) {
    SCOPED_TRACE(plan);
    EXPECT_EQ(Call("POST", "/_fake/faults", plan, 400), json({{"error", message}}));
  }
  EXPECT_EQ(Call("POST", "/_fake/faults", "not json", 400),
            json({{"error", "request body is not JSON"}}));
}

TEST_F(ControlTest, UnknownEndpoint) { Call("GET", "/_fake/nothing", "", 404); }

// Runs a fixed request sequence and returns every id the server handed out.
std::vector<std::string> IdsFromSequence(uint64_t seed) {
  ServerOptions options = DefaultOptions();
  options.seed = seed;
  Server server(options);
  EXPECT_TRUE(server.Start().ok());
  TestClient client(server);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    std::string key = "k" + std::to_string(i);
    ids.push_back(client.Initiate("bkt", key));
    auto part = client.UploadPart("bkt", key, ids.back(), 1, "x");
    ids.push_back(part.Header("x-oss-request-id"));
  }
  return ids;
}

// The journal of a fixed request sequence under a probabilistic fault plan.
std::string JournalFromSequence(uint64_t plan_seed) {
  ServerOptions options = DefaultOptions();
  Server server(options);
  EXPECT_TRUE(server.Start().ok());
  auto plan = faults::ParsePlan(R"({"seed": )" + std::to_string(plan_seed) + R"(, "rules": [
      {"match": {"op": "UploadPart", "probability": 0.5},
       "action": {"type": "error", "status": 503, "code": "SlowDown"}, "times": "unlimited"}]})");
  EXPECT_TRUE(plan.ok());
  server.AddFaultPlan(*plan);
  TestClient client(server);
  auto id = client.Initiate("bkt", "k");
  for (int n = 1; n <= 20; ++n) client.UploadPart("bkt", "k", id, n, "part" + std::to_string(n));
  client.ListParts("bkt", "k", id);
  auto entries = server.Journal();
  // Real time (arrivedUs, latencyUs) is not part of what a seed determines.
  for (auto& e : entries) e.arrived_us = e.latency_us = 0;
  return control::EncodeJournal({server.JournalArrivals(), std::move(entries)});
}

TEST(DeterminismTest, SameSeedSameJournal) {
  auto first = JournalFromSequence(3);
  EXPECT_EQ(first, JournalFromSequence(3));
  EXPECT_NE(first, JournalFromSequence(4));
  EXPECT_NE(first.find("SlowDown"), std::string::npos);
}

TEST(DeterminismTest, SameSeedSameIds) {
  auto first = IdsFromSequence(7);
  auto second = IdsFromSequence(7);
  auto other = IdsFromSequence(8);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
  for (size_t i = 0; i < first.size(); i += 2) EXPECT_EQ(first[i].size(), 32u);
  for (size_t i = 1; i < first.size(); i += 2) EXPECT_EQ(first[i].size(), 24u);
}

}  // namespace
}  // namespace ossup::fake::testing
