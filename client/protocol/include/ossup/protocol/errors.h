// The OSS error codes this project speaks, with their HTTP status, message and EC, and the
// one rule that decides which errors are worth retrying.
//
// Facts and sources: docs/protocol.md, "Errors". Messages are OSS's own, typos included
// ("speficy", "Your proposed upload smaller than..."), because clients match on them.
#pragma once

#include <string>
#include <string_view>

#include "ossup/protocol/status.h"

namespace ossup::protocol {

struct ErrorSpec {
  std::string_view code;
  int http_status;
  std::string_view message;
  /// Default EC for the most common occurrence; a caller may override it.
  std::string_view ec;
};

/// The spec for an OSS error code, or nullptr when the code is not in the table.
const ErrorSpec* FindErrorSpec(std::string_view code);

/// An Error for a known OSS code with its table status and message. `message` replaces the
/// table message when non-empty. A client code (below) yields HTTP 0 (no response); any other
/// unknown code yields HTTP 500.
Error MakeError(std::string_view code, std::string_view message = {});

/// Client-side codes: no OSS server sends these.
namespace client_codes {
/// No HTTP response: connection refused, reset, timed out, or a truncated response.
inline constexpr std::string_view kConnectionError = "ConnectionError";
/// The server lost the upload (expired, aborted) or its parts cannot belong to this file.
inline constexpr std::string_view kCannotResumeUpload = "CannotResumeUpload";
/// The caller cancelled the operation.
inline constexpr std::string_view kCancelled = "Cancelled";
/// A checksum the server returned does not match the bytes we sent (CRC64 or ETag).
inline constexpr std::string_view kChecksumMismatch = "ChecksumMismatch";
/// The response could not be parsed (malformed or oversized XML, missing header).
inline constexpr std::string_view kInvalidResponse = "InvalidResponse";
/// Local I/O failed (the file could not be read, the record could not be written).
inline constexpr std::string_view kIoError = "IoError";
/// The request itself is invalid (bad part size, empty bucket, ...).
inline constexpr std::string_view kInvalidRequest = "InvalidRequest";
/// The server's TLS certificate could not be verified, or the CA file could not be loaded.
/// Permanent: retrying cannot make an untrusted server trusted.
inline constexpr std::string_view kTlsError = "TlsError";
}  // namespace client_codes

/// True when trying the same request again may succeed: transport failures (ConnectionError,
/// and the in-transit damage codes InvalidResponse and ChecksumMismatch), any 5xx
/// (InternalError, ServiceUnavailable, SlowDown), RequestTimeout and IncompleteBody (the server
/// did not get the whole body), and RequestTimeTooSkewed (after the caller corrects its clock
/// from the error's ServerTime). Everything else (AccessDenied, SignatureDoesNotMatch,
/// InvalidPart, EntityTooSmall, NoSuchUpload, CannotResumeUpload, Cancelled, IoError, TlsError,
/// ...) is
/// permanent. Client codes are judged by code alone, whatever their http_status.
bool IsRetryable(const Error& error);

}  // namespace ossup::protocol
