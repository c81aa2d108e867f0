// VirtualClock: the fake server's notion of "now". Date skew checks, STS expiry, lifecycle
// rules, Last-Modified and the Date header all read it; nothing in the fake reads the system
// clock directly.
//
// A frozen clock starts at a fixed time (or the real time at construction) and moves only
// when told (Advance/Set). A ticking clock follows the real clock plus an offset that
// Advance/Set adjust; the standalone server uses it so long runs stay within the 15-minute
// skew window. Thread-safe.
//
// Now() is always a whole second, as every time OSS states is: XML times read `.000Z`
// (python oss2 parses only that form) and Last-Modified comparisons (If-Modified-Since,
// copy-source preconditions, lifecycle) compare whole seconds. docs/protocol.md, "Times".
#pragma once

#include <chrono>
#include <optional>

#include "ossup/protocol/mutex.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {

class VirtualClock {
 public:
  /// Starts at `start`, or at the real time now when absent.
  explicit VirtualClock(std::optional<protocol::TimePoint> start = std::nullopt,
                        bool follows_real_time = false);

  /// Rounded down to a whole second.
  protocol::TimePoint Now() const;
  /// REQUIRES: delta >= 0 (time never runs backwards through Advance).
  void Advance(std::chrono::seconds delta);
  /// Jumps to `t`, forwards or backwards.
  void Set(protocol::TimePoint t);

 private:
  mutable protocol::Mutex mu_;
  bool follows_real_time_ OSSUP_GUARDED_BY(mu_);
  protocol::TimePoint frozen_ OSSUP_GUARDED_BY(mu_);  // frozen mode: the current time
  protocol::TimePoint::duration offset_
      OSSUP_GUARDED_BY(mu_);  // ticking mode: added to the real clock
};

}  // namespace ossup::fake
