#include <cctype>
#include <charconv>
#include <string>

#include "ossup/client/client.h"

namespace ossup::client {

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string unit;
  for (const char* p = end; p != text.data() + text.size(); ++p) {
    unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*p))));
  }
  uint64_t multiplier;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    multiplier = 1ull << 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    multiplier = 1ull << 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    multiplier = 1ull << 30;
  } else {
    return std::nullopt;
  }
  if (value > UINT64_MAX / multiplier) return std::nullopt;
  return value * multiplier;
}

}  // namespace ossup::client
