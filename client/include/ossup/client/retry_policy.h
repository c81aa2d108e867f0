// How often and how patiently one OSS request is retried.
//
// The retry layer (client/src/retrying_stub.*) is the only code that reads this, sleeps, or
// decides to try again. A request is retried when protocol::IsRetryable() says so (transport
// failures, 5xx, SlowDown, RequestTimeTooSkewed after clock correction), or when the server
// rejected an STS token and the credentials provider can refresh it. Everything else is
// returned at once.
//
// Plain value; copy freely. Each request starts with a fresh budget.
#pragma once

#include <chrono>
#include <cstdint>

namespace ossup::client {

struct RetryPolicy {
  /// Attempts per request, the first included. 1 = never retry.
  int max_attempts = 5;
  /// Delay before the second attempt; doubles each time up to `max_backoff`. The actual
  /// sleep is drawn uniformly from [delay/2, delay] ("equal jitter").
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  /// No new attempt starts once this much time has passed since the first one.
  std::chrono::milliseconds max_elapsed{120000};

  /// A policy that makes exactly one attempt.
  static RetryPolicy NoRetry() {
    RetryPolicy p;
    p.max_attempts = 1;
    return p;
  }
};

/// The un-jittered delay after failed attempt number `attempt` (1-based):
/// min(initial_backoff * 2^(attempt-1), max_backoff).
std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int attempt);

}  // namespace ossup::client
