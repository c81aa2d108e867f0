#include "ossup/protocol/acl.h"

#include <gtest/gtest.h>

namespace ossup::protocol {
namespace {

TEST(CannedAcl, NamesRoundTripAndNothingElseParses) {
  for (CannedAcl acl : {CannedAcl::kDefault, CannedAcl::kPrivate, CannedAcl::kPublicRead,
                        CannedAcl::kPublicReadWrite}) {
    EXPECT_EQ(CannedAclFromName(CannedAclName(acl)), acl);
  }
  EXPECT_EQ(CannedAclName(CannedAcl::kPublicReadWrite), "public-read-write");
  for (const char* bad : {"", "Private", "public_read", "authenticated-read", "default "}) {
    EXPECT_EQ(CannedAclFromName(bad), std::nullopt) << bad;
  }
}

TEST(CannedAcl, AnonymousReadFollowsTheObjectThenItsBucket) {
  EXPECT_TRUE(AllowsAnonymousRead(CannedAcl::kPublicRead, CannedAcl::kPrivate));
  EXPECT_TRUE(AllowsAnonymousRead(CannedAcl::kPublicReadWrite, CannedAcl::kPrivate));
  EXPECT_FALSE(AllowsAnonymousRead(CannedAcl::kPrivate, CannedAcl::kPublicRead));
  EXPECT_FALSE(AllowsAnonymousRead(CannedAcl::kDefault, CannedAcl::kPrivate));
  EXPECT_TRUE(AllowsAnonymousRead(CannedAcl::kDefault, CannedAcl::kPublicRead));
}

}  // namespace
}  // namespace ossup::protocol
