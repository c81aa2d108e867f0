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
protocol::Error InvalidDigest();
protocol::Error MalformedXml();
/// 409: x-oss-forbid-overwrite is true and the object exists.
protocol::Error FileAlreadyExists();
protocol::Error Internal(std::string_view message);

}  // namespace ossup::fake::errors
