// The HTTP framing rules the fake enforces before (or while) reading a body, pipelining,
// `Expect: 100-continue`, and the header/body timeouts, over raw connections: each refusal is
// an OSS XML error with a request id.
#include <string>
#include <thread>
#include <vector>

#include "ossup/faults/plan.h"
#include "ossup/protocol/limits.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;
  std::string code;
  std::string request_id;
  /// Head and body as announced: the response is complete when this many bytes arrived.
  size_t total = 0;
};

// The first response in `text` (head and Content-Length body).
RawResponse Parse(const std::string& text) {
  RawResponse out;
  const size_t end = text.find("\r\n\r\n");
  if (text.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return out;
  out.status = std::stoi(text.substr(9, 3));
  out.head = text.substr(0, end + 2);
  const size_t at = out.head.find("Content-Length: ");
  const size_t length = at == std::string::npos ? 0 : std::stoul(out.head.substr(at + 16));
  out.body = text.substr(end + 4, length);
  out.total = end + 4 + length;
  auto error = protocol::DecodeErrorDocument(out.body);
  if (error.ok()) {
    out.code = error->code;
    out.request_id = error->request_id;
  }
  return out;
}

// Every complete response in `text`, in order.
std::vector<RawResponse> ParseAll(std::string text) {
  std::vector<RawResponse> all;
  while (true) {
    auto response = Parse(text);
    if (response.status == 0 || text.size() < response.total) return all;
    text.erase(0, response.total);
    all.push_back(std::move(response));
  }
}

bool Closes(const RawResponse& response) {
  return response.head.find("Connection: close\r\n") != std::string::npos;
}

class FramingTest : public FakeOssTest {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    StartServer(std::move(options));
  }

  // Sends `bytes` on a fresh connection and reads one response.
  RawResponse Exchange(const std::string& bytes) {
    RawConnection connection(server().port());
    EXPECT_TRUE(connection.Send(bytes));
    return Parse(connection.ReadResponse());
  }

  // An OSS error with a request id, and the connection closes after it.
  void ExpectRefused(const std::string& bytes, int status, const std::string& code) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.Send(bytes));
    auto response = Parse(connection.ReadResponse());
    EXPECT_EQ(response.status, status) << bytes.substr(0, 200);
    EXPECT_EQ(response.code, code) << response.body;
    EXPECT_FALSE(response.request_id.empty()) << response.body;
    EXPECT_TRUE(Closes(response)) << response.head;
    connection.ReadUntilClosed();
    EXPECT_TRUE(connection.closed());
  }
};

