// What the tools print for --version: the project version and the commit they were built from.
#pragma once

#include <string>
#include <string_view>

namespace ossup {

/// The git commit of the source tree at build time: 12 hex digits, "-dirty" appended when
/// tracked files differed from it; "unknown" when built outside a git checkout.
std::string_view BuildCommit();

/// "<program> <version> (commit <commit>)", e.g. "fake-oss 0.1.0 (commit 83ce896a1b2c)".
std::string VersionLine(std::string_view program);

}  // namespace ossup
