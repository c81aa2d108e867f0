// Upload callbacks (docs/protocol.md, "Upload callbacks"): with `x-oss-callback` on PutObject or
// CompleteMultipartUpload, the fake POSTs the rendered callbackBody to callbackUrl once the object
// is stored and answers with the callback server's reply, or 203 CallbackFailed when it fails (the
// object stays stored). Each callback POST is signed as OSS signs it: `authorization` (base64
// RSA-MD5 signature, CallbackKey) and `x-oss-pub-key-url` (base64 of this server's
// /_fake/callback-public-key URL).
#pragma once

#include <optional>
#include <string>

#include "http/exchange.h"
#include "ossup/protocol/status.h"
#include "store/model.h"

namespace ossup::fake {

struct CallbackConfig {
  std::vector<std::string> urls;  // tried in order until one answers 200
  std::string host;               // Host header; "" = the URL's host
  std::string body_template;
  std::string body_type = "application/x-www-form-urlencoded";
  std::vector<std::pair<std::string, std::string>> variables;  // x:name -> value
};

/// The request's callback configuration: nullopt without `x-oss-callback`; InvalidArgument
/// when the headers are not base64 JSON of the documented shape.
protocol::StatusOr<std::optional<CallbackConfig>> ParseCallback(const Exchange& ex);

/// Runs the callback for `object` and sets the response: 200 with the callback server's body,
/// or 203 CallbackFailed. Keeps the headers already set (ETag, CRC64).
void RunCallback(Exchange& ex, const CallbackConfig& config, const StoredObject& object);

}  // namespace ossup::fake
