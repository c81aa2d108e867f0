// ossup-demo: resumable upload against the embedded fake OSS.
//
//   1. start fake-oss in-process (127.0.0.1, a free port) and create a 64 MiB file in a fresh
//      temp directory;
//   2. upload it with retries off while a fault plan resets the connection in the middle of
//      one UploadPart: the upload fails, and its checkpoint and server upload are kept;
//   3. read the checkpoint record through Client::ReadCheckpoint;
//   4. run the same request again: it reconciles with ListParts and continues from the last
//      good part;
//   5. download the object and compare it with the file byte for byte, and count the part
//      bytes re-sent (from the server's journal) against the bound parallelism x part size.
//
// Output contract (checked by ctest `demo`): besides the narrative, one line per promise, each
// starting with "check: " and ending in " ok" or " FAILED", and the last line "demo OK" or
// "demo FAILED". Exit code 0 exactly when every check passed.
// The temp directory is removed on every path: normal return, failure, SIGINT and SIGTERM (the
// demo runs in a child process that is killed before the directory goes).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "ossup/client/client.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"
#include "ossup/protocol/mutex.h"

namespace {

namespace fs = std::filesystem;
using ossup::client::UploadRequest;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kFileSize = 64 * kMiB;
constexpr uint64_t kPartSize = 1 * kMiB;
constexpr int kParallelism = 4;
constexpr int kFaultyPartRequest = 40;
constexpr uint64_t kResetAfterBytes = 512 * 1024;
constexpr char kBucket[] = "demo-bucket";
constexpr char kKey[] = "videos/holiday.mp4";
constexpr char kAccessKeyId[] = "LTAI5tDemoAccessKey";
constexpr char kAccessKeySecret[] = "DemoSecretKeyForTheFakeServer";

const auto kStart = std::chrono::steady_clock::now();

void Step(const char* text) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
  std::printf("\n== [%5.1fs] %s\n", seconds, text);
  std::fflush(stdout);
}

/// Prints "check: <what> ok|FAILED" and returns `passed`.
bool Check(bool passed, const std::string& what) {
  std::printf("check: %s %s\n", what.c_str(), passed ? "ok" : "FAILED");
  std::fflush(stdout);
  return passed;
}

/// A fresh directory under the system temp directory, removed when this object dies.
class TempDirectory {
 public:
  TempDirectory()
      : path_(fs::temp_directory_path() / ("ossup-demo-" + std::to_string(::getpid()))) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
  }
  ~TempDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    std::printf("temp directory removed: %s\n", path_.c_str());
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const fs::path& path() const { return path_; }

 private:
  const fs::path path_;
};

/// Runs `work` in a child process and returns its exit status (0 when it returned true). On
/// SIGINT or SIGTERM the child is killed and waited for first, so nothing writes into the temp
/// directory once the caller removes it: the result is then 128 + the signal's number.
/// REQUIRES: no other thread exists yet (fork).
int RunInChild(const std::function<bool()>& work) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  std::fflush(stdout);
  const pid_t child = ::fork();
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &stop, nullptr);
    const bool ok = work();
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(ok ? 0 : 1);
  }
  if (child < 0) return 1;
  const timespec tick{0, 50'000'000};
  for (;;) {
    const int received = sigtimedwait(&stop, nullptr, &tick);
    if (received > 0) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
      std::fprintf(stderr, "\ninterrupted\n");
      return 128 + received;
    }
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
  }
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
  return fa.eof() && fb.eof() && fa.gcount() == fb.gcount();
}

uint64_t ServerPartBytes(const ossup::fake::Server& server) {
  uint64_t bytes = 0;
  for (const auto& e : server.Journal()) {
    if (e.operation == ossup::protocol::Operation::kUploadPart) bytes += e.request_body_bytes;
  }
  return bytes;
}

/// The journal entries a fault was injected into.
std::vector<ossup::fake::JournalEntry> FaultedRequests(const ossup::fake::Server& server) {
  std::vector<ossup::fake::JournalEntry> hit;
  for (const auto& e : server.Journal()) {
    if (e.fault) hit.push_back(e);
  }
  return hit;
}

