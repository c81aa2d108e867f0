#include "store/body_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace ossup::fake {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// Large buffers are rounded up to whole MiB; a released one is what the next request of its
// class gets, so its memory is not new to the process.
TEST(BodyBufferTest, ReleasedLargeBufferIsTakenAgainForItsClass) {
  BodyBuffer first = BodyBuffer::Take(5 * kMiB + 1);
  EXPECT_EQ(first.capacity(), 6 * kMiB);
  const char* memory = first.data();
  first = BodyBuffer();
  BodyBuffer other_class = BodyBuffer::Take(2 * kMiB);
  EXPECT_NE(other_class.data(), memory);
  BodyBuffer again = BodyBuffer::Take(6 * kMiB);
  EXPECT_EQ(again.data(), memory);
  EXPECT_EQ(again.capacity(), 6 * kMiB);
}

// Small buffers are exactly their size and never pooled.
TEST(BodyBufferTest, SmallBuffersAreNotPooled) {
  const size_t before = BodyBuffer::PooledBytes();
  {
    BodyBuffer small = BodyBuffer::Take(1000);
    EXPECT_EQ(small.capacity(), 1000u);
  }
  EXPECT_EQ(BodyBuffer::PooledBytes(), before);
  EXPECT_EQ(BodyBuffer::Take(0).data(), nullptr);
}

// However much is released, the pool keeps at most kPoolIdleBytes idle.
TEST(BodyBufferTest, PoolKeepsAtMostItsIdleLimit) {
  std::vector<BodyBuffer> held;
  for (size_t total = 0; total <= 2 * BodyBuffer::kPoolIdleBytes; total += 32 * kMiB) {
    held.push_back(BodyBuffer::Take(32 * kMiB));
  }
  held.clear();
  EXPECT_LE(BodyBuffer::PooledBytes(), BodyBuffer::kPoolIdleBytes);
  EXPECT_GE(BodyBuffer::PooledBytes(), BodyBuffer::kPoolIdleBytes - 32 * kMiB);
}

// A moved-from buffer owns nothing; the moved-to one releases it once.
TEST(BodyBufferTest, MoveTransfersOwnership) {
  BodyBuffer a = BodyBuffer::Take(4096);
  char* memory = a.data();
  BodyBuffer b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(a.capacity(), 0u);
  EXPECT_EQ(b.data(), memory);
  a = std::move(b);
  EXPECT_EQ(a.data(), memory);
}

}  // namespace
}  // namespace ossup::fake
