// The five multipart operations over real HTTP: success shapes and every error they answer.
#include <gtest/gtest.h>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "test_support/test_client.h"

namespace ossup::fake::testing {
namespace {

constexpr size_t kPart = protocol::limits::kMinPartSize;

class MultipartTest : public FakeOssTest {};

TEST_F(MultipartTest, UploadCompleteAndReadBack) {
  auto id = client().Initiate("bkt", "dir/big.bin");
  ASSERT_EQ(id.size(), 32u);
  std::string p1 = Payload(kPart, 1), p2 = Payload(kPart, 2), p3 = Payload(1000, 3);
  std::vector<protocol::CompletePart> parts;
  int n = 1;
  for (const auto* data : {&p1, &p2, &p3}) {
    auto response = client().UploadPart("bkt", "dir/big.bin", id, n, *data);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.Header("ETag"), protocol::ETagOf(protocol::Md5Of(*data)));
    EXPECT_EQ(response.Header("x-oss-hash-crc64ecma"),
              protocol::Crc64ToString(protocol::Crc64(*data)));
    EXPECT_EQ(response.Header("Content-MD5"), protocol::Base64Encode(protocol::Md5Of(*data)));
    EXPECT_EQ(response.Header("x-oss-request-id").size(), 24u);
    parts.push_back({n++, response.Header("ETag")});
  }
  auto done = client().Complete("bkt", "dir/big.bin", id, parts);
  ASSERT_EQ(done.status, 200) << done.body;
  std::string whole = p1 + p2 + p3;
  std::string expected_etag =
      protocol::MultipartETag({parts[0].etag, parts[1].etag, parts[2].etag});
  EXPECT_EQ(done.Header("ETag"), expected_etag);
  EXPECT_EQ(done.Header("x-oss-hash-crc64ecma"), protocol::Crc64ToString(protocol::Crc64(whole)));
  auto result = protocol::DecodeCompleteMultipartUploadResult(done.body);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->etag, expected_etag);
  EXPECT_EQ(result->key, "dir/big.bin");

  auto got = client().Get("bkt", "dir/big.bin");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, whole);
  EXPECT_EQ(got.Header("x-oss-object-type"), "Multipart");
  EXPECT_EQ(got.Header("x-oss-hash-crc64ecma"), protocol::Crc64ToString(protocol::Crc64(whole)));

  // The upload id is dead afterwards.
  EXPECT_EQ(client().UploadPart("bkt", "dir/big.bin", id, 1, "x").ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "dir/big.bin", id).ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(client().Complete("bkt", "dir/big.bin", id, parts).ErrorCode(), "NoSuchUpload");
  auto abort = client().Abort("bkt", "dir/big.bin", id);
  EXPECT_EQ(abort.status, 404);
  EXPECT_EQ(abort.ErrorCode(), "NoSuchUpload");
}

TEST_F(MultipartTest, AbortIs204ThenNoSuchUpload) {
  auto id = client().Initiate("bkt", "k");
  auto first = client().UploadPart("bkt", "k", id, 1, "abc");
  ASSERT_EQ(first.status, 200) << first.body;
  auto abort = client().Abort("bkt", "k", id);
  EXPECT_EQ(abort.status, 204) << client().UploadPart("bkt", "k", id, 1, "abc").body;
  EXPECT_TRUE(server().ListUploads().empty());
  auto part = client().UploadPart("bkt", "k", id, 2, "abc");
  EXPECT_EQ(part.ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(part.ErrorDocument().ec, "0042-00000104");
  // A second Abort carries AbortMultipartUpload's own EC, in the body and in x-oss-ec.
  auto again = client().Abort("bkt", "k", id);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.ErrorCode(), "NoSuchUpload");
  EXPECT_EQ(again.ErrorDocument().ec, "0042-00000002");
  EXPECT_EQ(again.Header("x-oss-ec"), "0042-00000002");
  EXPECT_EQ(again.ErrorDocument().Detail("UploadId"), id);
}

TEST_F(MultipartTest, UploadIdBelongsToItsKey) {
  auto id = client().Initiate("bkt", "k1");
  EXPECT_EQ(client().UploadPart("bkt", "k2", id, 1, "abc").ErrorCode(), "NoSuchUpload");
}

