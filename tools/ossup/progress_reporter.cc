#include "progress_reporter.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ossup::cli {

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string EtaText(uint64_t bytes_left, double bytes_per_second) {
  if (bytes_per_second <= 0) return "--:--";
  auto left = static_cast<long>(bytes_left / bytes_per_second);
  char text[32];
  std::snprintf(text, sizeof text, "%02ld:%02ld", left / 60, left % 60);
  return text;
}

ProgressReporter::ProgressReporter(bool json, bool tty, std::string label)
    : json_(json), tty_(tty), label_(std::move(label)) {}

void ProgressReporter::Update(uint64_t bytes_sent, uint64_t total_bytes_sent,
                              uint64_t total_bytes_expected) {
  protocol::MutexLock lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (first_total_ == UINT64_MAX) first_total_ = total_bytes_sent - bytes_sent;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double speed = seconds > 0 ? (total_bytes_sent - first_total_) / seconds : 0;
  if (json_) {
    nlohmann::json line = {{"event", "progress"},
                           {"bytes", bytes_sent},
                           {"total_bytes_sent", total_bytes_sent},
                           {"total_bytes_expected", total_bytes_expected},
                           {"bytes_per_second", static_cast<uint64_t>(speed)}};
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
    return;
  }
  if (!tty_) return;
  const bool last = total_bytes_sent == total_bytes_expected;
  if (!last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double fraction =
      total_bytes_expected ? static_cast<double>(total_bytes_sent) / total_bytes_expected : 1.0;
  constexpr int kWidth = 30;
  std::string bar(kWidth, ' ');
  for (int i = 0; i < static_cast<int>(fraction * kWidth); ++i) bar[i] = '#';
  const std::string eta = EtaText(total_bytes_expected - total_bytes_sent, speed);
  std::fprintf(stderr, "\r%s [%s] %5.1f%% %s / %s  %s/s  ETA %s ", label_.c_str(), bar.c_str(),
               fraction * 100, HumanBytes(total_bytes_sent).c_str(),
               HumanBytes(total_bytes_expected).c_str(), HumanBytes(speed).c_str(), eta.c_str());
  drawn_ = true;
}

void ProgressReporter::Finish() {
  protocol::MutexLock lock(mu_);
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace ossup::cli
