#include "ossup/client/retry_policy.h"

#include <gtest/gtest.h>

#include "retrying_stub.h"

namespace ossup::client::internal {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, BackoffDoublesUpToTheCap) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  EXPECT_EQ(BackoffCeiling(p, 1), milliseconds(100));
  EXPECT_EQ(BackoffCeiling(p, 2), milliseconds(200));
  EXPECT_EQ(BackoffCeiling(p, 4), milliseconds(800));
  EXPECT_EQ(BackoffCeiling(p, 5), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling(p, 60), milliseconds(1000));
}

TEST(RetryPolicy, JitterStaysBetweenHalfAndFullCeiling) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  bool saw_below_ceiling = false;
  for (int i = 0; i < 200; ++i) {
    auto d = JitteredBackoff(p, 3);
    EXPECT_GE(d, milliseconds(200));
    EXPECT_LE(d, milliseconds(400));
    if (d < milliseconds(400)) saw_below_ceiling = true;
  }
  EXPECT_TRUE(saw_below_ceiling);
}

TEST(RetryPolicy, NoRetryMakesOneAttempt) { EXPECT_EQ(RetryPolicy::NoRetry().max_attempts, 1); }

}  // namespace
}  // namespace ossup::client::internal
