#include "journal/journal.h"

namespace ossup::fake {

uint64_t Journal::Admit() {
  protocol::MutexLock lock(mu_);
  return ++arrivals_;
}

uint64_t Journal::Arrivals() const {
  protocol::MutexLock lock(mu_);
  return arrivals_;
}

void Journal::Record(JournalEntry entry) {
  protocol::MutexLock lock(mu_);
  entry.sequence = next_sequence_++;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<JournalEntry> Journal::Entries() const {
  protocol::MutexLock lock(mu_);
  return {entries_.begin(), entries_.end()};
}

void Journal::Clear() {
  protocol::MutexLock lock(mu_);
  entries_.clear();
  next_sequence_ = 1;
  arrivals_ = 0;
}

}  // namespace ossup::fake
