#include "build_info.h"

#include "ossup/protocol/version.h"

namespace ossup {

std::string VersionLine(std::string_view program) {
  return std::string(program) + " " + std::string(kVersion) + " (commit " +
         std::string(BuildCommit()) + ")";
}

}  // namespace ossup
