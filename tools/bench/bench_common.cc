#include "bench_common.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ossup::bench {

std::optional<uint64_t> ParseSize(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  static const std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}};
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) return value * scale;
  }
  return std::nullopt;
}

double SelfCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

namespace {

// The fields of /proc/PID/stat after the command name, which is in parentheses and may hold
// spaces. Field 3 of the file ("state") is element 0.
std::optional<std::vector<std::string>> StatFields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

}  // namespace

std::optional<double> ProcessCpuSeconds(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  auto fields = StatFields(pid);
  if (!fields || fields->size() < 13) return std::nullopt;
  // utime and stime are fields 14 and 15 of the file.
  double ticks = std::stod((*fields)[11]) + std::stod((*fields)[12]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

uint64_t GroupRssBytes(pid_t pgid) {
  uint64_t total = 0;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  while (dirent* entry = ::readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    pid_t pid = std::atoi(entry->d_name);
    auto fields = StatFields(pid);
    // pgrp is field 5 of the file, rss (in pages) field 24.
    if (!fields || fields->size() < 22 || std::stol((*fields)[2]) != pgid) continue;
    total += std::stoull((*fields)[21]) * page;
  }
  ::closedir(proc);
  return total;
}

void FillRandom(char* data, size_t size, uint64_t seed) {
  uint64_t x = seed | 1;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::memcpy(data + i, &x, 8);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(x >> (8 * (i % 8)));
}

double Median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t mid = samples.size() / 2;
  return samples.size() % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
}

}  // namespace ossup::bench
