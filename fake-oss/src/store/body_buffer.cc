#include "store/body_buffer.h"

#include <deque>
#include <new>
#include <utility>

#include "ossup/protocol/mutex.h"

namespace ossup::fake {
namespace {

struct Idle {
  char* data;
  size_t capacity;
};

// The idle pooled buffers, oldest first. Never destroyed: buffers may be released by static
// destructors at exit.
class Pool {
 public:
  /// An idle buffer of exactly `capacity` bytes, or nullptr.
  char* Take(size_t capacity) {
    protocol::MutexLock lock(mu_);
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (it->capacity != capacity) continue;
      char* data = it->data;
      idle_bytes_ -= capacity;
      idle_.erase(std::next(it).base());
      return data;
    }
    return nullptr;
  }
  void Give(char* data, size_t capacity) {
    std::deque<Idle> evicted;
    {
      protocol::MutexLock lock(mu_);
      idle_.push_back({data, capacity});
      idle_bytes_ += capacity;
      while (idle_bytes_ > BodyBuffer::kPoolIdleBytes) {
        idle_bytes_ -= idle_.front().capacity;
        evicted.push_back(idle_.front());
        idle_.pop_front();
      }
    }
    for (const Idle& buffer : evicted) ::operator delete(buffer.data);
  }
  size_t idle_bytes() {
    protocol::MutexLock lock(mu_);
    return idle_bytes_;
  }

 private:
  protocol::Mutex mu_;
  std::deque<Idle> idle_ OSSUP_GUARDED_BY(mu_);
  size_t idle_bytes_ OSSUP_GUARDED_BY(mu_) = 0;
};

Pool& ThePool() {
  static Pool* pool = new Pool();
  return *pool;
}

// The capacity a request for `size` bytes gets: whole MiB from kPooledMinBytes up.
size_t ClassOf(size_t size) {
  if (size < BodyBuffer::kPooledMinBytes) return size;
  constexpr size_t kMiB = size_t{1} << 20;
  return (size + kMiB - 1) / kMiB * kMiB;
}

}  // namespace

BodyBuffer BodyBuffer::Take(size_t capacity) {
  const size_t size = ClassOf(capacity);
  if (size == 0) return BodyBuffer();
  if (size >= kPooledMinBytes) {
    if (char* data = ThePool().Take(size)) return BodyBuffer(data, size);
  }
  return BodyBuffer(static_cast<char*>(::operator new(size)), size);
}

BodyBuffer::~BodyBuffer() { Release(); }

BodyBuffer::BodyBuffer(BodyBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}

BodyBuffer& BodyBuffer::operator=(BodyBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void BodyBuffer::Release() {
  if (data_ == nullptr) return;
  if (capacity_ >= kPooledMinBytes) {
    ThePool().Give(data_, capacity_);
  } else {
    ::operator delete(data_);
  }
  data_ = nullptr;
  capacity_ = 0;
}

size_t BodyBuffer::PooledBytes() { return ThePool().idle_bytes(); }

}  // namespace ossup::fake
