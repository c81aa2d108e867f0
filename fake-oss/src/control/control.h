// The JSON control API under /_fake/ (health, reset, clock, uploads, journal, sts, faults,
// restart; callback-public-key answers PEM). Each endpoint calls the matching public method of the
// Server, so the HTTP and C++ controls cannot drift apart. Thread-safe.
#pragma once

#include <httplib.h>

#include "journal/journal.h"
#include "ossup/fake/server.h"

namespace ossup::fake {

class Control {
 public:
  explicit Control(Server& server) : server_(server) {}
  void Serve(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader* reader);

 private:
  Server& server_;
};

}  // namespace ossup::fake
