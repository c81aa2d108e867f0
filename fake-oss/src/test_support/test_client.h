// Test-only helpers: a signing OSS client over httplib::Client (the protocol layer signs),
// and a fixture that runs an in-process fake server on 127.0.0.1:0. Header-only so it stays
// out of the ossup_fake library.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/xml.h"

namespace ossup::fake::testing {

struct TestResponse {
  int status = 0;  // 0 = no HTTP response (transport error)
  httplib::Error error = httplib::Error::Success;
  std::string body;
  httplib::Headers headers;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  /// The OSS error code from the body, or from x-oss-err for bodiless (HEAD) errors.
  std::string ErrorCode() const {
    std::string xml = body;
    if (xml.empty() && !Header("x-oss-err").empty()) {
      auto bytes = protocol::Base64Decode(Header("x-oss-err"));
      if (bytes) xml.assign(bytes->begin(), bytes->end());
    }
    auto error = protocol::DecodeErrorDocument(xml);
    return error.ok() ? error->code : "";
  }
  protocol::Error ErrorDocument() const {
    auto error = protocol::DecodeErrorDocument(body);
    return error.ok() ? *error : protocol::Error{};
  }
};

inline const protocol::Credentials kTestCredentials{"AKIDTEST", "SECRETTEST", ""};

class TestClient {
 public:
  TestClient(Server& server, protocol::Credentials credentials = kTestCredentials)
      : TestClient(
            server.port(), [&server] { return server.Now(); }, std::move(credentials)) {}
  /// For a server in another process: `now` is the time to sign with.
  TestClient(uint16_t port, std::function<protocol::TimePoint()> now,
             protocol::Credentials credentials = kTestCredentials)
      : TestClient("http://127.0.0.1:" + std::to_string(port), std::move(now),
                   std::move(credentials)) {}
  /// For any origin ("https://127.0.0.1:PORT"); https verification is httplib's default (on,
  /// system trust store) until http().set_ca_cert_path() names the CA.
  TestClient(const std::string& origin, std::function<protocol::TimePoint()> now,
             protocol::Credentials credentials = kTestCredentials)
      : now_(std::move(now)), credentials_(std::move(credentials)), http_(origin) {
    http_.set_keep_alive(true);
    http_.set_tcp_nodelay(true);
    http_.set_url_encode(false);
    http_.set_read_timeout(10);
  }

  protocol::SignatureVersion version = protocol::SignatureVersion::kV1;
  /// Extra signed headers when `version` is kV2.
  protocol::V2Params v2_params;
  bool sign = true;
  /// Seconds added to the server's virtual time when signing.
  std::chrono::seconds clock_offset{0};
  protocol::Credentials& credentials() { return credentials_; }
  httplib::Client& http() { return http_; }

  /// The path-style target for bucket/key with `query` appended.
  static std::string Target(const std::string& bucket, const std::string& key,
                            const protocol::QueryParams& query) {
    std::string path = "/";
    if (!bucket.empty()) path += bucket + "/" + protocol::UriEncode(key, /*keep_slash=*/true);
    if (!query.empty()) path += "?" + protocol::EncodeQueryString(query);
    return path;
  }

  TestResponse Send(const std::string& method, const std::string& bucket, const std::string& key,
                    protocol::QueryParams query = {}, protocol::Headers headers = {},
                    std::string body = "") {
    // httplib would add "Content-Type: text/plain" after signing; name it up front.
    if (!body.empty() && !protocol::FindHeader(headers, "Content-Type")) {
      headers.emplace_back("Content-Type", "application/octet-stream");
    }
    protocol::WireRequest wire{method, bucket, key, query, headers};
    if (sign) {
      auto now = now_() + clock_offset;
      switch (version) {
        case protocol::SignatureVersion::kV1:
          protocol::SignV1(wire, credentials_, now);
          break;
        case protocol::SignatureVersion::kV2:
          protocol::SignV2(wire, credentials_, v2_params, now);
          break;
        case protocol::SignatureVersion::kV4: {
          protocol::V4Params params;
          params.region = "cn-hangzhou";
          protocol::SignV4(wire, credentials_, params, now);
          break;
        }
      }
    }
    return SendRaw(method, Target(bucket, key, wire.query), wire.headers, std::move(body));
  }

  TestResponse SendRaw(const std::string& method, const std::string& path,
                       const protocol::Headers& headers, std::string body) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    for (const auto& [name, value] : headers) req.headers.emplace(name, value);
    req.body = std::move(body);
    auto result = http_.send(req);
    TestResponse response;
    if (!result) {
      response.error = result.error();
      return response;
    }
    response.status = result->status;
    response.body = result->body;
    response.headers = result->headers;
    return response;
  }

