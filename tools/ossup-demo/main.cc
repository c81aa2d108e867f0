// ossup-demo: resumable upload against the embedded fake OSS.
//
//   1. start fake-oss in-process (127.0.0.1, a free port) and create a 64 MiB file;
//   2. upload it with retries off while a fault plan resets the connection in the middle of
//      one UploadPart: the upload fails, and its checkpoint and server upload are kept;
//   3. show the checkpoint record;
//   4. run the same request again: it reconciles with ListParts and continues from the last
//      good part;
//   5. download the object and compare it with the file byte for byte, and print the parts
//      and the bytes re-sent (from the server's journal).
// Exit code 0 when the object matches, 1 otherwise.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "ossup/client/client.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"

namespace {

namespace fs = std::filesystem;
using ossup::client::UploadRequest;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kFileSize = 64 * kMiB;
constexpr uint64_t kPartSize = 1 * kMiB;
constexpr int kParallelism = 4;
constexpr char kBucket[] = "demo-bucket";
constexpr char kKey[] = "videos/holiday.mp4";

const auto kStart = std::chrono::steady_clock::now();

void Step(const char* text) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
  std::printf("\n== [%5.1fs] %s\n", seconds, text);
  std::fflush(stdout);
}

bool WriteRandomFile(const std::string& path, uint64_t size) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 rng(2024);
  std::vector<uint64_t> block(kMiB / 8);
  for (uint64_t done = 0; done < size; done += kMiB) {
    for (auto& word : block) word = rng();
    out.write(reinterpret_cast<const char*>(block.data()), kMiB);
  }
  return static_cast<bool>(out);
}

bool SameFiles(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  std::vector<char> ba(kMiB), bb(kMiB);
  while (fa && fb) {
    fa.read(ba.data(), ba.size());
    fb.read(bb.data(), bb.size());
    if (fa.gcount() != fb.gcount() || std::memcmp(ba.data(), bb.data(), fa.gcount()) != 0) {
      return false;
    }
  }
  return fa.eof() && fb.eof();
}

uint64_t ServerPartBytes(const ossup::fake::Server& server) {
  uint64_t bytes = 0;
  for (const auto& e : server.Journal()) {
    if (e.operation == "UploadPart") bytes += e.request_body_bytes;
  }
  return bytes;
}

}  // namespace

