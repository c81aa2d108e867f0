// Upload callbacks against a loopback callback server.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <thread>

#include "ossup/protocol/mutex.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

class CallbackTest : public FakeOssTest {
 protected:
  void SetUp() override {
    FakeOssTest::SetUp();
    receiver_.Post("/ok", [this](const httplib::Request& req, httplib::Response& res) {
      protocol::MutexLock lock(mu_);
      received_ = req.body;
      received_type_ = req.get_header_value("Content-Type");
      res.set_content(R"({"Status":"OK"})", "application/json");
    });
    receiver_.Post(R"(/signed/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      protocol::MutexLock lock(mu_);
      received_ = req.body;
      received_target_ = req.target;
      received_authorization_ = req.get_header_value("authorization");
      received_key_url_ = req.get_header_value("x-oss-pub-key-url");
      res.set_content(R"({"Status":"OK"})", "application/json");
    });
    receiver_.Post("/fail",
                   [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    port_ = receiver_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { receiver_.listen_after_bind(); });
    // stop() before the accept loop runs is lost and join() would hang: wait for it.
    for (int i = 0; i < 2000 && !receiver_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(receiver_.is_running());
  }
  void TearDown() override {
    receiver_.stop();
    thread_.join();
  }
  protocol::Headers CallbackHeaders(const std::string& path, const std::string& body,
                                    const std::string& type) {
    nlohmann::json config = {{"callbackUrl", "http://127.0.0.1:" + std::to_string(port_) + path},
                             {"callbackBody", body},
                             {"callbackBodyType", type}};
    nlohmann::json vars = {{"x:who", "tester"}};
    return {{"x-oss-callback", protocol::Base64Encode(config.dump())},
            {"x-oss-callback-var", protocol::Base64Encode(vars.dump())}};
  }
  std::string Received() {
    protocol::MutexLock lock(mu_);
    return received_;
  }

  httplib::Server receiver_;
  std::thread thread_;
  int port_ = 0;
  protocol::Mutex mu_;
  std::string received_ OSSUP_GUARDED_BY(mu_);
  std::string received_type_ OSSUP_GUARDED_BY(mu_);
  std::string received_target_ OSSUP_GUARDED_BY(mu_);
  std::string received_authorization_ OSSUP_GUARDED_BY(mu_);
  std::string received_key_url_ OSSUP_GUARDED_BY(mu_);
};

/// Whether `signature_base64` is a PKCS#1 v1.5 RSA-MD5 signature of `content` by the key in
/// `pem`: what a callback server does with OSS's `authorization` header (OpenSSL's verifier).
bool VerifiesWithPem(const std::string& pem, const std::string& content,
                     const std::string& signature_base64) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  auto signature = protocol::Base64Decode(signature_base64);
  if (!key || !signature) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_md5(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature->data(), signature->size(),
                          reinterpret_cast<const unsigned char*>(content.data()),
                          content.size()) == 1;
}

TEST_F(CallbackTest, PutObjectReturnsTheCallbackReply) {
  auto response = client().Put("bkt", "dir/a b.txt", "12345",
                               CallbackHeaders("/ok", "object=${object}&size=${size}&who=${x:who}",
                                               "application/x-www-form-urlencoded"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"Status":"OK"})");
  EXPECT_FALSE(response.Header("ETag").empty());
  EXPECT_EQ(Received(), "object=dir%2Fa%20b.txt&size=5&who=tester");
}

TEST_F(CallbackTest, CompleteWithJsonBody) {
  auto id = client().Initiate("bkt", "k");
  auto etag = client().UploadPart("bkt", "k", id, 1, "abc").Header("ETag");
  auto headers =
      CallbackHeaders("/ok", R"({"bucket":${bucket},"size":${size}})", "application/json");
  auto response = client().Complete("bkt", "k", id, {{1, etag}}, headers);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"Status":"OK"})");
  EXPECT_EQ(Received(), R"({"bucket":"bkt","size":3})");
}

TEST_F(CallbackTest, CallbacksAreSignedWithThePublishedKey) {
  // A percent-encoded path with '+' and a query: OSS signs url_decode(path) + "?" + raw query.
  auto response =
      client().Put("bkt", "signed.txt", "12345",
                   CallbackHeaders("/signed/a%20b+c?x=1&y=%2F", "object=${object}&size=${size}",
                                   "application/x-www-form-urlencoded"));
  ASSERT_EQ(response.status, 200) << response.body;
  std::string target, body, authorization, key_url_base64;
  {
    protocol::MutexLock lock(mu_);
    target = received_target_;
    body = received_;
    authorization = received_authorization_;
    key_url_base64 = received_key_url_;
  }
  EXPECT_EQ(target, "/signed/a%20b+c?x=1&y=%2F");
  EXPECT_EQ(body, "object=signed.txt&size=5");
  ASSERT_FALSE(authorization.empty());

  // x-oss-pub-key-url: base64 of this server's key URL, which serves the PEM.
  auto key_url = protocol::Base64Decode(key_url_base64);
  ASSERT_TRUE(key_url.has_value());
  EXPECT_EQ(std::string(key_url->begin(), key_url->end()),
            server().endpoint() + "/_fake/callback-public-key");
  httplib::Client control("127.0.0.1", server().port());
  auto pem = control.Get("/_fake/callback-public-key");
  ASSERT_TRUE(pem);
  EXPECT_EQ(pem->status, 200);
  EXPECT_TRUE(pem->body.starts_with("-----BEGIN PUBLIC KEY-----\n")) << pem->body;
  EXPECT_EQ(pem->body, server().CallbackPublicKeyPem());

  // The verifier's view: the decoded path ('+' read as a space, as PHP urldecode and Java
  // URLDecoder read it), the raw query, a newline, the body.
  const std::string signed_content = "/signed/a b c?x=1&y=%2F\nobject=signed.txt&size=5";
  EXPECT_TRUE(VerifiesWithPem(pem->body, signed_content, authorization));
  EXPECT_FALSE(VerifiesWithPem(pem->body, signed_content + "6", authorization));
  EXPECT_FALSE(VerifiesWithPem(pem->body, "/signed/a%20b+c?x=1&y=%2F\nobject=signed.txt&size=5",
                               authorization));
}

TEST_F(CallbackTest, TheCallbackKeyFollowsTheSeed) {
  const std::string first = server().CallbackPublicKeyPem();
  ServerOptions same = DefaultOptions();
  Server twin(same);
  EXPECT_EQ(twin.CallbackPublicKeyPem(), first);
  ServerOptions other = DefaultOptions();
  other.seed += 1;
  Server stranger(other);
  EXPECT_NE(stranger.CallbackPublicKeyPem(), first);
}

TEST_F(CallbackTest, FailedCallbackIs203AndTheObjectIsStored) {
  auto response = client().Put(
      "bkt", "k", "data", CallbackHeaders("/fail", "x=1", "application/x-www-form-urlencoded"));
  EXPECT_EQ(response.status, 203);
  EXPECT_EQ(response.ErrorCode(), "CallbackFailed");
  EXPECT_EQ(client().Get("bkt", "k").body, "data");
}

TEST_F(CallbackTest, MalformedCallbackHeader) {
  auto response = client().Put("bkt", "k", "data", {{"x-oss-callback", "bm90IGpzb24="}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(client().Get("bkt", "k").ErrorCode(), "NoSuchKey");
}

}  // namespace
}  // namespace ossup::fake::testing
