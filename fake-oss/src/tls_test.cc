// The fake over HTTPS (ServerOptions::tls): the generated and the given certificate, signed
// requests and large bodies through TLS, a plain-HTTP client refused, and the socket-level
// faults as a TLS client sees them.
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ossup/faults/plan.h"
#include "test_support/test_client.h"
#include "tls/certificate.h"

namespace ossup::fake::testing {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.tls = TlsOptions{};
    server_ = std::make_unique<Server>(std::move(options));
    auto status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ca_file_ = WriteTemp("fake-oss-tls-ca.pem", server_->TlsCaPem());
  }

  /// A signing client for `origin` ("https://127.0.0.1:PORT" by default) that trusts the CA.
  std::unique_ptr<TestClient> HttpsClient(std::string origin = "") {
    if (origin.empty()) origin = server_->endpoint();
    auto client = std::make_unique<TestClient>(origin, [this] { return server_->Now(); });
    client->http().set_ca_cert_path(ca_file_);
    return client;
  }
  std::string AddPlan(const std::string& json) {
    auto plan = faults::ParsePlan(json);
    EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().ToString());
    return plan.ok() ? server_->AddFaultPlan(std::move(*plan)) : "";
  }

  std::unique_ptr<Server> server_;
  std::string ca_file_;
};

TEST_F(TlsTest, EndpointAndCaCertificate) {
  EXPECT_EQ(server_->endpoint(), "https://127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(server_->TlsCaPem().rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u)
      << server_->TlsCaPem();
}

TEST_F(TlsTest, SignedRequestsOverHttps) {
  auto client = HttpsClient();
  auto put = client->Put("bkt", "hello.txt", "hello over tls");
  ASSERT_EQ(put.status, 200) << httplib::to_string(put.error) << " " << put.body;
  client->version = protocol::SignatureVersion::kV4;
  auto get = client->Get("bkt", "hello.txt");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello over tls");
  // A wrong signature is still refused: TLS changes the transport, not the checks.
  client->credentials().access_key_secret = "wrong";
  EXPECT_EQ(client->Get("bkt", "hello.txt").ErrorCode(), "SignatureDoesNotMatch");
}

TEST_F(TlsTest, CertificateNamesLocalhost) {
  auto client = HttpsClient("https://localhost:" + std::to_string(server_->port()));
  auto put = client->Put("bkt", "k", "x");
  EXPECT_EQ(put.status, 200) << httplib::to_string(put.error);
}

// Parts of 256 KiB and more are read with recv() straight from the socket over plain HTTP;
// over TLS that would read ciphertext. The stored object must be byte-exact.
TEST_F(TlsTest, LargePartsAreStoredExactly) {
  auto client = HttpsClient();
  const std::string part1 = Payload(1 << 20, 1);
  const std::string part2 = Payload(300 * 1024, 2);
  const std::string id = client->Initiate("bkt", "big");
  auto r1 = client->UploadPart("bkt", "big", id, 1, part1);
  auto r2 = client->UploadPart("bkt", "big", id, 2, part2);
  ASSERT_EQ(r1.status, 200) << httplib::to_string(r1.error) << " " << r1.body;
  ASSERT_EQ(r2.status, 200) << httplib::to_string(r2.error) << " " << r2.body;
  EXPECT_EQ(r1.Header("ETag"), protocol::ETagOf(protocol::Md5Of(part1)));
  auto complete =
      client->Complete("bkt", "big", id, {{1, r1.Header("ETag")}, {2, r2.Header("ETag")}});
  ASSERT_EQ(complete.status, 200) << complete.body;
  auto result = protocol::DecodeCompleteMultipartUploadResult(complete.body);
  ASSERT_TRUE(result.ok()) << complete.body;
  EXPECT_EQ(result->location.rfind("https://", 0), 0u) << result->location;
  auto get = client->Get("bkt", "big");
  ASSERT_EQ(get.status, 200);
  EXPECT_TRUE(get.body == part1 + part2) << "object differs from the uploaded parts";
}

// Answers larger than one TLS record (16 KiB), held in memory (a listing) or streamed (an
// object), arrive whole whether the request is served inline on the I/O thread (no fault
// plan) or on a handler thread (a plan that never fires is installed).
TEST_F(TlsTest, LargeAnswersArriveWholeWhereverServed) {
  auto client = HttpsClient();
  const std::string object = Payload(100 * 1024, 3);
  ASSERT_EQ(client->Put("bkt", "object", object).status, 200);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(client->Put("bkt", std::string(200, 'k') + std::to_string(i), "x").status, 200);
  }
  for (bool handler_thread : {false, true}) {
    SCOPED_TRACE(handler_thread ? "handler thread" : "inline");
    if (handler_thread) {
      AddPlan(R"({"rules": [{"match": {"key": "never-*"}, "action": {"type": "reset"}}]})");
    }
    auto listing = client->Send("GET", "bkt", "", {{"max-keys", "1000"}});
    ASSERT_EQ(listing.status, 200) << httplib::to_string(listing.error);
    EXPECT_GT(listing.body.size(), 16u * 1024);
    auto decoded = protocol::DecodeListObjectsResult(listing.body);
    ASSERT_TRUE(decoded.ok()) << listing.body.substr(0, 300);
    EXPECT_EQ(decoded->contents.size(), 101u);
    auto get = client->Get("bkt", "object");
    ASSERT_EQ(get.status, 200) << httplib::to_string(get.error);
    EXPECT_TRUE(get.body == object) << "the object arrived altered";
  }
}

