// One outbound HTTP/1.1 POST, as the fake sends upload callbacks: plain HTTP only, a fresh
// connection per call, bounded by a timeout overall. Thread-safe (each call has its own I/O).
#pragma once

#include <chrono>
#include <string>

#include "http/message.h"

namespace ossup::fake {

struct OutboundResponse {
  /// 0 when no response arrived (unreachable, refused, timed out, not http://).
  int status = 0;
  std::string body;
};

/// POSTs `body` to `origin` ("http://host[:port]") at `target` (sent as is). `headers` are
/// sent as given; Host defaults to the origin's authority, Content-Length is added.
OutboundResponse Post(const std::string& origin, const std::string& target,
                      const HeaderFields& headers, const std::string& body,
                      const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace ossup::fake
