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
  explicit Control(Server& server) : server_(server) {}
  /// Serves the connection's current request (a /_fake/ path), response included.
  void Serve(Connection& connection);

 private:
  void Route(const std::string& method, const std::string& path, const std::string& body,
             Response& res);

  Server& server_;
};

}  // namespace ossup::fake
