// The state an UploadTask handle shares with its worker thread.
#pragma once

#include <optional>

#include "cancel_token.h"
#include "ossup/client/upload_task.h"
#include "ossup/protocol/mutex.h"

namespace ossup::client {

struct UploadTask::State {
  internal::CancelToken cancel;
  protocol::Mutex mu;
  protocol::CondVar cv;
  std::optional<UploadOutcome> outcome OSSUP_GUARDED_BY(mu);  // set once

  void Finish(UploadOutcome result) {
    {
      protocol::MutexLock lock(mu);
      outcome = std::move(result);
    }
    cv.NotifyAll();
  }
};

}  // namespace ossup::client
