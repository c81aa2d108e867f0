#include "cancel_token.h"

#include <gtest/gtest.h>

#include <thread>

namespace ossup::client::internal {
namespace {

TEST(CancelToken, CallbacksRunOnceAtCancelAndNotAfterUnregister) {
  CancelToken token;
  int a = 0, b = 0;
  auto id_a = token.Register([&] { ++a; });
  token.Register([&] { ++b; });
  token.Unregister(id_a);
  token.Cancel();
  token.Cancel();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
  EXPECT_TRUE(token.cancelled());
}

TEST(CancelToken, RegisteringAfterCancelRunsAtOnce) {
  CancelToken token;
  token.Cancel();
  int ran = 0;
  CancelRegistration guard(&token, [&] { ++ran; });
  EXPECT_EQ(ran, 1);
}

TEST(CancelToken, WaitForWakesOnCancelFromAnotherThread) {
  CancelToken token;
  std::thread t([&] { token.Cancel(); });
  // An hour-long wait that must end because of the cancel.
  EXPECT_TRUE(token.WaitFor(std::chrono::hours(1)));
  t.join();
}

TEST(CancelToken, WaitForTimesOutWhenNotCancelled) {
  CancelToken token;
  EXPECT_FALSE(token.WaitFor(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace ossup::client::internal
