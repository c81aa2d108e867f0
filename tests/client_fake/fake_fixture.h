// Shared fixture: a fresh in-process fake OSS (bucket "bucket", key AKID/SECRET) and a temp
// directory per test, plus helpers to make files, clients, requests and fault plans.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ossup/client/client.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"

namespace ossup::testing {

inline constexpr char kBucket[] = "bucket";
inline constexpr char kAccessKeyId[] = "AKIDEXAMPLE";
inline constexpr char kAccessKeySecret[] = "SECRETEXAMPLE";
inline constexpr uint64_t kPartSize = 100 * 1024;

class ClientFakeTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// A retry policy with tiny backoffs so failing tests stay fast.
  static client::RetryPolicy FastRetry(int attempts = 4);
  client::Client MakeClient(protocol::SignatureVersion version = protocol::SignatureVersion::kV4,
                            std::shared_ptr<client::CredentialsProvider> credentials = nullptr);
  /// Writes `size` pseudo-random bytes (from `seed`) to a file in the temp dir.
  std::string WriteFile(const std::string& name, uint64_t size, uint32_t seed = 1);
  static std::string ReadFile(const std::string& path);
  /// A multipart request with 100 KiB parts, parallelism 3, a record directory in the temp
  /// dir and fast retries.
  client::UploadRequest MakeRequest(const std::string& file, const std::string& key);
  /// Installs a fault plan given in its JSON form; fails the test on a parse error.
  std::string AddPlan(const std::string& json);
  /// Journal entries of `operation` (OSS API name) that succeeded.
  int CountOk(const std::string& operation) const;
  int Count(const std::string& operation) const;

  std::unique_ptr<fake::Server> server_;
  std::filesystem::path dir_;
  std::string record_dir_;
};

}  // namespace ossup::testing
