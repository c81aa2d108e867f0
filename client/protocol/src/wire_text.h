// ASCII text helpers for wire tokens (header names, schemes, hosts, Authorization fields).
// Locale-independent by design: HTTP tokens are ASCII, and bytes >= 0x80 pass through untouched.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace ossup::protocol::wire_text {

inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return AsciiLower(c); });
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

/// `text` without leading and trailing spaces and tabs.
inline std::string_view TrimSpaces(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace ossup::protocol::wire_text
