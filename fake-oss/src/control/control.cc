#include "control/control.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "control/ui_page.h"
#include "journal/json_bytes.h"
#include "ossup/fake/control_codec.h"
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

json ClockJson(protocol::TimePoint now) {
  return {{"now", protocol::FormatIso8601(now)},
          {"epochSeconds",
           std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()}};
}

// One control request: its path's {} segments in order, its body and the server it acts on.
struct Call {
  Server& server;
  const std::vector<std::string>& args;
  const std::string& body;
};
using Endpoint = void (*)(const Call& call, Response& res);

void Ok(Response& res) { Reply(res, 200, {{"status", "ok"}}); }

void Health(const Call&, Response& res) { Ok(res); }

void CallbackPublicKey(const Call& call, Response& res) {
  res.status = 200;
  res.set_content(call.server.CallbackPublicKeyPem(), "application/x-pem-file");
}

void ResetServer(const Call& call, Response& res) {
  call.server.Reset();
  Ok(res);
}

void RestartServer(const Call& call, Response& res) {
  call.server.SimulateRestart();
  Ok(res);
}

void GetClock(const Call& call, Response& res) { Reply(res, 200, ClockJson(call.server.Now())); }

void SetClock(const Call& call, Response& res) {
  auto request = control::DecodeClockRequest(call.body);
  if (!request.ok()) return Fail(res, 400, request.error().message);
  Server& server = call.server;
  if (request->advance_seconds) {
    const int64_t seconds = *request->advance_seconds;
    if (seconds < 0 || seconds > kMaxAdvanceSeconds) {
      return Fail(res, 400,
                  "advanceSeconds must be between 0 and " + std::to_string(kMaxAdvanceSeconds));
    }
    if (server.Now() > kLatestClock - std::chrono::seconds(seconds)) {
      return Fail(
          res, 400,
          "advanceSeconds would move the clock past " + protocol::FormatIso8601(kLatestClock));
    }
    server.AdvanceClock(std::chrono::seconds(seconds));
  } else if (request->set) {
    auto t = protocol::ParseIso8601(*request->set);
    if (!t || *t < kEarliestClock || *t > kLatestClock) {
      return Fail(res, 400,
                  "set must be an RFC 3339 UTC time from " +
                      protocol::FormatIso8601(kEarliestClock) + " to " +
                      protocol::FormatIso8601(kLatestClock));
    }
    server.SetClock(*t);
  } else {
    return Fail(res, 400, "expected advanceSeconds or set");
  }
  Reply(res, 200, ClockJson(server.Now()));
}

void ListUploads(const Call& call, Response& res) {
  res.status = 200;
  res.set_content(control::EncodeUploads(call.server.ListUploads()), "application/json");
}

void ExpireUpload(const Call& call, Response& res) {
  const std::string& id = call.args[0];
  if (!call.server.ExpireUpload(id)) return Fail(res, 404, "no such upload");
  Reply(res, 200, {{"expired", id}});
}

void PutPart(const Call& call, Response& res) {
  const std::string& id = call.args[0];
  const std::string& number = call.args[1];
  if (number.size() > 5 || number.find_first_not_of("0123456789") != std::string::npos) {
    return Fail(res, 404, "no such control endpoint");
  }
  auto bytes = control::DecodePutPartRequest(call.body);
  if (!bytes.ok()) return Fail(res, 400, bytes.error().message);
  auto stored = call.server.PutPart(id, std::stoi(number), *bytes);
  if (!stored.ok()) {
    return Fail(res, stored.error().code == "NoSuchUpload" ? 404 : 400, stored.error().message);
  }
  Reply(res, 200, {{"uploadId", id}, {"partNumber", number}});
}

void GetJournal(const Call& call, Response& res) {
  // Entries before the count: every request is admitted before it is journaled, so a count
  // equal to the last entry's sequence means none was being served when the entries were read.
  auto entries = call.server.Journal();
  const uint64_t arrivals = call.server.JournalArrivals();
  res.status = 200;
  res.set_content(control::EncodeJournal({arrivals, std::move(entries)}), "application/json");
}

void UiPage(const Call& call, Response& res) { ServeUi(call.server, "GET", "/_fake/ui", res); }

void UiBuckets(const Call& call, Response& res) {
  ServeUi(call.server, "GET", "/_fake/ui/buckets", res);
}

void IssueSts(const Call& call, Response& res) {
  auto seconds = control::DecodeStsRequest(call.body);
  if (!seconds.ok()) return Fail(res, 400, seconds.error().message);
  if (*seconds <= 0 || *seconds > kMaxStsSeconds) {
    return Fail(res, 400,
                "durationSeconds must be between 1 and " + std::to_string(kMaxStsSeconds));
  }
  auto sts = call.server.IssueStsCredential(std::chrono::seconds(*seconds));
  Reply(res, 200,
        {{"AccessKeyId", sts.credentials.access_key_id},
         {"AccessKeySecret", sts.credentials.access_key_secret},
         {"SecurityToken", sts.credentials.security_token},
         {"Expiration", protocol::FormatIso8601(sts.expiration)}});
}

