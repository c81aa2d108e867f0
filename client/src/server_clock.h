// The client's idea of the server's time: the local clock plus an offset learned from
// RequestTimeTooSkewed errors (their ServerTime detail). Signatures use Now().
//
// Thread-safety: lock-free; shared by every request of a client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "ossup/protocol/wire.h"

namespace ossup::client::internal {

class ServerClock {
 public:
  protocol::TimePoint Now() const {
    return std::chrono::system_clock::now() +
           std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
  }
  /// The server said its time is `server_time` (now); later Now() calls follow it.
  void Observe(protocol::TimePoint server_time) {
    auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(
        server_time - std::chrono::system_clock::now());
    offset_ms_.store(offset.count(), std::memory_order_relaxed);
  }
  std::chrono::milliseconds offset() const {
    return std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
  }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace ossup::client::internal
