// Helpers shared by the fuzz targets: splitting an input into fields, and failing a property.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ossup::fuzz {

/// The fuzzer's bytes as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// `text` split at every '\n' (no line terminators kept); Field(i) is "" past the end.
class Lines {
 public:
  explicit Lines(std::string_view text) {
    for (;;) {
      const auto newline = text.find('\n');
      lines_.push_back(text.substr(0, newline));
      if (newline == std::string_view::npos) break;
      text.remove_prefix(newline + 1);
    }
  }
  std::string_view Field(size_t i) const { return i < lines_.size() ? lines_[i] : ""; }
  size_t size() const { return lines_.size(); }

 private:
  std::vector<std::string_view> lines_;
};

/// Lines `first` onwards read as "Name: value" header lines (one space after the colon
/// dropped), appended to `headers`; a line without a colon is skipped.
inline void AppendHeaderLines(const Lines& lines, size_t first,
                              std::vector<std::pair<std::string, std::string>>& headers) {
  for (size_t i = first; i < lines.size(); ++i) {
    const std::string_view line = lines.Field(i);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
}

/// A property failed: report `what` and abort, so libFuzzer keeps the input as a crash.
inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property failed: %s\n", what);
  std::abort();
}

}  // namespace ossup::fuzz
