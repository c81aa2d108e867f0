// The JSON control API under /_fake/ (health, reset, clock, uploads, journal, sts, faults,
// restart; callback-public-key answers PEM). Each endpoint calls the matching public method of the
// Server, so the HTTP and C++ controls cannot drift apart. Thread-safe.
#pragma once

#include "http/connection.h"
#include "journal/journal.h"
#include "ossup/fake/server.h"

namespace ossup::fake {

class Control {
 public:
  /// `token`: what X-Fake-Oss-Control-Token must hold ("" = nothing needed). A reference to
  /// the server's option, which Start() may still fill in before anything is served.
  Control(Server& server, const std::string& token) : server_(server), token_(token) {}
  /// Serves the connection's current request (a /_fake/ path), response included.
  void Serve(Connection& connection);
  /// The answer to one control request. Error order: 401/403 for a missing/wrong token (when
  /// one is needed), 400 for a body that is not JSON, then the endpoint's own 400/404s; 404
  /// for an unknown endpoint. `token` is the request's X-Fake-Oss-Control-Token (nullopt:
  /// absent).
  Response Handle(const std::string& method, const std::string& path,
                  std::optional<std::string_view> token, const std::string& body);

 private:
  void Route(const std::string& method, const std::string& path, const std::string& body,
             Response& res);

  Server& server_;
  const std::string& token_;
};

}  // namespace ossup::fake
