// ossup's exit codes (documented in tools/ossup/README.md).
#pragma once

namespace ossup::cli {

inline constexpr int kExitOk = 0;
/// A failure; for `cp -r`: at least one file did not make it (they are listed).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
/// The recorded upload is gone on the server (its stale checkpoint was removed, so running
/// the same command again starts afresh); for `cp -r`: every failed file failed so.
inline constexpr int kExitCannotResume = 3;
inline constexpr int kExitInterrupted = 130;

}  // namespace ossup::cli
