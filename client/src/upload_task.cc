#include "ossup/client/upload_task.h"

#include "upload_task_state.h"

namespace ossup::client {

UploadTask::UploadTask(std::shared_ptr<State> state) : state_(std::move(state)) {}

void UploadTask::Cancel() { state_->cancel.Cancel(); }

const UploadOutcome& UploadTask::Wait() {
  protocol::MutexLock lock(state_->mu);
  while (!state_->outcome) state_->cv.Wait(state_->mu);
  return *state_->outcome;
}

bool UploadTask::WaitFor(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  protocol::MutexLock lock(state_->mu);
  while (!state_->outcome) {
    if (!state_->cv.WaitUntil(state_->mu, deadline)) break;  // timed out
  }
  return state_->outcome.has_value();
}

bool UploadTask::Done() const {
  protocol::MutexLock lock(state_->mu);
  return state_->outcome.has_value();
}

}  // namespace ossup::client
