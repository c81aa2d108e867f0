#include <nlohmann/json.hpp>

#include "journal/json_bytes.h"
#include "ossup/fake/control_codec.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/operation.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake::control {
namespace {

using nlohmann::json;

protocol::Error Invalid(const std::string& message) {
  return protocol::MakeError("InvalidArgument", message);
}

// `json` parsed; an empty text is null. Errors: InvalidArgument when it is not JSON.
protocol::StatusOr<json> Parse(std::string_view text) {
  if (text.empty()) return json();
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Invalid("request body is not JSON");
  return parsed;
}

// The bytes of field `name` (or of `nameBase64`, when present).
std::string BytesField(const json& object, const std::string& name) {
  if (auto exact = object.find(name + "Base64"); exact != object.end()) {
    auto bytes = protocol::Base64Decode(exact->get<std::string>());
    if (!bytes) throw std::invalid_argument(name + "Base64 is not base64");
    return std::string(bytes->begin(), bytes->end());
  }
  return object.at(name).get<std::string>();
}

protocol::TimePoint TimeField(const json& object, const std::string& name) {
  auto t = protocol::ParseIso8601(object.at(name).get<std::string>());
  if (!t) throw std::invalid_argument(name + " is not an RFC 3339 time");
  return *t;
}

// Runs `decode` over the parsed `text`, turning a missing or mistyped field into
// InvalidArgument that says what is wrong.
template <typename T, typename F>
protocol::StatusOr<T> Decode(std::string_view text, F decode) {
  auto parsed = Parse(text);
  if (!parsed.ok()) return parsed.error();
  try {
    return decode(*parsed);
  } catch (const std::exception& e) {
    return Invalid(e.what());
  }
}

// A firing is {"plan", "rule", "action": the action's name} plus the action's own fields as a
// plan writes them (kActions lists them per action).
json FaultJson(const faults::Firing& firing) {
  json j = {{"plan", firing.plan_id},
            {"rule", firing.rule_index},
            {"action", std::string(faults::ActionTypeName(firing.action.type))}};
  const json fields = json::parse(faults::ActionToJson(firing.action));
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it.key() != "type") j[it.key()] = it.value();
  }
  return j;
}

faults::Firing FiringFromJson(const json& f) {
  faults::Firing firing;
  firing.plan_id = f.at("plan").get<std::string>();
  firing.rule_index = f.at("rule").get<size_t>();
  json action = {{"type", f.at("action")}};
  for (auto it = f.begin(); it != f.end(); ++it) {
    if (it.key() != "plan" && it.key() != "rule" && it.key() != "action") {
      action[it.key()] = it.value();
    }
  }
  auto parsed = faults::ParseActionJson(action.dump());
  if (!parsed.ok()) throw std::invalid_argument(parsed.error().message);
  firing.action = *parsed;
  return firing;
}

json EntryJson(const JournalEntry& e) {
  json j = {{"sequence", e.sequence},
            {"arrival", e.arrival},
            {"requestId", e.request_id},
            {"method", e.method},
            {"operation", std::string(protocol::OperationName(e.operation))},
            {"partNumber", nullptr},
            {"status", e.http_status},
            {"errorCode", e.error_code},
            {"bytes", e.request_body_bytes},
            {"fault", nullptr}};
  SetBytesField(j, "bucket", e.bucket);
  SetBytesField(j, "key", e.key);
  SetBytesField(j, "uploadId", e.upload_id);
  if (e.part_number) j["partNumber"] = *e.part_number;
  j["arrivedUs"] = e.arrived_us;
  j["latencyUs"] = e.latency_us;
  if (e.fault) j["fault"] = FaultJson(*e.fault);
  return j;
}

JournalEntry EntryFromJson(const json& e) {
  JournalEntry entry;
  entry.sequence = e.at("sequence").get<uint64_t>();
  entry.arrival = e.at("arrival").get<uint64_t>();
  entry.request_id = e.at("requestId").get<std::string>();
  entry.method = e.at("method").get<std::string>();
  const std::string operation = e.at("operation").get<std::string>();
  auto op = protocol::OperationFromName(operation);
  if (!op) throw std::invalid_argument("unknown operation \"" + operation + "\"");
  entry.operation = *op;
  entry.bucket = BytesField(e, "bucket");
  entry.key = BytesField(e, "key");
  entry.upload_id = BytesField(e, "uploadId");
  if (!e.at("partNumber").is_null()) entry.part_number = e.at("partNumber").get<int>();
  entry.http_status = e.at("status").get<int>();
  entry.error_code = e.at("errorCode").get<std::string>();
  entry.request_body_bytes = e.at("bytes").get<uint64_t>();
  entry.arrived_us = e.value("arrivedUs", int64_t{0});
  entry.latency_us = e.value("latencyUs", int64_t{0});
  if (!e.at("fault").is_null()) entry.fault = FiringFromJson(e.at("fault"));
  return entry;
}

