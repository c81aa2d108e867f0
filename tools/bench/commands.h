// The ossup-bench subcommands. Each measures one thing and returns one JSON object, which
// main() prints on a line of its own for tools/bench/run to collect. None asserts a speed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ossup/protocol/signing.h"

namespace ossup::bench {

// MD5 + CRC64 over the same bytes, split into parts hashed by `parallel` threads, the way the
// client fingerprints parts (protocol::Md5 is OpenSSL EVP; protocol::Crc64Extend is ours).
struct HashOptions {
  uint64_t bytes = 256ull << 20;  // in-memory random bytes, unless `file` is set
  std::string file;               // hash this file instead, read with pread() part by part
  uint64_t part_size = 8ull << 20;
  int parallel = 1;
  int repeat = 3;
};
nlohmann::json RunHash(const HashOptions& options);

// Starts a server `repeat` times; each time measures exec to the first HTTP answer to
// `GET /` on 127.0.0.1:PORT, then the idle RSS of its process group after `settle_ms`, then
// stops it (SIGTERM, SIGKILL after 5 s). `{port}` in the command is replaced by a free port.
struct StartupOptions {
  std::vector<std::string> command;
  int repeat = 3;
  int settle_ms = 1000;
  int timeout_ms = 30000;
  std::string log;  // where the server's stdout and stderr go (default /dev/null)
};
nlohmann::json RunStartup(const StartupOptions& options);

// An HTTP server on 127.0.0.1 holding `bucket`. Requests are path style (/bucket/key), signed
// with OSS V1 when `credentials` is set, and anonymous otherwise. `server_pid`, when set, is
// sampled for the server's CPU time.
struct Target {
  int port = 0;
  std::string bucket;
  std::optional<protocol::Credentials> credentials;
  pid_t server_pid = 0;
};

// InitiateMultipartUpload on each of `connections` keep-alive connections, then `parts` parts
// of `part_size` bytes in all (split evenly), streamed from one shared buffer, then Abort.
// S3 and OSS spell these requests the same way. Timed from the first part to the last answer.
struct IngestOptions {
  uint64_t part_size = 64ull << 20;
  int parts = 8;
  int connections = 1;
};
nlohmann::json RunIngest(const Target& target, const IngestOptions& options);

// Small requests on one keep-alive connection: "putget" alternates PutObject of `body_bytes`
// and GetObject of it; "initabort" is InitiateMultipartUpload + AbortMultipartUpload pairs.
struct SmallOptions {
  std::string kind = "putget";
  int requests = 4000;
  uint64_t body_bytes = 1024;
};
nlohmann::json RunSmall(const Target& target, const SmallOptions& options);

// Writes `size` deterministic random bytes to `path` (a test file for uploads).
nlohmann::json RunMakeFile(const std::string& path, uint64_t size);

}  // namespace ossup::bench
