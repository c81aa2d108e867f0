// Helpers shared by the ossup-bench subcommands: sizes, clocks, CPU time, test bytes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ossup::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// "64MiB", "512KiB", "1GiB", "1048576": bytes; nullopt when malformed.
std::optional<uint64_t> ParseSize(std::string_view text);

/// User + system CPU seconds of this process so far (all its threads).
double SelfCpuSeconds();

/// User + system CPU seconds a process has used so far, from /proc/PID/stat; nullopt when the
/// process is gone (or pid is 0).
std::optional<double> ProcessCpuSeconds(pid_t pid);

/// Resident set size, in bytes, summed over every live process in process group `pgid`
/// (a server and any children it started).
uint64_t GroupRssBytes(pid_t pgid);

/// Deterministic incompressible bytes (xorshift64), the same for the same seed.
void FillRandom(char* data, size_t size, uint64_t seed);

/// Median of the samples (the mean of the middle two for an even count); 0 for none.
double Median(std::vector<double> samples);

}  // namespace ossup::bench
