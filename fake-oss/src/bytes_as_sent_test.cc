// Header values reach the authenticator and the store exactly as sent: signed V1 and V4
// requests whose values hold %XX, '+' and UTF-8 verify, and what is stored comes back byte
// for byte. Only x-oss-copy-source is decoded, once, as the key it names.
#include <string>

#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

const std::string kMeta = "my%20file.txt + r\xC3\xA9sum\xC3\xA9 100%25";
const std::string kTagging = "k=a%20b&plus=c+d&utf=%C3%A9";
const std::string kDisposition =
    "attachment; filename=\"r\xC3\xA9sum\xC3\xA9+1.txt\"; "
    "filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt";

class BytesAsSentTest : public FakeOssTest,
                        public ::testing::WithParamInterface<protocol::SignatureVersion> {
 protected:
  void SetUp() override {
    FakeOssTest::SetUp();
    client().version = GetParam();
  }

  // The response head of a signed GET for bkt/`key`, as it arrives (httplib's client would
  // percent-decode the header values).
  std::string RawGetHead(const std::string& key) {
    protocol::WireRequest wire{"GET", "bkt", key, {}, {}};
    if (GetParam() == protocol::SignatureVersion::kV1) {
      protocol::SignV1(wire, kTestCredentials, server().Now());
    } else {
      protocol::V4Params params;
      params.region = "cn-hangzhou";
      protocol::SignV4(wire, kTestCredentials, params, server().Now());
    }
    RawConnection connection(server().port());
    EXPECT_TRUE(connection.Send(RawHead("GET", "/bkt/" + key, wire.headers)));
    const std::string response = connection.ReadResponse();
    EXPECT_EQ(response.rfind("HTTP/1.1 200 ", 0), 0u) << response;
    return response.substr(0, response.find("\r\n\r\n") + 2);
  }
};

bool HasField(const std::string& head, const std::string& name, const std::string& value) {
  return head.find("\r\n" + name + ": " + value + "\r\n") != std::string::npos;
}

TEST_P(BytesAsSentTest, SignedHeaderValuesRoundTripByteForByte) {
  auto put = client().Put("bkt", "src", "payload",
                          {{"x-oss-meta-note", kMeta},
                           {"x-oss-tagging", kTagging},
                           {"Content-Disposition", kDisposition}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(client().Get("bkt", "src").body, "payload");
  const std::string head = RawGetHead("src");
  EXPECT_TRUE(HasField(head, "x-oss-meta-note", kMeta)) << head;
  EXPECT_TRUE(HasField(head, "Content-Disposition", kDisposition)) << head;
}

TEST_P(BytesAsSentTest, CopySourceIsDecodedOnceAsTheKeyItNames) {
  const std::string key = "dir/a b+c \xC3\xA9 100%.txt";
  ASSERT_EQ(client().Put("bkt", key, "source bytes").status, 200);
  // encodeURIComponent / Java / Python spellings ('/' kept or %2F), and Go's QueryEscape
  // (space as '+', '+' as %2B).
  for (const std::string source : {
           "/bkt/dir/a%20b%2Bc%20%C3%A9%20100%25.txt",
           "/bkt/dir%2Fa%20b%2Bc%20%C3%A9%20100%25.txt",
           "/bkt/dir%2Fa+b%2Bc+%C3%A9+100%25.txt",
       }) {
    auto copy = client().Send("PUT", "bkt", "dst", {},
                              {{"x-oss-copy-source", source},
                               {"x-oss-metadata-directive", "REPLACE"},
                               {"x-oss-meta-note", kMeta},
                               {"Content-Disposition", kDisposition}});
    ASSERT_EQ(copy.status, 200) << source << "\n" << copy.body;
    EXPECT_EQ(client().Get("bkt", "dst").body, "source bytes") << source;
    const std::string head = RawGetHead("dst");
    EXPECT_TRUE(HasField(head, "x-oss-meta-note", kMeta)) << source << "\n" << head;
    EXPECT_TRUE(HasField(head, "Content-Disposition", kDisposition)) << source << "\n" << head;
  }
}

INSTANTIATE_TEST_SUITE_P(V1AndV4, BytesAsSentTest,
                         ::testing::Values(protocol::SignatureVersion::kV1,
                                           protocol::SignatureVersion::kV4),
                         [](const auto& info) {
                           return info.param == protocol::SignatureVersion::kV1 ? "V1" : "V4";
                         });

}  // namespace
}  // namespace ossup::fake::testing
