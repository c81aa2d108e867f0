// The control API (/_fake/...) on arbitrary requests, through Control::Handle against an
// in-process (memory-mode) server that is never started. Input: lines
//   0 "guarded" picks a server that needs the token "fuzz-token", anything else one that needs
//     none   1 method   2 path (decoded, as Control::Serve hands it on)   3 token: "-" = no
//     header, anything else is the X-Fake-Oss-Control-Token value   4.. the body (JSON or not)
// Properties:
//   every answer is 200, 201, 204, 400, 401, 403 or 404; a 4xx is JSON {"error": <string>};
//   a JSON answer parses;
//   without the right token only GET /_fake/health and /_fake/callback-public-key succeed;
//   the virtual clock stays within the range the control API accepts (1970..2200).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "control/control.h"
#include "fuzz_support.h"
#include "ossup/fake/server.h"

namespace {

using nlohmann::json;
using ossup::fuzz::Require;

const std::string kToken = "fuzz-token";

struct Target {
  explicit Target(std::string token)
      : server(Options()), token_storage(std::move(token)), control(server, token_storage) {}
  static ossup::fake::ServerOptions Options() {
    ossup::fake::ServerOptions options;
    options.buckets = {"bkt"};
    options.clock_start = ossup::protocol::ParseIso8601("2026-01-01T00:00:00Z");
    options.journal_capacity = 64;
    return options;
  }
  ossup::fake::Server server;
  std::string token_storage;
  ossup::fake::Control control;
  int served = 0;
};

bool IsOpen(const std::string& method, const std::string& path) {
  return method == "GET" && (path == "/_fake/health" || path == "/_fake/callback-public-key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Target open_target("");
  static Target guarded_target(kToken);
  const ossup::fuzz::Lines lines(ossup::fuzz::AsText(data, size));
  const bool guarded = lines.Field(0) == "guarded";
  Target& target = guarded ? guarded_target : open_target;
  const std::string method(lines.Field(1));
  const std::string path(lines.Field(2));
  std::optional<std::string_view> token;
  if (lines.Field(3) != "-") token = lines.Field(3);
  std::string body;
  for (size_t i = 4; i < lines.size(); ++i) {
    if (i > 4) body += '\n';
    body += lines.Field(i);
  }

  const ossup::fake::Response res = target.control.Handle(method, path, token, body);
  const int status = res.status;
  Require(status == 200 || status == 201 || status == 204 || status == 400 || status == 401 ||
              status == 403 || status == 404,
          "the control API answers 200, 201, 204, 400, 401, 403 or 404");
  const bool is_json = res.get_header_value("Content-Type") == "application/json";
  if (is_json) {
    const json parsed = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    Require(!parsed.is_discarded(), "a JSON answer parses");
    if (status >= 400) {
      Require(parsed.is_object() && parsed.contains("error") && parsed["error"].is_string(),
              "an error answer is {\"error\": <string>}");
    }
  } else if (status >= 400) {
    Require(false, "an error answer is JSON");
  }
  if (guarded && token != kToken && !IsOpen(method, path)) {
    Require(status == 401 || status == 403, "without the token a control is refused");
  }
  const auto now = target.server.Now();
  Require(now >= *ossup::protocol::ParseIso8601("1970-01-01T00:00:00Z") &&
              now <= *ossup::protocol::ParseIso8601("2200-01-01T00:00:00Z"),
          "the virtual clock stays within 1970..2200");
  // Keep the state (fault plans, STS credentials) from growing without bound.
  if (++target.served % 256 == 0) target.server.Reset();
  return 0;
}
