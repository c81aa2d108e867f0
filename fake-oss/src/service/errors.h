// The OSS errors the fake answers with, built from the protocol layer's error table (with a
// fallback status/message for codes the table may lack) plus OSS's code-specific details.
#pragma once

#include <string>
#include <string_view>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/status.h"

namespace ossup::fake::errors {

/// MakeError(code) when the table knows `code`, else {status, code, message}.
protocol::Error Oss(std::string_view code, int fallback_status, std::string_view fallback_message);

protocol::Error NoSuchBucket(const std::string& bucket);
protocol::Error NoSuchKey(const std::string& key);
protocol::Error NoSuchUpload(const std::string& upload_id);
protocol::Error InvalidArgument(std::string_view message, const std::string& name,
                                const std::string& value);
/// A Content-MD5 that does not match the body (the table's EC, 0017-00000503).
protocol::Error InvalidDigest();
/// A Content-MD5 that is not base64 of 16 bytes: InvalidDigest with EC 0017-00000502.
protocol::Error MalformedDigest();
protocol::Error MalformedXml();
/// 409: x-oss-forbid-overwrite is true and the object exists (PutObject, CopyObject; the
/// table's EC, 0026-00000002).
protocol::Error FileAlreadyExists();
/// FileAlreadyExists as CompleteMultipartUpload answers it: EC 0042-00000214.
protocol::Error FileAlreadyExistsOnComplete();
/// 409: a sequential upload already has part `part_number` (stored with `etag`).
protocol::Error PartAlreadyExist(const std::string& etag, int part_number);
protocol::Error Internal(std::string_view message);

}  // namespace ossup::fake::errors
