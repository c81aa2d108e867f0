// An application built outside the ossup tree (tests/consumer/run.sh): starts the in-process
// fake OSS on a free port, uploads a small file with the client (multipart), reads it back.
// Exit 0 when the object matches the file.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ossup/client/client.h"
#include "ossup/fake/server.h"
#include "ossup/protocol/version.h"

namespace {

constexpr char kAccessKeyId[] = "consumer-ak";
constexpr char kAccessKeySecret[] = "consumer-sk";
constexpr char kBucket[] = "consumer-bucket";

int Fail(const std::string& what) {
  std::fprintf(stderr, "consumer: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main() {
#ifdef OSSUP_PACKAGE_VERSION
  if (ossup::kVersion != OSSUP_PACKAGE_VERSION) {
    return Fail("find_package(ossup) found version " + std::string(OSSUP_PACKAGE_VERSION) +
                ", the headers say " + std::string(ossup::kVersion));
  }
#endif
  ossup::fake::ServerOptions server_options;
  server_options.credentials = {{kAccessKeyId, kAccessKeySecret}};
  server_options.buckets = {kBucket};
  server_options.threads = 4;
  ossup::fake::Server server(server_options);  // port 0: a free port
  if (auto started = server.Start(); !started.ok()) return Fail("start: " + started.ToString());

  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("ossup_consumer_" + std::to_string(::getpid()) + ".bin");
  std::string data(300 * 1024 + 17, '\0');  // three parts of 100 KiB and a short one
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
  std::ofstream(file, std::ios::binary) << data;

  ossup::client::ClientOptions options;
  options.endpoint = server.endpoint();
  options.region = "cn-hangzhou";
  options.credentials =
      ossup::client::MakeStaticCredentialsProvider({kAccessKeyId, kAccessKeySecret, ""});
  auto client = ossup::client::Client::Create(options);
  if (!client.ok()) return Fail("client: " + client.error().ToString());

  ossup::client::UploadRequest request;
  request.bucket = kBucket;
  request.key = "consumer/file.bin";
  request.file_path = file.string();
  request.part_size_bytes = 100 * 1024;
  request.parallelism = 2;
  const ossup::client::UploadOutcome outcome = client->Upload(request);
  std::filesystem::remove(file);
  if (!outcome.ok()) return Fail("upload: " + outcome.error().ToString());
  if (outcome->file_size_bytes != data.size() || outcome->parts_total != 4) {
    return Fail("unexpected result: " + std::to_string(outcome->file_size_bytes) + " bytes, " +
                std::to_string(outcome->parts_total) + " parts");
  }

  auto object = client->GetObject(kBucket, "consumer/file.bin");
  if (!object.ok()) return Fail("get: " + object.error().ToString());
  if (*object != data) return Fail("the object differs from the file");
  std::printf("consumer: uploaded %zu bytes in %d parts to %s, etag %s\n", data.size(),
              outcome->parts_total, server.endpoint().c_str(), outcome->etag.c_str());
  return 0;
}
