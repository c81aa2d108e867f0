// `ossup cp -r` and ~/.ossutilconfig end to end: the ossup binary as a child process (HOME is
// a temp directory, never the real one) against an in-process fake OSS on 127.0.0.1, with
// real files. The kill -9 test counts, per key, what the fake's journal saw.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "ossup/client/client.h"
#include "ossup/fake/server.h"
#include "ossup/faults/plan.h"

namespace ossup::testing {
namespace {

namespace fs = std::filesystem;
constexpr char kBucket[] = "treebucket";
constexpr char kKeyId[] = "AKIDTREE";
constexpr char kSecret[] = "SECRETTREE";
constexpr uint64_t kPart = 100 * 1024;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

void WriteRandom(const fs::path& path, uint64_t size, uint32_t seed) {
  fs::create_directories(path.parent_path());
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << data;
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake::ServerOptions options;
    options.credentials = {{kKeyId, kSecret}};
    options.buckets = {kBucket};
    options.threads = 32;
    options.stop_grace = std::chrono::milliseconds(100);  // cuts the stalled requests left over
    server_ = std::make_unique<fake::Server>(options);
    ASSERT_TRUE(server_->Start().ok());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("ossup_cli_tree_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "home");
    tree_ = dir_ / "tree";
    fs::create_directories(tree_);
  }
  void TearDown() override {
    server_->Stop();
    fs::remove_all(dir_);
  }

  /// HOME, PATH and the access keys; nothing else of the test's own environment.
  std::vector<std::string> Env(bool with_keys = true) const {
    std::vector<std::string> env = {"HOME=" + (dir_ / "home").string(), "PATH=/usr/bin:/bin"};
    if (with_keys) {
      env.push_back(std::string("OSS_ACCESS_KEY_ID=") + kKeyId);
      env.push_back(std::string("OSS_ACCESS_KEY_SECRET=") + kSecret);
    }
    return env;
  }

  std::vector<std::string> CpTree(std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv = {OSSUP_BINARY,
                                     "cp",
                                     "-r",
                                     tree_.string(),
                                     std::string("oss://") + kBucket + "/backup/",
                                     "--endpoint",
                                     server_->endpoint(),
                                     "--part-size",
                                     "100KiB",
                                     "--checkpoint-dir",
                                     (dir_ / "checkpoints").string(),
                                     "--json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  Outcome Run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    ChildProcess child(argv, env, (dir_ / "out.txt").string(), (dir_ / "err.txt").string());
    Outcome o;
    o.exit_code = child.Wait();
    o.out = ReadFile(dir_ / "out.txt");
    o.err = ReadFile(dir_ / "err.txt");
    return o;
  }

  client::Client MakeClient() {
    client::ClientOptions options;
    options.endpoint = server_->endpoint();
    options.signature_version = protocol::SignatureVersion::kV1;
    options.credentials = client::MakeStaticCredentialsProvider({kKeyId, kSecret, ""});
    auto client = client::Client::Create(options);
    EXPECT_TRUE(client.ok());
    return std::move(*client);
  }

  /// Successful PutObject and CompleteMultipartUpload requests: objects made.
  int ObjectsMade() const {
    int n = 0;
    for (const auto& e : server_->Journal()) n += IsObjectMade(e) ? 1 : 0;
    return n;
  }
  static bool IsObjectMade(const fake::JournalEntry& e) {
    return (e.operation == ossup::protocol::Operation::kPutObject ||
            e.operation == ossup::protocol::Operation::kCompleteMultipartUpload) &&
           e.http_status == 200;
  }

  std::unique_ptr<fake::Server> server_;
  fs::path dir_;
  fs::path tree_;
};

TEST_F(CliTreeTest, KillNineThenResumeSendsNoCompletedFileAgain) {
  // 500 files from 0 bytes to 5 parts; "000-big.bin" walks first and stalls on part 2, so it
  // is partial when the process dies.
  std::map<std::string, fs::path> files;
  auto add = [&](const std::string& relative, uint64_t size, uint32_t seed) {
    WriteRandom(tree_ / relative, size, seed);
    files[relative] = tree_ / relative;
  };
  add("000-big.bin", 4 * kPart + 777, 1000);
  for (uint32_t i = 1; i < 500; ++i) {
    const uint64_t size = i % 25 == 0 ? (i % 4 + 1) * kPart + i : (i * 997) % 9000;
    add("d" + std::to_string(i % 7) + "/s" + std::to_string(i % 3) + "/f" + std::to_string(i), size,
        i);
  }
  auto plan = faults::ParsePlan(R"({"rules":[{"match":{"operation":"UploadPart",
      "key":"backup/000-big.bin","partNumber":2},
      "action":{"type":"stall","ms":600000,"afterBytes":0},"times":1}]})");
  ASSERT_TRUE(plan.ok());
  const std::string plan_id = server_->AddFaultPlan(*plan);

  {
    ChildProcess child(CpTree({"--jobs", "4", "--parallel", "3"}), Env(),
                       (dir_ / "run1.out").string(), (dir_ / "run1.err").string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (ObjectsMade() < 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GE(ObjectsMade(), 200) << ReadFile(dir_ / "run1.err");
    EXPECT_EQ(child.Kill(), 128 + SIGKILL);
  }
  auto accounting = server_->FaultAccounting(plan_id);
  ASSERT_TRUE(accounting.has_value());
  EXPECT_EQ(accounting->rules.at(0).fired, 1);
  server_->ClearFaultPlans();
  const auto first_journal = server_->Journal();
  std::set<std::string> made_first;
  for (const auto& e : first_journal) {
    if (IsObjectMade(e)) made_first.insert(e.key);
  }
  ASSERT_LT(made_first.size(), files.size());
  ASSERT_EQ(made_first.count("backup/000-big.bin"), 0u);
  std::set<int> big_parts_first;
  for (const auto& e : first_journal) {
    if (e.operation == ossup::protocol::Operation::kUploadPart && e.key == "backup/000-big.bin" &&
        e.http_status == 200) {
      big_parts_first.insert(*e.part_number);
    }
  }
  ASSERT_FALSE(big_parts_first.empty());

  auto second = Run(CpTree({"--jobs", "4", "--parallel", "3"}), Env());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find(R"("event":"done")"), std::string::npos);
  EXPECT_NE(second.out.find(R"("failed":0)"), std::string::npos);

  // No completed file re-sent: every key made exactly once over both runs, and the second run
  // sent no body at all for the keys the first one completed.
  const auto journal = server_->Journal();
  std::map<std::string, int> made;
  for (const auto& e : journal) {
    if (IsObjectMade(e)) ++made[e.key];
  }
  EXPECT_EQ(made.size(), files.size());
  for (const auto& [key, count] : made) EXPECT_EQ(count, 1) << key;
  for (size_t i = first_journal.size(); i < journal.size(); ++i) {
    const auto& e = journal[i];
    if (e.operation == ossup::protocol::Operation::kPutObject ||
        e.operation == ossup::protocol::Operation::kUploadPart) {
      EXPECT_EQ(made_first.count(e.key), 0u) << "re-sent " << e.key;
    }
    // The partial file resumed: parts the first run finished are not sent again.
    if (e.operation == ossup::protocol::Operation::kUploadPart && e.key == "backup/000-big.bin") {
      EXPECT_EQ(big_parts_first.count(*e.part_number), 0u) << "part " << *e.part_number;
    }
  }
  bool big_reported = false;
  std::istringstream lines(second.out);
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line);
    if (event["event"] != "file" || event["path"] != "000-big.bin") continue;
    big_reported = true;
    EXPECT_EQ(event["result"], "uploaded");
    EXPECT_EQ(event["resumed"], true);
    EXPECT_EQ(event["parts_skipped"], big_parts_first.size());
  }
  EXPECT_TRUE(big_reported) << second.out;

  auto client = MakeClient();
  for (const auto& [relative, path] : files) {
    auto object = client.GetObject(kBucket, "backup/" + relative);
    ASSERT_TRUE(object.ok()) << relative << ": " << object.error().ToString();
    ASSERT_TRUE(*object == ReadFile(path)) << relative << " differs";
  }
}

