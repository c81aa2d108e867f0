// PostObject over real HTTP: browser-style multipart/form-data bodies with V1 and V4 form
// signatures, policy conditions, success_action_*, and the errors OSS answers.
#include <gtest/gtest.h>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
constexpr std::string_view kBoundary = "----WebKitFormBoundaryW0DET1iaBMeAOBg3";

class PostObjectTest : public FakeOssTest {
 protected:
  // {"expiration": now + 1h, "conditions": <conditions>} in base64.
  std::string Policy(const std::string& conditions,
                     std::chrono::seconds valid = std::chrono::hours(1)) {
    return protocol::Base64Encode("{\"expiration\": \"" +
                                  protocol::FormatIso8601(server().Now() + valid) +
                                  "\", \"conditions\": " + conditions + "}");
  }
  // The V1 form fields for `policy`, signed with the test secret.
  Fields V1(const std::string& policy) {
    return {{"OSSAccessKeyId", kTestCredentials.access_key_id},
            {"policy", policy},
            {"Signature", protocol::V1Signature(kTestCredentials.access_key_secret, policy)}};
  }
  static std::string Body(const Fields& fields, const std::string& file,
                          const std::string& filename = "photo.jpg",
                          const std::string& file_type = "image/jpeg") {
    std::string body;
    for (const auto& [name, value] : fields) {
      body += "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    }
    body += "--" + std::string(kBoundary) +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
            "\"\r\nContent-Type: " + file_type + "\r\n\r\n" + file + "\r\n";
    body += "--" + std::string(kBoundary) +
            "\r\nContent-Disposition: form-data; name=\"submit\"\r\n\r\nUpload to OSS\r\n";
    return body + "--" + std::string(kBoundary) + "--\r\n";
  }
  TestResponse PostRaw(const std::string& body, protocol::Headers headers = {}) {
    headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + std::string(kBoundary));
    return client().SendRaw("POST", "/bkt/", headers, body);
  }
  TestResponse Post(const Fields& fields, const std::string& file = "file bytes") {
    return PostRaw(Body(fields, file));
  }
  Fields With(Fields base, const Fields& more) {
    base.insert(base.begin(), more.begin(), more.end());
    return base;
  }
  // Expects an OSS error document with a request id, and nothing stored under `key`.
  void ExpectError(const TestResponse& r, int status, const std::string& code,
                   const std::string& key = "k") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.ErrorCode(), code) << r.body;
    EXPECT_FALSE(r.ErrorDocument().request_id.empty()) << r.body;
    EXPECT_FALSE(r.Header("x-oss-request-id").empty());
    EXPECT_EQ(client().Get("bkt", key).status, 404) << "stored despite " << code;
  }
};

TEST_F(PostObjectTest, SignedFormStoresTheFileUnderItsKeyWithMetadata) {
  std::string policy = Policy(R"([{"bucket": "bkt"}, ["starts-with", "$key", "user/"]])");
  auto r = Post(With(V1(policy), {{"key", "user/${filename}"},
                                  {"x-oss-meta-uuid", "my-uuid"},
                                  {"Cache-Control", "no-cache"},
                                  {"x-oss-object-acl", "public-read"}}),
                "JPEG bytes");
  EXPECT_EQ(r.status, 204) << r.body;  // success_action_status absent
  EXPECT_EQ(r.body, "");
  const auto journal = server().Journal().back();
  EXPECT_EQ(journal.operation, protocol::Operation::kPostObject);
  EXPECT_EQ(journal.key, "user/photo.jpg");
  auto got = client().Get("bkt", "user/photo.jpg");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, "JPEG bytes");
  EXPECT_EQ(got.Header("ETag"), r.Header("ETag"));
  EXPECT_EQ(got.Header("ETag"), "\"" + protocol::HexUpper(protocol::Md5Of("JPEG bytes")) + "\"");
  EXPECT_EQ(got.Header("x-oss-hash-crc64ecma"), r.Header("x-oss-hash-crc64ecma"));
  EXPECT_EQ(got.Header("Content-Type"), "image/jpeg");  // the file part's
  EXPECT_EQ(got.Header("x-oss-meta-uuid"), "my-uuid");
  EXPECT_EQ(got.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(client().SendRaw("GET", "/bkt/user/photo.jpg", {}, "").status, 200);  // public-read
}

