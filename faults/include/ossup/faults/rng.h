// A specified, seeded pseudo-random generator for fault decisions.
//
// Every random choice the fault layer makes (probability rules, swarm options) comes from an
// `Rng`, so a run is a pure function of its seeds and its request order. The standard
// library's distributions are not used: their output is implementation-defined, which would
// make a seed mean different things on different toolchains.
//
// Algorithm (fixed; changing it changes what every recorded seed reproduces):
//   - State: xoshiro256** (Blackman & Vigna, 2018), four 64-bit words.
//   - Seeding: the four words are the first four outputs of SplitMix64 started at `seed`
//     (state += 0x9E3779B97F4A7C15; z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//     z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)). SplitMix64 never
//     yields four zero words, so every seed (0 included) gives a valid state.
//   - Next(): result = rotl(s1 * 5, 7) * 9; t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2;
//     s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45).
//   - UniformDouble(): (Next() >> 11) * 2^-53, exactly representable, in [0, 1).
//   - Below(n): Lemire's multiply-shift with rejection (unbiased); consumes one or more words.
//   - Chance(numerator, denominator): Below(denominator) < numerator (exact ratio, no floats).
//
// Thread-safety: none; an Rng is a plain value owned by one caller at a time.
#pragma once

#include <cassert>
#include <cstdint>

namespace ossup::faults {

/// One step of SplitMix64: advances `state` and returns the mixed output.
constexpr uint64_t SplitMix64Next(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  constexpr explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64Next(sm);
  }

  /// The next 64 uniformly distributed bits.
  constexpr uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1), with 53 bits of resolution. Consumes exactly one word.
  constexpr double UniformDouble() {
    return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
  }

  /// Uniform in [0, n), unbiased.
  /// REQUIRES: n > 0
  constexpr uint64_t Below(uint64_t n) {
    assert(n > 0);
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  /// Uniform in [low, high], both inclusive.
  /// REQUIRES: low <= high
  constexpr uint64_t Between(uint64_t low, uint64_t high) {
    assert(low <= high);
    const uint64_t span = high - low;
    if (span == UINT64_MAX) return Next();
    return low + Below(span + 1);
  }

  /// True with probability numerator/denominator, exactly.
  /// REQUIRES: denominator > 0 && numerator <= denominator
  constexpr bool Chance(uint64_t numerator, uint64_t denominator) {
    assert(denominator > 0 && numerator <= denominator);
    return Below(denominator) < numerator;
  }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4] = {};
};

}  // namespace ossup::faults
