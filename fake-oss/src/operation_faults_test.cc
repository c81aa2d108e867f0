// Every operation the fake serves is in the protocol's operation table, so a fault plan can
// target it by name and the journal records that name.
#include <gtest/gtest.h>

#include "ossup/faults/plan.h"
#include "ossup/protocol/operation.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using OperationFaultsTest = FakeOssTest;

TEST_F(OperationFaultsTest, BucketReadsOutsideTheV1ListAreTargetable) {
  struct Case {
    protocol::Operation op;
    protocol::QueryParams query;
  };
  const Case cases[] = {
      {protocol::Operation::kListObjectsV2, {{"list-type", "2"}}},
      {protocol::Operation::kGetBucketInfo, {{"bucketInfo", ""}}},
      {protocol::Operation::kGetBucketLocation, {{"location", ""}}},
  };
  for (const Case& c : cases) {
    const std::string name(protocol::OperationName(c.op));
    SCOPED_TRACE(name);
    auto plan = faults::ParsePlan(R"({"rules": [{"match": {"op": ")" + name +
                                  R"("}, "action": {"type": "error", "code": "SlowDown"},
                                  "times": 1}]})");
    ASSERT_TRUE(plan.ok()) << plan.error().ToString();
    server().AddFaultPlan(std::move(*plan));
    auto faulted = client().Send("GET", "bkt", "", c.query);
    EXPECT_EQ(faulted.status, 503) << faulted.body;
    EXPECT_EQ(faulted.ErrorCode(), "SlowDown");
    EXPECT_EQ(server().Journal().back().operation, c.op);
    auto served = client().Send("GET", "bkt", "", c.query);
    EXPECT_EQ(served.status, 200) << served.body;
    server().ClearFaultPlans();
  }
}

}  // namespace
}  // namespace ossup::fake::testing
