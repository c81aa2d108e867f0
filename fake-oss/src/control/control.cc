#include "control/control.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "control/ui_page.h"
#include "journal/json_bytes.h"
#include "ossup/faults/plan.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {
namespace {

using nlohmann::json;

// Range checks of the control API's inputs. The virtual clock stays within years a TimePoint
// and every date format can hold, with room for lifecycle days and STS lifetimes after it.
const protocol::TimePoint kEarliestClock = *protocol::ParseIso8601("1970-01-01T00:00:00Z");
const protocol::TimePoint kLatestClock = *protocol::ParseIso8601("2200-01-01T00:00:00Z");
constexpr int64_t kMaxAdvanceSeconds = int64_t{200} * 366 * 24 * 3600;  // 200 years
constexpr int64_t kMaxStsSeconds = int64_t{366} * 24 * 3600;            // a year

void Reply(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json");
}

void Fail(Response& res, int status, const std::string& message) {
  Reply(res, status, json{{"error", message}});
}

// Open without a token: liveness, and the public key that callback receivers fetch from the URL
// each callback names.
bool IsOpenEndpoint(const std::string& method, const std::string& path) {
  return method == "GET" && (path == "/_fake/health" || path == "/_fake/callback-public-key");
}

json ClockJson(protocol::TimePoint now) {
  return {{"now", protocol::FormatIso8601(now)},
          {"epochSeconds",
           std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()}};
}

json UploadsJson(const std::vector<UploadSnapshot>& uploads) {
  json list = json::array();
  for (const auto& u : uploads) {
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
    list.push_back(std::move(upload));
  }
  return {{"uploads", list}};
}

}  // namespace

void Control::Serve(Connection& connection) {
  const RequestHead& head = connection.head();
  // The body (its first MiB; the rest is read and dropped).
  std::string body;
  std::vector<char> buffer(64 * 1024);
  while (auto n = connection.ReadBody(buffer.data(), buffer.size())) {
    if (*n == 0) break;
    if (body.size() < (1 << 20)) body.append(buffer.data(), *n);
  }
  if (!connection.body_complete()) connection.CloseAfterResponse();
  const std::string path = protocol::UriDecode(head.RawPath()).value_or(std::string());
  connection.Send(Handle(head.method, path, head.Header(kControlTokenHeader), body), std::nullopt);
}

Response Control::Handle(const std::string& method, const std::string& path,
                         std::optional<std::string_view> token, const std::string& body) {
  Response res;
  if (!token_.empty() && !IsOpenEndpoint(method, path)) {
    if (!token) {
      Fail(res, 401,
           "the control API needs the header " + std::string(kControlTokenHeader) +
               " (fake-oss --control-token or FAKE_OSS_CONTROL_TOKEN)");
      return res;
    }
    if (token->size() != token_.size() ||
        CRYPTO_memcmp(token->data(), token_.data(), token_.size()) != 0) {
      Fail(res, 403, "wrong " + std::string(kControlTokenHeader));
      return res;
    }
  }
  Route(method, path, body, res);
  return res;
}

