// The request headers that carry an object's attributes and the upload callback.
#pragma once

#include <optional>

#include "ossup/client/upload_request.h"
#include "ossup/protocol/wire.h"

namespace ossup::client::internal {

/// Content-Type (default application/octet-stream), x-oss-meta-*, x-oss-storage-class,
/// x-oss-forbid-overwrite and the extra headers, for InitiateMultipartUpload or PutObject.
protocol::Headers ObjectHeadersToWire(const ObjectHeaders& headers);

/// Appends x-oss-callback (and x-oss-callback-var), base64-encoded, when `callback` is set.
void AddCallbackHeaders(const std::optional<UploadCallbackParams>& callback,
                        protocol::Headers& headers);

}  // namespace ossup::client::internal
