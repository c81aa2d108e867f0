// Signature checking over real HTTP: V1, V4, presigned URLs, STS tokens on the virtual
// clock, clock skew, and anonymous mode.
#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class AuthTest : public FakeOssTest {};

TEST(AuthenticatorTest, RemembersAtMostTheCapOfStsCredentialsForgettingTheFirstToExpire) {
  Authenticator auth({}, /*anonymous=*/false, "");
  IdGenerator ids(7);
  const auto now = FixedStart();
  const StsCredential shortest = auth.IssueSts(ids, now, std::chrono::seconds(1));
  for (size_t i = 1; i < Authenticator::kMaxStsCredentials; ++i) {
    auth.IssueSts(ids, now, std::chrono::seconds(3600));
  }
  EXPECT_EQ(auth.StsCount(), Authenticator::kMaxStsCredentials);
  // The expired one is still known: using it is SecurityTokenExpired, as on OSS.
  protocol::WireRequest wire{"GET", "bkt", "k", {}, {}};
  protocol::SignV1(wire, shortest.credentials, now + std::chrono::seconds(5));
  EXPECT_EQ(auth.Check(wire, now + std::chrono::seconds(5)).error().code, "SecurityTokenExpired");
  auth.IssueSts(ids, now, std::chrono::seconds(3600));
  EXPECT_EQ(auth.StsCount(), Authenticator::kMaxStsCredentials);
  EXPECT_EQ(auth.Check(wire, now + std::chrono::seconds(5)).error().code, "InvalidAccessKeyId");
}

TEST_F(AuthTest, V1AndV4HeaderSignaturesAreAccepted) {
  EXPECT_EQ(client().Put("bkt", "v1 key+x", "one").status, 200);
  client().version = protocol::SignatureVersion::kV4;
  auto v4 = client().Put("bkt", "v4 key+x", "four");
  EXPECT_EQ(v4.status, 200) << v4.body;
  EXPECT_EQ(
      client().ListParts("bkt", "k", client().Initiate("bkt", "k"), {{"max-parts", "5"}}).status,
      200);
}

TEST_F(AuthTest, RejectsWhatOssRejects) {
  client().sign = false;
  auto unsigned_request = client().Put("bkt", "k", "x");
  EXPECT_EQ(unsigned_request.status, 403);
  EXPECT_EQ(unsigned_request.ErrorCode(), "AccessDenied");
  client().sign = true;

  client().credentials().access_key_secret = "wrong";
  auto bad = client().Put("bkt", "k", "x");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.ErrorCode(), "SignatureDoesNotMatch");
  EXPECT_FALSE(bad.ErrorDocument().Detail("StringToSign").empty());

  client().credentials().access_key_id = "UNKNOWN";
  EXPECT_EQ(client().Put("bkt", "k", "x").ErrorCode(), "InvalidAccessKeyId");

  client().credentials() = kTestCredentials;
  client().clock_offset = std::chrono::minutes(16);
  auto skewed = client().Put("bkt", "k", "x");
  EXPECT_EQ(skewed.status, 403);
  EXPECT_EQ(skewed.ErrorCode(), "RequestTimeTooSkewed");
  client().clock_offset = std::chrono::minutes(14);
  EXPECT_EQ(client().Put("bkt", "k", "x").status, 200);
  // Nothing the rejected requests carried was stored.
  EXPECT_EQ(client().Get("bkt", "k").body, "x");
}

