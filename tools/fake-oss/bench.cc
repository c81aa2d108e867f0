// fake-oss-bench: the performance figures for the fake server, measured in one run
// on this machine. Not a test: it prints numbers and asserts nothing.
//
//   1. startup to first answer (in-process Server, and the fake-oss binary as a process)
//   2. idle RSS of the fake-oss process
//   3. UploadPart ingest, memory mode, 64 MiB parts over loopback (1 and N connections),
//      next to the single-core MD5+CRC64 rate measured on the same bytes
//   4. InitiateMultipartUpload + AbortMultipartUpload pairs per second, one keep-alive
//      client, V1 signatures checked
//   5. against a fake-oss process: a new client's request latency (p50/p99) while N idle
//      keep-alive connections are held open, and the RSS each idle connection costs
//   6. against a fake-oss process: the server's own CPU per GB ingested, side by side with the
//      single-core MD5+CRC64 cost and with reference servers (sink_server.h) that only receive,
//      or receive and hash; and per signed Initiate+Abort pair
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/signing.h"
#include "ossup/protocol/xml.h"
#include "sink_server.h"

namespace {

using Clock = std::chrono::steady_clock;
using fake_oss_bench::SinkMode;
using fake_oss_bench::SinkModeName;
const ossup::protocol::Credentials kCredentials{"AKIDBENCH", "SECRETBENCH", ""};

// User + system CPU seconds of this process so far (client and server threads together).
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

std::string SelfPath() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

ossup::fake::ServerOptions Options() {
  ossup::fake::ServerOptions options;
  options.credentials = {{kCredentials.access_key_id, kCredentials.access_key_secret}};
  options.buckets = {"bench"};
  return options;
}

httplib::Headers Signed(const std::string& method, const std::string& key,
                        ossup::protocol::QueryParams query, ossup::protocol::TimePoint now,
                        std::string& path) {
  ossup::protocol::WireRequest wire{
      method, "bench", key, std::move(query), {{"Content-Type", "application/octet-stream"}}};
  ossup::protocol::SignV1(wire, kCredentials, now);
  path = "/bench/" + ossup::protocol::UriEncode(key, true);
  if (!wire.query.empty()) path += "?" + ossup::protocol::EncodeQueryString(wire.query);
  httplib::Headers headers;
  for (const auto& [name, value] : wire.headers) headers.emplace(name, value);
  return headers;
}

void Startup() {
  auto start = Clock::now();
  ossup::fake::Server server(Options());
  if (!server.Start().ok()) return;
  httplib::Client client("127.0.0.1", server.port());
  auto health = client.Get("/_fake/health");
  double in_process = SecondsSince(start);
  std::printf("startup, in-process Server to first answer: %.2f ms (status %d)\n", in_process * 1e3,
              health ? health->status : 0);
}

// A running fake-oss child process; its stdout is the read end of a pipe.
struct FakeOssProcess {
  pid_t pid;
  int port;
  int stdout_fd;
};

// Runs `binary` with `args` and returns once it has printed its first line, "fake-oss
// listening on ...:PORT". nullopt when the pipe cannot be made. Stop it with StopFakeOss.
std::optional<FakeOssProcess> SpawnFakeOss(const std::string& binary,
                                           const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) return std::nullopt;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  return FakeOssProcess{pid, std::stoi(line.substr(line.rfind(':') + 1)), out[0]};
}

// Sends SIGTERM, reaps the process and closes its stdout pipe.
void StopFakeOss(const FakeOssProcess& process) {
  ::kill(process.pid, SIGTERM);
  ::waitpid(process.pid, nullptr, 0);
  ::close(process.stdout_fd);
}

