// Cooperative cancellation for one upload: a flag, a wait that wakes on cancel, and hooks that
// abort in-flight I/O (the transport registers one per request to stop its socket).
//
// Thread-safety: all members may be called concurrently. Callbacks run on the thread that
// calls Cancel(), outside the token's lock, and must not call back into the token.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>

#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

class CancelToken {
 public:
  void Cancel();
  bool cancelled() const;
  /// Sleeps for `duration` or until Cancel(); true when cancelled.
  bool WaitFor(std::chrono::milliseconds duration) const;
  /// Runs `on_cancel` at Cancel() (at once if already cancelled). Returns an id for
  /// Unregister().
  uint64_t Register(std::function<void()> on_cancel);
  /// After Unregister() returns, the callback is not running and will not run, so whatever
  /// it touches may be destroyed.
  void Unregister(uint64_t id);

 private:
  /// Held while Cancel() runs the callbacks; Unregister() waits on it.
  protocol::Mutex running_mu_;
  mutable protocol::Mutex mu_;
  mutable protocol::CondVar cv_;
  bool cancelled_ OSSUP_GUARDED_BY(mu_) = false;
  uint64_t next_id_ OSSUP_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::function<void()>> callbacks_ OSSUP_GUARDED_BY(mu_);
};

/// Registers a callback for the lifetime of the guard. `token` may be null.
class CancelRegistration {
 public:
  CancelRegistration(const CancelToken* token, std::function<void()> on_cancel);
  ~CancelRegistration();
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;

 private:
  CancelToken* token_;
  uint64_t id_ = 0;
};

/// The kCancelled error an operation returns when its token was cancelled.
protocol::Error CancelledError();

}  // namespace ossup::client::internal
