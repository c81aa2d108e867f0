// WorkerPool: the threads request handlers run on, away from the I/O threads, so a handler that
// blocks (fsync, a stall fault, a slow body) holds only its own connection. Threads start on
// demand, up to `max_threads`, and then stay; tasks beyond that wait in FIFO order.
// Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "ossup/protocol/mutex.h"

namespace ossup::fake {

class WorkerPool {
 public:
  explicit WorkerPool(int max_threads);
  ~WorkerPool();  // Join()s
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  /// Runs what is queued, then stops and joins every thread. Later Submits are dropped.
  void Join();

 private:
  void Run();

  const int max_threads_;
  protocol::Mutex mutex_;
  protocol::CondVar ready_;
  std::deque<std::function<void()>> tasks_ OSSUP_GUARDED_BY(mutex_);
  std::vector<std::thread> threads_ OSSUP_GUARDED_BY(mutex_);
  int idle_ OSSUP_GUARDED_BY(mutex_) = 0;
  bool stopping_ OSSUP_GUARDED_BY(mutex_) = false;
};

}  // namespace ossup::fake