void AddFaultPlan(const Call& call, Response& res) {
  auto plan = faults::ParsePlan(call.body);
  if (!plan.ok()) return Fail(res, 400, plan.error().message);
  if (auto usable = call.server.CheckFaultPlan(*plan); !usable.ok()) {
    return Fail(res, 400, usable.error().message);
  }
  res.status = 201;
  res.set_content(control::EncodePlanCreated(call.server.AddFaultPlan(std::move(*plan))),
                  "application/json");
}

void ListFaultPlans(const Call& call, Response& res) {
  std::string list = "[";
  for (const auto& accounting : call.server.AllFaultAccounting()) {
    if (list.size() > 1) list += ",";
    list += faults::Injector::AccountingToJson(accounting);
  }
  res.status = 200;
  res.set_content("{\"plans\":" + list + "]}", "application/json");
}

void ClearFaultPlans(const Call& call, Response& res) {
  call.server.ClearFaultPlans();
  res.status = 204;
}

void GetFaultPlan(const Call& call, Response& res) {
  auto accounting = call.server.FaultAccounting(call.args[0]);
  if (!accounting) return Fail(res, 404, "no such plan");
  res.status = 200;
  res.set_content(faults::Injector::AccountingToJson(*accounting), "application/json");
}

void RemoveFaultPlan(const Call& call, Response& res) {
  if (!call.server.RemoveFaultPlan(call.args[0])) return Fail(res, 404, "no such plan");
  res.status = 204;
}

// Who may call an endpoint when the fake has a control token.
enum class Access {
  kToken,  // only a request carrying the token
  kOpen,   // anyone: liveness, and the public key callback receivers fetch from the URL each
           // callback names
};

// The control API. In a pattern, "{}" is one non-empty path segment, handed on in Call::args.
struct ControlRoute {
  std::string_view method;
  std::string_view pattern;
  Access access;
  Endpoint endpoint;
};
constexpr ControlRoute kRoutes[] = {
    {"GET", "/_fake/health", Access::kOpen, Health},
    {"GET", "/_fake/callback-public-key", Access::kOpen, CallbackPublicKey},
    {"POST", "/_fake/reset", Access::kToken, ResetServer},
    {"POST", "/_fake/restart", Access::kToken, RestartServer},
    {"GET", "/_fake/clock", Access::kToken, GetClock},
    {"POST", "/_fake/clock", Access::kToken, SetClock},
    {"GET", "/_fake/uploads", Access::kToken, ListUploads},
    {"POST", "/_fake/uploads/{}/expire", Access::kToken, ExpireUpload},
    {"POST", "/_fake/uploads/{}/parts/{}", Access::kToken, PutPart},
    {"GET", "/_fake/journal", Access::kToken, GetJournal},
    {"GET", "/_fake/ui", Access::kToken, UiPage},
    {"GET", "/_fake/ui/buckets", Access::kToken, UiBuckets},
    {"POST", "/_fake/sts", Access::kToken, IssueSts},
    {"POST", "/_fake/faults", Access::kToken, AddFaultPlan},
    {"GET", "/_fake/faults", Access::kToken, ListFaultPlans},
    {"DELETE", "/_fake/faults", Access::kToken, ClearFaultPlans},
    {"GET", "/_fake/faults/{}", Access::kToken, GetFaultPlan},
    {"DELETE", "/_fake/faults/{}", Access::kToken, RemoveFaultPlan},
};

// Whether `path` has `pattern`'s shape; its "{}" segments are appended to `args`.
bool MatchPath(std::string_view pattern, std::string_view path, std::vector<std::string>& args) {
  args.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view want = pattern.substr(0, pattern.find('/'));
    const std::string_view got = path.substr(0, path.find('/'));
    if (want == "{}") {
      if (got.empty()) return false;
      args.emplace_back(got);
    } else if (want != got) {
      return false;
    }
    pattern.remove_prefix(want.size());
    path.remove_prefix(got.size());
  }
  return true;
}

bool IsOpenEndpoint(const std::string& method, const std::string& path) {
  std::vector<std::string> args;
  return std::any_of(std::begin(kRoutes), std::end(kRoutes), [&](const ControlRoute& route) {
    return route.access == Access::kOpen && route.method == method &&
           MatchPath(route.pattern, path, args);
  });
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
  if (!body.empty() && json::parse(body, nullptr, /*allow_exceptions=*/false).is_discarded()) {
    return Fail(res, 400, "request body is not JSON");
  }
  std::vector<std::string> args;
  for (const ControlRoute& route : kRoutes) {
    if (route.method == method && MatchPath(route.pattern, path, args)) {
      try {
        return route.endpoint(Call{server_, args, body}, res);
      } catch (const json::exception& e) {
        return Fail(res, 400, e.what());
      }
    }
  }
  Fail(res, 404, "no such control endpoint");
}

}  // namespace ossup::fake
