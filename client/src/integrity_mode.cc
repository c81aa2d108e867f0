#include <algorithm>

#include "ossup/client/upload_request.h"

namespace ossup::client {

std::string_view IntegrityModeName(IntegrityMode mode) {
  switch (mode) {
    case IntegrityMode::kCrc64:
      return "crc64";
    case IntegrityMode::kMd5AndCrc64:
      return "md5+crc64";
    case IntegrityMode::kNone:
      return "none";
  }
  return "crc64";
}

const std::vector<IntegrityMode>& AllIntegrityModes() {
  static const std::vector<IntegrityMode> kAll = {
      IntegrityMode::kCrc64, IntegrityMode::kMd5AndCrc64, IntegrityMode::kNone};
  return kAll;
}

std::optional<IntegrityMode> ParseIntegrityMode(std::string_view name) {
  const auto& all = AllIntegrityModes();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](IntegrityMode m) { return IntegrityModeName(m) == name; });
  if (it == all.end()) return std::nullopt;
  return *it;
}

}  // namespace ossup::client