  // --- Conveniences --------------------------------------------------------------------------

  TestResponse Put(const std::string& bucket, const std::string& key, const std::string& data,
                   protocol::Headers headers = {}) {
    return Send("PUT", bucket, key, {}, std::move(headers), data);
  }
  TestResponse Get(const std::string& bucket, const std::string& key,
                   protocol::Headers headers = {}) {
    return Send("GET", bucket, key, {}, std::move(headers));
  }
  std::string Initiate(const std::string& bucket, const std::string& key) {
    auto response = Send("POST", bucket, key, {{"uploads", ""}});
    EXPECT_EQ(response.status, 200) << response.body;
    auto result = protocol::DecodeInitiateMultipartUploadResult(response.body);
    EXPECT_TRUE(result.ok()) << response.body;
    return result.ok() ? result->upload_id : "";
  }
  TestResponse UploadPart(const std::string& bucket, const std::string& key,
                          const std::string& upload_id, int part_number, const std::string& data,
                          protocol::Headers headers = {}) {
    return Send("PUT", bucket, key,
                {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
                std::move(headers), data);
  }
  TestResponse Complete(const std::string& bucket, const std::string& key,
                        const std::string& upload_id,
                        const std::vector<protocol::CompletePart>& parts,
                        protocol::Headers headers = {}) {
    protocol::CompleteMultipartUpload body{parts};
    return Send("POST", bucket, key, {{"uploadId", upload_id}}, std::move(headers),
                protocol::EncodeXml(body));
  }
  TestResponse ListParts(const std::string& bucket, const std::string& key,
                         const std::string& upload_id, protocol::QueryParams extra = {}) {
    protocol::QueryParams query{{"uploadId", upload_id}};
    query.insert(query.end(), extra.begin(), extra.end());
    return Send("GET", bucket, key, std::move(query));
  }
  TestResponse Abort(const std::string& bucket, const std::string& key,
                     const std::string& upload_id) {
    return Send("DELETE", bucket, key, {{"uploadId", upload_id}});
  }

 private:
  std::function<protocol::TimePoint()> now_;
  protocol::Credentials credentials_;
  httplib::Client http_;
};

/// A plain TCP connection to 127.0.0.1:`port`, for exchanges httplib::Client cannot make: exact
/// framing (no Content-Length, chunked by hand), or a body that is announced but never sent.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  /// False when the server is gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  /// Reads until `done(received)` holds, the server closes, or `timeout` passes.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string received;
    closed_ = false;
    while (!done(received)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
      if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received.append(buffer, static_cast<size_t>(n));
    }
    return received;
  }
  /// One whole response whose body is `Content-Length` long (what every fake answer carries).
  std::string ReadResponse() {
    return ReadUntil([](const std::string& r) {
      const size_t end = r.find("\r\n\r\n");
      if (end == std::string::npos) return false;
      const size_t at = r.find("Content-Length: ");
      const size_t length = at < end ? std::stoul(r.substr(at + 16)) : 0;
      return r.size() >= end + 4 + length;
    });
  }
  /// Everything until the server closes the connection.
  std::string ReadUntilClosed() {
    return ReadUntil([](const std::string&) { return false; });
  }
  /// Whether the last read ended because the server closed the connection.
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

/// The request head for a raw exchange: request line, `headers` (already signed), CRLF CRLF.
inline std::string RawHead(const std::string& method, const std::string& target,
                           const protocol::Headers& headers) {
  std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  return head + "\r\n";
}

/// A `size`-byte deterministic payload that differs per `seed`.
inline std::string Payload(size_t size, uint32_t seed = 1) {
  std::string data(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : data) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return data;
}

inline protocol::TimePoint FixedStart() {
  return *protocol::ParseIso8601("2026-11-25T12:00:00.000Z");
}

inline ServerOptions DefaultOptions() {
  ServerOptions options;
  options.credentials = {{kTestCredentials.access_key_id, kTestCredentials.access_key_secret}};
  options.buckets = {"bkt"};
  options.seed = 42;
  options.clock_start = FixedStart();
  options.threads = 16;
  return options;
}

class FakeOssTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(DefaultOptions()); }
  void StartServer(ServerOptions options) {
    client_.reset();
    server_ = std::make_unique<Server>(std::move(options));
    auto status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    client_ = std::make_unique<TestClient>(*server_);
  }
  Server& server() { return *server_; }
  TestClient& client() { return *client_; }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

}  // namespace ossup::fake::testing
