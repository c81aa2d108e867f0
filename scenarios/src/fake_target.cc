#include "fake_target.h"

#include <httplib.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/wire.h"

namespace ossup::scenarios::internal {
namespace {

using nlohmann::json;

protocol::Error Internal(const std::string& message) {
  return protocol::MakeError("InternalError", message);
}

/// A byte-string field of the control API: `name`, or the exact bytes in `nameBase64` when
/// they are not UTF-8 (fake-oss/README.md, "Control API").
std::string BytesField(const json& object, const std::string& name) {
  if (auto exact = object.find(name + "Base64"); exact != object.end()) {
    auto bytes = protocol::Base64Decode(exact->get<std::string>());
    if (!bytes) throw std::runtime_error(name + "Base64 is not base64");
    return std::string(bytes->begin(), bytes->end());
  }
  return object.at(name).get<std::string>();
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
  protocol::StatusOr<std::vector<fake::JournalEntry>> Journal() override {
    return server_.Journal();
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

  protocol::StatusOr<json> Call(const std::string& method, const std::string& path,
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
    if (result->body.empty()) return json::object();
    json parsed = json::parse(result->body, nullptr, false);
    if (parsed.is_discarded()) return Internal(method + " " + endpoint_ + path + ": not JSON");
    return parsed;
  }

  protocol::StatusOr<std::string> AddPlan(const faults::Plan& plan) override {
    auto reply = Call("POST", "/_fake/faults", faults::PlanToJson(plan));
    if (!reply.ok()) return reply.error();
    return reply->value("id", std::string());
  }
  protocol::Status RemovePlan(const std::string& id) override {
    auto reply = Call("DELETE", "/_fake/faults/" + id);
    return reply.ok() ? protocol::Status() : protocol::Status(reply.error());
  }
  protocol::Status AdvanceClock(int64_t seconds) override {
    auto reply = Call("POST", "/_fake/clock", json{{"advanceSeconds", seconds}}.dump());
    return reply.ok() ? protocol::Status() : protocol::Status(reply.error());
  }
  protocol::StatusOr<bool> ExpireUpload(const std::string& upload_id) override {
    auto result = http_.Post("/_fake/uploads/" + upload_id + "/expire", "", "application/json");
    if (!result) return Internal("expire " + upload_id + ": " + httplib::to_string(result.error()));
    return result->status == 200;
  }
  protocol::StatusOr<std::vector<fake::UploadSnapshot>> ListUploads() override {
    auto reply = Call("GET", "/_fake/uploads");
    if (!reply.ok()) return reply.error();
    std::vector<fake::UploadSnapshot> uploads;
    try {
      for (const auto& u : reply->at("uploads")) {
        fake::UploadSnapshot snapshot;
        snapshot.bucket = BytesField(u, "bucket");
        snapshot.key = BytesField(u, "key");
        snapshot.upload_id = BytesField(u, "uploadId");
        for (const auto& p : u.at("parts")) {
          protocol::PartInfo part;
          part.part_number = p.at("partNumber").get<int>();
          part.size = p.at("size").get<uint64_t>();
          part.etag = p.at("etag").get<std::string>();
          part.crc64 = std::stoull(p.at("crc64").get<std::string>());
          snapshot.parts.push_back(part);
        }
        uploads.push_back(std::move(snapshot));
      }
    } catch (const std::exception& e) {
      return Internal(std::string("GET /_fake/uploads: ") + e.what());
    }
    return uploads;
  }
  protocol::Status PutPart(const std::string& upload_id, int part_number,
                           const std::string& bytes) override {
    auto reply =
        Call("POST", "/_fake/uploads/" + upload_id + "/parts/" + std::to_string(part_number),
             json{{"dataBase64", protocol::Base64Encode(bytes)}}.dump());
    return reply.ok() ? protocol::Status() : protocol::Status(reply.error());
  }
  protocol::StatusOr<std::vector<fake::JournalEntry>> Journal() override {
    auto reply = Call("GET", "/_fake/journal");
    if (!reply.ok()) return reply.error();
    std::vector<fake::JournalEntry> entries;
    try {
      for (const auto& e : reply->at("entries")) {
        fake::JournalEntry entry;
        entry.sequence = e.at("sequence").get<uint64_t>();
        entry.arrival = e.at("arrival").get<uint64_t>();
        entry.request_id = e.at("requestId").get<std::string>();
        entry.method = e.at("method").get<std::string>();
        entry.operation = e.at("operation").get<std::string>();
        entry.bucket = BytesField(e, "bucket");
        entry.key = BytesField(e, "key");
        entry.upload_id = BytesField(e, "uploadId");
        if (!e.at("partNumber").is_null()) entry.part_number = e.at("partNumber").get<int>();
        entry.http_status = e.at("status").get<int>();
        entry.error_code = e.at("errorCode").get<std::string>();
        entry.request_body_bytes = e.at("bytes").get<uint64_t>();
        entry.arrived_us = e.value("arrivedUs", int64_t{0});
        entry.latency_us = e.value("latencyUs", int64_t{0});
        if (!e.at("fault").is_null()) {
          const auto& f = e.at("fault");
          faults::Firing firing;
          firing.plan_id = f.at("plan").get<std::string>();
          firing.rule_index = f.at("rule").get<size_t>();
          auto type = faults::ActionTypeFromName(f.at("action").get<std::string>());
          if (type) firing.action.type = *type;
          firing.action.after_bytes = f.value("afterBytes", uint64_t{0});
          firing.action.stall_ms = f.value("ms", uint64_t{0});
          firing.action.http_status = f.value("status", firing.action.http_status);
          firing.action.code = f.value("code", firing.action.code);
          entry.fault = firing;
        }
        entries.push_back(std::move(entry));
      }
    } catch (const std::exception& e) {
      return Internal(std::string("GET /_fake/journal: ") + e.what());
    }
    return entries;
  }
  protocol::StatusOr<uint64_t> JournalArrivals() override {
    auto reply = Call("GET", "/_fake/journal");
    if (!reply.ok()) return reply.error();
    try {
      return reply->at("arrivals").get<uint64_t>();
    } catch (const std::exception& e) {
      return Internal(std::string("GET /_fake/journal: ") + e.what());
    }
  }
  protocol::Status Restart() override {
    auto reply = Call("POST", "/_fake/restart");
    return reply.ok() ? protocol::Status() : protocol::Status(reply.error());
  }

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