TEST_F(FramingTest, ContentLengthMustBeOneDecimalNumber) {
  for (const std::string length : {"-1", "99999999999999999999", "+5", "5x", "0x10", ""}) {
    ExpectRefused(RawHead("PUT", "/bkt/k", {{"Content-Length", length}}) + "hello", 400,
                  "InvalidArgument");
  }
  // Two that disagree, whichever comes first.
  ExpectRefused(
      RawHead("PUT", "/bkt/k", {{"Content-Length", "5"}, {"Content-Length", "6"}}) + "hello!", 400,
      "InvalidArgument");
  ExpectRefused(RawHead("PUT", "/bkt/k", {{"Content-Length", "5, 6"}}) + "hello!", 400,
                "InvalidArgument");
  // Content-Length with chunked framing is refused too.
  ExpectRefused(
      RawHead("PUT", "/bkt/k", {{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}) +
          "5\r\nhello\r\n0\r\n\r\n",
      400, "InvalidArgument");
  EXPECT_EQ(client().Get("bkt", "k").status, 404);
}

TEST_F(FramingTest, OversizedUploadIsRefusedBeforeItsBody) {
  const std::string too_big = std::to_string(protocol::limits::kMaxPartSize + 1);
  // No body byte is sent: the answer cannot depend on reading it.
  ExpectRefused(RawHead("PUT", "/bkt/big", {{"Content-Length", too_big}}), 400, "EntityTooLarge");
  ExpectRefused(RawHead("PUT", "/bkt/big?partNumber=1&uploadId=x", {{"Content-Length", too_big}}),
                400, "EntityTooLarge");
  ExpectRefused(RawHead("POST", "/bkt/big?append&position=0", {{"Content-Length", too_big}}), 400,
                "EntityTooLarge");
}

TEST_F(FramingTest, HeaderBlockAndUriLimits) {
  ExpectRefused(RawHead("GET", "/bkt/k", {{"x-oss-meta-big", std::string(70 * 1024, 'a')}}), 400,
                "RequestHeaderTooLarge");
  ExpectRefused(RawHead("GET", "/bkt/" + std::string(17 * 1024, 'k'), {}), 400, "InvalidURI");
}

TEST_F(FramingTest, UnknownMethodsAndCodingsGetOssErrors) {
  ExpectRefused(RawHead("BREW", "/bkt/k", {}), 405, "MethodNotAllowed");
  ExpectRefused(RawHead("PATCH", "/bkt/k", {{"Content-Length", "2"}}) + "hi", 405,
                "MethodNotAllowed");
  ExpectRefused(RawHead("PUT", "/bkt/k", {{"Transfer-Encoding", "gzip, chunked"}}), 501,
                "NotImplemented");
  ExpectRefused("GET /bkt/k HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", 400, "InvalidRequest");
}

TEST_F(FramingTest, BrokenChunkedBodyIsRefused) {
  ExpectRefused(RawHead("PUT", "/bkt/k", {{"Transfer-Encoding", "chunked"}}) + "zz\r\nhello\r\n",
                400, "InvalidRequest");
  EXPECT_EQ(client().Get("bkt", "k").status, 404);
}

TEST_F(FramingTest, ChunkedBodiesAreStored) {
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(RawHead("PUT", "/bkt/c", {{"Transfer-Encoding", "chunked"}}) +
                              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  EXPECT_EQ(Parse(connection.ReadResponse()).status, 200);
  EXPECT_EQ(client().Get("bkt", "c").body, "hello world");
}

TEST_F(FramingTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection connection(server().port());
  const std::string requests = RawHead("PUT", "/bkt/p", {{"Content-Length", "3"}}) + "one" +
                               RawHead("GET", "/bkt/p", {}) + RawHead("GET", "/bkt/missing", {}) +
                               RawHead("DELETE", "/bkt/p", {}) + RawHead("GET", "/bkt/p", {});
  ASSERT_TRUE(connection.Send(requests));
  const std::string received =
      connection.ReadUntil([](const std::string& text) { return ParseAll(text).size() == 5; });
  std::vector<int> statuses;
  std::string bodies;
  for (const auto& response : ParseAll(received)) {
    statuses.push_back(response.status);
    if (response.status == 200) bodies += response.body;
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 404, 204, 404}));
  EXPECT_EQ(bodies, "one");
}

TEST_F(FramingTest, LargeBodyIsReadToItsLengthAndNoFurther) {
  // A body served on a handler thread (larger than the inline limit) is read straight from the
  // stream: its start arrives with the head, the rest in uneven pieces, and the request
  // pipelined behind it in the same piece as its last byte is left for the next read.
  const std::string body = Payload(300 * 1024 + 7, 12);
  const std::string all =
      RawHead("PUT", "/bkt/big", {{"Content-Length", std::to_string(body.size())}}) + body +
      RawHead("GET", "/bkt/big", {});
  RawConnection connection(server().port());
  for (size_t at = 0, step = 1000; at < all.size(); at += step, step = step * 3 + 1) {
    ASSERT_TRUE(connection.Send(std::string_view(all).substr(at, step)));
  }
  const std::string received =
      connection.ReadUntil([](const std::string& text) { return ParseAll(text).size() == 2; });
  auto responses = ParseAll(received);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[1].status, 200);
  EXPECT_TRUE(responses[1].body == body);
  EXPECT_FALSE(connection.closed());
}

TEST_F(FramingTest, RequestWithoutBodyIsAnsweredAtOnce) {
  // No Content-Length and no Transfer-Encoding: the body is empty (RFC 9112 §6.3); the answer
  // comes while the connection stays open.
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(RawHead("PUT", "/bkt/empty", {})));
  auto response = Parse(connection.ReadResponse());
  EXPECT_EQ(response.code, "MissingContentLength");
  EXPECT_FALSE(connection.closed());
  ASSERT_TRUE(connection.Send(RawHead("GET", "/bkt/missing", {})));
  EXPECT_EQ(Parse(connection.ReadResponse()).status, 404);
}

