#include "http/worker_pool.h"

#include <algorithm>

namespace ossup::fake {

WorkerPool::WorkerPool(int max_threads) : max_threads_(std::max(max_threads, 1)) {}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Submit(std::function<void()> task) {
  protocol::MutexLock lock(mutex_);
  if (stopping_) return;
  tasks_.push_back(std::move(task));
  // Idle threads not yet awake still count as idle: each takes one queued task.
  if (static_cast<int>(tasks_.size()) > idle_ && static_cast<int>(threads_.size()) < max_threads_) {
    threads_.emplace_back([this] { Run(); });
  } else {
    ready_.NotifyOne();
  }
}

void WorkerPool::Join() {
  std::vector<std::thread> threads;
  {
    protocol::MutexLock lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  ready_.NotifyAll();
  for (auto& thread : threads) thread.join();
}

void WorkerPool::Run() {
  protocol::MutexLock lock(mutex_);
  while (true) {
    ++idle_;
    while (!stopping_ && tasks_.empty()) ready_.Wait(mutex_);
    --idle_;
    if (tasks_.empty()) return;  // stopping
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.Unlock();
    task();
    lock.Lock();
  }
}

}  // namespace ossup::fake