TEST_F(AuthTest, V4RefusesASignedPayloadHashAndStoresNothing) {
  // OSS V4 accepts only UNSIGNED-PAYLOAD (EC 0002-00000214), even for the body's true SHA-256.
  client().version = protocol::SignatureVersion::kV4;
  const std::string body = "hashed body";
  const std::string hash = protocol::HexLower(protocol::Sha256(body));
  auto put = client().Put("bkt", "hashed", body, {{"x-oss-content-sha256", hash}});
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(put.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(put.ErrorDocument().ec, "0002-00000214");
  EXPECT_EQ(put.ErrorDocument().Detail("ArgumentName"), "x-oss-content-sha256");
  EXPECT_EQ(client().Get("bkt", "hashed").ErrorCode(), "NoSuchKey");
  // The keep-alive connection is still in sync after the rejected body.
  EXPECT_EQ(client().Put("bkt", "hashed", body).status, 200);
}

TEST_F(AuthTest, SkewIsMeasuredAgainstTheVirtualClock) {
  server().AdvanceClock(std::chrono::hours(1));
  protocol::WireRequest wire{"GET", "", "", {}, {}};
  protocol::SignV1(wire, kTestCredentials, server().Now() - std::chrono::hours(1));
  EXPECT_EQ(client().SendRaw("GET", "/", wire.headers, "").ErrorCode(), "RequestTimeTooSkewed");
}

TEST_F(AuthTest, PresignedUrls) {
  ASSERT_EQ(client().Put("bkt", "shared.txt", "secret data").status, 200);
  protocol::WireRequest wire{"GET", "bkt", "shared.txt", {}, {}};
  auto v1 = protocol::PresignV1(wire, kTestCredentials, server().Now() + std::chrono::minutes(5));
  auto ok = client().SendRaw("GET", TestClient::Target("bkt", "shared.txt", v1), {}, "");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "secret data");

  protocol::V4Params params;
  params.region = "cn-hangzhou";
  auto v4 =
      protocol::PresignV4(wire, kTestCredentials, params, server().Now(), std::chrono::seconds(60));
  EXPECT_EQ(client().SendRaw("GET", TestClient::Target("bkt", "shared.txt", v4), {}, "").status,
            200);

  server().AdvanceClock(std::chrono::minutes(10));
  auto expired = client().SendRaw("GET", TestClient::Target("bkt", "shared.txt", v1), {}, "");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.ErrorCode(), "AccessDenied");
}

TEST_F(AuthTest, StsCredentialsExpireOnTheVirtualClock) {
  auto sts = server().IssueStsCredential(std::chrono::seconds(3600));
  EXPECT_EQ(sts.expiration, server().Now() + std::chrono::seconds(3600));
  TestClient temp(server(), sts.credentials);
  EXPECT_EQ(temp.Put("bkt", "sts", "x").status, 200);

  auto no_token = sts.credentials;
  no_token.security_token.clear();
  TestClient missing(server(), no_token);
  EXPECT_EQ(missing.Put("bkt", "sts", "x").status, 403);

  auto long_term_with_token = kTestCredentials;
  long_term_with_token.security_token = "bogus";
  TestClient bogus(server(), long_term_with_token);
  EXPECT_EQ(bogus.Put("bkt", "sts", "x").ErrorCode(), "InvalidAccessKeyId");

  server().AdvanceClock(std::chrono::seconds(3601));
  auto expired = temp.Put("bkt", "sts", "x");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.ErrorCode(), "SecurityTokenExpired");
}

TEST_F(AuthTest, StsOverTheControlApi) {
  httplib::Client control("127.0.0.1", server().port());
  auto issued = control.Post("/_fake/sts", R"({"durationSeconds": 60})", "application/json");
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 200);
  auto j = nlohmann::json::parse(issued->body);
  protocol::Credentials credentials{j.at("AccessKeyId"), j.at("AccessKeySecret"),
                                    j.at("SecurityToken")};
  EXPECT_EQ(*protocol::ParseIso8601(j.at("Expiration").get<std::string>()),
            server().Now() + std::chrono::seconds(60));
  TestClient temp(server(), credentials);
  temp.version = protocol::SignatureVersion::kV4;
  EXPECT_EQ(temp.Put("bkt", "k", "x").status, 200);
}

TEST_F(AuthTest, AnonymousModeAcceptsAnything) {
  ServerOptions options = DefaultOptions();
  options.anonymous = true;
  StartServer(options);
  client().sign = false;
  EXPECT_EQ(client().Put("bkt", "k", "x").status, 200);
  client().sign = true;
  client().credentials().access_key_secret = "wrong";
  EXPECT_EQ(client().Get("bkt", "k").body, "x");
}

}  // namespace
}  // namespace ossup::fake::testing
