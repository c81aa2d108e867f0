#include "ossup/protocol/addressing.h"

#include <arpa/inet.h>

#include <algorithm>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "wire_text.h"

namespace ossup::protocol {
namespace {

using wire_text::AsciiLower;

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Error InvalidEndpoint(std::string_view url, std::string_view why) {
  return MakeError(client_codes::kInvalidRequest,
                   "invalid endpoint \"" + std::string(url) + "\": " + std::string(why));
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (IsUnreserved(byte) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::optional<std::string> UriDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<QueryParams> ParseQueryString(std::string_view text) {
  QueryParams query;
  while (!text.empty()) {
    const size_t end = std::min(text.find('&'), text.size());
    const std::string_view pair = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    auto name = UriDecode(pair.substr(0, equals));
    auto value =
        UriDecode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) return std::nullopt;
    query.emplace_back(std::move(*name), std::move(*value));
  }
  return query;
}

std::string EncodeQueryString(const QueryParams& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += UriEncode(name, false);
    // A bare empty name would vanish: "=" keeps a parameter named "" (ParseQueryString
    // reads "=" and "=v" as one).
    if (!value.empty() || name.empty()) {
      out.push_back('=');
      out += UriEncode(value, false);
    }
  }
  return out;
}

std::string Endpoint::Authority() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string authority = ipv6 ? "[" + host + "]" : host;
  const uint16_t default_port = scheme == "http" ? 80 : 443;
  if (port != default_port) authority += ":" + std::to_string(port);
  return authority;
}

StatusOr<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint endpoint;
  std::string_view rest = url;
  if (const size_t separator = rest.find("://"); separator != std::string_view::npos) {
    endpoint.scheme = AsciiLower(rest.substr(0, separator));
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
      return InvalidEndpoint(url, "scheme must be http or https");
    }
    rest.remove_prefix(separator + 3);
  }
  endpoint.port = endpoint.scheme == "http" ? 80 : 443;

  const size_t path_start = rest.find('/');
  if (path_start != std::string_view::npos) {
    if (rest.substr(path_start) != "/") return InvalidEndpoint(url, "paths are not allowed");
    rest = rest.substr(0, path_start);
  }
  if (rest.find_first_of("@?#") != std::string_view::npos) {
    return InvalidEndpoint(url, "user info, query and fragment are not allowed");
  }

  std::string_view host = rest;
  std::string_view port;
  bool has_port = false;
  const bool bracketed = !rest.empty() && rest.front() == '[';
  if (bracketed) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return InvalidEndpoint(url, "unterminated IPv6 literal");
    host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidEndpoint(url, "junk after IPv6 literal");
      port = after.substr(1);
      has_port = true;
    }
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &address) != 1) {
      return InvalidEndpoint(url, "bad IPv6 literal");
    }
  } else {
    if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      has_port = true;
    }
  }
  endpoint.host = AsciiLower(host);
  if (endpoint.host.empty()) return InvalidEndpoint(url, "empty host");
  if (!bracketed && !std::all_of(endpoint.host.begin(), endpoint.host.end(), IsHostNameChar)) {
    return InvalidEndpoint(url, "bad host name");
  }
  if (has_port) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidEndpoint(url, "bad port");
    }
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) return InvalidEndpoint(url, "port out of range");
    endpoint.port = static_cast<uint16_t>(value);
  }
  return endpoint;
}

std::string RegionOfEndpointHost(std::string_view host) {
  constexpr std::string_view kDomain = ".aliyuncs.com";
  if (host.size() <= kDomain.size() || !host.ends_with(kDomain)) return "";
  host.remove_suffix(kDomain.size());
  // The OSS label is the last one before the domain; a bucket may come first.
  if (auto dot = host.rfind('.'); dot != std::string_view::npos) host.remove_prefix(dot + 1);
  constexpr std::string_view kOss = "oss-";
  if (!host.starts_with(kOss)) return "";
  host.remove_prefix(kOss.size());
  if (host.ends_with("-internal")) host.remove_suffix(std::string_view("-internal").size());
  // Region ids have a dash (cn-hangzhou, ap-southeast-1); "accelerate" and
  // "accelerate-overseas" name no region.
  if (host.find('-') == std::string_view::npos || host.starts_with("accelerate")) return "";
  return std::string(host);
}

bool IsIpOrLocalhost(std::string_view host) {
  if (AsciiLower(host) == "localhost") return true;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string text(host);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

RequestTarget ResolveTarget(const Endpoint& endpoint, AddressingStyle style,
                            std::string_view bucket, std::string_view key) {
  if (bucket.empty()) return {endpoint.Authority(), "/"};
  const bool path_style = style == AddressingStyle::kPath ||
                          (style == AddressingStyle::kAuto && IsIpOrLocalhost(endpoint.host));
  if (path_style) {
    return {endpoint.Authority(), "/" + std::string(bucket) + "/" + UriEncode(key, true)};
  }
  return {std::string(bucket) + "." + endpoint.Authority(), "/" + UriEncode(key, true)};
}

Status ValidateBucketName(std::string_view bucket) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool valid =
      bucket.size() >= 3 && bucket.size() <= 63 && alnum(bucket.front()) && alnum(bucket.back()) &&
      std::all_of(bucket.begin(), bucket.end(), [&](char c) { return alnum(c) || c == '-'; });
  if (valid) return {};
  return MakeError("InvalidBucketName");
}

Status ValidateObjectKey(std::string_view key) {
  const auto invalid = [](std::string_view ec, std::string_view message = {}) {
    Error error = MakeError("InvalidObjectName", message);
    error.ec = std::string(ec);
    return error;
  };
  if (key.empty()) return invalid("0016-00000001", "Object name can not be empty.");
  if (key.size() > limits::kMaxKeyBytes) return invalid("0016-00000002");
  if (!IsValidUtf8(key)) return invalid("0016-00000002", "Object name is not valid UTF-8.");
  if (key.front() == '/' || key.front() == '\\') {
    return invalid("0016-00000005", "Object name can not start with '/' or '\\'.");
  }
  if (key.find('\0') != std::string_view::npos) {
    return invalid("0016-00000002", "Object name can not contain NUL.");
  }
  return {};
}

}  // namespace ossup::protocol
