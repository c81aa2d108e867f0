// ossup-bench: the measuring half of tools/bench/run. Each subcommand measures one thing and
// prints one JSON object on stdout; tools/bench/run starts the servers and clients, calls these
// and turns the results into ratios. Nothing here asserts a speed.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "bench_common.h"
#include "commands.h"

namespace {

// CLI11 transform: "64MiB" and friends to a byte count.
CLI::Validator SizeTransform() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto bytes = ossup::bench::ParseSize(text);
        if (!bytes) return "not a size (e.g. 64MiB, 512KiB, 1GiB, 4096): " + text;
        text = std::to_string(*bytes);
        return "";
      },
      "SIZE");
}

void AddTarget(CLI::App* command, ossup::bench::Target& target, std::string& sign_v1) {
  command->add_option("--port", target.port, "Server port on 127.0.0.1")->required();
  command->add_option("--bucket", target.bucket, "Bucket (path style)")->required();
  command->add_option("--sign-v1", sign_v1, "AK:SK: sign with OSS V1 (default: anonymous)");
  command->add_option("--server-pid", target.server_pid, "Sample this process's CPU time");
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"ossup-bench: one measurement per call, printed as a JSON line"};
  app.require_subcommand(1);

  ossup::bench::HashOptions hash;
  auto* hash_cmd = app.add_subcommand("hash", "MD5+CRC64 throughput over the same bytes");
  hash_cmd->add_option("--bytes", hash.bytes, "In-memory bytes to hash")
      ->transform(SizeTransform());
  hash_cmd->add_option("--file", hash.file, "Hash this file instead (pread per part)");
  hash_cmd->add_option("--part-size", hash.part_size)->transform(SizeTransform());
  hash_cmd->add_option("--parallel", hash.parallel)->check(CLI::Range(1, 256));
  hash_cmd->add_option("--repeat", hash.repeat)->check(CLI::Range(1, 100));

  ossup::bench::StartupOptions startup;
  auto* startup_cmd =
      app.add_subcommand("startup", "Exec to first HTTP answer, then idle RSS; `{port}` is set");
  startup_cmd->add_option("--repeat", startup.repeat)->check(CLI::Range(1, 100));
  startup_cmd->add_option("--settle-ms", startup.settle_ms, "Wait before reading idle RSS");
  startup_cmd->add_option("--timeout-ms", startup.timeout_ms);
  startup_cmd->add_option("--log", startup.log, "Server output goes here (default /dev/null)");
  startup_cmd->add_option("command", startup.command, "Server command line, after --")->required();

  ossup::bench::Target ingest_target;
  std::string ingest_sign;
  ossup::bench::IngestOptions ingest;
  auto* ingest_cmd = app.add_subcommand("ingest", "UploadPart throughput over N connections");
  AddTarget(ingest_cmd, ingest_target, ingest_sign);
  ingest_cmd->add_option("--part-size", ingest.part_size)->transform(SizeTransform());
  ingest_cmd->add_option("--parts", ingest.parts, "Parts in all")->check(CLI::Range(1, 10000));
  ingest_cmd->add_option("--connections", ingest.connections)->check(CLI::Range(1, 64));

  ossup::bench::Target small_target;
  std::string small_sign;
  ossup::bench::SmallOptions small;
  auto* small_cmd = app.add_subcommand("small", "Small requests on one keep-alive connection");
  AddTarget(small_cmd, small_target, small_sign);
  small_cmd->add_option("--kind", small.kind)->check(CLI::IsMember({"putget", "initabort"}));
  small_cmd->add_option("--requests", small.requests)->check(CLI::Range(2, 10000000));
  small_cmd->add_option("--body", small.body_bytes)->transform(SizeTransform());

  std::string mkfile_path;
  uint64_t mkfile_size = 0;
  auto* mkfile_cmd = app.add_subcommand("mkfile", "Write a file of random bytes");
  mkfile_cmd->add_option("--size", mkfile_size)->required()->transform(SizeTransform());
  mkfile_cmd->add_option("path", mkfile_path)->required();

  CLI11_PARSE(app, argc, argv);

  auto credentials = [](const std::string& pair) -> std::optional<ossup::protocol::Credentials> {
    if (pair.empty()) return std::nullopt;
    auto colon = pair.find(':');
    if (colon == std::string::npos) throw std::runtime_error("--sign-v1 wants AK:SK");
    return ossup::protocol::Credentials{pair.substr(0, colon), pair.substr(colon + 1), ""};
  };
  try {
    nlohmann::json result;
    if (*hash_cmd) {
      result = ossup::bench::RunHash(hash);
    } else if (*startup_cmd) {
      result = ossup::bench::RunStartup(startup);
    } else if (*ingest_cmd) {
      ingest_target.credentials = credentials(ingest_sign);
      result = ossup::bench::RunIngest(ingest_target, ingest);
    } else if (*small_cmd) {
      small_target.credentials = credentials(small_sign);
      result = ossup::bench::RunSmall(small_target, small);
    } else if (*mkfile_cmd) {
      result = ossup::bench::RunMakeFile(mkfile_path, mkfile_size);
    }
    std::printf("%s\n", result.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ossup-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
