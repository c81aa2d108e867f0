#include "fake_target.h"

#include <httplib.h>

#include <cstdlib>

#include "ossup/fake/control_codec.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/wire.h"

namespace ossup::scenarios::internal {
namespace {

protocol::Error Internal(const std::string& message) {
  return protocol::MakeError("InternalError", message);
}

/// `decoded`, or an InternalError naming the request whose answer did not decode.
template <typename T>
protocol::StatusOr<T> Decoded(const std::string& request, protocol::StatusOr<T> decoded) {
  if (!decoded.ok()) return Internal(request + ": " + decoded.error().message);
  return decoded;
}

class InProcessFake final : public FakeTarget {
 public:
  explicit InProcessFake(fake::ServerOptions options) : server_(std::move(options)) {}

  protocol::Status Start() { return server_.Start(); }

  std::string endpoint() const override { return server_.endpoint(); }
  protocol::StatusOr<std::string> AddPlan(const faults::Plan& plan) override {
    return server_.AddFaultPlan(plan);
  }
  protocol::Status RemovePlan(const std::string& id) override {
    server_.RemoveFaultPlan(id);
    return protocol::Status();
  }
  protocol::Status AdvanceClock(int64_t seconds) override {
    server_.AdvanceClock(std::chrono::seconds(seconds));
    return protocol::Status();
  }
  protocol::StatusOr<bool> ExpireUpload(const std::string& upload_id) override {
    return server_.ExpireUpload(upload_id);
  }
  protocol::StatusOr<std::vector<fake::UploadSnapshot>> ListUploads() override {
    return server_.ListUploads();
  }
  protocol::Status PutPart(const std::string& upload_id, int part_number,
                           const std::string& bytes) override {
    return server_.PutPart(upload_id, part_number, bytes);
  }
  protocol::StatusOr<fake::control::JournalListing> Journal() override {
    auto entries = server_.Journal();
    return fake::control::JournalListing{server_.JournalArrivals(), std::move(entries)};
  }
  protocol::StatusOr<uint64_t> JournalArrivals() override { return server_.JournalArrivals(); }
  protocol::Status Restart() override {
    server_.SimulateRestart();
    return protocol::Status();
  }

 private:
  fake::Server server_;
};

class RemoteFake final : public FakeTarget {
 public:
  explicit RemoteFake(std::string endpoint) : endpoint_(std::move(endpoint)), http_(endpoint_) {
    http_.set_connection_timeout(std::chrono::seconds(5));
    http_.set_read_timeout(std::chrono::seconds(30));
    http_.set_write_timeout(std::chrono::seconds(30));
    // A fake on a non-loopback address wants its control token.
    if (const char* token = std::getenv("FAKE_OSS_CONTROL_TOKEN"); token != nullptr && *token) {
      http_.set_default_headers({{std::string(fake::kControlTokenHeader), token}});
    }
  }

  std::string endpoint() const override { return endpoint_; }

  /// The body of a 2xx answer to `method` `path`.
  protocol::StatusOr<std::string> Call(const std::string& method, const std::string& path,
                                       const std::string& body = "") {
    httplib::Result result = method == "GET"      ? http_.Get(path)
                             : method == "DELETE" ? http_.Delete(path)
                                                  : http_.Post(path, body, "application/json");
    if (!result) {
      return Internal(method + " " + endpoint_ + path + ": " + httplib::to_string(result.error()));
    }
    if (result->status / 100 != 2) {
      return Internal(method + " " + endpoint_ + path + ": HTTP " + std::to_string(result->status) +
                      " " + result->body);
    }
    return result->body;
  }

  protocol::StatusOr<std::string> AddPlan(const faults::Plan& plan) override {
    auto reply = Call("POST", "/_fake/faults", faults::PlanToJson(plan));
    if (!reply.ok()) return reply.error();
    return Decoded("POST /_fake/faults", fake::control::DecodePlanCreated(*reply));
  }
  protocol::Status RemovePlan(const std::string& id) override {
    return Call("DELETE", "/_fake/faults/" + id).status();
  }
  protocol::Status AdvanceClock(int64_t seconds) override {
    fake::control::ClockRequest request;
    request.advance_seconds = seconds;
    return Call("POST", "/_fake/clock", fake::control::EncodeClockRequest(request)).status();
  }
  protocol::StatusOr<bool> ExpireUpload(const std::string& upload_id) override {
    auto result = http_.Post("/_fake/uploads/" + upload_id + "/expire", "", "application/json");
    if (!result) return Internal("expire " + upload_id + ": " + httplib::to_string(result.error()));
    return result->status == 200;
  }
  protocol::StatusOr<std::vector<fake::UploadSnapshot>> ListUploads() override {
    auto reply = Call("GET", "/_fake/uploads");
    if (!reply.ok()) return reply.error();
    return Decoded("GET /_fake/uploads", fake::control::DecodeUploads(*reply));
  }
  protocol::Status PutPart(const std::string& upload_id, int part_number,
                           const std::string& bytes) override {
    return Call("POST", "/_fake/uploads/" + upload_id + "/parts/" + std::to_string(part_number),
                fake::control::EncodePutPartRequest(bytes))
        .status();
  }
  protocol::StatusOr<fake::control::JournalListing> Journal() override {
    auto reply = Call("GET", "/_fake/journal");
    if (!reply.ok()) return reply.error();
    return Decoded("GET /_fake/journal", fake::control::DecodeJournal(*reply));
  }
  protocol::StatusOr<uint64_t> JournalArrivals() override {
    auto listing = Journal();
    if (!listing.ok()) return listing.error();
    return listing->arrivals;
  }
  protocol::Status Restart() override { return Call("POST", "/_fake/restart").status(); }

 private:
  std::string endpoint_;
  httplib::Client http_;
};

}  // namespace

protocol::StatusOr<std::unique_ptr<FakeTarget>> StartInProcessFake(
    const ServerSpec& spec, const std::string& bucket, const std::string& access_key_id,
    const std::string& access_key_secret, const std::string& region, const std::string& data_dir) {
  fake::ServerOptions options;
  options.credentials.push_back({access_key_id, access_key_secret});
  options.anonymous = spec.signing == Signing::kAnonymous;
  options.buckets.push_back(bucket);
  options.seed = spec.seed;
  options.region = region;
  if (spec.storage == Storage::kDisk) options.data_dir = data_dir;
  options.threads = 16;
  options.journal_capacity = 100000;  // a 10,000-part upload and its retries fit
  // The frozen clock starts at the real time (signed requests are then within the skew
  // window) and moves only through advance-clock steps.
  options.clock_follows_real_time = false;
  auto server = std::make_unique<InProcessFake>(std::move(options));
  if (auto s = server->Start(); !s.ok()) return s.error();
  return std::unique_ptr<FakeTarget>(std::move(server));
}

protocol::StatusOr<std::unique_ptr<FakeTarget>> ConnectRemoteFake(const std::string& endpoint) {
  auto remote = std::make_unique<RemoteFake>(endpoint);
  auto health = remote->Call("GET", "/_fake/health");
  if (!health.ok()) return health.error();
  auto reset = remote->Call("POST", "/_fake/reset");
  if (!reset.ok()) return reset.error();
  return std::unique_ptr<FakeTarget>(std::move(remote));
}

}  // namespace ossup::scenarios::internal
