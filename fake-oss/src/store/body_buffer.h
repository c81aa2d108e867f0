// BodyBuffer: the memory that holds one in-memory body (a part or a simple object), and the
// process-wide pool that recycles it.
//
// Memory the process has never used costs a page fault and a zeroed page for every 4 KiB
// written to it, about a quarter of what hashing the same bytes costs (docs/benchmarks.md).
// So a large buffer that is let go (its part replaced, its upload aborted, its object deleted)
// goes back to a pool, and the next body of the same size class takes it instead of new
// memory. Only buffers of kPooledMinBytes or more are pooled; their capacity is rounded up to a
// whole MiB so that parts of one upload share a class. The pool keeps at most kPoolIdleBytes
// idle (the oldest go first); what it keeps counts in the process's RSS until it is reused.
//
// A BodyBuffer's bytes are not initialised. Thread-safe: buffers may be taken and released on
// any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ossup::fake {

class BodyBuffer {
 public:
  /// Buffers at least this large come from, and go back to, the pool.
  static constexpr size_t kPooledMinBytes = size_t{1} << 20;
  /// The most idle memory the pool keeps.
  static constexpr size_t kPoolIdleBytes = size_t{128} << 20;

  BodyBuffer() = default;
  /// A buffer with room for at least `capacity` bytes.
  static BodyBuffer Take(size_t capacity);
  ~BodyBuffer();
  BodyBuffer(BodyBuffer&& other) noexcept;
  BodyBuffer& operator=(BodyBuffer&& other) noexcept;
  BodyBuffer(const BodyBuffer&) = delete;
  BodyBuffer& operator=(const BodyBuffer&) = delete;

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t capacity() const { return capacity_; }

  /// Idle bytes the pool holds now (for tests and figures).
  static size_t PooledBytes();

 private:
  BodyBuffer(char* data, size_t capacity) : data_(data), capacity_(capacity) {}
  void Release();

  char* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace ossup::fake
