#include "ossup/client/upload_task.h"

#include "upload_task_state.h"

namespace ossup::client {

UploadTask::UploadTask(std::shared_ptr<State> state) : state_(std::move(state)) {}

void UploadTask::Cancel() { state_->cancel.Cancel(); }

const UploadOutcome& UploadTask::Wait() {
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [this] { return state_->outcome.has_value(); });
  return *state_->outcome;
}

bool UploadTask::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [this] { return state_->outcome.has_value(); });
}

bool UploadTask::Done() const {
  std::lock_guard lock(state_->mu);
  return state_->outcome.has_value();
}

}  // namespace ossup::client
