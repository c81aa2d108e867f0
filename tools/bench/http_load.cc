// The load generator: one client for every server, so that what differs is the server.
// cpp-httplib, keep-alive, TCP_NODELAY, bodies streamed from one shared buffer in 1 MiB writes.
#include <httplib.h>

#include <atomic>
#include <latch>
#include <thread>

#include "bench_common.h"
#include "commands.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/mutex.h"

namespace ossup::bench {
namespace {

struct Prepared {
  std::string path;
  httplib::Headers headers;
};

// Path-style request, OSS V1 signed when the target has credentials. Anonymous requests are
// byte for byte what an unsigned S3 client sends, so S3 fakes take them unchanged.
Prepared Prepare(const Target& target, const std::string& method, const std::string& key,
                 protocol::QueryParams query = {}) {
  protocol::WireRequest wire{
      method, target.bucket, key, std::move(query), {{"Content-Type", "application/octet-stream"}}};
  if (target.credentials) {
    protocol::SignV1(wire, *target.credentials, std::chrono::system_clock::now());
  }
  Prepared prepared;
  prepared.path = "/" + target.bucket + "/" + protocol::UriEncode(key, true);
  if (!wire.query.empty()) prepared.path += "?" + protocol::EncodeQueryString(wire.query);
  for (const auto& [name, value] : wire.headers) prepared.headers.emplace(name, value);
  return prepared;
}

std::unique_ptr<httplib::Client> Connect(const Target& target) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", target.port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_url_encode(false);
  client->set_read_timeout(300, 0);
  client->set_write_timeout(300, 0);
  return client;
}

std::string UploadIdOf(const std::string& xml) {
  auto open = xml.find("<UploadId>");
  auto close = xml.find("</UploadId>");
  if (open == std::string::npos || close == std::string::npos) return "";
  open += 10;
  return xml.substr(open, close - open);
}

// The first failure seen, for the report: a bench that measured errors must say so.
class Failures {
 public:
  void Add(const std::string& what, const httplib::Result& result) {
    protocol::MutexLock lock(mutex_);
    ++count_;
    if (!first_.empty()) return;
    first_ = what + ": " +
             (result ? "HTTP " + std::to_string(result->status) + " " + result->body.substr(0, 200)
                     : "transport error " + httplib::to_string(result.error()));
  }
  int count() const {
    protocol::MutexLock lock(mutex_);
    return count_;
  }
  std::string first() const {
    protocol::MutexLock lock(mutex_);
    return first_;
  }

 private:
  mutable protocol::Mutex mutex_;
  int count_ OSSUP_GUARDED_BY(mutex_) = 0;
  std::string first_ OSSUP_GUARDED_BY(mutex_);
};

}  // namespace