json UploadJson(const UploadSnapshot& u) {
  json parts = json::array();
  for (const auto& p : u.parts) {
    parts.push_back({{"partNumber", p.part_number},
                     {"size", p.size},
                     {"etag", p.etag},
                     {"crc64", std::to_string(p.crc64.value_or(0))},
                     {"lastModified", protocol::FormatIso8601(p.last_modified)}});
  }
  json upload = {{"initiated", protocol::FormatIso8601(u.initiated)}, {"parts", parts}};
  SetBytesField(upload, "bucket", u.bucket);
  SetBytesField(upload, "key", u.key);
  SetBytesField(upload, "uploadId", u.upload_id);
  return upload;
}

UploadSnapshot UploadFromJson(const json& u) {
  UploadSnapshot snapshot;
  snapshot.bucket = BytesField(u, "bucket");
  snapshot.key = BytesField(u, "key");
  snapshot.upload_id = BytesField(u, "uploadId");
  snapshot.initiated = TimeField(u, "initiated");
  for (const auto& p : u.at("parts")) {
    protocol::PartInfo part;
    part.part_number = p.at("partNumber").get<int>();
    part.size = p.at("size").get<uint64_t>();
    part.etag = p.at("etag").get<std::string>();
    part.crc64 = std::stoull(p.at("crc64").get<std::string>());
    part.last_modified = TimeField(p, "lastModified");
    snapshot.parts.push_back(std::move(part));
  }
  return snapshot;
}

}  // namespace

std::string EncodeClockRequest(const ClockRequest& request) {
  json j = json::object();
  if (request.advance_seconds) j["advanceSeconds"] = *request.advance_seconds;
  if (request.set) j["set"] = *request.set;
  return DumpJson(j);
}

protocol::StatusOr<ClockRequest> DecodeClockRequest(std::string_view text) {
  return Decode<ClockRequest>(text, [](const json& j) {
    ClockRequest request;
    if (j.contains("advanceSeconds")) {
      request.advance_seconds = j.at("advanceSeconds").get<int64_t>();
    } else if (j.contains("set")) {
      request.set = j.at("set").get<std::string>();
    }
    return request;
  });
}

std::string EncodePutPartRequest(std::string_view bytes) {
  return DumpJson(json{{"dataBase64", protocol::Base64Encode(bytes)}});
}

protocol::StatusOr<std::string> DecodePutPartRequest(std::string_view text) {
  auto parsed = Parse(text);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object() || !parsed->contains("dataBase64")) {
    return Invalid("expected {\"dataBase64\": \"...\"}");
  }
  return Decode<std::string>(text, [](const json& j) -> std::string {
    auto bytes = protocol::Base64Decode(j.at("dataBase64").get<std::string>());
    if (!bytes) throw std::invalid_argument("dataBase64 is not base64");
    return std::string(bytes->begin(), bytes->end());
  });
}

std::string EncodeStsRequest(int64_t duration_seconds) {
  return DumpJson(json{{"durationSeconds", duration_seconds}});
}

protocol::StatusOr<int64_t> DecodeStsRequest(std::string_view text) {
  return Decode<int64_t>(text, [](const json& j) -> int64_t {
    return j.is_object() ? j.value("durationSeconds", int64_t{3600}) : 3600;
  });
}

std::string EncodePlanCreated(std::string_view id) {
  return DumpJson(json{{"id", std::string(id)}});
}

protocol::StatusOr<std::string> DecodePlanCreated(std::string_view text) {
  return Decode<std::string>(text, [](const json& j) { return j.at("id").get<std::string>(); });
}

std::string EncodeJournal(const JournalListing& listing) {
  json list = json::array();
  for (const auto& e : listing.entries) list.push_back(EntryJson(e));
  return DumpJson(json{{"arrivals", listing.arrivals}, {"entries", list}});
}

protocol::StatusOr<JournalListing> DecodeJournal(std::string_view text) {
  return Decode<JournalListing>(text, [](const json& j) {
    JournalListing listing;
    listing.arrivals = j.at("arrivals").get<uint64_t>();
    for (const auto& e : j.at("entries")) listing.entries.push_back(EntryFromJson(e));
    return listing;
  });
}

std::string EncodeUploads(const std::vector<UploadSnapshot>& uploads) {
  json list = json::array();
  for (const auto& u : uploads) list.push_back(UploadJson(u));
  return DumpJson(json{{"uploads", list}});
}

protocol::StatusOr<std::vector<UploadSnapshot>> DecodeUploads(std::string_view text) {
  return Decode<std::vector<UploadSnapshot>>(text, [](const json& j) {
    std::vector<UploadSnapshot> uploads;
    for (const auto& u : j.at("uploads")) uploads.push_back(UploadFromJson(u));
    return uploads;
  });
}

}  // namespace ossup::fake::control
