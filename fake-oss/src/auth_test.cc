// Signature checking over real HTTP: V1, V2, V4, presigned URLs, STS tokens on the virtual
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

// --- V2 (docs/protocol.md, "Signature Version 2") ----------------------------------------------

TEST_F(AuthTest, V2HeaderSignaturesAreAccepted) {
  client().version = protocol::SignatureVersion::kV2;
  auto put = client().Put("bkt", "v2 key+x/y", "two");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(client().Get("bkt", "v2 key+x/y").body, "two");
  // V2 signs every query parameter, not only sub-resources.
  auto parts = client().ListParts("bkt", "k", client().Initiate("bkt", "k"), {{"max-parts", "5"}});
  EXPECT_EQ(parts.status, 200) << parts.body;
  auto listed = client().Send("GET", "bkt", "", {{"prefix", "v2 "}, {"max-keys", "10"}});
  EXPECT_EQ(listed.status, 200) << listed.body;
  // A header named in AdditionalHeaders is signed with the x-oss-* ones.
  client().v2_params.additional_headers = {"Range"};
  auto ranged = client().Get("bkt", "v2 key+x/y", {{"Range", "bytes=1-2"}});
  EXPECT_EQ(ranged.status, 206) << ranged.body;
  EXPECT_EQ(ranged.body, "wo");
}

TEST_F(AuthTest, V2RejectsWhatOssRejects) {
  client().version = protocol::SignatureVersion::kV2;
  client().credentials().access_key_secret = "wrong";
  auto bad = client().Put("bkt", "k", "x");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.ErrorCode(), "SignatureDoesNotMatch");
  EXPECT_EQ(bad.ErrorDocument().ec, "0002-00000101");
  EXPECT_EQ(bad.Header("x-oss-ec"), "0002-00000101");
  EXPECT_TRUE(bad.ErrorDocument().Detail("StringToSign").ends_with("\n%2Fbkt%2Fk"));

  client().credentials().access_key_id = "UNKNOWN";
  EXPECT_EQ(client().Put("bkt", "k", "x").ErrorCode(), "InvalidAccessKeyId");

  client().credentials() = kTestCredentials;
  client().clock_offset = std::chrono::minutes(16);
  EXPECT_EQ(client().Put("bkt", "k", "x").ErrorCode(), "RequestTimeTooSkewed");
  client().clock_offset = std::chrono::minutes(0);

  // An Authorization header without its Signature field (EC 0002-00000108).
  auto malformed =
      client().SendRaw("GET", "/bkt/k",
                       {{"Date", protocol::FormatHttpDate(server().Now())},
                        {"Authorization", "OSS2 AccessKeyId:" + kTestCredentials.access_key_id}},
                       "");
  EXPECT_EQ(malformed.status, 403);
  EXPECT_EQ(malformed.ErrorCode(), "AccessDenied");
  EXPECT_EQ(malformed.ErrorDocument().ec, "0002-00000108");
  // Nothing the rejected requests carried was stored.
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
}

TEST_F(AuthTest, V2PresignedUrls) {
  ASSERT_EQ(client().Put("bkt", "shared.txt", "secret data").status, 200);
  const protocol::WireRequest wire{"GET", "bkt", "shared.txt", {}, {}};
  const auto url = TestClient::Target(
      "bkt", "shared.txt",
      protocol::PresignV2(wire, kTestCredentials, {}, server().Now() + std::chrono::minutes(5)));
  auto ok = client().SendRaw("GET", url, {}, "");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "secret data");

  // Every query parameter is signed: one added to the URL breaks the signature.
  auto extended = client().SendRaw("GET", url + "&response-content-type=text%2Fplain", {}, "");
  EXPECT_EQ(extended.ErrorCode(), "SignatureDoesNotMatch");

  server().AdvanceClock(std::chrono::minutes(10));
  auto expired = client().SendRaw("GET", url, {}, "");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.ErrorCode(), "AccessDenied");
  EXPECT_EQ(expired.ErrorDocument().ec, "0002-00000069");
}

TEST_F(AuthTest, V2WithStsCredentials) {
  auto sts = server().IssueStsCredential(std::chrono::seconds(600));
  TestClient temp(server(), sts.credentials);
  temp.version = protocol::SignatureVersion::kV2;
  EXPECT_EQ(temp.Put("bkt", "sts", "x").status, 200);

  const protocol::WireRequest wire{"GET", "bkt", "sts", {}, {}};
  const auto url = TestClient::Target(
      "bkt", "sts",
      protocol::PresignV2(wire, sts.credentials, {}, server().Now() + std::chrono::hours(1)));
  EXPECT_EQ(client().SendRaw("GET", url, {}, "").body, "x");

  server().AdvanceClock(std::chrono::seconds(601));
  EXPECT_EQ(temp.Put("bkt", "sts", "y").ErrorCode(), "SecurityTokenExpired");
  EXPECT_EQ(client().SendRaw("GET", url, {}, "").ErrorCode(), "SecurityTokenExpired");
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
