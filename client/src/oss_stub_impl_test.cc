#include "oss_stub_impl.h"

#include <gtest/gtest.h>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/xml.h"

namespace ossup::client::internal {
namespace {

protocol::Error SampleError() {
  protocol::Error e = protocol::MakeError("NoSuchUpload");
  e.request_id = "566B6BEB1BA604C27DD43805";
  e.host_id = "bucket.oss-cn-hangzhou.aliyuncs.com";
  e.details = {{"UploadId", "ABC"}};
  return e;
}

TEST(DecodeErrorResponse, ReadsTheErrorDocumentFromTheBody) {
  HttpResponse response;
  response.status = 404;
  response.body = protocol::EncodeXml(SampleError());
  auto error = DecodeErrorResponse(response);
  EXPECT_EQ(error.code, "NoSuchUpload");
  EXPECT_EQ(error.http_status, 404);
  EXPECT_EQ(error.request_id, "566B6BEB1BA604C27DD43805");
  EXPECT_EQ(error.Detail("UploadId"), "ABC");
}

TEST(DecodeErrorResponse, ReadsHeadErrorsFromTheBase64Header) {
  HttpResponse response;
  response.status = 403;
  protocol::Error sent = protocol::MakeError("SecurityTokenExpired");
  response.headers = {{"x-oss-err", protocol::Base64Encode(protocol::EncodeXml(sent))},
                      {"x-oss-request-id", "ABCDEF"}};
  auto error = DecodeErrorResponse(response);
  EXPECT_EQ(error.code, "SecurityTokenExpired");
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(error.request_id, "ABCDEF");
}

TEST(DecodeErrorResponse, FallsBackToTheStatusWithoutADocument) {
  HttpResponse response;
  response.status = 404;
  response.headers = {{"x-oss-request-id", "R1"}};
  auto error = DecodeErrorResponse(response);
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.request_id, "R1");
  response.status = 502;
  response.body = "<html>bad gateway</html>";
  auto gateway = DecodeErrorResponse(response);
  EXPECT_EQ(gateway.code, "InternalError");
  EXPECT_TRUE(protocol::IsRetryable(gateway));
}

TEST(ObjectMetaFromHeaders, ParsesSizeEtagAndCrc) {
  auto meta = ObjectMetaFromHeaders({{"Content-Length", "1234"},
                                     {"ETag", "\"ABC-2\""},
                                     {"x-oss-hash-crc64ecma", "18446744073709551615"},
                                     {"x-oss-object-type", "Multipart"}});
  EXPECT_EQ(meta.size_bytes, 1234u);
  EXPECT_EQ(meta.etag, "\"ABC-2\"");
  ASSERT_TRUE(meta.crc64.has_value());
  EXPECT_EQ(*meta.crc64, 18446744073709551615ull);
  EXPECT_EQ(meta.object_type, "Multipart");
}

}  // namespace
}  // namespace ossup::client::internal
