// The OSS errors the fake answers with: code in, the protocol layer's error table's status,
// message and EC out, plus OSS's code-specific details.
#pragma once

#include <string>
#include <string_view>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/status.h"

namespace ossup::fake::errors {

/// The protocol table's error for `code` (status, message, EC), with `message` instead of the
/// table's when not empty. A code the table lacks is a bug of the fake: 500 InternalError
/// naming it.
protocol::Error Oss(std::string_view code, std::string_view message = {});
/// 400 InvalidRequest with `message`: the one OSS code the protocol table cannot hold, since
/// the client names its own invalid requests the same (client_codes::kInvalidRequest).
protocol::Error InvalidRequest(std::string_view message);
/// The error a fault plan injects: `code` with `http_status`, and `message` when not empty,
/// else the table's message (or "Injected fault." for a code the table lacks).
protocol::Error Injected(std::string_view code, int http_status, std::string_view message);

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
