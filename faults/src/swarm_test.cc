#include "ossup/faults/swarm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "ossup/faults/injector.h"
#include "ossup/protocol/errors.h"

namespace ossup::faults {
namespace {

using protocol::Operation;
using ::testing::HasSubstr;

TEST(Swarm, SameSeedSameSwarm) {
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{42}, UINT64_MAX}) {
    const Swarm a = DeriveSwarm(seed);
    const Swarm b = DeriveSwarm(seed);
    EXPECT_EQ(a.kinds, b.kinds);
    EXPECT_EQ(a.plan, b.plan);
    EXPECT_EQ(SwarmToString(a), SwarmToString(b));
  }
}

TEST(Swarm, DifferentSeedsGiveDifferentSwarms) {
  std::set<std::string> plans;
  for (uint64_t seed = 0; seed < 50; ++seed) plans.insert(PlanToJson(DeriveSwarm(seed).plan));
  EXPECT_GT(plans.size(), 40u);
}

TEST(Swarm, PlanIsValidAndMatchesTheKinds) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Swarm swarm = DeriveSwarm(seed);
    ASSERT_EQ(swarm.kinds.size(), kActions.size());
    EXPECT_EQ(swarm.plan.seed, seed);
    EXPECT_EQ(swarm.plan.scope, Scope::kGlobal);
    size_t rule = 0;
    for (const SwarmKind& kind : swarm.kinds) {
      EXPECT_EQ(kind.action.type, kind.type);
      if (!kind.on) {
        EXPECT_TRUE(kind.targets.empty());
        continue;
      }
      ASSERT_FALSE(kind.targets.empty());
      const std::vector<Operation> candidates = SwarmCandidates(kind.type, false);
      for (Operation op : kind.targets) {
        EXPECT_NE(std::find(candidates.begin(), candidates.end(), op), candidates.end());
        ASSERT_LT(rule, swarm.plan.rules.size());
        const Rule& r = swarm.plan.rules[rule++];
        EXPECT_EQ(r.match.operation, op);
        EXPECT_EQ(r.match.probability, 0.25);
        EXPECT_EQ(r.times, std::nullopt);
        EXPECT_EQ(r.action, kind.action);
      }
    }
    EXPECT_EQ(rule, swarm.plan.rules.size());
    // The plan survives its own JSON form, so `--chaos SEED` and a saved plan agree.
    protocol::StatusOr<Plan> parsed = ParsePlan(PlanToJson(swarm.plan));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, swarm.plan);
  }
}

TEST(Swarm, AboutAQuarterOfKindsAreOn) {
  int on = 0;
  constexpr int kSeeds = 400;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    for (const SwarmKind& kind : DeriveSwarm(seed).kinds) on += kind.on ? 1 : 0;
  }
  // Every kind but restart is eligible in memory mode: Binomial(n, 1/4) with
  // n = kSeeds x (kinds - 1); a 6-sd window around the mean.
  const double n = kSeeds * static_cast<double>(kActions.size() - 1);
  const double mean = n / 4;
  const double sd = std::sqrt(n * 0.25 * 0.75);
  EXPECT_GT(on, mean - 6 * sd);
  EXPECT_LT(on, mean + 6 * sd);
}

TEST(Swarm, RestartOnlyInDiskMode) {
  bool restart_seen = false;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    auto restart_of = [](const Swarm& swarm) {
      for (const SwarmKind& kind : swarm.kinds) {
        if (kind.type == ActionType::kRestart) return kind;
      }
      ADD_FAILURE() << "no restart kind";
      return SwarmKind{};
    };
    EXPECT_FALSE(restart_of(DeriveSwarm(seed)).on);
    SwarmOptions disk;
    disk.disk_mode = true;
    restart_seen = restart_seen || restart_of(DeriveSwarm(seed, disk)).on;
  }
  EXPECT_TRUE(restart_seen);
}

