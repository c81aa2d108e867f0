#include "part_plan.h"

#include <gtest/gtest.h>

#include "ossup/client/part_size.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(PartPlan, CutsFileIntoEqualPartsAndAShortLastPart) {
  auto plan = PlanParts(10 * kMiB + 5, kMiB);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_count, 11);
  EXPECT_FALSE(plan->grown);
  EXPECT_EQ(plan->SizeOf(1), kMiB);
  EXPECT_EQ(plan->OffsetOf(11), 10 * kMiB);
  EXPECT_EQ(plan->SizeOf(11), 5u);
}

TEST(PartPlan, ExactMultipleHasFullLastPart) {
  auto plan = PlanParts(4 * kMiB, kMiB);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_count, 4);
  EXPECT_EQ(plan->SizeOf(4), kMiB);
}

TEST(PartPlan, EmptyFileHasNoParts) {
  auto plan = PlanParts(0, kMiB);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->part_count, 0);
}

TEST(PartPlan, RejectsPartSizeBelow100KiB) {
  auto plan = PlanParts(kMiB, 100 * 1024 - 1);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, protocol::client_codes::kInvalidRequest);
  EXPECT_TRUE(PlanParts(kMiB, 100 * 1024).ok());
}

TEST(PartPlan, GrowsPartSizeToStayWithin10000PartsAndReportsIt) {
  const uint64_t size = 20000ull * 100 * 1024 + 1;  // needs 20001 parts of 100 KiB
  auto plan = PlanParts(size, 100 * 1024);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->grown);
  EXPECT_LE(plan->part_count, 10000);
  EXPECT_EQ(plan->part_size_bytes % 4096, 0u);
  EXPECT_GE(plan->part_size_bytes * plan->part_count, size);
  EXPECT_LT(plan->part_size_bytes * (plan->part_count - 1), size);
}

TEST(PartPlan, ExactlyTenThousandPartsIsNotGrown) {
  auto plan = PlanParts(10000ull * kMiB, kMiB);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->grown);
  EXPECT_EQ(plan->part_count, 10000);
}

TEST(EffectivePartSize, IsThePlansPartSize) {
  for (uint64_t size :
       {0ull, 1ull, 10000ull * kMiB, 10000ull * kMiB + 1, 20000ull * 102400 + 1, 48ull << 30}) {
    for (uint64_t part : {uint64_t{102400}, kMiB, uint64_t{5} << 30}) {
      auto plan = PlanParts(size, part);
      ASSERT_TRUE(plan.ok()) << size << " " << part;
      EXPECT_EQ(EffectivePartSize(size, part), plan->part_size_bytes) << size << " " << part;
    }
  }
}

TEST(EffectivePartSize, GrowsToAMultipleOf4KiBForAtMost10000Parts) {
  EXPECT_EQ(EffectivePartSize(10000ull * kMiB, kMiB), kMiB);
  // 10000 MiB + 1 byte: 1048577 bytes per part would do; rounded up to 4 KiB.
  EXPECT_EQ(EffectivePartSize(10000ull * kMiB + 1, kMiB), 1052672u);
  EXPECT_EQ(EffectivePartSize(10000ull * kMiB + 1, 1), 1052672u);
}

TEST(EffectivePartSize, ZeroStaysZero) {
  EXPECT_EQ(EffectivePartSize(0, 0), 0u);
  EXPECT_EQ(EffectivePartSize(10000ull * kMiB, 0), 0u);
}

}  // namespace
}  // namespace ossup::client::internal
