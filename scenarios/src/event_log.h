// The run's client events (runner.h ClientEvent) as they happen, from the runner's thread and
// the client's callback threads, and a checkpoint-record storage that logs every record write
// into it while it forwards every call unchanged. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ossup/client/record_storage.h"
#include "ossup/protocol/mutex.h"
#include "ossup/scenarios/runner.h"

namespace ossup::scenarios::internal {

/// Now on ClientEvent::at_us's clock (steady_clock microseconds).
int64_t MonotonicMicros();

class EventLog {
 public:
  /// The step later events without an explicit step belong to.
  void SetStep(std::optional<size_t> step) { step_ = step ? static_cast<int64_t>(*step) : -1; }
  void Add(ClientEvent::Kind kind, std::string text);
  /// Every event so far, in time order.
  std::vector<ClientEvent> Events() const;

 private:
  mutable protocol::Mutex mu_;
  std::atomic<int64_t> step_{-1};
  std::vector<ClientEvent> events_ OSSUP_GUARDED_BY(mu_);
};

/// Forwards to `inner`; each Write and Rename also becomes a kCheckpointWrite event.
class RecordingStorage final : public client::RecordStorage {
 public:
  RecordingStorage(std::shared_ptr<client::RecordStorage> inner, EventLog& log)
      : inner_(std::move(inner)), log_(log) {}
  protocol::StatusOr<Handle> Create(const std::string& path) override {
    return inner_->Create(path);
  }
  protocol::StatusOr<Handle> OpenForAppend(const std::string& path) override {
    return inner_->OpenForAppend(path);
  }
  protocol::Status Write(Handle handle, std::string_view data) override;
  protocol::Status Sync(Handle handle) override { return inner_->Sync(handle); }
  void Close(Handle handle) override { inner_->Close(handle); }
  protocol::StatusOr<bool> Linked(Handle handle) override { return inner_->Linked(handle); }
  protocol::Status Rename(const std::string& from, const std::string& to) override;
  protocol::Status SyncDirectory(const std::string& directory) override {
    return inner_->SyncDirectory(directory);
  }
  void Remove(const std::string& path) override { inner_->Remove(path); }

 private:
  std::shared_ptr<client::RecordStorage> inner_;
  EventLog& log_;
};

}  // namespace ossup::scenarios::internal
