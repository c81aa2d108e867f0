#include "http/worker_pool.h"

#include <algorithm>

namespace ossup::fake {

WorkerPool::WorkerPool(int max_threads) : max_threads_(std::max(max_threads, 1)) {}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Submit(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  tasks_.push_back(std::move(task));
  // Idle threads not yet awake still count as idle: each takes one queued task.
  if (static_cast<int>(tasks_.size()) > idle_ && static_cast<int>(threads_.size()) < max_threads_) {
    threads_.emplace_back([this] { Run(); });
  } else {
    ready_.notify_one();
  }
}

void WorkerPool::Join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  for (auto& thread : threads) thread.join();
}

void WorkerPool::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;  // stopping
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace ossup::fake
