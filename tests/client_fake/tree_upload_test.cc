// TreeUploader against the in-process fake over loopback, with real files: what goes up, what
// a second run skips only after the server confirmed it, symlinks, unreadable entries,
// failures of single files, and include/exclude.
#include "ossup/client/tree_upload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "fake_fixture.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

using client::TreeFileResult;
namespace fs = std::filesystem;

class TreeUploadTest : public ClientFakeTest {
 protected:
  void SetUp() override {
    ClientFakeTest::SetUp();
    root_ = dir_ / "tree";
    fs::create_directories(root_);
    // One response read before uploads start on several threads at once: cpp-httplib builds
    // function-local static regexes on its first response, behind a guard that ThreadSanitizer
    // cannot see in the uninstrumented library (it would report a race that is not one).
    (void)MakeClient().HeadObject(kBucket, "warm-up");
  }

  /// Writes `size` pseudo-random bytes at `relative` under the tree; returns the path.
  std::string Put(const std::string& relative, uint64_t size, uint32_t seed = 1) {
    fs::create_directories((root_ / relative).parent_path());
    const std::string name = "tree/" + relative;
    return WriteFile(name, size, seed);
  }

  client::TreeUploadRequest MakeTreeRequest() {
    client::TreeUploadRequest r;
    r.directory = root_.string();
    r.bucket = kBucket;
    r.prefix = "up";
    r.file_request = MakeRequest("", "");
    r.jobs = 3;
    r.on_file = [this](const client::TreeFileEvent& e) { events_[e.relative_path] = e.result; };
    return r;
  }

  client::TreeUploadSummary RunTree(client::TreeUploadRequest request) {
    events_.clear();
    auto client = MakeClient();
    client::TreeUploader uploader(client, std::move(request));
    auto summary = uploader.Run();
    EXPECT_TRUE(summary.ok()) << summary.error().ToString();
    return summary.ok() ? *summary : client::TreeUploadSummary{};
  }

  /// Successful body-carrying requests (PutObject, UploadPart) per key since journal entry
  /// `from`.
  std::map<std::string, int> SendsPerKey(size_t from = 0) const {
    std::map<std::string, int> sends;
    auto journal = server_->Journal();
    for (size_t i = from; i < journal.size(); ++i) {
      const auto& e = journal[i];
      if ((e.operation == ossup::protocol::Operation::kPutObject ||
           e.operation == ossup::protocol::Operation::kUploadPart) &&
          e.http_status == 200) {
        ++sends[e.key];
      }
    }
    return sends;
  }

  void ExpectObject(const std::string& key, const std::string& file) {
    auto client = MakeClient();
    auto object = client.GetObject(kBucket, key);
    ASSERT_TRUE(object.ok()) << key << ": " << object.error().ToString();
    EXPECT_TRUE(*object == ReadFile(file)) << key << " differs from " << file;
  }

  fs::path root_;
  std::map<std::string, TreeFileResult> events_;
};

TEST_F(TreeUploadTest, UploadsEveryFileSmallAndMultipartUnderThePrefix) {
  std::map<std::string, std::string> files = {
      {"empty.bin", Put("empty.bin", 0)},
      {"a/small.txt", Put("a/small.txt", 1000, 2)},
      {"a/b/below.bin", Put("a/b/below.bin", kPartSize - 1, 3)},
      {"a/b/multi.bin", Put("a/b/multi.bin", 3 * kPartSize + 7, 4)},
  };
  auto summary = RunTree(MakeTreeRequest());
  EXPECT_TRUE(summary.all_done());
  EXPECT_EQ(summary.files_total, 4);
  EXPECT_EQ(summary.uploaded, 4);
  EXPECT_EQ(summary.bytes_total, 4 * kPartSize + 1006);
  for (const auto& [relative, path] : files) ExpectObject("up/" + relative, path);
  EXPECT_EQ(CountOk("CompleteMultipartUpload"), 1);  // only multi.bin is not below one part
  EXPECT_EQ(CountOk("PutObject"), 3);
}

