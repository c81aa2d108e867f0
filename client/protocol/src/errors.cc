#include "ossup/protocol/errors.h"

#include <algorithm>
#include <array>

namespace ossup::protocol {
namespace {

// OSS error codes (docs/protocol.md, "Error codes"). Messages with a source there are exact,
// typos included; the others are OSS-style wordings that no client is known to match on.
// EC is the most common occurrence's detailed code, or empty when no source gives one.
constexpr ErrorSpec kErrorTable[] = {
    {"NoSuchUpload", 404,
     "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
     "been aborted or completed.",
     "0042-00000104"},
    {"NoSuchKey", 404, "The specified key does not exist.", "0026-00000001"},
    {"NoSuchBucket", 404, "The specified bucket does not exist.", "0015-00000101"},
    {"NoSuchLifecycle", 404, "The bucket you specified does not have any lifecycle configuration.",
     ""},
    {"InvalidPart", 400,
     "One or more of the specified parts could not be found or the specified entity tag might "
     "not have matched the part's entity tag.",
     ""},
    {"InvalidPartOrder", 400,
     "The list of parts was not in ascending order. Parts list must specified in order by part "
     "number.",
     "0042-00000209"},
    {"EntityTooSmall", 400, "Your proposed upload smaller than the minimum allowed size.",
     "0042-00000213"},
    {"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size.", ""},
    {"InvalidDigest", 400, "The Content-MD5 you specified was invalid.", "0017-00000503"},
    {"InvalidArgument", 400, "Invalid argument.", ""},
    {"MalformedXML", 400,
     "The XML you provided was not well-formed or did not validate against our published "
     "schema.",
     "0042-00000205"},
    {"InvalidObjectName", 400, "The Length of Object name must be less than 1024.",
     "0016-00000002"},
    {"InvalidBucketName", 400, "The specified bucket is not valid.", ""},
    {"RequestTimeout", 400,
     "Your socket connection to the server was not read from or written to within the timeout "
     "period.",
     ""},
    {"IncompleteBody", 400,
     "You did not provide the number of bytes specified by the Content-Length HTTP header.", ""},
    {"AccessDenied", 403, "You have no right to access this object because of bucket acl.", ""},
    {"SignatureDoesNotMatch", 403,
     "The request signature we calculated does not match the signature you provided. Check your "
     "key and signing method.",
     "0002-00000040"},
    {"InvalidAccessKeyId", 403, "The OSS Access Key Id you provided does not exist in our records.",
     "0002-00000902"},
    {"RequestTimeTooSkewed", 403,
     "The difference between the request time and the current time is too large.", "0002-00000504"},
    {"SecurityTokenExpired", 403, "The security token you provided has expired.", "0002-00000007"},
    {"InvalidSecurityToken", 403, "The security token you provided is invalid.", "0002-00000006"},
    {"SecondLevelDomainForbidden", 403, "Please use virtual hosted style to access.", ""},
    {"FileAlreadyExists", 409,
     "The object you specified already exists and can not be overwritten.", "0026-00000002"},
    {"BucketAlreadyExists", 409,
     "The requested bucket name is not available. The bucket namespace is shared by all users of "
     "the system. Please select a different name and try again.",
     ""},
    {"BucketNotEmpty", 409, "The bucket has objects. Please delete them first.", ""},
    {"PartAlreadyExist", 409,
     "For sequential multipart upload, you can't overwrite uploaded parts.", "0042-00000108"},
    {"CallbackFailed", 203, "The callback server did not answer with HTTP 200.", "0007-00000203"},
    {"NotModified", 304, "Not Modified", ""},
    {"MethodNotAllowed", 405, "The specified method is not allowed against this resource.", ""},
    {"MissingContentLength", 411, "You must provide the Content-Length HTTP header.",
     "0017-00000101"},
    {"PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold.",
     ""},
    {"InvalidRange", 416, "The requested range cannot be satisfied", ""},
    // Codes only the fake sends here (the client treats them by status alone).
    {"InvalidURI", 400, "Couldn't parse the specified URI.", ""},
    {"RequestHeaderTooLarge", 400, "Your request's header block exceeds the maximum allowed size.",
     ""},
    {"MalformedPOSTRequest", 400,
     "The body of your POST request is not well-formed multipart/form-data.", ""},
    {"MaxPOSTPreDataLengthExceededError", 400,
     "Your POST request fields preceding the upload file was too large.", ""},
    {"InvalidPolicyDocument", 400, "Invalid Policy.", ""},
    {"InvalidEncryptionAlgorithmError", 400,
     "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4", ""},
    {"NotSymlink", 400, "The specified object is not a symlink.", ""},
    {"InvalidTargetType", 400, "The symbolic's target file type is invalid", ""},
    {"InvalidObjectState", 403, "The operation is not valid for the object's state", ""},
    {"NoSuchVersion", 404, "The specified version does not exist.", ""},
    {"SymlinkTargetNotExist", 404, "The symlink target object does not exist", ""},
    {"ObjectNotAppendable", 409, "The object is not appendable", ""},
    {"PositionNotEqualToLength", 409, "Position is not equal to file length", ""},
    {"InternalError", 500, "We encountered an internal error. Please try again.", ""},
    {"NotImplemented", 501, "A header you provided implies functionality that is not implemented.",
     ""},
    {"ServiceUnavailable", 503, "Please reduce your request rate.", ""},
    {"SlowDown", 503, "Please reduce your request rate.", ""},
};

constexpr std::string_view kClientCodes[] = {
    client_codes::kConnectionError,  client_codes::kCannotResumeUpload, client_codes::kCancelled,
    client_codes::kChecksumMismatch, client_codes::kInvalidResponse,    client_codes::kIoError,
    client_codes::kInvalidRequest,   client_codes::kTlsError,
};

bool IsClientCode(std::string_view code) {
  return std::find(std::begin(kClientCodes), std::end(kClientCodes), code) !=
         std::end(kClientCodes);
}

}  // namespace

const ErrorSpec* FindErrorSpec(std::string_view code) {
  for (const ErrorSpec& spec : kErrorTable) {
    if (spec.code == code) return &spec;
  }
  return nullptr;
}

Error MakeError(std::string_view code, std::string_view message) {
  Error error;
  error.code = std::string(code);
  if (const ErrorSpec* spec = FindErrorSpec(code)) {
    error.http_status = spec->http_status;
    error.message = std::string(message.empty() ? spec->message : message);
    error.ec = std::string(spec->ec);
    return error;
  }
  // Client codes never came in a response; any other unknown code is a server-side failure.
  error.http_status = IsClientCode(code) ? 0 : 500;
  error.message = std::string(message.empty() ? code : message);
  return error;
}

bool IsRetryable(const Error& error) {
  const std::string_view code = error.code;
  if (IsClientCode(code)) {
    // A garbled response or a checksum that does not match the bytes we sent is most likely
    // damage in transit, so resending the same request may succeed (bounded by the caller's
    // retry policy). Cancellation, lost uploads, local I/O and invalid requests are permanent.
    return code == client_codes::kConnectionError || code == client_codes::kChecksumMismatch ||
           code == client_codes::kInvalidResponse;
  }
  if (error.http_status >= 500 && error.http_status <= 599) return true;
  // RequestTimeout and IncompleteBody (400) mean the server did not receive the whole body:
  // a transport failure reported over HTTP, so resending may succeed.
  return code == "InternalError" || code == "ServiceUnavailable" || code == "SlowDown" ||
         code == "RequestTimeTooSkewed" || code == "RequestTimeout" || code == "IncompleteBody";
}

}  // namespace ossup::protocol
