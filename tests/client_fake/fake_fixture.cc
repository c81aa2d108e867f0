#include "fake_fixture.h"

#include <fstream>
#include <random>
#include <sstream>

namespace ossup::testing {

void ClientFakeTest::SetUp() {
  fake::ServerOptions options;
  options.credentials = {{kAccessKeyId, kAccessKeySecret}};
  options.buckets = {kBucket};
  options.threads = 32;
  server_ = std::make_unique<fake::Server>(options);
  auto started = server_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ =
      std::filesystem::temp_directory_path() / ("ossup_client_fake_" + std::to_string(::getpid()) +
                                                "_" + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  record_dir_ = (dir_ / "records").string();
}

void ClientFakeTest::TearDown() {
  if (server_) server_->Stop();
  std::filesystem::remove_all(dir_);
}

client::RetryPolicy ClientFakeTest::FastRetry(int attempts) {
  client::RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_backoff = std::chrono::milliseconds(1);
  p.max_backoff = std::chrono::milliseconds(10);
  return p;
}

client::Client ClientFakeTest::MakeClient(
    protocol::SignatureVersion version, std::shared_ptr<client::CredentialsProvider> credentials) {
  client::ClientOptions options;
  options.endpoint = server_->endpoint();
  options.region = "cn-hangzhou";
  options.signature_version = version;
  options.credentials =
      credentials ? std::move(credentials)
                  : client::MakeStaticCredentialsProvider({kAccessKeyId, kAccessKeySecret, ""});
  options.retry_policy = FastRetry();
  options.io_timeout = std::chrono::milliseconds(20000);
  auto client = client::Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.error().ToString();
  return std::move(*client);
}

std::string ClientFakeTest::WriteFile(const std::string& name, uint64_t size, uint32_t seed) {
  const std::string path = (dir_ / name).string();
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

std::string ClientFakeTest::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

client::UploadRequest ClientFakeTest::MakeRequest(const std::string& file, const std::string& key) {
  client::UploadRequest r;
  r.bucket = kBucket;
  r.key = key;
  r.file_path = file;
  r.part_size_bytes = kPartSize;
  r.parallelism = 3;
  r.record_directory = record_dir_;
  r.retry_policy = FastRetry();
  return r;
}

std::string ClientFakeTest::AddPlan(const std::string& json) {
  auto plan = faults::ParsePlan(json);
  EXPECT_TRUE(plan.ok()) << plan.error().ToString();
  if (!plan.ok()) return "";
  return server_->AddFaultPlan(*plan);
}

int ClientFakeTest::CountOk(const std::string& operation) const {
  int n = 0;
  for (const auto& e : server_->Journal()) {
    if (protocol::OperationName(e.operation) == operation && e.http_status >= 200 &&
        e.http_status < 300)
      ++n;
  }
  return n;
}

int ClientFakeTest::Count(const std::string& operation) const {
  int n = 0;
  for (const auto& e : server_->Journal())
    n += protocol::OperationName(e.operation) == operation ? 1 : 0;
  return n;
}

}  // namespace ossup::testing