TEST_F(TreeUploadTest, ASecondRunVerifiesWithHeadAndSendsNothing) {
  Put("one.bin", 5000);
  Put("d/two.bin", 2 * kPartSize + 1, 2);
  RunTree(MakeTreeRequest());
  const size_t first_run = server_->Journal().size();

  auto request = MakeTreeRequest();
  request.directory = (root_ / ".").string() + "/";  // the same tree, spelled otherwise
  auto summary = RunTree(request);
  EXPECT_EQ(summary.already_there, 2);
  EXPECT_EQ(summary.uploaded, 0);
  EXPECT_TRUE(SendsPerKey(first_run).empty());
  EXPECT_EQ(events_["one.bin"], TreeFileResult::kAlreadyThere);
  int heads = 0;
  const auto journal = server_->Journal();
  for (size_t i = first_run; i < journal.size(); ++i) {
    heads += journal[i].operation == ossup::protocol::Operation::kHeadObject ? 1 : 0;
  }
  EXPECT_EQ(heads, 2);
}

TEST_F(TreeUploadTest, AnObjectChangedOnTheServerIsSentAgain) {
  auto path = Put("one.bin", 5000);
  RunTree(MakeTreeRequest());
  auto client = MakeClient();
  ASSERT_TRUE(client.PutObject(kBucket, "up/one.bin", std::string(5000, 'x')).ok());

  auto summary = RunTree(MakeTreeRequest());
  EXPECT_EQ(summary.uploaded, 1);
  ExpectObject("up/one.bin", path);
}

TEST_F(TreeUploadTest, AChangedLocalFileIsSentAgain) {
  Put("one.bin", 5000);
  Put("two.bin", 5000, 2);
  RunTree(MakeTreeRequest());
  const size_t first_run = server_->Journal().size();
  auto changed = Put("two.bin", 6000, 3);

  auto summary = RunTree(MakeTreeRequest());
  EXPECT_EQ(summary.uploaded, 1);
  EXPECT_EQ(summary.already_there, 1);
  EXPECT_EQ(SendsPerKey(first_run), (std::map<std::string, int>{{"up/two.bin", 1}}));
  ExpectObject("up/two.bin", changed);
}

TEST_F(TreeUploadTest, FilesMissingFromTheRecordAreVerifiedByTheirLocalCrc) {
  // A run killed after an upload finished but before its record line was durable.
  Put("one.bin", 5000);
  Put("two.bin", 2 * kPartSize + 9, 2);
  RunTree(MakeTreeRequest());
  const size_t first_run = server_->Journal().size();
  for (const auto& e : fs::directory_iterator(record_dir_)) {
    if (e.path().extension() != ".ossup-tree") continue;
    const std::string text = ReadFile(e.path().string());
    std::ofstream(e.path(), std::ios::trunc) << text.substr(0, text.find('\n') + 1);
  }
  auto summary = RunTree(MakeTreeRequest());
  EXPECT_EQ(summary.already_there, 2);
  EXPECT_TRUE(SendsPerKey(first_run).empty());
}

TEST_F(TreeUploadTest, AStaleCheckpointOfAFileAlreadyThereIsRetiredWithItsUpload) {
  auto path = Put("big.bin", 3 * kPartSize, 5);
  RunTree(MakeTreeRequest());
  // The same bytes begun again by a single upload that failed: checkpoint and upload stay.
  auto client = MakeClient();
  auto request = MakeRequest(path, "up/big.bin");
  request.retry_policy = client::RetryPolicy::NoRetry();
  request.parallelism = 1;
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart","nth":2},
               "action":{"type":"error","status":403,"code":"AccessDenied"},"times":1}]})");
  ASSERT_FALSE(client.Upload(request).ok());
  server_->ClearFaultPlans();
  ASSERT_TRUE(fs::exists(client.CheckpointPath(request)));
  ASSERT_EQ(server_->ListUploads().size(), 1u);

  auto summary = RunTree(MakeTreeRequest());
  EXPECT_EQ(summary.already_there, 1);
  EXPECT_FALSE(fs::exists(client.CheckpointPath(request)));
  EXPECT_TRUE(server_->ListUploads().empty());
}

TEST_F(TreeUploadTest, OneFailingFileDoesNotStopTheOthersAndTheNextRunSendsOnlyIt) {
  for (int i = 0; i < 6; ++i) Put("f" + std::to_string(i) + ".bin", 3000, i + 1);
  AddPlan(R"({"rules":[{"match":{"operation":"PutObject","key":"up/f2.bin"},
               "action":{"type":"error","status":403,"code":"AccessDenied"},
               "times":"unlimited"}]})");
  auto summary = RunTree(MakeTreeRequest());
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_EQ(summary.failures[0].relative_path, "f2.bin");
  EXPECT_EQ(summary.failures[0].error->code, "AccessDenied");
  EXPECT_EQ(summary.uploaded, 5);
  EXPECT_FALSE(summary.all_done());
  server_->ClearFaultPlans();
  const size_t first_run = server_->Journal().size();

  summary = RunTree(MakeTreeRequest());
  EXPECT_TRUE(summary.all_done());
  EXPECT_EQ(SendsPerKey(first_run), (std::map<std::string, int>{{"up/f2.bin", 1}}));
}

