#include "event_log.h"

#include <algorithm>
#include <chrono>

namespace ossup::scenarios {

std::string_view ClientEventKindName(ClientEvent::Kind kind) {
  switch (kind) {
    case ClientEvent::Kind::kStepStart:
      return "step-start";
    case ClientEvent::Kind::kProgress:
      return "progress";
    case ClientEvent::Kind::kCheckpointWrite:
      return "checkpoint-write";
    case ClientEvent::Kind::kCancel:
      return "cancel";
    case ClientEvent::Kind::kResume:
      return "resume";
    case ClientEvent::Kind::kStepEnd:
      return "step-end";
    case ClientEvent::Kind::kVerdict:
      return "verdict";
  }
  return "unknown";
}

namespace internal {

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void EventLog::Add(ClientEvent::Kind kind, std::string text) {
  ClientEvent event;
  event.at_us = MonotonicMicros();
  if (const int64_t step = step_.load(); step >= 0 && kind != ClientEvent::Kind::kVerdict) {
    event.step = static_cast<size_t>(step);
  }
  event.kind = kind;
  event.text = std::move(text);
  protocol::MutexLock lock(mu_);
  events_.push_back(std::move(event));
}

std::vector<ClientEvent> EventLog::Events() const {
  protocol::MutexLock lock(mu_);
  std::vector<ClientEvent> events = events_;
  std::stable_sort(events.begin(), events.end(),
                   [](const ClientEvent& a, const ClientEvent& b) { return a.at_us < b.at_us; });
  return events;
}

protocol::Status RecordingStorage::Write(Handle handle, std::string_view data) {
  protocol::Status status = inner_->Write(handle, data);
  log_.Add(ClientEvent::Kind::kCheckpointWrite,
           "checkpoint write, " + std::to_string(data.size()) + " bytes" +
               (status.ok() ? "" : " (failed: " + status.error().ToString() + ")"));
  return status;
}

protocol::Status RecordingStorage::Rename(const std::string& from, const std::string& to) {
  protocol::Status status = inner_->Rename(from, to);
  log_.Add(ClientEvent::Kind::kCheckpointWrite,
           "checkpoint record renamed into place" +
               (status.ok() ? std::string() : " (failed: " + status.error().ToString() + ")"));
  return status;
}

}  // namespace internal
}  // namespace ossup::scenarios