int main() {
  Step("starting the embedded fake OSS");
  ossup::fake::ServerOptions server_options;
  server_options.credentials = {{"LTAI5tDemoAccessKey", "DemoSecretKeyForTheFakeServer"}};
  server_options.buckets = {kBucket};
  server_options.region = "cn-hangzhou";
  ossup::fake::Server server(server_options);
  if (auto s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "cannot start the fake server: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("fake OSS listening on %s, bucket %s\n", server.endpoint().c_str(), kBucket);

  const fs::path dir = fs::temp_directory_path() / ("ossup-demo-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string file = (dir / "holiday.mp4").string();
  const std::string records = (dir / "checkpoints").string();
  if (!WriteRandomFile(file, kFileSize)) {
    std::fprintf(stderr, "cannot write %s\n", file.c_str());
    return 1;
  }
  std::printf("created %s (%llu MiB of random bytes)\n", file.c_str(),
              static_cast<unsigned long long>(kFileSize / kMiB));

  ossup::client::ClientOptions options;
  options.endpoint = server.endpoint();
  options.region = "cn-hangzhou";
  options.signature_version = ossup::protocol::SignatureVersion::kV4;
  options.credentials = ossup::client::MakeStaticCredentialsProvider(
      {"LTAI5tDemoAccessKey", "DemoSecretKeyForTheFakeServer", ""});
  auto client = ossup::client::Client::Create(options);
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.error().ToString().c_str());
    return 1;
  }

  UploadRequest request;
  request.bucket = kBucket;
  request.key = kKey;
  request.file_path = file;
  request.part_size_bytes = kPartSize;
  request.parallelism = kParallelism;
  request.record_directory = records;
  request.delete_upload_id_on_cancelling = false;

  Step("upload #1: the connection is reset 512 KiB into part request #40 (retries off)");
  auto plan = ossup::faults::ParsePlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":40},
      "action":{"type":"reset","afterBytes":524288},"times":1}]})");
  server.AddFaultPlan(*plan);
  std::mutex mu;
  uint64_t acknowledged = 0;
  auto first = request;
  first.retry_policy = ossup::client::RetryPolicy::NoRetry();
  first.progress = [&](uint64_t, uint64_t total, uint64_t) {
    std::lock_guard lock(mu);
    acknowledged = total;
  };
  auto failed = client->Upload(first);
  if (failed.ok()) {
    std::fprintf(stderr, "the fault did not fire; the demo expected a failure\n");
    return 1;
  }
  std::printf("upload failed: %s\n", failed.error().ToString().c_str());
  std::printf("parts acknowledged before the failure: %llu MiB\n",
              static_cast<unsigned long long>(acknowledged / kMiB));
  server.ClearFaultPlans();

  Step("the checkpoint record (kept: a failure is not a cancel)");
  const std::string record_path = client->CheckpointPath(request);
  std::ifstream record_file(record_path);
  auto record = nlohmann::json::parse(record_file, nullptr, false);
  if (record.is_discarded()) {
    std::fprintf(stderr, "no readable checkpoint at %s\n", record_path.c_str());
    return 1;
  }
  std::printf(
      "%s\n  upload id   %s\n  part size   %llu\n  parts done  %zu\n  file size   %llu\n"
      "  checksum    %s\n",
      record_path.c_str(), record["upload_id"].get<std::string>().c_str(),
      record["part_size"].get<unsigned long long>(), record["parts"].size(),
      record["file"]["size"].get<unsigned long long>(),
      record["checksum"].get<std::string>().substr(0, 16).c_str());
  auto uploads = server.ListUploads();
  std::printf("server: %zu upload(s) in progress, %zu part(s) stored\n", uploads.size(),
              uploads.empty() ? size_t{0} : uploads[0].parts.size());

  Step("upload #2: the same request resumes from the last good part");
  auto result = client->Upload(request);
  if (!result.ok()) {
    std::fprintf(stderr, "resume failed: %s\n", result.error().ToString().c_str());
    return 1;
  }
  std::printf("resumed=%s upload id %s\n", result->resumed ? "yes" : "no",
              result->upload_id.c_str());
  std::printf("parts: %d total, %d verified on the server (size + CRC-64) and skipped, %d sent\n",
              result->parts_total, result->parts_skipped, result->parts_uploaded);
  std::printf("etag %s  crc64 %llu\n", result->etag.c_str(),
              static_cast<unsigned long long>(result->crc64));
  std::printf("checkpoint removed: %s\n", fs::exists(record_path) ? "NO" : "yes");

  Step("verifying the object byte for byte");
  const std::string downloaded = (dir / "downloaded.mp4").string();
  auto size = client->GetObjectToFile(kBucket, kKey, downloaded);
  if (!size.ok()) {
    std::fprintf(stderr, "download failed: %s\n", size.error().ToString().c_str());
    return 1;
  }
  const bool same = SameFiles(file, downloaded);
  const uint64_t received = ServerPartBytes(server);
  std::printf("downloaded %llu bytes: %s\n", static_cast<unsigned long long>(*size),
              same ? "identical to the local file" : "DIFFERENT from the local file");
  std::printf(
      "part bytes the server received over both runs: %llu; re-sent: %llu bytes "
      "(%.2f MiB; bound: parallelism x part size = %d MiB)\n",
      static_cast<unsigned long long>(received),
      static_cast<unsigned long long>(received - kFileSize),
      static_cast<double>(received - kFileSize) / kMiB, kParallelism);
  fs::remove_all(dir);
  Step("stopping the fake OSS");
  client = ossup::protocol::Error{};  // closes the client's keep-alive connections first
  server.Stop();
  std::printf("\n%s\n", same ? "demo OK" : "demo FAILED");
  return same ? 0 : 1;
}
