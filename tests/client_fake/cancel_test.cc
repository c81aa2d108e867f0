// Cancel: prompt, scoped to one upload; delete-on-cancel aborts and removes the record, keep
// leaves both for a later resume.
#include <gtest/gtest.h>

#include <future>

#include "fake_fixture.h"
#include "ossup/protocol/errors.h"

namespace ossup::testing {
namespace {

using protocol::client_codes::kCancelled;

class CancelTest : public ClientFakeTest {
 protected:
  /// Starts `request` with parallelism 1, waits for its first part, cancels it and returns
  /// the outcome. The progress callback holds the upload until Cancel() has been called, so
  /// exactly one part is on the server.
  client::UploadOutcome CancelAfterFirstPart(client::Client& client,
                                             client::UploadRequest request) {
    std::promise<void> first_part;
    std::promise<void> cancelled;
    auto cancelled_future = cancelled.get_future().share();
    bool first = true;
    request.parallelism = 1;
    request.progress = [&, cancelled_future](uint64_t, uint64_t, uint64_t) {
      if (!first) return;
      first = false;
      first_part.set_value();
      cancelled_future.wait();
    };
    auto task = client.ResumableUpload(request);
    first_part.get_future().wait();
    task.Cancel();
    cancelled.set_value();
    return task.Wait();
  }
};

TEST_F(CancelTest, CancelWithDeleteAbortsTheUploadAndRemovesTheRecord) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "cancel.bin");
  request.delete_upload_id_on_cancelling = true;
  auto outcome = CancelAfterFirstPart(client, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, kCancelled);
  EXPECT_FALSE(std::filesystem::exists(client.CheckpointPath(request)));
  EXPECT_TRUE(server_->ListUploads().empty());
  EXPECT_EQ(CountOk("AbortMultipartUpload"), 1);
  EXPECT_EQ(Count("CompleteMultipartUpload"), 0);
}

TEST_F(CancelTest, CancelWithKeepLeavesBothAndTheNextRequestResumesWithoutResending) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "keep.bin");
  request.delete_upload_id_on_cancelling = false;
  auto outcome = CancelAfterFirstPart(client, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, kCancelled);
  EXPECT_TRUE(std::filesystem::exists(client.CheckpointPath(request)));
  ASSERT_EQ(server_->ListUploads().size(), 1u);
  EXPECT_EQ(Count("AbortMultipartUpload"), 0);
  const int parts_before = CountOk("UploadPart");

  request.progress = nullptr;
  auto result = client.Upload(request);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->parts_skipped, parts_before);
  EXPECT_EQ(CountOk("UploadPart"), 6);  // no completed part was sent again
  EXPECT_TRUE(*client.GetObject(kBucket, "keep.bin") == ReadFile(file));
}

TEST_F(CancelTest, CancelWithKeepWithoutRecordDirectoryStillKeepsTheUpload) {
  // Unlike a failure, which is aborted when no record could resume it, keep is obeyed.
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 6 * kPartSize);
  auto request = MakeRequest(file, "keep.bin");
  request.record_directory.clear();
  request.delete_upload_id_on_cancelling = false;
  auto outcome = CancelAfterFirstPart(client, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, kCancelled);
  EXPECT_EQ(server_->ListUploads().size(), 1u);
  EXPECT_EQ(Count("AbortMultipartUpload"), 0);
}

TEST_F(CancelTest, CancelAbandonsAStalledPartPromptly) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 3 * kPartSize);
  AddPlan(R"({"rules":[{"match":{"operation":"UploadPart"},
                        "action":{"type":"stall","ms":4000,"afterBytes":1000},
                        "times":"unlimited"}]})");
  auto request = MakeRequest(file, "stalled.bin");
  auto task = client.ResumableUpload(request);
  // Every part stalls 4 s on the server; after 300 ms parts are certainly in flight.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  task.Cancel();
  const auto& outcome = task.Wait();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, kCancelled);
  // Far below the 4 s stall: the in-flight request was abandoned, not waited for.
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(CancelTest, CancelIsScopedToOneUpload) {
  auto client = MakeClient();
  auto file_a = WriteFile("a.bin", 6 * kPartSize, 1);
  auto file_b = WriteFile("b.bin", 6 * kPartSize, 2);
  std::promise<void> first_part, release;
  auto release_future = release.get_future().share();
  bool first = true;
  auto request_a = MakeRequest(file_a, "a.bin");
  request_a.parallelism = 1;
  request_a.progress = [&, release_future](uint64_t, uint64_t, uint64_t) {
    if (!first) return;
    first = false;
    first_part.set_value();
    release_future.wait();
  };
  auto task_a = client.ResumableUpload(request_a);
  auto task_b = client.ResumableUpload(MakeRequest(file_b, "b.bin"));
  first_part.get_future().wait();
  task_a.Cancel();
  release.set_value();
  EXPECT_EQ(task_a.Wait().error().code, kCancelled);
  const auto& b = task_b.Wait();
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_TRUE(*client.GetObject(kBucket, "b.bin") == ReadFile(file_b));
}

TEST_F(CancelTest, CompletionCallbackSeesTheOutcome) {
  auto client = MakeClient();
  auto file = WriteFile("data.bin", 2 * kPartSize + 1);
  std::promise<std::string> etag;
  auto task = client.ResumableUpload(MakeRequest(file, "cb.bin"),
                                     [&](const client::UploadOutcome& outcome) {
                                       etag.set_value(outcome.ok() ? outcome->etag : "error");
                                     });
  const auto& outcome = task.Wait();
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(task.Done());
  EXPECT_EQ(etag.get_future().get(), outcome->etag);
}

}  // namespace
}  // namespace ossup::testing