nlohmann::json RunIngest(const Target& target, const IngestOptions& options) {
  std::string body(options.part_size, '\0');
  FillRandom(body.data(), body.size(), 7);
  const int per_connection = std::max(1, options.parts / options.connections);

  Failures failures;
  std::atomic<uint64_t> stored{0};
  std::atomic<int64_t> last_done_ns{0};
  std::latch ready(options.connections), go(1), done(options.connections);
  Clock::time_point start;
  std::vector<std::thread> threads;
  for (int c = 0; c < options.connections; ++c) {
    threads.emplace_back([&, c] {
      auto client = Connect(target);
      std::string key = "ingest-" + std::to_string(c);
      auto init = Prepare(target, "POST", key, {{"uploads", ""}});
      auto initiated = client->Post(init.path, init.headers, "", "application/octet-stream");
      std::string upload_id =
          initiated && initiated->status == 200 ? UploadIdOf(initiated->body) : "";
      if (upload_id.empty()) failures.Add("InitiateMultipartUpload", initiated);
      ready.count_down();
      go.wait();
      for (int n = 1; n <= per_connection && !upload_id.empty(); ++n) {
        auto part = Prepare(target, "PUT", key,
                            {{"partNumber", std::to_string(n)}, {"uploadId", upload_id}});
        auto result = client->Put(
            part.path, part.headers, body.size(),
            [&body](size_t offset, size_t length, httplib::DataSink& sink) {
              return sink.write(body.data() + offset, std::min<size_t>(length, 1 << 20));
            },
            "application/octet-stream");
        if (result && result->status == 200) {
          stored += body.size();
        } else {
          failures.Add("UploadPart", result);
        }
      }
      int64_t ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      for (int64_t seen = last_done_ns;
           seen < ns && !last_done_ns.compare_exchange_weak(seen, ns);) {
      }
      done.count_down();
      if (!upload_id.empty()) {  // not timed; s3rver answers 405 (it has no Abort)
        auto abort = Prepare(target, "DELETE", key, {{"uploadId", upload_id}});
        client->Delete(abort.path, abort.headers);
      }
    });
  }
  ready.wait();
  auto server_cpu_start = ProcessCpuSeconds(target.server_pid);
  double cpu_start = SelfCpuSeconds();
  start = Clock::now();
  go.count_down();
  done.wait();
  auto server_cpu_end = ProcessCpuSeconds(target.server_pid);
  double client_cpu = SelfCpuSeconds() - cpu_start;
  for (auto& t : threads) t.join();

  double seconds = last_done_ns / 1e9;
  nlohmann::json out = {{"op", "upload_part"},
                        {"connections", options.connections},
                        {"part_size", options.part_size},
                        {"parts", per_connection * options.connections},
                        {"bytes", stored.load()},
                        {"seconds", seconds},
                        {"mb_per_s", seconds > 0 ? stored / seconds / 1e6 : 0.0},
                        {"client_cpu_seconds", client_cpu},
                        {"signed", target.credentials.has_value()},
                        {"failures", failures.count()},
                        {"first_failure", failures.first()}};
  if (server_cpu_start && server_cpu_end) {
    out["server_cpu_seconds"] = *server_cpu_end - *server_cpu_start;
  }
  return out;
}

nlohmann::json RunSmall(const Target& target, const SmallOptions& options) {
  auto client = Connect(target);
  std::string body(options.body_bytes, '\0');
  FillRandom(body.data(), body.size(), 11);
  Failures failures;
  int ok = 0;
  auto server_cpu_start = ProcessCpuSeconds(target.server_pid);
  auto start = Clock::now();
  if (options.kind == "putget") {
    // The first failure ends the loop: a server that fails a request gets no figure.
    for (int i = 0; i < options.requests && failures.count() == 0; ++i) {
      if (i % 2 == 0) {
        auto put = Prepare(target, "PUT", "small");
        auto result = client->Put(put.path, put.headers, body, "application/octet-stream");
        if (result && result->status == 200) {
          ++ok;
        } else {
          failures.Add("PutObject", result);
        }
      } else {
        auto get = Prepare(target, "GET", "small");
        auto result = client->Get(get.path, get.headers);
        if (result && result->status == 200 && result->body == body) {
          ++ok;
        } else {
          failures.Add("GetObject", result);
        }
      }
    }
  } else if (options.kind == "initabort") {
    for (int i = 0; i + 1 < options.requests && failures.count() == 0; i += 2) {
      auto init = Prepare(target, "POST", "small-mp", {{"uploads", ""}});
      auto initiated = client->Post(init.path, init.headers, "", "application/octet-stream");
      std::string upload_id =
          initiated && initiated->status == 200 ? UploadIdOf(initiated->body) : "";
      if (upload_id.empty()) {
        failures.Add("InitiateMultipartUpload", initiated);
        break;
      }
      ++ok;
      auto abort = Prepare(target, "DELETE", "small-mp", {{"uploadId", upload_id}});
      auto aborted = client->Delete(abort.path, abort.headers);
      if (aborted && aborted->status == 204) {
        ++ok;
      } else {
        failures.Add("AbortMultipartUpload", aborted);
      }
    }
  } else {
    throw std::runtime_error("small: unknown kind " + options.kind);
  }
  double seconds = SecondsSince(start);
  auto server_cpu_end = ProcessCpuSeconds(target.server_pid);
  nlohmann::json out = {{"op", "small"},
                        {"kind", options.kind},
                        {"requests_ok", ok},
                        {"seconds", seconds},
                        {"requests_per_s", ok / seconds},
                        {"signed", target.credentials.has_value()},
                        {"failures", failures.count()},
                        {"first_failure", failures.first()}};
  if (server_cpu_start && server_cpu_end) {
    out["server_cpu_seconds"] = *server_cpu_end - *server_cpu_start;
  }
  return out;
}

}  // namespace ossup::bench
