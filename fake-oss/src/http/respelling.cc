#include "http/respelling.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>

#include "ossup/protocol/addressing.h"

namespace ossup::fake {
namespace {

// Go's url.QueryEscape: UriEncode without keeping '/', but a space is '+'.
std::string QueryEscape(std::string_view text) {
  std::string encoded = protocol::UriEncode(text, /*keep_slash=*/false);
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      out += '+';
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

constexpr char kHex[] = "0123456789ABCDEF";

std::string PercentEncoded(uint8_t byte) { return {'%', kHex[byte >> 4], kHex[byte & 15]}; }

// Only what cannot appear raw in a header: bytes >= 0x80 (and '%', which decoding consumed).
std::string EncodeNonAscii(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<uint8_t>(c);
    out += byte >= 0x80 || c == '%' ? PercentEncoded(byte) : std::string(1, c);
  }
  return out;
}

// JavaScript's encodeURIComponent: also keeps ! ' ( ) *.
std::string EncodeUriComponent(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      std::string_view("-_.!~*'()").find(c) != std::string_view::npos;
    out += keep ? std::string(1, c) : PercentEncoded(static_cast<uint8_t>(c));
  }
  return out;
}

bool MayHaveBeenDecoded(std::string_view value) {
  return std::any_of(value.begin(), value.end(),
                     [](char c) { return c == '%' || static_cast<uint8_t>(c) >= 0x80; });
}

bool IsUserMeta(std::string_view name) {
  constexpr std::string_view kPrefix = "x-oss-meta-";
  return name.size() > kPrefix.size() &&
         std::equal(kPrefix.begin(), kPrefix.end(), name.begin(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

// `request` with each decodable x-oss-meta-* value re-encoded by each encoder in turn; empty
// when no value qualifies.
std::vector<protocol::WireRequest> RespelledMeta(const protocol::WireRequest& request) {
  using Encoder = std::string (*)(std::string_view);
  constexpr Encoder kEncoders[] = {EncodeNonAscii,
                                   [](std::string_view t) { return protocol::UriEncode(t, false); },
                                   EncodeUriComponent};
  std::vector<protocol::WireRequest> out;
  for (Encoder encode : kEncoders) {
    protocol::WireRequest candidate = request;
    bool changed = false;
    for (auto& [name, value] : candidate.headers) {
      if (!IsUserMeta(name) || !MayHaveBeenDecoded(value)) continue;
      std::string encoded = encode(value);
      changed |= encoded != value;
      value = std::move(encoded);
    }
    if (changed) out.push_back(std::move(candidate));
  }
  return out;
}

}  // namespace

std::vector<std::string> CopySourceSpellings(std::string_view decoded) {
  std::vector<std::pair<std::string_view, std::string_view>> splits{{decoded, ""}};
  if (auto at = decoded.rfind("?versionId="); at != std::string_view::npos) {
    splits.emplace_back(decoded.substr(0, at), decoded.substr(at));
  }
  std::vector<std::string> spellings;
  for (const auto& [path, suffix] : splits) {
    const size_t slash = path.size() > 1 && path[0] == '/' ? path.find('/', 1) : path.npos;
    if (slash == std::string_view::npos) continue;
    const std::string bucket(path.substr(0, slash + 1));
    const std::string_view key = path.substr(slash + 1);
    for (const std::string& encoded :
         {protocol::UriEncode(key, /*keep_slash=*/false),
          protocol::UriEncode(key, /*keep_slash=*/true), QueryEscape(key)}) {
      std::string spelling = bucket + encoded + std::string(suffix);
      if (spelling != decoded &&
          std::find(spellings.begin(), spellings.end(), spelling) == spellings.end()) {
        spellings.push_back(std::move(spelling));
      }
    }
  }
  return spellings;
}

std::vector<protocol::WireRequest> RespelledRequests(const protocol::WireRequest& request) {
  std::vector<protocol::WireRequest> copies{request};
  if (auto source = protocol::FindHeader(request.headers, "x-oss-copy-source")) {
    for (const std::string& spelling : CopySourceSpellings(*source)) {
      protocol::WireRequest candidate = request;
      protocol::SetHeader(candidate.headers, "x-oss-copy-source", spelling);
      copies.push_back(std::move(candidate));
    }
  }
  std::vector<protocol::WireRequest> out;
  for (size_t i = 0; i < copies.size(); ++i) {
    if (i > 0) out.push_back(copies[i]);
    for (auto& respelled : RespelledMeta(copies[i])) out.push_back(std::move(respelled));
  }
  return out;
}

}  // namespace ossup::fake