TEST_F(PostObjectTest, SuccessActionStatusChoosesTheAnswer) {
  const std::string policy = Policy("[]");
  auto ok = Post(With(V1(policy), {{"key", "a"}, {"success_action_status", "200"}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "");
  auto odd = Post(With(V1(policy), {{"key", "b"}, {"success_action_status", "302"}}));
  EXPECT_EQ(odd.status, 204) << odd.body;
  auto created = Post(With(V1(policy), {{"key", "dir/c d"}, {"success_action_status", "201"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("Content-Type"), "application/xml");
  const std::string etag = client().Get("bkt", "dir/c d").Header("ETag");
  // The protocol's PostResponse encoder: these elements, in this order, text escaped as XML.
  size_t at = 0;
  for (const std::string& element :
       {std::string("<PostResponse>"), std::string("<Bucket>bkt</Bucket>"),
        "<Location>http://127.0.0.1:" + std::to_string(server().port()) +
            "/bkt/dir/c%20d</Location>",
        std::string("<Key>dir/c d</Key>"), "<ETag>\"" + etag.substr(1, 32) + "\"</ETag>",
        std::string("</PostResponse>")}) {
    const size_t found = created.body.find(element, at);
    ASSERT_NE(found, std::string::npos) << element << " after " << at << " in\n" << created.body;
    at = found + element.size();
  }
  auto redirected =
      Post(With(V1(policy), {{"key", "e"},
                             {"success_action_status", "201"},
                             {"success_action_redirect", "https://app.example/done"}}));
  EXPECT_EQ(redirected.status, 303) << redirected.body;
  EXPECT_EQ(
      redirected.Header("Location").rfind("https://app.example/done?bucket=bkt&key=e&etag=", 0), 0u)
      << redirected.Header("Location");
}

TEST_F(PostObjectTest, PolicyConditionsDecide) {
  struct Case {
    std::string conditions;
    std::string key;
    std::string code;  // "" = stored
    std::string message = "";
  };
  const Case cases[] = {
      {R"([["eq", "$key", "a"]])", "a", ""},
      {R"([{"key": "a"}])", "b", "AccessDenied",
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a"])"},
      {R"([{"bucket": "other"}])", "a", "AccessDenied",
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "other"])"},
      {R"([["starts-with", "$key", "user/"]])", "user/x", ""},
      {R"([["starts-with", "$key", "user/"]])", "other/x", "AccessDenied",
       R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"])"},
      {R"([["in", "$Content-Type", ["image/jpeg", "image/png"]]])", "a", ""},
      {R"([["not-in", "$content-type", ["image/jpeg"]]])", "a", "AccessDenied"},
      {R"([["eq", "$x-oss-meta-absent", ""]])", "a", "AccessDenied"},
      {R"([["starts-with", "$x-oss-meta-absent", ""]])", "a", ""},
      {R"([["content-length-range", 1, 10]])", "a", ""},  // "file bytes" is 10 bytes
      {R"([["content-length-range", 0, 9]])", "a", "EntityTooLarge"},
      {R"([["content-length-range", 11, 20]])", "a", "EntityTooSmall"},
      {R"([["ends-with", "$key", "a"]])", "a", "InvalidPolicyDocument"},
      {R"([["content-length-range", 20, 10]])", "a", "InvalidPolicyDocument"},
      {R"([{"key": "a", "bucket": "bkt"}])", "a", "InvalidPolicyDocument"},
      {R"([123])", "a", "InvalidPolicyDocument"},
      {R"({})", "a", "InvalidPolicyDocument"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.conditions + " key " + c.key);
    auto r = Post(With(V1(Policy(c.conditions)), {{"key", c.key}}));
    if (c.code.empty()) {
      EXPECT_EQ(r.status, 204) << r.body;
      EXPECT_EQ(client().Get("bkt", c.key).body, "file bytes");
      EXPECT_EQ(client().Send("DELETE", "bkt", c.key).status, 204);
      continue;
    }
    ExpectError(r, r.status, c.code, c.key);
    EXPECT_EQ(r.status, c.code == "AccessDenied" ? 403 : 400);
    if (!c.message.empty()) {
      EXPECT_EQ(r.ErrorDocument().message, c.message);
    }
  }
}

TEST_F(PostObjectTest, ThePolicyExpiresOnTheVirtualClock) {
  const std::string policy = Policy("[]", std::chrono::seconds(60));
  server().AdvanceClock(std::chrono::seconds(61));
  auto r = Post(With(V1(policy), {{"key", "k"}}));
  ExpectError(r, 403, "AccessDenied");
  EXPECT_EQ(r.ErrorDocument().message, "Invalid according to Policy: Policy expired.");
  EXPECT_EQ(r.Header("x-oss-ec"), "0006-00000213");
}

TEST_F(PostObjectTest, SignaturesAreChecked) {
  const std::string policy = Policy("[]");
  Fields forged = V1(policy);
  forged[2].second = protocol::V1Signature("wrong secret", policy);
  auto bad = Post(With(forged, {{"key", "k"}}));
  ExpectError(bad, 403, "SignatureDoesNotMatch");
  EXPECT_EQ(bad.Header("x-oss-ec"), "0002-00000705");
  Fields stranger = V1(policy);
  stranger[0].second = "NOBODY";
  ExpectError(Post(With(stranger, {{"key", "k"}})), 403, "InvalidAccessKeyId");

  // A partial set of credential fields: which one is missing decides the EC.
  auto no_policy = Post({{"key", "k"}, V1(policy)[0], V1(policy)[2]});
  ExpectError(no_policy, 400, "InvalidArgument");
  EXPECT_EQ(no_policy.Header("x-oss-ec"), "0002-00000702");
  auto no_signature = Post({{"key", "k"}, V1(policy)[0], V1(policy)[1]});
  EXPECT_EQ(no_signature.Header("x-oss-ec"), "0002-00000703");
  auto no_key_id = Post({{"key", "k"}, V1(policy)[1], V1(policy)[2]});
  EXPECT_EQ(no_key_id.Header("x-oss-ec"), "0002-00000706");
}

TEST_F(PostObjectTest, V4FormSignature) {
  const auto now = server().Now();
  const std::string date = protocol::FormatV4Time(now);
  const std::string day = date.substr(0, 8);
  const std::string credential =
      kTestCredentials.access_key_id + "/" + day + "/cn-hangzhou/oss/aliyun_v4_request";
  const std::string policy =
      Policy(R"([{"x-oss-signature-version": "OSS4-HMAC-SHA256"}, {"x-oss-credential": ")" +
             credential + R"("}, {"x-oss-date": ")" + date + R"("}])");
  const std::string signature =
      protocol::V4Signature(kTestCredentials.access_key_secret, day, "cn-hangzhou", "oss", policy);
  Fields fields = {{"key", "v4"},
                   {"x-oss-signature-version", "OSS4-HMAC-SHA256"},
                   {"x-oss-credential", credential},
                   {"x-oss-date", date},
                   {"policy", policy},
                   {"x-oss-signature", signature}};
  auto ok = Post(fields);
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(client().Get("bkt", "v4").body, "file bytes");
  fields[0].second = "k";
  fields[5].second = std::string(64, '0');
  ExpectError(Post(fields), 403, "SignatureDoesNotMatch");
  fields[5].second = signature;
  fields[2].second =
      kTestCredentials.access_key_id + "/" + day + "/cn-hangzhou/s3/aliyun_v4_request";
  ExpectError(Post(fields), 400, "InvalidArgument");
}

TEST_F(PostObjectTest, UnsignedFormsNeedAPublicReadWriteBucket) {
  ExpectError(Post({{"key", "k"}}), 403, "AccessDenied");
  ASSERT_EQ(
      client().Send("PUT", "bkt", "", {{"acl", ""}}, {{"x-oss-acl", "public-read-write"}}).status,
      200);
  auto r = Post({{"key", "k"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(client().Get("bkt", "k").body, "file bytes");
}

TEST_F(PostObjectTest, MalformedFormsGetOssErrorsAndTheServerStaysUp) {
  const std::string policy = Policy("[]");
  const std::string good = Body(With(V1(policy), {{"key", "k"}}), "x");
  // Not multipart/form-data at all.
  auto plain = client().SendRaw("POST", "/bkt/", {{"Content-Type", "text/plain"}}, good);
  ExpectError(plain, 400, "MalformedPOSTRequest");
  // Cut before the closing delimiter.
  ExpectError(PostRaw(good.substr(0, good.size() - 10)), 400, "MalformedPOSTRequest");
  // No key field, or the key after the file (ignored, so also missing).
  ExpectError(Post(V1(policy)), 400, "InvalidArgument");
  // A field before the file over 4 KB.
  ExpectError(Post(With(V1(policy), {{"key", "k"}, {"x-oss-meta-big", std::string(5000, 'b')}})),
              400, "MaxPOSTPreDataLengthExceededError");
  // Content-MD5 covers the whole body.
  ExpectError(PostRaw(good, {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("other"))}}),
              400, "InvalidDigest");
  auto md5_ok = PostRaw(good, {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of(good))}});
  EXPECT_EQ(md5_ok.status, 204) << md5_ok.body;
  // Forbid-overwrite now that k exists.
  ExpectError(Post(With(V1(policy), {{"key", "k"}, {"x-oss-forbid-overwrite", "true"}})), 409,
              "FileAlreadyExists", "never-stored");
  // Unknown bucket.
  auto missing = client().SendRaw(
      "POST", "/no-such-bucket/",
      {{"Content-Type", "multipart/form-data; boundary=" + std::string(kBoundary)}}, good);
  EXPECT_EQ(missing.ErrorCode(), "NoSuchBucket");
  EXPECT_EQ(client().Get("bkt", "k").status, 200);  // still serving
}

}  // namespace
}  // namespace ossup::fake::testing
