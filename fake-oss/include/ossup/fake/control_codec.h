// The JSON documents of the fake's control API (fake-oss/README.md, "Control API"): one encoder
// and one decoder per document, used by the fake that answers them and by the scenarios and
// tools that call it. Byte strings (bucket, key, upload id) that are not UTF-8 travel as
// `name` (invalid sequences replaced by U+FFFD) plus `nameBase64` (the exact bytes); decoders
// take `nameBase64` when present. Decoders answer InvalidArgument naming what is wrong; they
// check types, not ranges (the fake checks those).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/status.h"

namespace ossup::fake::control {

/// POST /_fake/clock: exactly one of the two is meant to be set; advance_seconds wins.
struct ClockRequest {
  std::optional<int64_t> advance_seconds;  // {"advanceSeconds": N}
  std::optional<std::string> set;          // {"set": "<RFC 3339>"}
};
std::string EncodeClockRequest(const ClockRequest& request);
/// An empty body is a request with neither field.
protocol::StatusOr<ClockRequest> DecodeClockRequest(std::string_view json);

/// POST /_fake/uploads/{id}/parts/{n}: {"dataBase64": "..."}.
std::string EncodePutPartRequest(std::string_view bytes);
/// The part's bytes. InvalidArgument for a missing field or text that is not base64.
protocol::StatusOr<std::string> DecodePutPartRequest(std::string_view json);

/// POST /_fake/sts: {"durationSeconds": N}; an empty body or object without it is 3600.
std::string EncodeStsRequest(int64_t duration_seconds);
protocol::StatusOr<int64_t> DecodeStsRequest(std::string_view json);

/// POST /_fake/faults answers 201 {"id": "plan-N"}.
std::string EncodePlanCreated(std::string_view id);
protocol::StatusOr<std::string> DecodePlanCreated(std::string_view json);

/// GET /_fake/journal: {"arrivals": N, "entries": [{"sequence", "arrival", "requestId",
/// "method", "operation" (OperationName), "bucket", "key", "uploadId", "partNumber" (or null),
/// "status", "errorCode", "bytes", "fault": null or {"plan", "rule", "action" (ActionTypeName),
/// and per action: error "status", "code"; stall "ms", "afterBytes"; reset and
/// truncate-response "afterBytes"}}]}. `arrivals` is counted after the entries are read, so
/// when it equals the last entry's sequence no request was being served at that moment.
struct JournalListing {
  uint64_t arrivals = 0;
  std::vector<JournalEntry> entries;
};
std::string EncodeJournal(const JournalListing& listing);
/// InvalidArgument for a missing or mistyped field, an unknown operation or action name.
protocol::StatusOr<JournalListing> DecodeJournal(std::string_view json);

/// GET /_fake/uploads: {"uploads": [{"bucket", "key", "uploadId", "initiated" (RFC 3339),
/// "parts": [{"partNumber", "size", "etag", "crc64" (decimal string), "lastModified"}]}]}.
std::string EncodeUploads(const std::vector<UploadSnapshot>& uploads);
protocol::StatusOr<std::vector<UploadSnapshot>> DecodeUploads(std::string_view json);

}  // namespace ossup::fake::control