TEST_F(TlsTest, PlainHttpIsRefused) {
  TestClient plain(server_->port(), [this] { return server_->Now(); });
  auto response = plain.Put("bkt", "k", "x");
  EXPECT_EQ(response.status, 0) << response.body;
  auto reached = HttpsClient()->Get("bkt", "k");
  EXPECT_EQ(reached.ErrorCode(), "NoSuchKey") << "the plain request must not have been served";
}

TEST_F(TlsTest, UntrustedWithoutTheCa) {
  TestClient client(server_->endpoint(), [this] { return server_->Now(); });
  auto response = client.Put("bkt", "k", "x");
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, httplib::Error::SSLServerVerification);
  EXPECT_TRUE(server_->Journal().empty());
}

TEST_F(TlsTest, ResetClosesTheConnection) {
  AddPlan(
      R"({"rules": [{"match": {"op": "PutObject"}, "action": {"type": "reset", "afterBytes": 0},
          "times": 1}]})");
  auto client = HttpsClient();
  EXPECT_EQ(client->Put("bkt", "k", Payload(5000)).status, 0);
  EXPECT_EQ(client->Get("bkt", "k").ErrorCode(), "NoSuchKey");
  // The reset connection's worker is free at once (OpenSSL must not see a "retry" error on
  // the stand-in socket, or httplib's TLS stream spins for a second before giving up).
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));
}

TEST_F(TlsTest, ResetMidBodyStoresNothing) {
  AddPlan(
      R"({"rules": [{"match": {"op": "PutObject"},
          "action": {"type": "reset", "afterBytes": 65536}, "times": 1}]})");
  auto client = HttpsClient();
  EXPECT_EQ(client->Put("bkt", "k", Payload(512 * 1024)).status, 0);
  EXPECT_EQ(client->Get("bkt", "k").ErrorCode(), "NoSuchKey");
}

TEST_F(TlsTest, TruncatedAndDroppedResponses) {
  auto client = HttpsClient();
  ASSERT_EQ(client->Put("bkt", "k", Payload(5000)).status, 200);
  AddPlan(R"({"rules": [{"match": {"op": "GetObject"},
              "action": {"type": "truncate-response", "afterBytes": 100}, "times": 1},
             {"match": {"op": "HeadObject"}, "action": {"type": "drop-response"}, "times": 1}]})");
  auto truncated = client->Get("bkt", "k");
  EXPECT_EQ(truncated.status, 0);
  EXPECT_EQ(truncated.error, httplib::Error::Read);
  EXPECT_EQ(client->Send("HEAD", "bkt", "k").status, 0);
  EXPECT_EQ(client->Get("bkt", "k").body, Payload(5000));
}

TEST(TlsFilesTest, GivenCertificateAndKey) {
  auto generated = GenerateTls({"127.0.0.1"});
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  const std::string cert_path = ::testing::TempDir() + "/fake-oss-given-cert.pem";
  const std::string key_path = ::testing::TempDir() + "/fake-oss-given-key.pem";
  {
    FILE* cert = std::fopen(cert_path.c_str(), "w");
    FILE* key = std::fopen(key_path.c_str(), "w");
    ASSERT_TRUE(cert && key);
    EXPECT_EQ(PEM_write_X509(cert, generated->server_cert.get()), 1);
    EXPECT_EQ(PEM_write_PrivateKey(key, generated->server_key.get(), nullptr, nullptr, 0, nullptr,
                                   nullptr),
              1);
    std::fclose(cert);
    std::fclose(key);
  }
  ServerOptions options = DefaultOptions();
  options.tls = TlsOptions{cert_path, key_path};
  Server server(std::move(options));
  auto status = server.Start();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(server.TlsCaPem(), "");
  TestClient client(server.endpoint(), [&server] { return server.Now(); });
  client.http().set_ca_cert_path(WriteTemp("fake-oss-given-ca.pem", generated->ca_pem));
  auto put = client.Put("bkt", "k", "given");
  EXPECT_EQ(put.status, 200) << httplib::to_string(put.error);
}

TEST(TlsFilesTest, UnusableFilesFailToStart) {
  for (const auto& tls : {TlsOptions{"/nonexistent/cert.pem", "/nonexistent/key.pem"},
                          TlsOptions{"/nonexistent/cert.pem", ""}}) {
    ServerOptions options = DefaultOptions();
    options.tls = tls;
    Server server(std::move(options));
    auto status = server.Start();
    ASSERT_FALSE(status.ok()) << tls.cert_file << " / " << tls.key_file;
    EXPECT_NE(status.error().message.find("TLS"), std::string::npos) << status.ToString();
  }
}

}  // namespace
}  // namespace ossup::fake::testing
