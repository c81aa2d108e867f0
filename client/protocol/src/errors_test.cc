#include "ossup/protocol/errors.h"

#include <gtest/gtest.h>

#include <string>

#include "ossup/protocol/status.h"

namespace ossup::protocol {
namespace {

TEST(ErrorTable, HoldsOssStatusMessageAndEcOfCommonCodes) {
  struct Row {
    const char* code;
    int http_status;
    const char* ec;
  };
  const Row rows[] = {
      {"NoSuchUpload", 404, "0042-00000104"},
      {"NoSuchKey", 404, "0026-00000001"},
      {"NoSuchBucket", 404, "0015-00000101"},
      {"InvalidPartOrder", 400, "0042-00000209"},
      {"EntityTooSmall", 400, "0042-00000213"},
      {"MalformedXML", 400, "0042-00000205"},
      {"InvalidDigest", 400, "0017-00000503"},
      {"SignatureDoesNotMatch", 403, "0002-00000040"},
      {"InvalidAccessKeyId", 403, "0002-00000902"},
      {"RequestTimeTooSkewed", 403, "0002-00000504"},
      {"SecurityTokenExpired", 403, "0002-00000007"},
      {"CallbackFailed", 203, "0007-00000203"},
      {"PartAlreadyExist", 409, "0042-00000108"},
  };
  for (const Row& row : rows) {
    const ErrorSpec* spec = FindErrorSpec(row.code);
    ASSERT_NE(spec, nullptr) << row.code;
    EXPECT_EQ(spec->http_status, row.http_status) << row.code;
    EXPECT_EQ(spec->ec, row.ec) << row.code;
    EXPECT_FALSE(spec->message.empty()) << row.code;
  }
}

TEST(ErrorTable, StatusOfEveryOtherListedCode) {
  const std::pair<const char*, int> rows[] = {
      {"InvalidPart", 400},
      {"EntityTooLarge", 400},
      {"InvalidArgument", 400},
      {"InvalidObjectName", 400},
      {"InvalidBucketName", 400},
      {"AccessDenied", 403},
      {"InvalidSecurityToken", 403},
      {"FileAlreadyExists", 409},
      {"InvalidRange", 416},
      {"PreconditionFailed", 412},
      {"NotModified", 304},
      {"BucketAlreadyExists", 409},
      {"BucketNotEmpty", 409},
      {"MissingContentLength", 411},
      {"MethodNotAllowed", 405},
      {"NotImplemented", 501},
      {"InternalError", 500},
      {"ServiceUnavailable", 503},
      {"SlowDown", 503},
      {"RequestTimeout", 400},
      {"IncompleteBody", 400},
      {"NoSuchLifecycle", 404},
      {"SecondLevelDomainForbidden", 403},
  };
  for (const auto& [code, status] : rows) {
    const ErrorSpec* spec = FindErrorSpec(code);
    ASSERT_NE(spec, nullptr) << code;
    EXPECT_EQ(spec->http_status, status) << code;
  }
}

TEST(ErrorTable, KeepsOssMessagesVerbatimIncludingTypos) {
  EXPECT_EQ(FindErrorSpec("EntityTooSmall")->message,
            "Your proposed upload smaller than the minimum allowed size.");
  EXPECT_EQ(FindErrorSpec("NoSuchUpload")->message,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may "
            "have been aborted or completed.");
  EXPECT_EQ(FindErrorSpec("InvalidPart")->message,
            "One or more of the specified parts could not be found or the specified entity tag "
            "might not have matched the part's entity tag.");
  EXPECT_EQ(FindErrorSpec("NoSuchLifecycle")->message,
            "The bucket you specified does not have any lifecycle configuration.");
  EXPECT_EQ(FindErrorSpec("InvalidRange")->message, "The requested range cannot be satisfied");
}

TEST(ErrorTable, LeavesOutClientCodesAndCodesOssNeverSends) {
  EXPECT_EQ(FindErrorSpec(client_codes::kConnectionError), nullptr);
  EXPECT_EQ(FindErrorSpec(client_codes::kCannotResumeUpload), nullptr);
  EXPECT_EQ(FindErrorSpec(client_codes::kChecksumMismatch), nullptr);
  EXPECT_EQ(FindErrorSpec("BadDigest"), nullptr);
  EXPECT_EQ(FindErrorSpec("nosuchupload"), nullptr);
  EXPECT_EQ(FindErrorSpec(""), nullptr);
}

TEST(ErrorMake, FillsStatusMessageAndEcFromTheTable) {
  const Error error = MakeError("NoSuchUpload");
  EXPECT_EQ(error.code, "NoSuchUpload");
  EXPECT_EQ(error.http_status, 404);
  EXPECT_EQ(error.message, FindErrorSpec("NoSuchUpload")->message);
  EXPECT_EQ(error.ec, "0042-00000104");
  EXPECT_TRUE(error.details.empty());
}

TEST(ErrorMake, CustomMessageReplacesTheTableMessage) {
  const Error error =
      MakeError("InvalidArgument", "Part number must be an integer between 1 and 10000.");
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.message, "Part number must be an integer between 1 and 10000.");
}

TEST(ErrorMake, UnknownServerCodeIs500AndClientCodeHasNoStatus) {
  const Error unknown = MakeError("SomethingNew", "boom");
  EXPECT_EQ(unknown.http_status, 500);
  EXPECT_EQ(unknown.message, "boom");
  const Error client = MakeError(client_codes::kCannotResumeUpload, "upload expired");
  EXPECT_EQ(client.http_status, 0);
  EXPECT_EQ(client.code, "CannotResumeUpload");
  EXPECT_EQ(client.message, "upload expired");
}

TEST(ErrorRetry, TransportFailuresAndServerErrorsAreRetryable) {
  EXPECT_TRUE(IsRetryable(MakeError(client_codes::kConnectionError, "reset")));
  EXPECT_TRUE(IsRetryable(MakeError("InternalError")));
  EXPECT_TRUE(IsRetryable(MakeError("ServiceUnavailable")));
  EXPECT_TRUE(IsRetryable(MakeError("SlowDown")));
  EXPECT_TRUE(IsRetryable(MakeError("NotImplemented")));  // any 5xx
  EXPECT_TRUE(IsRetryable(MakeError("RequestTimeTooSkewed")));
  EXPECT_TRUE(IsRetryable(MakeError("RequestTimeout")));
  EXPECT_TRUE(IsRetryable(MakeError("IncompleteBody")));
  Error gateway;
  gateway.http_status = 502;
  gateway.code = "BadGateway";
  EXPECT_TRUE(IsRetryable(gateway));
}

TEST(ErrorRetry, DamageInTransitIsRetryable) {
  EXPECT_TRUE(IsRetryable(MakeError(client_codes::kChecksumMismatch, "crc64 differs")));
  EXPECT_TRUE(IsRetryable(MakeError(client_codes::kInvalidResponse, "truncated XML")));
}

TEST(ErrorRetry, ClientErrorsAndPermanentServerErrorsAreNot) {
  for (const char* code :
       {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidPart",
        "InvalidPartOrder", "EntityTooSmall", "NoSuchUpload", "NoSuchKey", "NoSuchBucket",
        "InvalidArgument", "MalformedXML", "InvalidDigest", "FileAlreadyExists", "CallbackFailed",
        "SecurityTokenExpired", "PreconditionFailed", "PartAlreadyExist"}) {
    EXPECT_FALSE(IsRetryable(MakeError(code))) << code;
  }
  EXPECT_FALSE(IsRetryable(MakeError(client_codes::kCannotResumeUpload)));
  EXPECT_FALSE(IsRetryable(MakeError(client_codes::kCancelled)));
  EXPECT_FALSE(IsRetryable(MakeError(client_codes::kIoError)));
  EXPECT_FALSE(IsRetryable(MakeError(client_codes::kInvalidRequest)));
  EXPECT_FALSE(IsRetryable(MakeError(client_codes::kTlsError)));
}

TEST(ErrorRetry, ClientCodeIsJudgedByCodeNotByStatus) {
  Error cancelled = MakeError(client_codes::kCancelled);
  cancelled.http_status = 503;
  EXPECT_FALSE(IsRetryable(cancelled));
}

TEST(ErrorModel, DetailFindsTheFirstMatchingElement) {
  Error error = MakeError("InvalidArgument");
  error.details = {
      {"ArgumentName", "PartNumber"}, {"ArgumentValue", "10001"}, {"ArgumentName", "second"}};
  EXPECT_EQ(error.Detail("ArgumentName"), "PartNumber");
  EXPECT_EQ(error.Detail("ArgumentValue"), "10001");
  EXPECT_EQ(error.Detail("UploadId"), "");
}

TEST(ErrorModel, ToStringIsOneLineWithCodeStatusMessageAndRequestId) {
  Error error = MakeError("NoSuchKey");
  EXPECT_EQ(error.ToString(), "NoSuchKey (HTTP 404): The specified key does not exist.");
  error.request_id = "5C3D9175B6FC201293AD0000";
  EXPECT_EQ(error.ToString(),
            "NoSuchKey (HTTP 404): The specified key does not exist. [request id "
            "5C3D9175B6FC201293AD0000]");
}

TEST(ErrorModel, StatusAndStatusOrCarryTheError) {
  const Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), "");
  EXPECT_EQ(ok.ToString(), "OK");
  const Status failed = MakeError("AccessDenied");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), "AccessDenied");

  StatusOr<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  StatusOr<int> error = MakeError("NoSuchKey");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().http_status, 404);
  EXPECT_EQ(error.status().code(), "NoSuchKey");
}

TEST(ErrorModel, StatusOrOfErrorTreatsAnErrorAsTheValue) {
  StatusOr<Error> decoded = MakeError("NoSuchKey");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->code, "NoSuchKey");
  StatusOr<Error> failed = Status(MakeError("MalformedXML"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "MalformedXML");
}

}  // namespace
}  // namespace ossup::protocol
