// Helpers shared by the fuzz targets: splitting an input into fields, and failing a property.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
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

/// A property failed: report `what` and abort, so libFuzzer keeps the input as a crash.
inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property failed: %s\n", what);
  std::abort();
}

}  // namespace ossup::fuzz
