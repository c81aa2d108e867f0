#include "ossup/faults/fault_model.h"

#include <gtest/gtest.h>

namespace ossup::faults {
namespace {

// The traits are the model's prose as data; these pin the cases tests' oracles rely on.
TEST(FaultModel, WhatTheServerHasDone) {
  EXPECT_EQ(TraitsOf(ActionType::kError).effect, ServerEffect::kNotPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kReset).effect, ServerEffect::kNotPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kDropResponse).effect, ServerEffect::kPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kTruncateResponse).effect, ServerEffect::kPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kStall).effect, ServerEffect::kPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kCorruptChecksum).effect, ServerEffect::kPerformed);
  EXPECT_EQ(TraitsOf(ActionType::kExpireUpload).effect, ServerEffect::kUploadLost);
  EXPECT_EQ(TraitsOf(ActionType::kRestart).effect, ServerEffect::kPerformed);
}

TEST(FaultModel, WhatTheClientOwes) {
  EXPECT_EQ(TraitsOf(ActionType::kError).duty, ClientDuty::kSurviveIfRetryable);
  EXPECT_EQ(TraitsOf(ActionType::kCorruptChecksum).duty, ClientDuty::kDetectAndSurvive);
  EXPECT_EQ(TraitsOf(ActionType::kCorruptEtag).duty, ClientDuty::kDetectAndSurvive);
  EXPECT_EQ(TraitsOf(ActionType::kExpireUpload).duty, ClientDuty::kCannotResume);
  for (ActionType type :
       {ActionType::kReset, ActionType::kDropResponse, ActionType::kTruncateResponse,
        ActionType::kStall, ActionType::kRestart}) {
    EXPECT_EQ(TraitsOf(type).duty, ClientDuty::kSurvive) << ActionTypeName(type);
  }
}

static_assert(TraitsOf(ActionType::kExpireUpload).duty == ClientDuty::kCannotResume);

}  // namespace
}  // namespace ossup::faults
