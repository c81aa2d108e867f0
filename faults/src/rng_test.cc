#include "ossup/faults/rng.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace ossup::faults {
namespace {

// Known answers, computed by an independent implementation of the algorithm as specified in
// rng.h. If these change, every recorded seed reproduces something else.
TEST(Rng, SplitMix64KnownAnswer) {
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64Next(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(state, 0x9E3779B97F4A7C15ULL);
}

TEST(Rng, XoshiroKnownAnswers) {
  Rng zero(0);
  EXPECT_EQ(zero.Next(), 0x99EC5F36CB75F2B4ULL);
  EXPECT_EQ(zero.Next(), 0xBF6E1F784956452AULL);
  EXPECT_EQ(zero.Next(), 0x1A5F849D4933E6E0ULL);
  EXPECT_EQ(zero.Next(), 0x6AA594F1262D2D2CULL);
  Rng answer(42);
  EXPECT_EQ(answer.Next(), 0x15780B2E0C2EC716ULL);
  EXPECT_EQ(answer.Next(), 0x6104D9866D113A7EULL);
  EXPECT_EQ(answer.Next(), 0xAE17533239E499A1ULL);
  EXPECT_EQ(answer.Next(), 0xECB8AD4703B360A1ULL);
}

TEST(Rng, UniformDoubleKnownAnswerAndRange) {
  Rng seven(7);
  EXPECT_EQ(seven.UniformDouble(), 0.7005764821796896);
  Rng rng(1);
  for (int i = 0; i < 10000; ++i) {
    const double x = rng.UniformDouble();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
  Rng rng(3);
  std::array<int, 7> counts{};
  for (int i = 0; i < 7000; ++i) {
    const uint64_t x = rng.Below(7);
    ASSERT_LT(x, 7u);
    ++counts[x];
  }
  for (int count : counts) {
    EXPECT_GT(count, 700);  // expected 1000 each, sd ~31
    EXPECT_LT(count, 1300);
  }
  EXPECT_EQ(rng.Below(1), 0u);
}

TEST(Rng, BetweenIsInclusive) {
  Rng rng(5);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = rng.Between(10, 12);
    ASSERT_GE(x, 10u);
    ASSERT_LE(x, 12u);
    saw_low = saw_low || x == 10;
    saw_high = saw_high || x == 12;
  }
  EXPECT_TRUE(saw_low);
  EXPECT_TRUE(saw_high);
  EXPECT_EQ(rng.Between(9, 9), 9u);
}

TEST(Rng, ChanceIsExactAtTheEnds) {
  Rng rng(11);
  int hits = 0;
  for (int i = 0; i < 4000; ++i) {
    ASSERT_FALSE(rng.Chance(0, 4));
    ASSERT_TRUE(rng.Chance(4, 4));
    hits += rng.Chance(1, 4) ? 1 : 0;
  }
  EXPECT_GT(hits, 800);  // expected 1000, sd ~27
  EXPECT_LT(hits, 1200);
}

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(99);
  Rng b(99);
  Rng c(100);
  std::vector<uint64_t> va;
  std::vector<uint64_t> vb;
  std::vector<uint64_t> vc;
  for (int i = 0; i < 64; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

}  // namespace
}  // namespace ossup::faults
