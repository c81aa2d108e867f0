// Where the client gets its access keys: a fixed pair, the process environment, or a provider
// that fetches temporary (STS) credentials and refreshes them during a long upload.
//
// Thread-safety: every provider is called concurrently from upload workers and must be
// thread-safe. The client owns its provider through a shared_ptr.
// Errors: GetCredentials() returns an Error (code InvalidRequest, or whatever the fetch
// returned) when no credentials are available; the operation that needed them fails with it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "ossup/protocol/mutex.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/status.h"

namespace ossup::client {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  /// The credentials to sign the next request with. May block while fetching.
  virtual protocol::StatusOr<protocol::Credentials> GetCredentials() = 0;
  /// The server rejected the current credentials as expired or invalid
  /// (SecurityTokenExpired, InvalidSecurityToken). Returns true when the next
  /// GetCredentials() will fetch new ones, so the rejected request is worth retrying (a
  /// refreshing provider); false when it would return the same ones (static and environment
  /// providers: the error then goes back to the caller at once).
  virtual bool Invalidate() { return false; }
};

/// Always returns `credentials`.
std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(
    protocol::Credentials credentials);

/// Reads OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and (optional) OSS_SESSION_TOKEN on every
/// call, so a rotated environment is picked up. Missing id or secret is an InvalidRequest
/// error naming the variable.
std::shared_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider();

/// Temporary credentials and the moment they stop working.
struct TemporaryCredentials {
  protocol::Credentials credentials;
  /// nullopt = never expires (only refreshed on Invalidate()).
  std::optional<std::chrono::system_clock::time_point> expiration;
};

/// Calls `fetch` (e.g. an STS AssumeRole call) for the first request, whenever the cached
/// credentials are within `refresh_margin` of their expiration, and after Invalidate().
/// Concurrent callers share one fetch. A failed fetch is returned to the caller and retried
/// on the next call.
class RefreshingCredentialsProvider : public CredentialsProvider {
 public:
  using Fetch = std::function<protocol::StatusOr<TemporaryCredentials>()>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit RefreshingCredentialsProvider(
      Fetch fetch, std::chrono::seconds refresh_margin = std::chrono::minutes(5),
      Clock clock = nullptr);

  protocol::StatusOr<protocol::Credentials> GetCredentials() override;
  /// Drops the cached credentials; returns true.
  bool Invalidate() override;
  /// How many times `fetch` has been called (for diagnostics and tests).
  int fetch_count() const;

 private:
  Fetch fetch_;
  std::chrono::seconds refresh_margin_;
  Clock clock_;
  mutable protocol::Mutex mu_;
  std::optional<TemporaryCredentials> cached_ OSSUP_GUARDED_BY(mu_);
  int fetch_count_ OSSUP_GUARDED_BY(mu_) = 0;
};

}  // namespace ossup::client
