#include "ossup/client/retry_policy.h"

#include <algorithm>

namespace ossup::client {

std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int attempt) {
  auto delay = policy.initial_backoff;
  for (int i = 1; i < attempt && delay < policy.max_backoff; ++i) delay *= 2;
  return std::min(delay, policy.max_backoff);
}

}  // namespace ossup::client
