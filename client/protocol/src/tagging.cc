#include "ossup/protocol/tagging.h"

#include <set>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/wire.h"

namespace ossup::protocol {
namespace {

Error InvalidTag(std::string_view message, std::string_view ec) {
  Error error = MakeError("InvalidArgument", std::string(message));
  error.ec = std::string(ec);
  return error;
}

// ASCII: letters, digits, space and + - = . _ : / only. Other characters (letters of other
// scripts) are allowed as UTF-8.
bool AllTagCharacters(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) continue;
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view(" +-=._:/").find(c) != std::string_view::npos;
    if (!allowed) return false;
  }
  return true;
}

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t CharacterCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

Status ValidateObjectTags(const Tagging& tagging) {
  if (tagging.tags.size() > kMaxObjectTags) {
    return InvalidTag("Object tags cannot be greater than 10", "0010-00000217");
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tagging.tags) {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return InvalidTag("The tag is not encoded in UTF-8", "0010-00000216");
    }
    if (key.empty() || CharacterCount(key) > 128) {
      return InvalidTag("The tag key must be 1 to 128 characters long", "0010-00000209");
    }
    if (CharacterCount(value) > 256) {
      return InvalidTag("The tag value must be at most 256 characters long", "0010-00000214");
    }
    if (!AllTagCharacters(key) || !AllTagCharacters(value)) {
      return InvalidTag("The tag contains a character that is not allowed", "0010-00000217");
    }
    if (!keys.insert(key).second) {
      return InvalidTag("Duplicate tag keys are not allowed", "0010-00000217");
    }
  }
  return {};
}

StatusOr<Tagging> ParseTaggingHeader(std::string_view header) {
  Tagging tagging;
  auto invalid = [] {
    return InvalidTag("x-oss-tagging must be key1=value1&key2=value2", "0010-00000219");
  };
  while (!header.empty()) {
    const size_t amp = header.find('&');
    std::string_view pair = header.substr(0, amp);
    header = amp == std::string_view::npos ? std::string_view() : header.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.find('=', eq + 1) != std::string_view::npos) {
      return invalid();
    }
    auto key = UriDecode(pair.substr(0, eq));
    auto value = UriDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value || key->empty()) return invalid();
    tagging.tags.emplace_back(std::move(*key), std::move(*value));
  }
  if (auto s = ValidateObjectTags(tagging); !s.ok()) return s.error();
  return tagging;
}

std::string FormatTaggingHeader(const Tagging& tagging) {
  std::string out;
  for (const auto& [key, value] : tagging.tags) {
    if (!out.empty()) out += '&';
    out += UriEncode(key, /*keep_slash=*/false) + "=" + UriEncode(value, /*keep_slash=*/false);
  }
  return out;
}

}  // namespace ossup::protocol