TEST_F(MultipartTest, ReuploadingAPartReplacesIt) {
  auto id = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", id, 1, "first").status, 200);
  auto second = client().UploadPart("bkt", "k", id, 1, "second!");
  ASSERT_EQ(second.status, 200);
  auto uploads = server().ListUploads();
  ASSERT_EQ(uploads.size(), 1u);
  ASSERT_EQ(uploads[0].parts.size(), 1u);
  EXPECT_EQ(uploads[0].parts[0].size, 7u);
  EXPECT_EQ(uploads[0].parts[0].etag, second.Header("ETag"));
}

TEST_F(MultipartTest, PartNumberBounds) {
  auto id = client().Initiate("bkt", "k");
  for (std::string bad : {"0", "10001", "abc", "-1"}) {
    auto response =
        client().Send("PUT", "bkt", "k", {{"partNumber", bad}, {"uploadId", id}}, {}, "data");
    EXPECT_EQ(response.status, 400) << bad;
    auto error = response.ErrorDocument();
    EXPECT_EQ(error.code, "InvalidArgument") << bad;
    EXPECT_EQ(error.Detail("ArgumentName"), "PartNumber");
    EXPECT_EQ(error.Detail("ArgumentValue"), bad);
    EXPECT_EQ(error.ec, "0017-00000220") << bad;
  }
  auto missing = client().Send("PUT", "bkt", "k", {{"uploadId", id}}, {}, "data");
  EXPECT_EQ(missing.ErrorCode(), "InvalidArgument");
  EXPECT_EQ(missing.ErrorDocument().ec, "0017-00000219");
  EXPECT_EQ(client().UploadPart("bkt", "k", id, 10000, "x").status, 200);
  EXPECT_EQ(client().UploadPart("bkt", "k", id, 1, "x").status, 200);
  // The connection is still in sync after the rejected bodies.
  EXPECT_EQ(client().ListParts("bkt", "k", id).status, 200);
}

TEST_F(MultipartTest, ContentMd5MismatchIsInvalidDigestAndNotStored) {
  auto id = client().Initiate("bkt", "k");
  auto response =
      client().UploadPart("bkt", "k", id, 1, "payload",
                          {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("other"))}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.ErrorCode(), "InvalidDigest");
  EXPECT_EQ(response.ErrorDocument().ec, "0017-00000503");  // a mismatch
  auto malformed = client().UploadPart("bkt", "k", id, 1, "payload", {{"Content-MD5", "nope"}});
  EXPECT_EQ(malformed.ErrorCode(), "InvalidDigest");
  EXPECT_EQ(malformed.ErrorDocument().ec, "0017-00000502");  // not base64 of 16 bytes
  auto short_digest =
      client().UploadPart("bkt", "k", id, 1, "payload", {{"Content-MD5", "AAAAAAAAAAAAAAAAAAAA"}});
  EXPECT_EQ(short_digest.ErrorDocument().ec, "0017-00000502");
  EXPECT_TRUE(server().ListUploads().at(0).parts.empty());
  auto good =
      client().UploadPart("bkt", "k", id, 1, "payload",
                          {{"Content-MD5", protocol::Base64Encode(protocol::Md5Of("payload"))}});
  EXPECT_EQ(good.status, 200);
}

