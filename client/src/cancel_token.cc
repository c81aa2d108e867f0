#include "cancel_token.h"

#include <vector>

#include "client_error.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {

void CancelToken::Cancel() {
  protocol::MutexLock running(running_mu_);
  std::map<uint64_t, std::function<void()>> callbacks;
  {
    protocol::MutexLock lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    callbacks.swap(callbacks_);
  }
  cv_.NotifyAll();
  for (auto& [id, fn] : callbacks) fn();
}

bool CancelToken::cancelled() const {
  protocol::MutexLock lock(mu_);
  return cancelled_;
}

bool CancelToken::WaitFor(std::chrono::milliseconds duration) const {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  protocol::MutexLock lock(mu_);
  while (!cancelled_) {
    if (!cv_.WaitUntil(mu_, deadline)) break;  // timed out
  }
  return cancelled_;
}

uint64_t CancelToken::Register(std::function<void()> on_cancel) {
  {
    protocol::MutexLock lock(mu_);
    if (!cancelled_) {
      uint64_t id = next_id_++;
      callbacks_.emplace(id, std::move(on_cancel));
      return id;
    }
  }
  on_cancel();
  return 0;
}

void CancelToken::Unregister(uint64_t id) {
  {
    protocol::MutexLock lock(mu_);
    if (callbacks_.erase(id) == 1) return;  // it never ran and now never will
  }
  // Cancel() took it and may be running it right now: wait for Cancel() to finish.
  protocol::MutexLock running(running_mu_);
}

CancelRegistration::CancelRegistration(const CancelToken* token, std::function<void()> on_cancel)
    : token_(const_cast<CancelToken*>(token)) {
  if (token_ != nullptr) id_ = token_->Register(std::move(on_cancel));
}

CancelRegistration::~CancelRegistration() {
  if (token_ != nullptr && id_ != 0) token_->Unregister(id_);
}

protocol::Error CancelledError() {
  return ClientError(protocol::client_codes::kCancelled, "the operation was cancelled");
}

}  // namespace ossup::client::internal