void ProcessStartupAndRss(const std::string& binary) {
  auto start = Clock::now();
  auto fake = SpawnFakeOss(binary, {"--port", "0", "--anonymous", "--bucket", "bench"});
  if (!fake) return;
  httplib::Client client("127.0.0.1", fake->port);
  auto health = client.Get("/_fake/health");
  double elapsed = SecondsSince(start);
  std::printf("startup, exec fake-oss to first answer: %.2f ms (status %d)\n", elapsed * 1e3,
              health ? health->status : 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::ifstream status("/proc/" + std::to_string(fake->pid) + "/status");
  std::string row;
  while (std::getline(status, row)) {
    if (row.rfind("VmRSS:", 0) == 0) std::printf("idle RSS of fake-oss: %s\n", row.c_str() + 6);
  }
  StopFakeOss(*fake);
}

// CPU seconds of the calling thread so far.
double ThreadCpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The CPU seconds this thread spends on MD5+CRC64 of `data` (what the server must compute for
// an UploadPart), in 64 KiB updates. CPU time, not wall time: a busy machine does not change it.
double HashCpuSeconds(const std::string& data) {
  const double start = ThreadCpuSeconds();
  ossup::protocol::Md5 md5;
  uint64_t crc = 0;
  constexpr size_t kChunk = 64 * 1024;
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    md5.Update(data.data() + off, n);
    crc = ossup::protocol::Crc64Extend(crc, data.data() + off, n);
  }
  auto digest = md5.Final();
  if (digest[0] == 0 && crc == 1) std::printf(" ");  // keep the work observable
  return ThreadCpuSeconds() - start;
}

double HashRate(const std::string& data) {
  auto start = Clock::now();
  ossup::protocol::Md5 md5;
  uint64_t crc = 0;
  constexpr size_t kChunk = 4096;  // what httplib hands the server per call
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    md5.Update(data.data() + off, n);
    crc = ossup::protocol::Crc64Extend(crc, data.data() + off, n);
  }
  auto digest = md5.Final();
  double seconds = SecondsSince(start);
  if (digest[0] == 0 && crc == 1) std::printf(" ");  // keep the work observable
  return data.size() / seconds;
}

void Ingest(int connections, int parts_per_connection, const std::string& part) {
  ossup::fake::Server server(Options());
  if (!server.Start().ok()) return;
  std::vector<std::thread> threads;
  std::atomic<uint64_t> bytes{0};
  auto start = Clock::now();
  double cpu_start = CpuSeconds();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_tcp_nodelay(true);
      client.set_url_encode(false);
      std::string path;
      auto headers =
          Signed("POST", "obj" + std::to_string(c), {{"uploads", ""}}, server.Now(), path);
      auto init = client.Post(path, headers, "", "application/octet-stream");
      auto upload = ossup::protocol::DecodeInitiateMultipartUploadResult(init ? init->body : "");
      if (!upload.ok()) return;
      for (int n = 1; n <= parts_per_connection; ++n) {
        auto h = Signed("PUT", "obj" + std::to_string(c),
                        {{"partNumber", std::to_string(n)}, {"uploadId", upload->upload_id}},
                        server.Now(), path);
        // Stream from the shared buffer, as a client reading a file would (no per-part copy).
        auto res = client.Put(
            path, h, part.size(),
            [&part](size_t offset, size_t length, httplib::DataSink& sink) {
              return sink.write(part.data() + offset, std::min<size_t>(length, 1 << 20));
            },
            "application/octet-stream");
        if (res && res->status == 200) bytes += part.size();
      }
      auto h = Signed("DELETE", "obj" + std::to_string(c), {{"uploadId", upload->upload_id}},
                      server.Now(), path);
      client.Delete(path, h);
    });
  }
  for (auto& t : threads) t.join();
  double seconds = SecondsSince(start);
  double cpu = CpuSeconds() - cpu_start;
  std::printf(
      "UploadPart ingest, %d connection(s), 64 MiB parts: %.0f MB/s (%.0f MiB in %.2f s; "
      "%.2f CPU-s for client+server)\n",
      connections, bytes / seconds / 1e6, bytes / 1048576.0, seconds, cpu);
}