TEST_F(CliTreeTest, CtrlCStopsTheTreeWith130AndTheSameCommandFinishesIt) {
  for (uint32_t i = 0; i < 40; ++i) {
    WriteRandom(tree_ / ("f" + std::to_string(100 + i)), i % 4 == 0 ? 2 * kPart + i : 500, i);
  }
  // The last file stalls, so the run is still going when Ctrl-C comes.
  auto plan = faults::ParsePlan(R"({"rules":[{"match":{"operation":"UploadPart",
      "key":"backup/f136","partNumber":1},
      "action":{"type":"stall","ms":600000,"afterBytes":0},"times":1}]})");
  ASSERT_TRUE(plan.ok());
  const std::string plan_id = server_->AddFaultPlan(*plan);
  {
    ChildProcess child(CpTree({"--jobs", "2"}), Env(), (dir_ / "run1.out").string(),
                       (dir_ / "run1.err").string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (server_->FaultAccounting(plan_id)->rules.at(0).fired == 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(server_->FaultAccounting(plan_id)->rules.at(0).fired, 1);
    ASSERT_EQ(child.Interrupt(), 130) << ReadFile(dir_ / "run1.err");
  }
  EXPECT_NE(ReadFile(dir_ / "run1.out").find(R"("event":"interrupted")"), std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "run1.err").find("run the same command again to resume"),
            std::string::npos);
  server_->ClearFaultPlans();

  auto second = Run(CpTree({"--jobs", "2"}), Env());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  std::map<std::string, int> made;
  for (const auto& e : server_->Journal()) {
    if (IsObjectMade(e)) ++made[e.key];
  }
  EXPECT_EQ(made.size(), 40u);
  for (const auto& [key, count] : made) EXPECT_EQ(count, 1) << key;
}

