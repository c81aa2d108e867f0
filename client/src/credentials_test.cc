#include "ossup/client/credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "ossup/client/client.h"
#include "ossup/protocol/errors.h"

namespace ossup::client {
namespace {

using std::chrono::minutes;
using std::chrono::system_clock;

TEST(Credentials, EnvironmentProviderReadsTheThreeVariables) {
  ::setenv("OSS_ACCESS_KEY_ID", "ak", 1);
  ::setenv("OSS_ACCESS_KEY_SECRET", "sk", 1);
  ::setenv("OSS_SESSION_TOKEN", "tok", 1);
  auto c = MakeEnvironmentCredentialsProvider()->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "ak");
  EXPECT_EQ(c->access_key_secret, "sk");
  EXPECT_EQ(c->security_token, "tok");
  ::unsetenv("OSS_ACCESS_KEY_SECRET");
  auto missing = MakeEnvironmentCredentialsProvider()->GetCredentials();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("OSS_ACCESS_KEY_SECRET"), std::string::npos);
  ::unsetenv("OSS_ACCESS_KEY_ID");
  ::unsetenv("OSS_SESSION_TOKEN");
}

TEST(Credentials, RefreshingProviderRefetchesNearExpiryAndAfterInvalidate) {
  system_clock::time_point now = system_clock::now();
  int serial = 0;
  RefreshingCredentialsProvider provider(
      [&]() -> protocol::StatusOr<TemporaryCredentials> {
        ++serial;
        TemporaryCredentials t;
        t.credentials = {"STS.ak", "sk", "token-" + std::to_string(serial)};
        t.expiration = now + minutes(60);
        return t;
      },
      std::chrono::seconds(300), [&] { return now; });
  EXPECT_EQ(provider.GetCredentials()->security_token, "token-1");
  EXPECT_EQ(provider.GetCredentials()->security_token, "token-1");
  now += minutes(56);  // within the 5-minute margin
  EXPECT_EQ(provider.GetCredentials()->security_token, "token-2");
  EXPECT_TRUE(provider.Invalidate());
  EXPECT_EQ(provider.GetCredentials()->security_token, "token-3");
  EXPECT_EQ(provider.fetch_count(), 3);
}

TEST(Credentials, RefreshingProviderReturnsFetchErrors) {
  RefreshingCredentialsProvider provider([]() -> protocol::StatusOr<TemporaryCredentials> {
    return protocol::MakeError("AccessDenied", "sts said no");
  });
  auto c = provider.GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "AccessDenied");
}

TEST(ByteSize, ParsesUnitsAndRejectsGarbage) {
  EXPECT_EQ(ParseByteSize("1MiB"), 1u << 20);
  EXPECT_EQ(ParseByteSize("512KiB"), 512u << 10);
  EXPECT_EQ(ParseByteSize("8mb"), 8u << 20);
  EXPECT_EQ(ParseByteSize("102400"), 102400u);
  EXPECT_EQ(ParseByteSize("2G"), 2ull << 30);
  EXPECT_EQ(ParseByteSize(""), std::nullopt);
  EXPECT_EQ(ParseByteSize("MiB"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1 MiB"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1TiB"), std::nullopt);
  EXPECT_EQ(ParseByteSize("-1"), std::nullopt);
}

}  // namespace
}  // namespace ossup::client
