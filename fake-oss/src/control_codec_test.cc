// The control API's codec: every document decodes to what was encoded, byte strings that are
// not UTF-8 included, and malformed documents are errors that say what is wrong.
#include "ossup/fake/control_codec.h"

#include <gtest/gtest.h>

namespace ossup::fake::control {
namespace {

template <typename T, typename U>
T ValueOr(const protocol::StatusOr<T>& value, U fallback) {
  return value.ok() ? *value : T(fallback);
}

protocol::TimePoint At(const char* text) { return *protocol::ParseIso8601(text); }

JournalEntry Entry(protocol::Operation op, std::optional<faults::Firing> fault) {
  JournalEntry e;
  e.sequence = 7;
  e.arrival = 9;
  e.request_id = "5F00000000000000000000AB";
  e.method = "PUT";
  e.operation = op;
  e.bucket = "bkt";
  e.key = std::string("dir/\xff\xfe-not-utf8", 15);
  e.upload_id = "UPLOAD";
  e.part_number = 3;
  e.http_status = 503;
  e.error_code = "SlowDown";
  e.request_body_bytes = 123456;
  e.fault = std::move(fault);
  return e;
}

faults::Firing Firing(faults::ActionType type) {
  faults::Firing firing;
  firing.plan_id = "plan-2";
  firing.rule_index = 1;
  firing.action.type = type;
  firing.action.http_status = 500;
  firing.action.code = "InternalError";
  firing.action.after_bytes = 4096;
  firing.action.stall_ms = 250;
  return firing;
}

void ExpectSameEntry(const JournalEntry& a, const JournalEntry& b) {
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.arrival, b.arrival);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.bucket, b.bucket);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.upload_id, b.upload_id);
  EXPECT_EQ(a.part_number, b.part_number);
  EXPECT_EQ(a.http_status, b.http_status);
  EXPECT_EQ(a.error_code, b.error_code);
  EXPECT_EQ(a.request_body_bytes, b.request_body_bytes);
  ASSERT_EQ(a.fault.has_value(), b.fault.has_value());
  if (a.fault) {
    EXPECT_EQ(a.fault->plan_id, b.fault->plan_id);
    EXPECT_EQ(a.fault->rule_index, b.fault->rule_index);
    EXPECT_EQ(a.fault->action.type, b.fault->action.type);
  }
}

TEST(ControlCodec, JournalRoundTripsEveryOperationAndFault) {
  JournalListing listing;
  listing.arrivals = 42;
  for (const protocol::OperationRow& row : protocol::kOperations) {
    listing.entries.push_back(Entry(row.op, std::nullopt));
  }
  for (auto type : {faults::ActionType::kError, faults::ActionType::kReset,
                    faults::ActionType::kStall, faults::ActionType::kTruncateResponse,
                    faults::ActionType::kDropResponse, faults::ActionType::kCorruptEtag}) {
    listing.entries.push_back(Entry(protocol::Operation::kUploadPart, Firing(type)));
  }
  listing.entries.back().part_number.reset();
  auto decoded = DecodeJournal(EncodeJournal(listing));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->arrivals, 42u);
  ASSERT_EQ(decoded->entries.size(), listing.entries.size());
  for (size_t i = 0; i < listing.entries.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameEntry(listing.entries[i], decoded->entries[i]);
  }
  // The fields each action states travel with it.
  const faults::Action& error = decoded->entries[protocol::kOperationCount].fault->action;
  EXPECT_EQ(error.http_status, 500);
  EXPECT_EQ(error.code, "InternalError");
  const faults::Action& stall = decoded->entries[protocol::kOperationCount + 2].fault->action;
  EXPECT_EQ(stall.stall_ms, 250u);
  EXPECT_EQ(stall.after_bytes, 4096u);
}

TEST(ControlCodec, JournalNamesOperationsAsTheTableDoes) {
  JournalListing listing{1, {Entry(protocol::Operation::kPutObjectAcl, std::nullopt)}};
  EXPECT_NE(EncodeJournal(listing).find(R"("operation":"PutObjectACL")"), std::string::npos);
}

TEST(ControlCodec, UploadsRoundTrip) {
  UploadSnapshot upload{"bkt", "k\xc3", "U1", At("2026-11-25T12:00:00Z"), {}};
  protocol::PartInfo part;
  part.part_number = 2;
  part.last_modified = At("2026-11-25T12:00:05Z");
  part.etag = "\"0123456789ABCDEF0123456789ABCDEF\"";
  part.crc64 = 18446744073709551615u;
  part.size = 102400;
  upload.parts.push_back(part);
  auto decoded = DecodeUploads(EncodeUploads({upload, UploadSnapshot{"b", "k", "U2", {}, {}}}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0].bucket, "bkt");
  EXPECT_EQ((*decoded)[0].key, "k\xc3");
  EXPECT_EQ((*decoded)[0].upload_id, "U1");
  EXPECT_EQ((*decoded)[0].initiated, upload.initiated);
  EXPECT_EQ((*decoded)[0].parts, upload.parts);
  EXPECT_TRUE((*decoded)[1].parts.empty());
}

TEST(ControlCodec, RequestsRoundTrip) {
  ClockRequest by_seconds;
  by_seconds.advance_seconds = 86400;
  auto advance = DecodeClockRequest(EncodeClockRequest(by_seconds));
  ASSERT_TRUE(advance.ok());
  EXPECT_EQ(advance->advance_seconds, 86400);
  EXPECT_FALSE(advance->set);
  ClockRequest to_time;
  to_time.set = "2030-01-01T00:00:00Z";
  auto set = DecodeClockRequest(EncodeClockRequest(to_time));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->set, "2030-01-01T00:00:00Z");
  auto none = DecodeClockRequest("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->advance_seconds || none->set);

  const std::string bytes("\x00\x01part\xff", 7);
  EXPECT_EQ(ValueOr(DecodePutPartRequest(EncodePutPartRequest(bytes)), ""), bytes);
  EXPECT_EQ(ValueOr(DecodeStsRequest(EncodeStsRequest(900)), 0), 900);
  EXPECT_EQ(ValueOr(DecodeStsRequest(""), 0), 3600);
  EXPECT_EQ(ValueOr(DecodePlanCreated(EncodePlanCreated("plan-3")), ""), "plan-3");
}

TEST(ControlCodec, MalformedDocumentsAreErrorsThatSayWhy) {
  EXPECT_EQ(DecodeJournal("{").error().message, "request body is not JSON");
  EXPECT_FALSE(DecodeJournal(R"({"entries": []})").ok()) << "arrivals missing";
  auto unknown = DecodeJournal(EncodeJournal({1, {Entry(protocol::Operation::kUploadPart, {})}}));
  ASSERT_TRUE(unknown.ok());
  std::string text = EncodeJournal({1, {Entry(protocol::Operation::kUploadPart, {})}});
  text.replace(text.find("UploadPart"), 10, "UploadPort");
  auto bad_op = DecodeJournal(text);
  ASSERT_FALSE(bad_op.ok());
  EXPECT_NE(bad_op.error().message.find("UploadPort"), std::string::npos);
  EXPECT_EQ(DecodePutPartRequest("{}").error().message, "expected {\"dataBase64\": \"...\"}");
  EXPECT_EQ(DecodePutPartRequest(R"({"dataBase64": "***"})").error().message,
            "dataBase64 is not base64");
  EXPECT_FALSE(DecodeClockRequest(R"({"advanceSeconds": "soon"})").ok());
  EXPECT_FALSE(DecodeUploads(R"({"uploads": [{"bucket": "b"}]})").ok());
}

}  // namespace
}  // namespace ossup::fake::control