TEST_F(CliTreeTest, FailedFilesAreListedAndSetTheExitCode) {
  WriteRandom(tree_ / "a.bin", 100, 1);
  WriteRandom(tree_ / "b.bin", 100, 2);
  fs::create_symlink(tree_ / "a.bin", tree_ / "link");
  fs::create_symlink(tree_ / "nowhere", tree_ / "dangling");
  auto plan = faults::ParsePlan(R"({"rules":[{"match":{"operation":"PutObject",
      "key":"backup/b.bin"},"action":{"type":"error","status":403,"code":"AccessDenied"},
      "times":"unlimited"}]})");
  ASSERT_TRUE(plan.ok());
  server_->AddFaultPlan(*plan);
  auto argv = CpTree();
  argv.pop_back();  // text output
  auto run = Run(argv, Env());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ossup: 1 failed:\n  b.bin: AccessDenied (HTTP 403)"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("skipped symlink link"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("2 files"), std::string::npos) << run.out;

  // Following symlinks: the dangling one is a failure too, the other one goes up.
  server_->ClearFaultPlans();
  argv.push_back("--follow-symlinks");
  run = Run(argv, Env());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("ossup: 1 failed:\n  dangling: IoError"), std::string::npos) << run.err;
  EXPECT_TRUE(MakeClient().HeadObject(kBucket, "backup/link").ok());
}

TEST_F(CliTreeTest, AnUnreadableFileIsListedAndTheRestGoesUp) {
  // As root, ossup runs as "nobody" so that mode 000 keeps it out; the tree and the scratch
  // directories are opened up to it.
  const bool as_nobody = ::geteuid() == 0;
  WriteRandom(tree_ / "a.bin", 100, 1);
  WriteRandom(tree_ / "locked.bin", 100, 2);
  WriteRandom(tree_ / "sub/z.bin", 100, 3);
  fs::permissions(tree_ / "locked.bin", fs::perms::none);
  for (const auto& p : {dir_, dir_ / "home", tree_, tree_ / "sub"}) {
    fs::permissions(p, fs::perms::all);
  }
  fs::permissions(tree_ / "a.bin", fs::perms::owner_read | fs::perms::others_read);
  fs::permissions(tree_ / "sub/z.bin", fs::perms::owner_read | fs::perms::others_read);
  auto argv = CpTree();
  argv.pop_back();  // text output
  ChildProcess child(argv, Env(), (dir_ / "out.txt").string(), (dir_ / "err.txt").string(),
                     as_nobody);
  EXPECT_EQ(child.Wait(), 1);
  const std::string err = ReadFile(dir_ / "err.txt");
  EXPECT_NE(err.find("ossup: 1 failed:\n  locked.bin: IoError"), std::string::npos) << err;
  auto client = MakeClient();
  EXPECT_TRUE(client.HeadObject(kBucket, "backup/a.bin").ok());
  EXPECT_TRUE(client.HeadObject(kBucket, "backup/sub/z.bin").ok());
  EXPECT_FALSE(client.HeadObject(kBucket, "backup/locked.bin").ok());
}