// Uploads `gib` GiB in 64 MiB parts to a fake-oss process in disk mode and reports its peak
// RSS (VmHWM).
void DiskIngest(const std::string& binary, int gib, const std::string& part) {
  std::string dir = (std::filesystem::temp_directory_path() / "fake-oss-bench-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return;
  auto fake = SpawnFakeOss(
      binary, {"--port", "0", "--data-dir", dir, "--access-key-id", kCredentials.access_key_id,
               "--access-key-secret", kCredentials.access_key_secret, "--bucket", "bench"});
  if (!fake) return;
  auto finish = [&] {
    StopFakeOss(*fake);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  };
  httplib::Client client("127.0.0.1", fake->port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_url_encode(false);
  auto now = [] { return std::chrono::system_clock::now(); };
  std::string path;
  auto init_headers = Signed("POST", "disk", {{"uploads", ""}}, now(), path);
  auto init = client.Post(path, init_headers, "", "application/octet-stream");
  auto upload = ossup::protocol::DecodeInitiateMultipartUploadResult(init ? init->body : "");
  if (!upload.ok()) {
    std::printf("disk mode: InitiateMultipartUpload failed: %s\n",
                upload.error().ToString().c_str());
    return finish();
  }
  auto start = Clock::now();
  const int parts = gib * 16;
  int stored = 0;
  for (int n = 1; n <= parts; ++n) {
    auto h =
        Signed("PUT", "disk", {{"partNumber", std::to_string(n)}, {"uploadId", upload->upload_id}},
               now(), path);
    auto res = client.Put(
        path, h, part.size(),
        [&part](size_t offset, size_t length, httplib::DataSink& sink) {
          return sink.write(part.data() + offset, std::min<size_t>(length, 1 << 20));
        },
        "application/octet-stream");
    if (res && res->status == 200) ++stored;
  }
  double seconds = SecondsSince(start);
  std::ifstream status("/proc/" + std::to_string(fake->pid) + "/status");
  std::string row, peak;
  while (std::getline(status, row)) {
    if (row.rfind("VmHWM:", 0) == 0) peak = row.substr(6);
  }
  std::printf("disk mode, %d GiB in 64 MiB parts (%d stored, %.0f MB/s with fsync): peak RSS%s\n",
              gib, stored, stored * 64.0 * 1048576 / seconds / 1e6, peak.c_str());
  finish();
}

// User + system CPU seconds `pid` has used so far (/proc/PID/stat fields 14 and 15).
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t at = text.rfind(')');
  if (at == std::string::npos) return 0;
  std::istringstream fields(text.substr(at + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// VmRSS of `pid` in KiB.
long RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string row;
  while (std::getline(status, row)) {
    if (row.rfind("VmRSS:", 0) == 0) return std::stol(row.substr(6));
  }
  return 0;
}

// A connected blocking socket to 127.0.0.1:`port`, or -1.
int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Opens `count` keep-alive connections to a fake-oss process, each answering one request and
// then idling, and measures a new keep-alive client's GET latency meanwhile.
void IdleConnections(const std::string& binary, int count, int requests) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  auto fake = SpawnFakeOss(binary, {"--port", "0", "--anonymous", "--bucket", "bench"});
  if (!fake) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const long rss_before = RssKib(fake->pid);
  std::vector<int> idle;
  const std::string request = "GET /_fake/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int i = 0; i < count; ++i) {
    int fd = Connect(fake->port);
    if (fd < 0) break;
    char buffer[512];
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) <= 0 ||
        ::recv(fd, buffer, sizeof buffer, 0) <= 0) {
      ::close(fd);
      break;
    }
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long rss_after = RssKib(fake->pid);
  httplib::Client client("127.0.0.1", fake->port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.Put("/bench/one-kib", std::string(1024, 'x'), "application/octet-stream");
  std::vector<double> latencies;
  for (int i = 0; i < requests; ++i) {
    auto start = Clock::now();
    auto got = client.Get("/bench/one-kib");
    if (got && got->status == 200) latencies.push_back(SecondsSince(start) * 1e3);
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[static_cast<size_t>(q * (latencies.size() - 1))];
  };
  std::printf(
      "%zu idle keep-alive connections held: new client's GET 1 KiB p50 %.3f ms, p99 %.3f ms "
      "(%zu ok); server RSS %.1f -> %.1f MiB, %.1f KiB per idle connection\n",
      idle.size(), at(0.5), at(0.99), latencies.size(), rss_before / 1024.0, rss_after / 1024.0,
      idle.empty() ? 0.0 : static_cast<double>(rss_after - rss_before) / idle.size());
  for (int fd : idle) ::close(fd);
  StopFakeOss(*fake);
}

// Streams `part` as one PUT with `headers` to `path`; true on a 200.
bool PutPart(httplib::Client& client, const std::string& path, const httplib::Headers& headers,
             const std::string& part) {
  auto res = client.Put(
      path, headers, part.size(),
      [&part](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(part.data() + offset, std::min<size_t>(length, 1 << 20));
      },
      "application/octet-stream");
  return res && res->status == 200;
}

// One server whose CPU per ingested GB is measured: a process, a keep-alive client to it, and
// how to send it the next part.
struct IngestTarget {
  std::string name;
  FakeOssProcess process;
  std::unique_ptr<httplib::Client> client;
  /// Sends `part` as the target's next upload; true when it was stored.
  std::function<bool(httplib::Client&, const std::string&)> send;
  double cpu = 0;
  uint64_t bytes = 0;

  double PerGb() const { return bytes == 0 ? 0 : cpu / (static_cast<double>(bytes) / 1e9); }
};

std::unique_ptr<httplib::Client> KeepAliveClient(int port) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_url_encode(false);
  return client;
}