TEST_F(TreeUploadTest, SymlinksAreReportedAndNotFollowedByDefault) {
  auto target = Put("real/data.bin", 2000);
  fs::create_directory_symlink(root_ / "real", root_ / "linkdir");
  fs::create_symlink(target, root_ / "link.bin");
  auto summary = RunTree(MakeTreeRequest());
  EXPECT_TRUE(summary.all_done());
  EXPECT_EQ(summary.uploaded, 1);
  EXPECT_EQ(summary.skipped, 2);
  EXPECT_EQ(events_["link.bin"], TreeFileResult::kSymlinkSkipped);
  EXPECT_EQ(events_["linkdir"], TreeFileResult::kSymlinkSkipped);
  EXPECT_FALSE(MakeClient().HeadObject(kBucket, "up/link.bin").ok());
}

TEST_F(TreeUploadTest, FollowedSymlinksUploadTheirTargetsAndALoopFailsOnlyItself) {
  auto target = Put("real/data.bin", 2000);
  fs::create_directory_symlink(root_ / "real", root_ / "linkdir");
  fs::create_symlink(target, root_ / "link.bin");
  fs::create_directory_symlink(root_, root_ / "real" / "loop");
  fs::create_symlink(root_ / "nowhere", root_ / "dangling");
  auto request = MakeTreeRequest();
  request.follow_symlinks = true;
  auto summary = RunTree(request);
  EXPECT_EQ(summary.uploaded, 3);
  ExpectObject("up/link.bin", target);
  ExpectObject("up/linkdir/data.bin", target);
  ExpectObject("up/real/data.bin", target);
  std::vector<std::string> failed;
  for (const auto& f : summary.failures) failed.push_back(f.relative_path);
  // Reached as real/loop and as linkdir/loop: both point at the root being walked.
  EXPECT_EQ(failed, (std::vector<std::string>{"dangling", "linkdir/loop", "real/loop"}));
  EXPECT_EQ(summary.failures[0].error->code, protocol::client_codes::kIoError);
}

// An unreadable file is reported and the rest goes up: tests/cli_tree
// (CliTreeTest.AnUnreadableFileIsListedAndTheRestGoesUp), which runs ossup as "nobody" under root
// so that mode 000 really keeps it out.

TEST_F(TreeUploadTest, IncludeAndExcludeSelectByRelativePathAndExcludeWins) {
  Put("keep.txt", 10);
  Put("deep/er/keep.txt", 10, 2);
  Put("deep/skip.log", 10, 3);
  Put("deep/er/secret.txt", 10, 4);
  auto request = MakeTreeRequest();
  request.include = {"*.txt"};
  request.exclude = {"*/secret.*"};
  auto summary = RunTree(request);
  EXPECT_EQ(summary.files_total, 2);
  std::vector<std::string> seen;
  for (const auto& [path, result] : events_) seen.push_back(path);
  EXPECT_EQ(seen, (std::vector<std::string>{"deep/er/keep.txt", "keep.txt"}));
}

TEST(TreePathSelected, FollowsTheDocumentedRules) {
  using client::TreePathSelected;
  EXPECT_TRUE(TreePathSelected({}, {}, "a/b.c"));
  EXPECT_TRUE(TreePathSelected({"*.c"}, {}, "a/b.c"));  // '*' crosses '/'
  EXPECT_FALSE(TreePathSelected({"*.c"}, {}, "a/b.h"));
  EXPECT_FALSE(TreePathSelected({"*.c"}, {"a/*"}, "a/b.c"));  // exclude wins
  EXPECT_TRUE(TreePathSelected({"*.c", "*.h"}, {"b/*"}, "a/b.h"));
  EXPECT_FALSE(TreePathSelected({}, {"build/*"}, "build/x/y.o"));
}

TEST_F(TreeUploadTest, AMissingDirectoryIsAnIoError) {
  auto request = MakeTreeRequest();
  request.directory = (dir_ / "absent").string();
  client::TreeUploader uploader(MakeClient(), request);
  auto summary = uploader.Run();
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code, protocol::client_codes::kIoError);
}

}  // namespace
}  // namespace ossup::testing
