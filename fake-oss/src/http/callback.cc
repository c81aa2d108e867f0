#include "http/callback.h"

#include <nlohmann/json.hpp>

#include "http/outbound.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/xml.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

using nlohmann::json;

constexpr auto kCallbackTimeout = std::chrono::seconds(5);

protocol::Error NotJson() {
  return errors::InvalidArgument("The callback configuration is not json format.", "callback",
                                 "invalid");
}

std::optional<json> DecodeJsonHeader(std::string_view value) {
  auto bytes = protocol::Base64Decode(value);
  if (!bytes) return std::nullopt;
  json j = json::parse(bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

/// `path` as an HTTP request target: bytes that cannot appear in one (controls, space,
/// non-ASCII, '"') are percent-encoded; everything else, '%' included, is kept.
std::string RequestTarget(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7F || c == '"') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Render(const CallbackConfig& config, const StoredObject& object) {
  const bool as_json = config.body_type == "application/json";
  auto value_of = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "bucket") return object.bucket;
    if (name == "object") return object.key;
    if (name == "etag") return protocol::NormalizeETag(object.etag);
    if (name == "size") return std::to_string(object.size);
    if (name == "mimeType") return object.meta.content_type;
    if (name == "crc64") return protocol::Crc64ToString(object.crc64);
    if (name.rfind("imageInfo.", 0) == 0) return std::string();
    for (const auto& [var, value] : config.variables) {
      if (var == name) return value;
    }
    return std::nullopt;
  };
  std::string out;
  const std::string& t = config.body_template;
  for (size_t i = 0; i < t.size();) {
    if (t.compare(i, 2, "${") == 0) {
      auto close = t.find('}', i + 2);
      if (close != std::string::npos) {
        std::string name = t.substr(i + 2, close - i - 2);
        if (auto value = value_of(name)) {
          if (as_json) {
            out += name == "size" ? *value : json(*value).dump();
          } else {
            out += protocol::UriEncode(*value, /*keep_slash=*/false);
          }
          i = close + 1;
          continue;
        }
      }
    }
    out += t[i++];
  }
  return out;
}

}  // namespace

protocol::StatusOr<std::optional<CallbackConfig>> ParseCallback(const Exchange& ex) {
  auto header = ex.Header("x-oss-callback");
  if (!header) return std::optional<CallbackConfig>();
  auto j = DecodeJsonHeader(*header);
  if (!j || !j->contains("callbackUrl") || !j->contains("callbackBody")) return NotJson();
  CallbackConfig config;
  try {
    std::string urls = j->at("callbackUrl").get<std::string>();
    for (size_t start = 0; start <= urls.size();) {
      auto end = urls.find(';', start);
      if (end == std::string::npos) end = urls.size();
      // OSS wants callbackUrl URL-encoded (path and query percent-encoded; ali-oss applies
      // encodeURI): such a URL is kept as sent. A wholly encoded one ("http%3A%2F%2F...") is
      // decoded first.
      std::string url = urls.substr(start, end - start);
      if (url.find("://") == std::string::npos) url = protocol::UriDecode(url).value_or("");
      if (!url.empty()) config.urls.push_back(std::move(url));
      start = end + 1;
    }
    config.body_template = j->at("callbackBody").get<std::string>();
    config.host = j->value("callbackHost", "");
    config.body_type = j->value("callbackBodyType", config.body_type);
    if (auto vars = ex.Header("x-oss-callback-var")) {
      auto v = DecodeJsonHeader(*vars);
      if (!v) return NotJson();
      for (const auto& [name, value] : v->items()) {
        config.variables.emplace_back(name, value.get<std::string>());
      }
    }
  } catch (const json::exception&) {
    return NotJson();
  }
  if (config.urls.empty()) return NotJson();
  return std::optional<CallbackConfig>(std::move(config));
}

void RunCallback(Exchange& ex, const CallbackConfig& config, const StoredObject& object) {
  std::string body = Render(config, object);
  // The key URL names the address this request reached, so the callback server can fetch it.
  const std::string& address = ex.req.local_addr;
  const std::string key_url =
      std::string(ex.ctx.options.tls ? "https" : "http") + "://" +
      (address.find(':') == std::string::npos ? address : "[" + address + "]") + ":" +
      std::to_string(ex.req.local_port) + "/_fake/callback-public-key";
  int last_status = 0;
  for (const auto& url : config.urls) {
    std::string target = url.find("://") == std::string::npos ? "http://" + url : url;
    auto path_start = target.find('/', target.find("://") + 3);
    std::string origin = target.substr(0, path_start);
    std::string path =
        path_start == std::string::npos ? "/" : RequestTarget(target.substr(path_start));
    HeaderFields headers;
    if (!config.host.empty()) headers.emplace_back("Host", config.host);
    headers.emplace_back("authorization",
                         ex.ctx.callback_key.SignBase64(CallbackKey::SignedContent(path, body)));
    headers.emplace_back("x-oss-pub-key-url", protocol::Base64Encode(key_url));
    // `path` is signed exactly as it goes out.
    auto result = Post(origin, path, headers, body, config.body_type, kCallbackTimeout);
    last_status = result.status;
    if (result.status == 200) {
      ex.res.status = 200;
      ex.res.set_content(std::move(result.body), "application/json");
      return;
    }
  }
  auto e = errors::Oss("CallbackFailed");
  e.http_status = 203;
  e.message = last_status == 0 ? "Error status : -1. Callback server unreachable."
                               : "Error status : " + std::to_string(last_status) + ".";
  e.ec = "0007-00000203";
  e.request_id = ex.request_id;
  e.host_id = ex.req.get_header_value("Host");
  ex.SetXml(203, protocol::EncodeXml(e));
  ex.entry.error_code = e.code;
}

}  // namespace ossup::fake