// The CPU a fake-oss process spends (its own, not the client's) per GB of UploadPart ingest,
// set side by side against the CPU the same bytes cost elsewhere, all measured in one run and
// interleaved part by part (the order rotating every round):
//   - MD5+CRC64 alone: this process's thread hashing the part (CLOCK_THREAD_CPUTIME_ID);
//   - fake-oss, each part a new part of an upload: the memory that keeps it is new;
//   - fake-oss, the same part number uploaded again: the part it replaces frees memory first;
//   - the reference servers of sink_server.h (their own processes): receiving alone, receiving
//     and hashing into recycled memory, receiving and hashing into fresh memory.
// Each server's CPU is its own (/proc/PID/stat around each upload), one keep-alive connection.
void IngestCpu(const std::string& binary, const std::string& part, int rounds) {
  // Two fake-oss processes, so that memory one lets go is never what the other takes.
  std::vector<FakeOssProcess> fakes;
  for (int i = 0; i < 2; ++i) {
    auto fake = SpawnFakeOss(
        binary, {"--port", "0", "--access-key-id", kCredentials.access_key_id,
                 "--access-key-secret", kCredentials.access_key_secret, "--bucket", "bench"});
    if (fake) fakes.push_back(*fake);
  }
  auto stop_all = [&fakes] {
    for (const auto& fake : fakes) StopFakeOss(fake);
  };
  if (fakes.size() != 2) return stop_all();
  auto now = [] { return std::chrono::system_clock::now(); };
  std::vector<IngestTarget> targets;
  auto initiate = [&](httplib::Client& client) -> std::string {
    std::string path;
    auto headers = Signed("POST", "cpu", {{"uploads", ""}}, now(), path);
    auto init = client.Post(path, headers, "", "application/octet-stream");
    auto upload = ossup::protocol::DecodeInitiateMultipartUploadResult(init ? init->body : "");
    return upload.ok() ? upload->upload_id : "";
  };
  // UploadPart `*number` of `upload_id` (advancing it when `advance`).
  auto upload_part = [now](std::string upload_id, std::shared_ptr<int> number, bool advance) {
    return [=](httplib::Client& client, const std::string& bytes) {
      if (advance) ++*number;
      std::string path;
      auto headers =
          Signed("PUT", "cpu", {{"partNumber", std::to_string(*number)}, {"uploadId", upload_id}},
                 now(), path);
      return PutPart(client, path, headers, bytes);
    };
  };
  std::vector<std::string> uploads;  // one per fake, aborted at the end
  for (int i = 0; i < 2; ++i) {
    const bool fresh = i == 0;
    IngestTarget target{fresh ? "fake-oss, a new part each time (fresh memory)"
                              : "fake-oss, part 1 uploaded again (recycled memory)",
                        fakes[i], KeepAliveClient(fakes[i].port), nullptr};
    uploads.push_back(initiate(*target.client));
    if (uploads.back().empty()) return stop_all();
    target.send = upload_part(uploads.back(), std::make_shared<int>(fresh ? 0 : 1), fresh);
    targets.push_back(std::move(target));
  }
  std::vector<FakeOssProcess> sinks;
  for (SinkMode mode : {SinkMode::kRecv, SinkMode::kHashRecycled, SinkMode::kHashFresh}) {
    auto sink = SpawnFakeOss(SelfPath(), {"--serve-sink", std::string(SinkModeName(mode))});
    if (!sink) continue;
    sinks.push_back(*sink);
    IngestTarget target{"reference server: " + std::string(SinkModeName(mode)), *sink,
                        KeepAliveClient(sink->port), nullptr};
    target.send = [](httplib::Client& client, const std::string& bytes) {
      return PutPart(client, "/sink", {}, bytes);
    };
    targets.push_back(std::move(target));
  }
  // Not counted: the first two uploads of each target (connection set-up, first buffers; a
  // part uploaded again frees its predecessor's memory only once it is stored, so recycling
  // starts with the third).
  for (int warm_up = 0; warm_up < 2; ++warm_up) {
    for (auto& target : targets) target.send(*target.client, part);
  }
  double hash_cpu = 0;
  for (int round = 0; round < rounds; ++round) {
    hash_cpu += HashCpuSeconds(part);
    for (size_t i = 0; i < targets.size(); ++i) {
      IngestTarget& target = targets[(i + static_cast<size_t>(round)) % targets.size()];
      const double cpu_start = ProcessCpuSeconds(target.process.pid);
      const bool ok = target.send(*target.client, part);
      target.cpu += ProcessCpuSeconds(target.process.pid) - cpu_start;
      if (ok) target.bytes += part.size();
    }
  }
  const double hash_per_gb = hash_cpu / (static_cast<double>(part.size()) * rounds / 1e9);
  std::printf(
      "server CPU per GB ingested (64 MiB parts, 1 connection, %d parts): %.3f CPU-s/GB = %.2fx "
      "the single-core MD5+CRC64 cost (%.3f CPU-s/GB, same bytes, hashed beside each upload)\n",
      rounds, targets[0].PerGb(), targets[0].PerGb() / hash_per_gb, hash_per_gb);
  std::printf("ingest CPU side by side (%d rounds of one 64 MiB part each, interleaved):\n",
              rounds);
  std::printf("  %-52s %.3f CPU-s/GB = 1.00x\n", "MD5+CRC64 alone (one thread, no I/O)",
              hash_per_gb);
  for (const auto& target : targets) {
    std::printf("  %-52s %.3f CPU-s/GB = %.2fx (%d of %d stored)\n", target.name.c_str(),
                target.PerGb(), target.PerGb() / hash_per_gb,
                static_cast<int>(target.bytes / part.size()), rounds);
  }
  for (size_t i = 0; i < uploads.size(); ++i) {
    std::string path;
    auto headers = Signed("DELETE", "cpu", {{"uploadId", uploads[i]}}, now(), path);
    targets[i].client->Delete(path, headers);
  }
  for (const auto& sink : sinks) StopFakeOss(sink);
  stop_all();
}