void Control::Route(const std::string& method, const std::string& path, const std::string& body,
                    Response& res) {
  json request_json;
  if (!body.empty()) {
    request_json = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (request_json.is_discarded()) return Fail(res, 400, "request body is not JSON");
  }
  try {
    static const std::regex kExpire(R"(/_fake/uploads/([^/]+)/expire)");
    static const std::regex kFault(R"(/_fake/faults/([^/]+))");
    static const std::regex kPart(R"(/_fake/uploads/([^/]+)/parts/([0-9]{1,5}))");
    std::smatch match;
    if (path == "/_fake/health" && method == "GET") {
      return Reply(res, 200, {{"status", "ok"}});
    }
    if (path == "/_fake/callback-public-key" && method == "GET") {
      res.status = 200;
      res.set_content(server_.CallbackPublicKeyPem(), "application/x-pem-file");
      return;
    }
    if (IsUiPath(path)) return ServeUi(server_, method, path, res);
    if (path == "/_fake/reset" && method == "POST") {
      server_.Reset();
      return Reply(res, 200, {{"status", "ok"}});
    }
    if (path == "/_fake/restart" && method == "POST") {
      server_.SimulateRestart();
      return Reply(res, 200, {{"status", "ok"}});
    }
    if (path == "/_fake/clock" && method == "GET") return Reply(res, 200, ClockJson(server_.Now()));
    if (path == "/_fake/clock" && method == "POST") {
      if (request_json.contains("advanceSeconds")) {
        auto seconds = request_json.at("advanceSeconds").get<int64_t>();
        if (seconds < 0 || seconds > kMaxAdvanceSeconds) {
          return Fail(res, 400,
                      "advanceSeconds must be between 0 and " + std::to_string(kMaxAdvanceSeconds));
        }
        if (server_.Now() > kLatestClock - std::chrono::seconds(seconds)) {
          return Fail(
              res, 400,
              "advanceSeconds would move the clock past " + protocol::FormatIso8601(kLatestClock));
        }
        server_.AdvanceClock(std::chrono::seconds(seconds));
      } else if (request_json.contains("set")) {
        auto t = protocol::ParseIso8601(request_json.at("set").get<std::string>());
        if (!t || *t < kEarliestClock || *t > kLatestClock) {
          return Fail(res, 400,
                      "set must be an RFC 3339 UTC time from " +
                          protocol::FormatIso8601(kEarliestClock) + " to " +
                          protocol::FormatIso8601(kLatestClock));
        }
        server_.SetClock(*t);
      } else {
        return Fail(res, 400, "expected advanceSeconds or set");
      }
      return Reply(res, 200, ClockJson(server_.Now()));
    }
    if (path == "/_fake/uploads" && method == "GET") {
      return Reply(res, 200, UploadsJson(server_.ListUploads()));
    }
    if (std::regex_match(path, match, kExpire) && method == "POST") {
      if (!server_.ExpireUpload(match[1].str())) return Fail(res, 404, "no such upload");
      return Reply(res, 200, {{"expired", match[1].str()}});
    }
    if (std::regex_match(path, match, kPart) && method == "POST") {
      if (!request_json.is_object() || !request_json.contains("dataBase64")) {
        return Fail(res, 400, "expected {\"dataBase64\": \"...\"}");
      }
      auto bytes = protocol::Base64Decode(request_json.at("dataBase64").get<std::string>());
      if (!bytes) return Fail(res, 400, "dataBase64 is not base64");
      auto stored = server_.PutPart(
          match[1].str(), std::stoi(match[2].str()),
          std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
      if (!stored.ok()) {
        return Fail(res, stored.error().code == "NoSuchUpload" ? 404 : 400, stored.error().message);
      }
      return Reply(res, 200, {{"uploadId", match[1].str()}, {"partNumber", match[2].str()}});
    }
    if (path == "/_fake/journal" && method == "GET") {
      res.status = 200;
      res.set_content(Journal::ToJson(server_.Journal(), server_.JournalArrivals()),
                      "application/json");
      return;
    }
    if (path == "/_fake/sts" && method == "POST") {
      int64_t seconds =
          request_json.is_object() ? request_json.value("durationSeconds", 3600) : 3600;
      if (seconds <= 0 || seconds > kMaxStsSeconds) {
        return Fail(res, 400,
                    "durationSeconds must be between 1 and " + std::to_string(kMaxStsSeconds));
      }
      auto sts = server_.IssueStsCredential(std::chrono::seconds(seconds));
      return Reply(res, 200,
                   {{"AccessKeyId", sts.credentials.access_key_id},
                    {"AccessKeySecret", sts.credentials.access_key_secret},
                    {"SecurityToken", sts.credentials.security_token},
                    {"Expiration", protocol::FormatIso8601(sts.expiration)}});
    }
    if (path == "/_fake/faults" && method == "POST") {
      auto plan = faults::ParsePlan(body);
      if (!plan.ok()) return Fail(res, 400, plan.error().message);
      if (auto usable = server_.CheckFaultPlan(*plan); !usable.ok()) {
        return Fail(res, 400, usable.error().message);
      }
      return Reply(res, 201, {{"id", server_.AddFaultPlan(std::move(*plan))}});
    }
    if (path == "/_fake/faults" && method == "GET") {
      std::string list = "[";
      for (const auto& accounting : server_.AllFaultAccounting()) {
        if (list.size() > 1) list += ",";
        list += faults::Injector::AccountingToJson(accounting);
      }
      res.status = 200;
      res.set_content("{\"plans\":" + list + "]}", "application/json");
      return;
    }
    if (path == "/_fake/faults" && method == "DELETE") {
      server_.ClearFaultPlans();
      res.status = 204;
      return;
    }
    if (std::regex_match(path, match, kFault)) {
      const std::string id = match[1].str();
      if (method == "GET") {
        auto accounting = server_.FaultAccounting(id);
        if (!accounting) return Fail(res, 404, "no such plan");
        res.status = 200;
        res.set_content(faults::Injector::AccountingToJson(*accounting), "application/json");
        return;
      }
      if (method == "DELETE") {
        if (!server_.RemoveFaultPlan(id)) return Fail(res, 404, "no such plan");
        res.status = 204;
        return;
      }
    }
  } catch (const json::exception& e) {
    return Fail(res, 400, e.what());
  }
  Fail(res, 404, "no such control endpoint");
}

}  // namespace ossup::fake
