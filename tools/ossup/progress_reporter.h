// Prints upload progress: a redrawn bar with speed and ETA on a terminal (stderr), or one
// JSON line per update on stdout with --json. Thread-safe: the upload calls Update() from
// its worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ossup/protocol/mutex.h"

namespace ossup::cli {

class ProgressReporter {
 public:
  ProgressReporter(bool json, bool tty, std::string label);
  void Update(uint64_t bytes_sent, uint64_t total_bytes_sent, uint64_t total_bytes_expected);
  /// Ends the bar's line (terminal mode).
  void Finish();

 private:
  const bool json_;
  const bool tty_;
  const std::string label_;
  protocol::Mutex mu_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_ OSSUP_GUARDED_BY(mu_) = {};
  // Bytes already on the server when progress began.
  uint64_t first_total_ OSSUP_GUARDED_BY(mu_) = UINT64_MAX;
  bool drawn_ OSSUP_GUARDED_BY(mu_) = false;
};

/// "12.3 MiB".
std::string HumanBytes(double bytes);
/// "MM:SS" left at `bytes_per_second`; "--:--" while the rate is unknown (0).
std::string EtaText(uint64_t bytes_left, double bytes_per_second);

}  // namespace ossup::cli
