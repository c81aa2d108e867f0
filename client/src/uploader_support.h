// Helpers shared by the ResumableUploader's source files.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "client_error.h"
#include "ossup/client/upload_request.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// Marks an error that only asks Run() to start over (LostUploadPolicy::kRestart).
inline constexpr std::string_view kRestartMarker = "ossup-internal-restart";

/// Runs `worker` on min(`parallelism`, `items`) threads, the calling thread being one of them,
/// and returns once every copy has returned. Runs nothing when `items` is 0.
inline void RunWorkers(int parallelism, size_t items, const std::function<void()>& worker) {
  const size_t threads = std::min<size_t>(parallelism, items);
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
}

/// The first failure that RunWorkers' workers report. Thread-safe.
class FirstError {
 public:
  /// Keeps `status` when it is the first failure.
  void Report(const protocol::Status& status) {
    protocol::MutexLock lock(mu_);
    if (first_.ok()) first_ = status;
  }
  /// OK when nothing failed.
  protocol::Status Get() const {
    protocol::MutexLock lock(mu_);
    return first_;
  }

 private:
  mutable protocol::Mutex mu_;
  protocol::Status first_ OSSUP_GUARDED_BY(mu_);
};

inline std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace ossup::client::internal