// The CPU a fake-oss process spends per signed Initiate+Abort pair, one keep-alive connection.
// The I/O threads sleep at once (--io-spin-us 0): the figure is the work of the requests, not
// the polling between them, whose length depends on how fast this client answers.
void PairCpu(const std::string& binary, int pairs) {
  auto fake = SpawnFakeOss(
      binary, {"--port", "0", "--access-key-id", kCredentials.access_key_id, "--access-key-secret",
               kCredentials.access_key_secret, "--bucket", "bench", "--io-spin-us", "0"});
  if (!fake) return;
  auto client = KeepAliveClient(fake->port);
  auto now = [] { return std::chrono::system_clock::now(); };
  std::string path;
  const double cpu_start = ProcessCpuSeconds(fake->pid);
  int ok = 0;
  for (int i = 0; i < pairs; ++i) {
    auto ih = Signed("POST", "small", {{"uploads", ""}}, now(), path);
    auto started = client->Post(path, ih, "", "application/octet-stream");
    auto id = ossup::protocol::DecodeInitiateMultipartUploadResult(started ? started->body : "");
    if (!id.ok()) continue;
    auto ah = Signed("DELETE", "small", {{"uploadId", id->upload_id}}, now(), path);
    auto abort = client->Delete(path, ah);
    if (abort && abort->status == 204) ++ok;
  }
  const double pair_cpu = ProcessCpuSeconds(fake->pid) - cpu_start;
  std::printf("server CPU per signed Initiate+Abort pair: %.1f us (%d ok)\n",
              ok == 0 ? 0.0 : pair_cpu / ok * 1e6, ok);
  StopFakeOss(*fake);
}