TEST_F(FramingTest, ExpectContinueIsAnsweredAfterRouting) {
  // Refused: the error comes instead of 100 Continue, and the body is never expected.
  ExpectRefused(
      RawHead("PUT", "/nobucket/k", {{"Content-Length", "5"}, {"Expect", "100-continue"}}), 404,
      "NoSuchBucket");
  ExpectRefused(RawHead("PUT", "/bkt/k",
                        {{"Content-Length", std::to_string(protocol::limits::kMaxPartSize + 1)},
                         {"Expect", "100-continue"}}),
                400, "EntityTooLarge");
  // Accepted: 100 Continue, then the body, then the answer.
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(
      RawHead("PUT", "/bkt/k", {{"Content-Length", "5"}, {"Expect", "100-continue"}})));
  const std::string interim = connection.ReadUntil(
      [](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(connection.Send("hello"));
  EXPECT_EQ(Parse(connection.ReadResponse()).status, 200);
  EXPECT_EQ(client().Get("bkt", "k").body, "hello");
}

class PartLimitTest : public FramingTest {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.max_part_bytes = 1000;
    StartServer(std::move(options));
  }
  static std::string Chunked(size_t chunks, size_t chunk_bytes) {
    std::string body;
    for (size_t i = 0; i < chunks; ++i) {
      body += "64\r\n" + std::string(chunk_bytes, 'x') + "\r\n";
    }
    return body;
  }
};

TEST_F(PartLimitTest, ChunkedBodyIsCountedWhileItStreams) {
  // 10 chunks of 100 bytes: exactly the limit, stored.
  RawConnection at_limit(server().port());
  ASSERT_TRUE(at_limit.Send(RawHead("PUT", "/bkt/k", {{"Transfer-Encoding", "chunked"}}) +
                            Chunked(10, 100) + "0\r\n\r\n"));
  EXPECT_EQ(Parse(at_limit.ReadResponse()).status, 200);
  // One more chunk: EntityTooLarge once the limit is crossed, with the end never sent.
  ExpectRefused(RawHead("PUT", "/bkt/k2", {{"Transfer-Encoding", "chunked"}}) + Chunked(11, 100),
                400, "EntityTooLarge");
  ExpectRefused(RawHead("PUT", "/bkt/k2?partNumber=1&uploadId=x", {{"Content-Length", "1001"}}),
                400, "EntityTooLarge");
  EXPECT_EQ(client().Get("bkt", "k2").status, 404);
  EXPECT_EQ(client().Get("bkt", "k").body.size(), 1000u);
}

class TimeoutTest : public FramingTest {
 protected:
  void SetUp() override {
    ServerOptions options = DefaultOptions();
    options.anonymous = true;
    options.header_timeout = std::chrono::milliseconds(200);
    options.body_idle_timeout = std::chrono::milliseconds(200);
    StartServer(std::move(options));
  }
};

TEST_F(TimeoutTest, SlowHeaderIsRefused) {
  // A header that never ends (slowloris): RequestTimeout, then the connection closes.
  ExpectRefused("GET /bkt/k HTTP/1.1\r\nHost: 127.0.0.1\r\nx-oss-meta-a: 1\r\n", 400,
                "RequestTimeout");
}

TEST_F(TimeoutTest, StalledBodyIsRefused) {
  ExpectRefused(RawHead("PUT", "/bkt/k", {{"Content-Length", "100"}}) + "only ten..", 400,
                "RequestTimeout");
  EXPECT_EQ(client().Get("bkt", "k").status, 404);
  ExpectRefused(RawHead("PUT", "/bkt/k", {{"Transfer-Encoding", "chunked"}}) + "5\r\nhel", 400,
                "RequestTimeout");
}

TEST_F(TimeoutTest, IdleKeepAliveConnectionStaysUntilItsOwnTimeout) {
  // The header timeout starts at a request's first byte, not while the connection idles.
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(RawHead("GET", "/bkt/missing", {})));
  EXPECT_EQ(Parse(connection.ReadResponse()).status, 404);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_TRUE(connection.Send(RawHead("GET", "/bkt/missing", {})));
  EXPECT_EQ(Parse(connection.ReadResponse()).status, 404);
}

}  // namespace
}  // namespace ossup::fake::testing