TEST(Swarm, SwitchingKindsOnDoesNotChangeOtherKindsParameters) {
  SwarmOptions all_on;
  all_on.kind_on = {1, 1};
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Swarm some = DeriveSwarm(seed);
    const Swarm all = DeriveSwarm(seed, all_on);
    for (size_t i = 0; i < some.kinds.size(); ++i) {
      if (all.kinds[i].type != ActionType::kRestart) {  // restart: disk mode only
        EXPECT_TRUE(all.kinds[i].on) << i;
      }
      if (some.kinds[i].on) {
        EXPECT_EQ(some.kinds[i], all.kinds[i]) << "seed " << seed;
      }
    }
  }
}

TEST(Swarm, RatiosAreHonouredAtTheEnds) {
  SwarmOptions none;
  none.kind_on = {0, 1};
  EXPECT_TRUE(DeriveSwarm(9, none).plan.rules.empty());
  SwarmOptions always;
  always.kind_on = {1, 1};
  always.fires = {1, 1};
  const Swarm swarm = DeriveSwarm(9, always);
  ASSERT_FALSE(swarm.plan.rules.empty());
  for (const Rule& rule : swarm.plan.rules) EXPECT_EQ(rule.match.probability, 1.0);
}

TEST(Swarm, ParametersStayWithinTheOptions) {
  SwarmOptions options;
  options.kind_on = {1, 1};
  options.max_after_bytes = 1000;
  options.max_truncate_bytes = 10;
  options.max_stall_ms = 5;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    for (const SwarmKind& kind : DeriveSwarm(seed, options).kinds) {
      EXPECT_LE(kind.action.stall_ms, 5u);
      if (kind.type == ActionType::kStall) {
        EXPECT_GE(kind.action.stall_ms, 1u);
      }
      if (kind.type == ActionType::kTruncateResponse) {
        EXPECT_LE(kind.action.after_bytes, 10u);
      }
      EXPECT_LE(kind.action.after_bytes, 1000u);
      if (kind.type == ActionType::kError) {
        EXPECT_TRUE(protocol::IsRetryable(protocol::MakeError(kind.action.code)))
            << kind.action.code;
      }
    }
  }
}

TEST(Swarm, BannerNamesSeedKindsAndTargets) {
  SwarmOptions options;
  options.kind_on = {1, 1};
  const std::string banner = SwarmToString(DeriveSwarm(42, options));
  EXPECT_THAT(banner, HasSubstr("SEED=42 "));
  EXPECT_THAT(banner, HasSubstr(std::to_string(kActions.size() - 1) + " of " +
                                std::to_string(kActions.size()) + " kinds on"));
  EXPECT_THAT(banner, HasSubstr("expire-upload"));
  EXPECT_THAT(banner, HasSubstr("restart           off"));
  EXPECT_THAT(banner, HasSubstr(R"({"type":"drop-response"} on )"));
}

TEST(Swarm, SameSeedSameFiringsThroughTheInjector) {
  SwarmOptions options;
  options.kind_on = {1, 2};
  auto run = [&options](uint64_t seed) {
    Injector injector;
    injector.AddPlan(DeriveSwarm(seed, options).plan);
    std::vector<std::pair<int, std::string>> firings;
    const Operation cycle[] = {Operation::kInitiateMultipartUpload, Operation::kUploadPart,
                               Operation::kUploadPart, Operation::kListParts,
                               Operation::kCompleteMultipartUpload};
    for (int i = 0; i < 1000; ++i) {
      RequestFacts request;
      request.operation = cycle[i % 5];
      request.bucket = "b";
      request.key = "k";
      if (auto firing = injector.Decide(request)) {
        firings.emplace_back(i, ActionToJson(firing->action));
      }
    }
    return firings;
  };
  const auto first = run(5);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, run(5));
  EXPECT_NE(first, run(6));
}

}  // namespace
}  // namespace ossup::faults