void SmallRequests(int pairs) {
  ossup::fake::Server server(Options());
  if (!server.Start().ok()) return;
  httplib::Client client("127.0.0.1", server.port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_url_encode(false);
  int ok = 0;
  auto start = Clock::now();
  for (int i = 0; i < pairs; ++i) {
    std::string path;
    auto headers = Signed("POST", "small", {{"uploads", ""}}, server.Now(), path);
    auto init = client.Post(path, headers, "", "application/octet-stream");
    auto upload = ossup::protocol::DecodeInitiateMultipartUploadResult(init ? init->body : "");
    if (!upload.ok()) continue;
    auto h = Signed("DELETE", "small", {{"uploadId", upload->upload_id}}, server.Now(), path);
    auto abort = client.Delete(path, h);
    if (abort && abort->status == 204) ++ok;
  }
  double seconds = SecondsSince(start);
  std::printf("Initiate+Abort pairs, one keep-alive client, signatures on: %.0f pairs/s (%d ok)\n",
              ok / seconds, ok);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fake-oss-bench: performance figures for the fake OSS server"};
  int parts = 8;
  int pairs = 5000;
  int disk_gib = 2;
  int idle = 10000;
  int cpu_rounds = 8;
  std::vector<std::string> only;
  std::string sink_mode;
  app.add_option("--parts", parts, "64 MiB parts per connection")->capture_default_str();
  app.add_option("--pairs", pairs, "Initiate+Abort pairs")->capture_default_str();
  app.add_option("--disk-gib", disk_gib, "GiB to upload in disk mode (0 skips)")
      ->capture_default_str();
  app.add_option("--idle", idle, "Idle keep-alive connections to hold (0 skips)")
      ->capture_default_str();
  app.add_option("--cpu-rounds", cpu_rounds,
                 "64 MiB parts per server in the side-by-side ingest CPU figure")
      ->capture_default_str();
  app.add_option("--only", only,
                 "Run only these figures (startup, ingest, small, idle, ingest-cpu, pair-cpu, "
                 "disk; repeatable)");
  app.add_option("--serve-sink", sink_mode,
                 "Run a reference ingest server instead (recv, hash-recycled, hash-fresh): "
                 "used by the ingest-cpu figure");
  CLI11_PARSE(app, argc, argv);
  if (!sink_mode.empty()) {
    auto mode = fake_oss_bench::ParseSinkMode(sink_mode);
    if (!mode) {
      std::fprintf(stderr, "fake-oss-bench: unknown --serve-sink mode %s\n", sink_mode.c_str());
      return 2;
    }
    return fake_oss_bench::ServeSink(*mode);
  }
  auto wanted = [&only](std::string_view name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  const std::string binary =
      (std::filesystem::path(SelfPath()).parent_path() / "fake-oss").string();

  if (wanted("startup")) {
    Startup();
    ProcessStartupAndRss(binary);
  }
  std::string part(64 << 20, '\0');
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < part.size(); i += 8) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::memcpy(part.data() + i, &x, 8);
  }
  if (wanted("ingest")) {
    double rate = HashRate(part);
    std::printf("single-core MD5+CRC64 (4 KiB updates): %.0f MB/s; 0.8x = %.0f MB/s\n", rate / 1e6,
                0.8 * rate / 1e6);
    Ingest(1, parts, part);
    Ingest(2, parts / 2, part);
  }
  if (wanted("small")) SmallRequests(pairs);
  if (wanted("idle") && idle > 0) IdleConnections(binary, idle, 2000);
  if (wanted("ingest-cpu")) IngestCpu(binary, part, std::max(cpu_rounds, 1));
  if (wanted("pair-cpu")) PairCpu(binary, pairs);
  if (wanted("disk") && disk_gib > 0) DiskIngest(binary, disk_gib, part);
  return 0;
}
