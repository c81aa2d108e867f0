#include "ossup/fake/clock.h"

namespace ossup::fake {

VirtualClock::VirtualClock(std::optional<protocol::TimePoint> start, bool follows_real_time)
    : follows_real_time_(follows_real_time) {
  auto real = std::chrono::system_clock::now();
  frozen_ = start.value_or(real);
  offset_ = frozen_ - real;
}

protocol::TimePoint VirtualClock::Now() const {
  protocol::MutexLock lock(mu_);
  const protocol::TimePoint now =
      follows_real_time_ ? std::chrono::system_clock::now() + offset_ : frozen_;
  return std::chrono::floor<std::chrono::seconds>(now);
}

void VirtualClock::Advance(std::chrono::seconds delta) {
  protocol::MutexLock lock(mu_);
  frozen_ += delta;
  offset_ += delta;
}

void VirtualClock::Set(protocol::TimePoint t) {
  protocol::MutexLock lock(mu_);
  frozen_ = t;
  offset_ = t - std::chrono::system_clock::now();
}

}  // namespace ossup::fake
