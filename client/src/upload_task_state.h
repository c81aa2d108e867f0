// The state an UploadTask handle shares with its worker thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>

#include "cancel_token.h"
#include "ossup/client/upload_task.h"

namespace ossup::client {

struct UploadTask::State {
  internal::CancelToken cancel;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<UploadOutcome> outcome;  // set once, under mu

  void Finish(UploadOutcome result) {
    {
      std::lock_guard lock(mu);
      outcome = std::move(result);
    }
    cv.notify_all();
  }
};

}  // namespace ossup::client
