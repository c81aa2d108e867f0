// Errors the client detects itself, with a protocol::client_codes code.
#pragma once

#include <string>
#include <string_view>

#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// An Error with a client-side `code` (protocol::client_codes) and `message`; http_status 0,
/// as no response carried it.
inline protocol::Error ClientError(std::string_view code, std::string message) {
  protocol::Error e;
  e.code = std::string(code);
  e.message = std::move(message);
  return e;
}

}  // namespace ossup::client::internal
