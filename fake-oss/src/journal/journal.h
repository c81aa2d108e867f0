// Journal: the most recent requests the fake served, with any fault injected into them.
// A bounded ring (oldest dropped first). Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "ossup/fake/server.h"

namespace ossup::fake {

class Journal {
 public:
  explicit Journal(size_t capacity) : capacity_(capacity) {}
  /// Assigns the sequence number and appends.
  void Record(JournalEntry entry);
  std::vector<JournalEntry> Entries() const;
  void Clear();
  /// {"entries": [{"sequence", "requestId", "method", "operation", ..., "fault": {...}}]}
  static std::string ToJson(const std::vector<JournalEntry>& entries);

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t next_sequence_ = 1;
  std::deque<JournalEntry> entries_;
};

}  // namespace ossup::fake