/// Upload #1 under a reset fault; true when it failed as the demo intends.
bool UploadUnderFault(ossup::fake::Server& server, ossup::client::Client& client,
                      const UploadRequest& request) {
  Step("upload #1: the connection is reset 512 KiB into part request #40 (retries off)");
  auto plan = ossup::faults::ParsePlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":)" +
                                       std::to_string(kFaultyPartRequest) +
                                       R"(},"action":{"type":"reset","afterBytes":)" +
                                       std::to_string(kResetAfterBytes) + R"(},"times":1}]})");
  if (!plan.ok()) {
    std::fprintf(stderr, "bad fault plan: %s\n", plan.error().ToString().c_str());
    return false;
  }
  server.AddFaultPlan(*plan);
  ossup::protocol::Mutex mu;
  uint64_t acknowledged = 0;
  auto first = request;
  first.retry_policy = ossup::client::RetryPolicy::NoRetry();
  first.progress = [&](uint64_t, uint64_t total, uint64_t) {
    ossup::protocol::MutexLock lock(mu);
    acknowledged = total;
  };
  auto failed = client.Upload(first);
  server.ClearFaultPlans();
  if (!Check(!failed.ok(), "upload #1 failed under the fault")) return false;
  std::printf("upload failed: %s\n", failed.error().ToString().c_str());
  std::printf("parts acknowledged before the failure: %llu MiB\n",
              static_cast<unsigned long long>(acknowledged / kMiB));
  const auto hit = FaultedRequests(server);
  for (const auto& e : hit) {
    std::printf("fault fired: %s on %s part %d after %llu request-body bytes (%s)\n",
                std::string(ossup::faults::ActionTypeName(e.fault->action.type)).c_str(),
                std::string(ossup::protocol::OperationName(e.operation)).c_str(),
                e.part_number.value_or(0),
                static_cast<unsigned long long>(e.fault->action.after_bytes), e.request_id.c_str());
  }
  return Check(hit.size() == 1 && hit[0].operation == ossup::protocol::Operation::kUploadPart,
               "the reset fault fired once, on an UploadPart");
}

/// Shows the record upload #1 kept, read through the client's public API.
bool ShowCheckpoint(const ossup::fake::Server& server, const ossup::client::Client& client,
                    const UploadRequest& request) {
  Step("the checkpoint record (kept: a failure is not a cancel)");
  auto info = client.ReadCheckpoint(request);
  if (!info.ok()) {
    std::fprintf(stderr, "cannot read the checkpoint: %s\n", info.error().ToString().c_str());
    return Check(false, "the checkpoint record was kept");
  }
  if (!Check(info->has_value(), "the checkpoint record was kept")) return false;
  const auto& record = **info;
  std::printf(
      "%s\n  upload id   %s\n  part size   %llu\n  parts done  %zu (%llu bytes)\n"
      "  file        %llu bytes, inode %llu\n  resumable   %s\n",
      record.path.c_str(), record.upload_id.c_str(),
      static_cast<unsigned long long>(record.part_size_bytes), record.parts.size(),
      static_cast<unsigned long long>(record.bytes_done()),
      static_cast<unsigned long long>(record.file.size_bytes),
      static_cast<unsigned long long>(record.file.inode), record.resumable ? "yes" : "no");
  auto uploads = server.ListUploads();
  std::printf("server: %zu upload(s) in progress, %zu part(s) stored\n", uploads.size(),
              uploads.empty() ? size_t{0} : uploads[0].parts.size());
  bool ok = Check(record.resumable && !record.parts.empty(),
                  "the record names parts done and the next upload will resume it");
  ok &= Check(uploads.size() == 1 && uploads[0].upload_id == record.upload_id,
              "the server keeps the upload the record names");
  return ok;
}