TEST_F(CliTreeTest, IncludeAndExcludeFromTheCommandLine) {
  WriteRandom(tree_ / "x/keep.txt", 10, 1);
  WriteRandom(tree_ / "x/drop.log", 10, 2);
  WriteRandom(tree_ / "x/tmp/keep.txt", 10, 3);
  auto run = Run(CpTree({"--include", "*.txt", "--exclude", "*/tmp/*"}), Env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto client = MakeClient();
  EXPECT_TRUE(client.HeadObject(kBucket, "backup/x/keep.txt").ok());
  EXPECT_FALSE(client.HeadObject(kBucket, "backup/x/drop.log").ok());
  EXPECT_FALSE(client.HeadObject(kBucket, "backup/x/tmp/keep.txt").ok());
}

// --- ~/.ossutilconfig --------------------------------------------------------------------

class OssutilConfigTest : public CliTreeTest {
 protected:
  void SetUp() override {
    CliTreeTest::SetUp();
    WriteRandom(dir_ / "file.bin", 1000, 7);
  }
  void WriteConfig(const fs::path& path, const std::string& endpoint, const std::string& id,
                   const std::string& secret, const std::string& token = "") {
    std::ofstream(path) << "[Credentials]\n"
                        << "language = EN\n"
                        << "endpoint = " << endpoint << "\n"
                        << "accessKeyID = " << id << "\n"
                        << "accessKeySecret=" << secret << "\n"
                        << "stsToken = " << token << "\n"
                        << "[Bucket-Endpoint]\n"
                        << "endpoint = http://127.0.0.1:1\n";
  }
  /// `ossup cp` of one file, with `extra` flags.
  int Cp(const std::vector<std::string>& env, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {OSSUP_BINARY, "cp", (dir_ / "file.bin").string(),
                                     std::string("oss://") + kBucket + "/cfg.bin"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    last_ = Run(argv, env);
    return last_.exit_code;
  }
  fs::path HomeConfig() const { return dir_ / "home" / ".ossutilconfig"; }
  static constexpr char kDeadEndpoint[] = "http://127.0.0.1:1";
  Outcome last_;
};

TEST_F(OssutilConfigTest, EndpointAndKeysComeFromTheConfigFileAlone) {
  WriteConfig(HomeConfig(), server_->endpoint(), kKeyId, kSecret);
  EXPECT_EQ(Cp(Env(/*with_keys=*/false)), 0) << last_.err;
  EXPECT_TRUE(MakeClient().HeadObject(kBucket, "cfg.bin").ok());
}

TEST_F(OssutilConfigTest, TheStsTokenIsSent) {
  auto sts = server_->IssueStsCredential(std::chrono::seconds(900));
  WriteConfig(HomeConfig(), server_->endpoint(), sts.credentials.access_key_id,
              sts.credentials.access_key_secret, sts.credentials.security_token);
  EXPECT_EQ(Cp(Env(false)), 0) << last_.err;
  WriteConfig(HomeConfig(), server_->endpoint(), sts.credentials.access_key_id,
              sts.credentials.access_key_secret);  // no token: refused
  EXPECT_EQ(Cp(Env(false)), 1);
}

TEST_F(OssutilConfigTest, EnvironmentBeatsTheConfigFileAndFlagsBeatBoth) {
  // Keys: the environment's (right) win over the file's (wrong)...
  WriteConfig(HomeConfig(), server_->endpoint(), "AKIDWRONG", "WRONG");
  EXPECT_EQ(Cp(Env()), 0) << last_.err;
  // ...and the file's (right) lose to the environment's (wrong).
  WriteConfig(HomeConfig(), server_->endpoint(), kKeyId, kSecret);
  EXPECT_EQ(Cp({"HOME=" + (dir_ / "home").string(), "OSS_ACCESS_KEY_ID=AKIDWRONG",
                "OSS_ACCESS_KEY_SECRET=WRONG"}),
            1);
  EXPECT_NE(last_.err.find("InvalidAccessKeyId"), std::string::npos) << last_.err;
  // Endpoint: $OSS_ENDPOINT beats the file; --endpoint beats $OSS_ENDPOINT.
  WriteConfig(HomeConfig(), kDeadEndpoint, kKeyId, kSecret);
  auto env = Env(false);
  env.push_back("OSS_ENDPOINT=" + server_->endpoint());
  EXPECT_EQ(Cp(env), 0) << last_.err;
  env.back() = std::string("OSS_ENDPOINT=") + kDeadEndpoint;
  EXPECT_EQ(Cp(env, {"--endpoint", server_->endpoint()}), 0) << last_.err;
  EXPECT_EQ(Cp(env), 1);  // the dead endpoint: proves the runs above did not use it
}

TEST_F(OssutilConfigTest, ConfigFileFlagPointsElsewhere) {
  WriteConfig(HomeConfig(), kDeadEndpoint, "AKIDWRONG", "WRONG");
  WriteConfig(dir_ / "other.cfg", server_->endpoint(), kKeyId, kSecret);
  EXPECT_EQ(Cp(Env(false), {"--config-file", (dir_ / "other.cfg").string()}), 0) << last_.err;
  EXPECT_EQ(Cp(Env(false), {"-c", (dir_ / "other.cfg").string()}), 0) << last_.err;
  EXPECT_EQ(Cp(Env(false), {"--config-file", (dir_ / "absent.cfg").string()}), 2);
  EXPECT_NE(last_.err.find("cannot read the config file"), std::string::npos) << last_.err;
}

}  // namespace
}  // namespace ossup::testing
