#include "service/ids.h"

namespace ossup::fake {
namespace {

// SplitMix64 finaliser: a bijective mix, good enough to make sequential ids look random.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

void IdGenerator::Reset() {
  request_counter_ = 0;
  upload_counter_ = 0;
  secret_counter_ = 0;
}

std::string IdGenerator::Hex(uint64_t kind, uint64_t n, size_t length) const {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length);
  uint64_t state = Mix(seed_ ^ Mix(kind ^ Mix(n)));
  while (out.size() < length) {
    state = Mix(state);
    for (int i = 0; i < 16 && out.size() < length; ++i)
      out.push_back(kDigits[(state >> (4 * i)) & 0xF]);
  }
  return out;
}

}  // namespace ossup::fake