/// Steps 1-5 in `dir`; true when every check passed.
bool RunDemo(const fs::path& dir) {
  Step("starting the embedded fake OSS");
  ossup::fake::ServerOptions server_options;
  server_options.credentials = {{kAccessKeyId, kAccessKeySecret}};
  server_options.buckets = {kBucket};
  server_options.region = "cn-hangzhou";
  ossup::fake::Server server(server_options);
  if (auto s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "cannot start the fake server: %s\n", s.ToString().c_str());
    return false;
  }
  std::printf("fake OSS listening on %s, bucket %s\n", server.endpoint().c_str(), kBucket);

  const std::string file = (dir / "holiday.mp4").string();
  if (!WriteRandomFile(file, kFileSize)) {
    std::fprintf(stderr, "cannot write %s\n", file.c_str());
    return false;
  }
  std::printf("created %s (%llu MiB of random bytes)\n", file.c_str(),
              static_cast<unsigned long long>(kFileSize / kMiB));

  ossup::client::ClientOptions options;
  options.endpoint = server.endpoint();
  options.region = "cn-hangzhou";
  options.signature_version = ossup::protocol::SignatureVersion::kV4;
  options.credentials =
      ossup::client::MakeStaticCredentialsProvider({kAccessKeyId, kAccessKeySecret, ""});
  auto client = ossup::client::Client::Create(options);
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.error().ToString().c_str());
    return false;
  }

  UploadRequest request;
  request.bucket = kBucket;
  request.key = kKey;
  request.file_path = file;
  request.part_size_bytes = kPartSize;
  request.parallelism = kParallelism;
  request.record_directory = (dir / "checkpoints").string();
  request.delete_upload_id_on_cancelling = false;

  bool ok = UploadUnderFault(server, *client, request) && ShowCheckpoint(server, *client, request);
  if (ok) {
    Step("upload #2: the same request resumes from the last good part");
    auto result = client->Upload(request);
    if (!result.ok()) {
      std::fprintf(stderr, "resume failed: %s\n", result.error().ToString().c_str());
      ok = Check(false, "upload #2 succeeded");
    } else {
      std::printf("resumed=%s upload id %s\n", result->resumed ? "yes" : "no",
                  result->upload_id.c_str());
      std::printf(
          "parts: %d total, %d verified on the server (size + CRC-64) and skipped, %d sent\n",
          result->parts_total, result->parts_skipped, result->parts_uploaded);
      std::printf("etag %s  crc64 %llu\n", result->etag.c_str(),
                  static_cast<unsigned long long>(result->crc64));
      ok &= Check(result->resumed && result->parts_skipped > 0 &&
                      result->parts_skipped + result->parts_uploaded == result->parts_total,
                  "upload #2 resumed and skipped the parts verified on the server");
      auto record = client->ReadCheckpoint(request);
      ok &= Check(record.ok() && !record->has_value(), "the checkpoint was removed on success");
    }
  }
  if (ok) {
    Step("verifying the object byte for byte");
    const std::string downloaded = (dir / "downloaded.mp4").string();
    auto size = client->GetObjectToFile(kBucket, kKey, downloaded);
    if (!size.ok()) std::fprintf(stderr, "download failed: %s\n", size.error().ToString().c_str());
    const bool same = size.ok() && SameFiles(file, downloaded);
    std::printf("downloaded %llu bytes: %s\n",
                static_cast<unsigned long long>(size.ok() ? *size : 0),
                same ? "identical to the local file" : "DIFFERENT from the local file");
    ok &= Check(same, "the object is byte-identical to the file");
    const uint64_t received = ServerPartBytes(server);
    const uint64_t resent = received > kFileSize ? received - kFileSize : 0;
    const uint64_t bound = kParallelism * kPartSize;
    std::printf(
        "part bytes the server received over both runs: %llu; re-sent: %llu bytes (%.2f MiB); "
        "bound: parallelism x part size = %llu bytes\n",
        static_cast<unsigned long long>(received), static_cast<unsigned long long>(resent),
        static_cast<double>(resent) / kMiB, static_cast<unsigned long long>(bound));
    ok &= Check(received >= kFileSize && resent <= bound, "the bytes re-sent are within the bound");
  }
  Step("stopping the fake OSS");
  client = ossup::protocol::Error{};  // closes the client's keep-alive connections first
  server.Stop();
  return ok;
}

}  // namespace

int main() {
  int status = 1;
  {
    TempDirectory dir;
    status = RunInChild([&] { return RunDemo(dir.path()); });
  }
  if (status > 128) return status;  // interrupted: the directory is gone, nothing more to say
  std::printf("\n%s\n", status == 0 ? "demo OK" : "demo FAILED");
  return status;
}
