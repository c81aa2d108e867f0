// A resumable upload with ossup::client, start to finish. Compiled and run by ctest
// (ossup_example_upload), and quoted in docs/client.md.
//
//   ossup-example-upload FILE oss://BUCKET/KEY ENDPOINT [RECORD_DIR]
//
// Credentials come from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and (optional)
// OSS_SESSION_TOKEN. With OSS_REGION set requests are signed with V4, otherwise with V1.
// With RECORD_DIR the upload keeps a checkpoint record there: Ctrl-C cancels it but keeps the
// record and the server's upload, so the same command resumes. Without RECORD_DIR, Ctrl-C
// aborts the upload on the server.
// Exit codes: 0 uploaded, 3 cannot resume (the recorded upload is gone on the server; the stale
// record was removed, so running the command again starts afresh), 1 anything else.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "ossup/client/client.h"
#include "ossup/protocol/errors.h"

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void OnInterrupt(int) { g_interrupted = 1; }

/// "oss://BUCKET/KEY" -> {BUCKET, KEY}; false when either part is missing.
bool ParseOssUrl(std::string_view url, std::string& bucket, std::string& key) {
  constexpr std::string_view kScheme = "oss://";
  if (!url.starts_with(kScheme)) return false;
  url.remove_prefix(kScheme.size());
  const size_t slash = url.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == url.size()) return false;
  bucket = std::string(url.substr(0, slash));
  key = std::string(url.substr(slash + 1));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bucket, key;
  if (argc < 4 || argc > 5 || !ParseOssUrl(argv[2], bucket, key)) {
    std::fprintf(stderr, "usage: %s FILE oss://BUCKET/KEY ENDPOINT [RECORD_DIR]\n", argv[0]);
    return 1;
  }

  ossup::client::ClientOptions options;
  options.endpoint = argv[3];  // "https://oss-cn-hangzhou.aliyuncs.com", "http://127.0.0.1:9000"
  if (const char* region = std::getenv("OSS_REGION"); region != nullptr && *region != '\0') {
    options.region = region;  // V4, the default, needs the region
  } else {
    options.signature_version = ossup::protocol::SignatureVersion::kV1;
  }
  // options.credentials is left empty: OSS_ACCESS_KEY_ID / _SECRET / OSS_SESSION_TOKEN.
  auto client = ossup::client::Client::Create(options);
  if (!client.ok()) {
    std::fprintf(stderr, "error: %s\n", client.error().ToString().c_str());
    return 1;
  }

  ossup::client::UploadRequest request;
  request.bucket = bucket;
  request.key = key;
  request.file_path = argv[1];
  request.part_size_bytes = 1024 * 1024;  // memory: about parallelism x part size
  request.parallelism = 4;
  request.record_directory = argc > 4 ? argv[4] : "";  // "" = no checkpoint, no resume
  // Ctrl-C keeps the record and the server's upload when there is a record to resume from.
  request.delete_upload_id_on_cancelling = request.record_directory.empty();
  int last_percent = -1;  // callbacks of one upload never run concurrently
  request.progress = [&last_percent](uint64_t, uint64_t done, uint64_t total) {
    const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    if (percent == last_percent) return;
    last_percent = percent;
    std::fprintf(stderr, "progress: %3d%% (%llu of %llu bytes)\n", percent,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  };

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  ossup::client::UploadTask task = client->ResumableUpload(std::move(request));
  while (!task.WaitFor(std::chrono::milliseconds(100))) {
    if (g_interrupted) task.Cancel();  // idempotent; in-flight requests are abandoned
  }
  const ossup::client::UploadOutcome& outcome = task.Wait();

  if (outcome.ok()) {
    const ossup::client::UploadResult& r = *outcome;
    std::printf("uploaded %s to oss://%s/%s: %llu bytes, etag %s, crc64 %llu, %s\n", argv[1],
                r.bucket.c_str(), r.key.c_str(), static_cast<unsigned long long>(r.file_size_bytes),
                r.etag.c_str(), static_cast<unsigned long long>(r.crc64),
                r.simple_upload ? "one PutObject"
                : r.resumed     ? "resumed"
                                : "new multipart upload");
    return 0;
  }
  const ossup::protocol::Error& error = outcome.error();
  std::fprintf(stderr, "error: %s\n", error.ToString().c_str());
  if (error.code == ossup::protocol::client_codes::kCannotResumeUpload) {
    return 3;  // the stale record is gone: the same command now starts a new upload
  }
  if (error.code == ossup::protocol::client_codes::kCancelled) {
    std::fprintf(stderr, "cancelled; %s\n",
                 argc > 4 ? "run the same command again to resume" : "the upload was aborted");
  }
  // Any other failure with a record directory keeps the record and the upload: the same
  // command resumes. Without one the client has already aborted the upload.
  return 1;
}
