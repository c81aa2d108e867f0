// The fake a scenario runs against, behind one interface: an in-process fake::Server, or a
// running fake-oss reached through its /_fake/ control API over HTTP.
//
// Errors: every control returns a Status; a remote control that fails (HTTP error, bad JSON)
// is an InternalError naming the endpoint and path. Not thread-safe: one run drives it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ossup/fake/control_codec.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"
#include "ossup/protocol/status.h"
#include "ossup/scenarios/scenario.h"

namespace ossup::scenarios::internal {

class FakeTarget {
 public:
  virtual ~FakeTarget() = default;
  virtual std::string endpoint() const = 0;
  virtual protocol::StatusOr<std::string> AddPlan(const faults::Plan& plan) = 0;
  virtual protocol::Status RemovePlan(const std::string& id) = 0;
  virtual protocol::Status AdvanceClock(int64_t seconds) = 0;
  virtual protocol::StatusOr<bool> ExpireUpload(const std::string& upload_id) = 0;
  virtual protocol::StatusOr<std::vector<fake::UploadSnapshot>> ListUploads() = 0;
  /// fake::Server::PutPart: `bytes` become part `part_number` of the upload.
  virtual protocol::Status PutPart(const std::string& upload_id, int part_number,
                                   const std::string& bytes) = 0;
  /// The journal's entries, then the arrival count, read in that order (GET /_fake/journal
  /// reads them so too): `arrivals` equal to the last entry's sequence means no request was
  /// being served when the entries were read.
  virtual protocol::StatusOr<fake::control::JournalListing> Journal() = 0;
  /// fake::Server::JournalArrivals(): requests arriving later get a larger arrival number.
  virtual protocol::StatusOr<uint64_t> JournalArrivals() = 0;
  virtual protocol::Status Restart() = 0;
};

/// Starts a fresh fake::Server for `spec` (disk mode under `data_dir`) with `bucket` and the
/// credentials AK/SK.
protocol::StatusOr<std::unique_ptr<FakeTarget>> StartInProcessFake(
    const ServerSpec& spec, const std::string& bucket, const std::string& access_key_id,
    const std::string& access_key_secret, const std::string& region, const std::string& data_dir);

/// Connects to a running fake-oss and resets it (POST /_fake/reset).
protocol::StatusOr<std::unique_ptr<FakeTarget>> ConnectRemoteFake(const std::string& endpoint);

}  // namespace ossup::scenarios::internal
