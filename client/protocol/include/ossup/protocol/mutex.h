// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable with the annotations
// clang's thread-safety analysis needs (libstdc++'s own types carry none), so that
// `-Wthread-safety` (the `clang` preset) checks every OSSUP_GUARDED_BY and OSSUP_REQUIRES.
// Every mutex in ossup is a Mutex, and the data it protects says so with OSSUP_GUARDED_BY:
//
//   Mutex mu_;
//   int count_ OSSUP_GUARDED_BY(mu_) = 0;
//   void Bump() { MutexLock lock(mu_); ++count_; }
//
// CondVar waits take the held Mutex and have no predicate form: the analysis cannot see that a
// predicate lambda runs under the lock, so callers write the loop: `while (!ready_) cv_.Wait(mu_);`
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "ossup/protocol/thread_annotations.h"

namespace ossup::protocol {

class OSSUP_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() OSSUP_ACQUIRE() { mu_.lock(); }
  void Unlock() OSSUP_RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

/// Holds `mu` from construction to the end of the scope. Unlock() and Lock() release it for a
/// while inside the scope (e.g. around I/O).
class OSSUP_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) OSSUP_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() OSSUP_RELEASE() {
    if (held_) mu_.Unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  /// REQUIRES: held (the analysis checks it).
  void Unlock() OSSUP_RELEASE() {
    mu_.Unlock();
    held_ = false;
  }
  /// REQUIRES: released by Unlock() (the analysis checks it).
  void Lock() OSSUP_ACQUIRE() {
    mu_.Lock();
    held_ = true;
  }

 private:
  Mutex& mu_;
  bool held_ = true;
};

class CondVar {
 public:
  /// Releases `mu` until notified, then takes it again. May also return spuriously: wait in a
  /// loop that tests the condition.
  void Wait(Mutex& mu) OSSUP_REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // `mu` stays held: it is the caller's
  }
  /// As Wait(), but returns false once `deadline` has passed.
  template <class Clock, class Duration>
  bool WaitUntil(Mutex& mu, std::chrono::time_point<Clock, Duration> deadline) OSSUP_REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    const bool notified = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return notified;
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace ossup::protocol
