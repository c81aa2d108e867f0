// Journal: the most recent requests the fake served, with any fault injected into them.
// A bounded ring (oldest dropped first). Thread-safe.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/mutex.h"

namespace ossup::fake {

class Journal {
 public:
  explicit Journal(size_t capacity) : capacity_(capacity) {}
  /// Numbers a request as it arrives (JournalEntry::arrival).
  uint64_t Admit();
  /// The number given by the latest Admit().
  uint64_t Arrivals() const;
  /// Assigns the sequence number and appends.
  void Record(JournalEntry entry);
  std::vector<JournalEntry> Entries() const;
  void Clear();

 private:
  const size_t capacity_;
  mutable protocol::Mutex mu_;
  uint64_t next_sequence_ OSSUP_GUARDED_BY(mu_) = 1;
  uint64_t arrivals_ OSSUP_GUARDED_BY(mu_) = 0;
  std::deque<JournalEntry> entries_ OSSUP_GUARDED_BY(mu_);
};

}  // namespace ossup::fake