TEST_F(MultipartTest, CompleteValidation) {
  auto id = client().Initiate("bkt", "k");
  std::string big = Payload(kPart), small = Payload(kPart - 1, 2);
  auto e1 = client().UploadPart("bkt", "k", id, 1, small).Header("ETag");
  auto e2 = client().UploadPart("bkt", "k", id, 2, big).Header("ETag");
  auto e3 = client().UploadPart("bkt", "k", id, 3, "tail").Header("ETag");

  auto order = client().Complete("bkt", "k", id, {{2, e2}, {1, e1}});
  EXPECT_EQ(order.status, 400);
  EXPECT_EQ(order.ErrorCode(), "InvalidPartOrder");
  auto duplicate = client().Complete("bkt", "k", id, {{2, e2}, {2, e2}});
  EXPECT_EQ(duplicate.ErrorCode(), "InvalidPartOrder");
  auto wrong_etag = client().Complete("bkt", "k", id, {{2, e1}});
  EXPECT_EQ(wrong_etag.status, 400);
  EXPECT_EQ(wrong_etag.ErrorCode(), "InvalidPart");
  auto missing = client().Complete("bkt", "k", id, {{4, e3}});
  EXPECT_EQ(missing.ErrorCode(), "InvalidPart");
  auto too_small = client().Complete("bkt", "k", id, {{1, e1}, {2, e2}});
  EXPECT_EQ(too_small.status, 400);
  EXPECT_EQ(too_small.ErrorCode(), "EntityTooSmall");
  auto malformed = client().Send("POST", "bkt", "k", {{"uploadId", id}}, {}, "<nope");
  EXPECT_EQ(malformed.ErrorCode(), "MalformedXML");
  // Failed completes leave the upload intact.
  EXPECT_EQ(server().ListUploads().at(0).parts.size(), 3u);

  // A subset is fine (the small last part is allowed); unlisted parts are discarded.
  auto done = client().Complete("bkt", "k", id, {{2, e2}, {3, e3}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(client().Get("bkt", "k").body, big + "tail");
  EXPECT_TRUE(server().ListUploads().empty());
}

TEST_F(MultipartTest, CompleteAcceptsEveryETagSpelling) {
  auto id = client().Initiate("bkt", "k");
  auto etag = client().UploadPart("bkt", "k", id, 1, "abc").Header("ETag");
  std::string hex = protocol::NormalizeETag(etag);
  std::string lower = hex;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string xml = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;" +
                    lower + "&quot;</ETag></Part></CompleteMultipartUpload>";
  auto done = client().Send("POST", "bkt", "k", {{"uploadId", id}}, {}, xml);
  EXPECT_EQ(done.status, 200) << done.body;
}

TEST_F(MultipartTest, CompleteAllAndItsConflictWithABody) {
  auto id = client().Initiate("bkt", "k");
  client().UploadPart("bkt", "k", id, 5, Payload(kPart));
  client().UploadPart("bkt", "k", id, 9, "end");
  auto conflict = client().Complete("bkt", "k", id, {{5, "x"}}, {{"x-oss-complete-all", "yes"}});
  EXPECT_EQ(conflict.status, 400);
  EXPECT_EQ(conflict.ErrorDocument().Detail("ArgumentName"), "x-oss-complete-all");
  auto done =
      client().Send("POST", "bkt", "k", {{"uploadId", id}}, {{"x-oss-complete-all", "yes"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(client().Get("bkt", "k").body, Payload(kPart) + "end");
}

TEST_F(MultipartTest, ForbidOverwriteOnComplete) {
  ASSERT_EQ(client().Put("bkt", "k", "existing").status, 200);
  auto id = client().Initiate("bkt", "k");
  auto etag = client().UploadPart("bkt", "k", id, 1, "new").Header("ETag");
  auto refused =
      client().Complete("bkt", "k", id, {{1, etag}}, {{"x-oss-forbid-overwrite", "true"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.ErrorCode(), "FileAlreadyExists");
  EXPECT_EQ(refused.ErrorDocument().ec, "0042-00000214");  // PutObject's is 0026-00000002
  EXPECT_EQ(refused.Header("x-oss-ec"), "0042-00000214");
  EXPECT_EQ(client().Get("bkt", "k").body, "existing");
  EXPECT_EQ(client().Complete("bkt", "k", id, {{1, etag}}).status, 200);
  EXPECT_EQ(client().Get("bkt", "k").body, "new");
}

TEST_F(MultipartTest, SequentialUploadNeverReplacesAPart) {
  auto init = client().Send("POST", "bkt", "seq", {{"uploads", ""}, {"sequential", ""}});
  ASSERT_EQ(init.status, 200) << init.body;
  auto id = protocol::DecodeInitiateMultipartUploadResult(init.body)->upload_id;
  std::string first = Payload(kPart, 1), second = "tail";
  auto etag1 = client().UploadPart("bkt", "seq", id, 1, first).Header("ETag");
  ASSERT_FALSE(etag1.empty());

  auto again = client().UploadPart("bkt", "seq", id, 1, "other bytes");
  EXPECT_EQ(again.status, 409);
  auto error = again.ErrorDocument();
  EXPECT_EQ(error.code, "PartAlreadyExist");
  EXPECT_EQ(error.message, "For sequential multipart upload, you can't overwrite uploaded parts.");
  EXPECT_EQ(error.Detail("PartEtag"), etag1);
  EXPECT_EQ(error.Detail("PartNumber"), "1");
  EXPECT_EQ(error.ec, "0042-00000108");
  EXPECT_EQ(again.Header("x-oss-request-id").size(), 24u);
  auto uploads = server().ListUploads();
  ASSERT_EQ(uploads.at(0).parts.size(), 1u);
  EXPECT_EQ(uploads.at(0).parts.at(0).etag, etag1);  // the first bytes stay

  auto etag2 = client().UploadPart("bkt", "seq", id, 2, second).Header("ETag");
  auto done = client().Complete("bkt", "seq", id, {{1, etag1}, {2, etag2}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(client().Get("bkt", "seq").body, first + second);
}

TEST_F(MultipartTest, ANonSequentialUploadStillReplacesParts) {
  auto id = client().Initiate("bkt", "plain");
  ASSERT_EQ(client().UploadPart("bkt", "plain", id, 1, "one").status, 200);
  EXPECT_EQ(client().UploadPart("bkt", "plain", id, 1, "two").status, 200);
}

TEST_F(MultipartTest, ListPartsPaging) {
  auto id = client().Initiate("bkt", "k");
  for (int n : {1, 2, 3, 5, 8})
    ASSERT_EQ(client().UploadPart("bkt", "k", id, n, "p" + std::to_string(n)).status, 200);
  std::vector<int> seen;
  int marker = 0;
  for (int page = 0; page < 10; ++page) {
    auto response = client().ListParts(
        "bkt", "k", id, {{"max-parts", "2"}, {"part-number-marker", std::to_string(marker)}});
    ASSERT_EQ(response.status, 200);
    auto result = protocol::DecodeListPartsResult(response.body);
    ASSERT_TRUE(result.ok()) << response.body;
    EXPECT_EQ(result->max_parts, 2);
    EXPECT_EQ(result->part_number_marker, marker);
    for (const auto& part : result->parts) {
      seen.push_back(part.part_number);
      EXPECT_EQ(part.size, 2u);
      EXPECT_TRUE(part.crc64.has_value());
    }
    if (!result->is_truncated) break;
    marker = result->next_part_number_marker;
  }
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 5, 8}));
}

TEST_F(MultipartTest, ListMultipartUploads) {
  auto a = client().Initiate("bkt", "a/1");
  auto b = client().Initiate("bkt", "a/2");
  auto c = client().Initiate("bkt", "b/1");
  auto response = client().Send("GET", "bkt", "", {{"uploads", ""}, {"prefix", "a/"}});
  ASSERT_EQ(response.status, 200) << response.body;
  auto result = protocol::DecodeListMultipartUploadsResult(response.body);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->uploads.size(), 2u);
  EXPECT_EQ(result->uploads[0].key, "a/1");
  EXPECT_EQ(result->uploads[1].upload_id, b);
  // Not truncated, and still naming its last upload, as OSS's documented answer does.
  EXPECT_FALSE(result->is_truncated);
  EXPECT_EQ(result->next_key_marker, "a/2");
  EXPECT_EQ(result->next_upload_id_marker, b);
  auto grouped = client().Send("GET", "bkt", "", {{"uploads", ""}, {"delimiter", "/"}});
  auto groups = protocol::DecodeListMultipartUploadsResult(grouped.body);
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  auto paged = client().Send("GET", "bkt", "", {{"uploads", ""}, {"max-uploads", "1"}});
  auto page = protocol::DecodeListMultipartUploadsResult(paged.body);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->uploads.size(), 1u);
  EXPECT_EQ(page->next_key_marker, "a/1");
  EXPECT_EQ(page->next_upload_id_marker, a);
  auto last = client().Send(
      "GET", "bkt", "",
      {{"uploads", ""}, {"key-marker", "a/2"}, {"upload-id-marker", b}, {"max-uploads", "5"}});
  auto last_page = protocol::DecodeListMultipartUploadsResult(last.body);
  ASSERT_TRUE(last_page.ok()) << last.body;
  ASSERT_EQ(last_page->uploads.size(), 1u);
  EXPECT_FALSE(last_page->is_truncated);
  EXPECT_EQ(last_page->next_key_marker, "b/1");
  EXPECT_EQ(last_page->next_upload_id_marker, c);
}

TEST_F(MultipartTest, PartialBodyIsNeverStored) {
  auto id = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", id, 1, "original").status, 200);
  // A raw socket announces 100000 bytes, sends 1000 and hangs up.
  httplib::Client raw("127.0.0.1", server().port());
  raw.set_write_timeout(5);
  std::string chunk = Payload(1000);
  protocol::WireRequest wire{"PUT",
                             "bkt",
                             "k",
                             {{"partNumber", "1"}, {"uploadId", id}},
                             {{"Content-Type", "application/octet-stream"}}};
  protocol::SignV1(wire, kTestCredentials, server().Now());
  httplib::Headers headers;
  for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
  auto result = raw.Put(
      TestClient::Target("bkt", "k", wire.query), headers, 100000,
      [&](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset >= chunk.size()) return false;  // cancel mid-body
        sink.write(chunk.data(), chunk.size());
        return true;
      },
      "application/octet-stream");
  EXPECT_FALSE(result);
  // The server may still be reading; wait (bounded) until the request is journaled.
  for (int i = 0; i < 200; ++i) {
    bool seen = false;
    for (const auto& e : server().Journal()) seen |= e.request_body_bytes == 1000;
    if (seen) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto parts = server().ListUploads().at(0).parts;
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].size, 8u);
  EXPECT_EQ(parts[0].etag, protocol::ETagOf(protocol::Md5Of("original")));
}

TEST_F(MultipartTest, LargePartsKeepTheConnectionInSync) {
  auto id = client().Initiate("bkt", "k");
  for (size_t size : {size_t{256 * 1024}, size_t{(1 << 20) + 3}, size_t{(9 << 20) + 7}}) {
    std::string data = Payload(size, static_cast<uint32_t>(size));
    auto response = client().UploadPart("bkt", "k", id, 1, data);
    ASSERT_EQ(response.status, 200) << size;
    EXPECT_EQ(response.Header("ETag"), protocol::ETagOf(protocol::Md5Of(data)));
    EXPECT_EQ(response.Header("x-oss-hash-crc64ecma"),
              protocol::Crc64ToString(protocol::Crc64(data)));
    EXPECT_EQ(client().ListParts("bkt", "k", id).status, 200);
  }
  // A large body the server rejects before reading (unknown upload) is drained, too.
  EXPECT_EQ(client().UploadPart("bkt", "k", "NOSUCHUPLOAD", 1, Payload(1 << 20)).ErrorCode(),
            "NoSuchUpload");
  EXPECT_EQ(client().ListParts("bkt", "k", id).status, 200);
}

TEST_F(MultipartTest, LargePartialBodyIsNeverStored) {
  auto id = client().Initiate("bkt", "k");
  ASSERT_EQ(client().UploadPart("bkt", "k", id, 1, "original").status, 200);
  httplib::Client raw("127.0.0.1", server().port());
  std::string chunk = Payload(1 << 20);
  protocol::WireRequest wire{"PUT",
                             "bkt",
                             "k",
                             {{"partNumber", "1"}, {"uploadId", id}},
                             {{"Content-Type", "application/octet-stream"}}};
  protocol::SignV1(wire, kTestCredentials, server().Now());
  httplib::Headers headers;
  for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
  auto result = raw.Put(
      TestClient::Target("bkt", "k", wire.query), headers, 4 << 20,
      [&](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset >= chunk.size()) return false;
        sink.write(chunk.data(), chunk.size());
        return true;
      },
      "application/octet-stream");
  EXPECT_FALSE(result);
  for (int i = 0; i < 200; ++i) {
    bool seen = false;
    for (const auto& e : server().Journal()) seen |= e.request_body_bytes >= chunk.size();
    if (seen) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto parts = server().ListUploads().at(0).parts;
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].size, 8u);
}

TEST_F(MultipartTest, ChunkedPartBody) {
  auto id = client().Initiate("bkt", "k");
  protocol::WireRequest wire{"PUT",
                             "bkt",
                             "k",
                             {{"partNumber", "1"}, {"uploadId", id}},
                             {{"Content-Type", "application/octet-stream"}}};
  protocol::SignV1(wire, kTestCredentials, server().Now());
  httplib::Headers headers;
  for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
  std::string data = Payload(300000);
  auto result = client().http().Put(
      TestClient::Target("bkt", "k", wire.query), headers,
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset >= data.size()) {
          sink.done();
          return true;
        }
        sink.write(data.data() + offset, std::min<size_t>(65536, data.size() - offset));
        return true;
      },
      "application/octet-stream");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("ETag"), protocol::ETagOf(protocol::Md5Of(data)));
}

}  // namespace
}  // namespace ossup::fake::testing
