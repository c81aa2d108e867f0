#include "ossup/client/tree_upload.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "checkpoint.h"
#include "client_error.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/mutex.h"
#include "record_file.h"
#include "tree_record.h"
#include "tree_walk.h"

namespace ossup::client {

std::string_view TreeFileResultName(TreeFileResult result) {
  switch (result) {
    case TreeFileResult::kUploaded:
      return "uploaded";
    case TreeFileResult::kAlreadyThere:
      return "already-there";
    case TreeFileResult::kSymlinkSkipped:
      return "symlink-skipped";
    case TreeFileResult::kNotRegular:
      return "not-regular";
    case TreeFileResult::kFailed:
      return "failed";
    case TreeFileResult::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

struct TreeUploader::State {
  Client client;
  TreeUploadRequest request;
  std::atomic<bool> cancelled{false};
  protocol::Mutex tasks_mu;  // never held while an upload's callback could wait for it
  std::set<UploadTask*> tasks OSSUP_GUARDED_BY(tasks_mu);

  State(Client c, TreeUploadRequest r) : client(std::move(c)), request(std::move(r)) {}
};

namespace {

using internal::FileIdentity;
using internal::TreeEntry;
using internal::TreeRecordEntries;
using internal::TreeRecordEntry;

/// The CRC-64 of a whole file; nullopt when it cannot be read.
std::optional<uint64_t> FileCrc64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<char> buffer(1 << 20);
  uint64_t crc = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    crc = protocol::Crc64Extend(crc, buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return crc;
}

/// One run: the walk's files, the record, and the totals the callbacks see.
class TreeRun {
 public:
  TreeRun(TreeUploader::State& state, std::vector<TreeEntry> entries)
      : state_(state), request_(state.request), entries_(std::move(entries)) {}

  TreeUploadSummary Run() {
    OpenRecord();
    std::vector<const TreeEntry*> files;
    {
      protocol::MutexLock lock(events_mu_);
      for (const auto& e : entries_) {
        if (e.kind == TreeEntry::Kind::kFile) {
          files.push_back(&e);
          ++progress_.files_total;
          progress_.bytes_total += e.size_bytes;
        }
      }
      summary_.files_total = progress_.files_total;
      summary_.bytes_total = progress_.bytes_total;
    }
    for (const auto& e : entries_) ReportNonFile(e);

    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < files.size(); i = next++) UploadOne(*files[i]);
    };
    const size_t jobs = std::min<size_t>(static_cast<size_t>(request_.jobs), files.size());
    std::vector<std::thread> threads;
    for (size_t i = 1; i < jobs; ++i) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    protocol::MutexLock lock(events_mu_);
    std::stable_sort(summary_.failures.begin(), summary_.failures.end(),
                     [](const TreeFileEvent& a, const TreeFileEvent& b) {
                       return a.relative_path < b.relative_path;
                     });
    return std::move(summary_);
  }

 private:
  std::string KeyOf(const std::string& relative_path) const {
    return request_.prefix + relative_path;
  }

  void OpenRecord() {
    const std::string& dir = request_.file_request.record_directory;
    if (dir.empty()) return;
    header_.endpoint = state_.client.options().endpoint;
    header_.bucket = request_.bucket;
    header_.prefix = request_.prefix;
    header_.directory = internal::AbsoluteRoot(request_.directory);
    const std::string path =
        (std::filesystem::path(dir) / internal::TreeRecordFileName(header_)).string();
    if (auto text = internal::ReadWholeFile(path); text.ok() && text->has_value()) {
      known_ = internal::DecodeTreeRecord(**text, header_);
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto storage = state_.client.options().record_storage;
    record_ =
        std::make_unique<internal::RecordFile>(storage ? storage : PosixRecordStorage(), path);
    std::string contents = internal::EncodeTreeHeader(header_);
    if (known_) {
      for (const auto& [relative, entry] : *known_) contents += internal::EncodeTreeEntry(entry);
    }
    if (auto s = record_->RewriteText(std::move(contents)); !s.ok()) {
      protocol::MutexLock lock(events_mu_);
      summary_.record_error = s.error();
      record_.reset();
    }
  }

  void Record(const std::string& relative_path, const FileIdentity& file, uint64_t crc64) {
    if (!record_) return;
    auto s = record_->AppendLine(internal::EncodeTreeEntry({relative_path, file, crc64}));
    if (!s.ok()) {
      protocol::MutexLock lock(events_mu_);
      if (!summary_.record_error) summary_.record_error = s.error();
    }
  }

  void ReportNonFile(const TreeEntry& e) {
    TreeFileEvent event;
    event.relative_path = e.relative_path;
    event.key = KeyOf(e.relative_path);
    switch (e.kind) {
      case TreeEntry::Kind::kFile:
        return;
      case TreeEntry::Kind::kSymlink:
        event.result = TreeFileResult::kSymlinkSkipped;
        break;
      case TreeEntry::Kind::kNotRegular:
        event.result = TreeFileResult::kNotRegular;
        break;
      case TreeEntry::Kind::kError:
        event.result = TreeFileResult::kFailed;
        event.error = e.error;
        break;
    }
    Finish(std::move(event), /*is_file=*/false, 0);
  }

  /// The file's CRC-64 when the server verifiably holds this very file at `key`.
  std::optional<uint64_t> AlreadyThere(const TreeEntry& e, const std::string& key,
                                       const FileIdentity& file) {
    if (!known_) return std::nullopt;  // a first run: nothing can be there yet
    auto meta = state_.client.HeadObject(request_.bucket, key);
    if (!meta.ok() || !meta->crc64 || meta->size_bytes != file.size_bytes) return std::nullopt;
    if (auto it = known_->find(e.relative_path); it != known_->end() && it->second.file == file) {
      if (it->second.crc64 == *meta->crc64) return it->second.crc64;
      return std::nullopt;
    }
    auto crc = FileCrc64(e.absolute_path);
    if (!crc || *crc != *meta->crc64) return std::nullopt;
    return crc;
  }

  void UploadOne(const TreeEntry& e) {
    TreeFileEvent event;
    event.relative_path = e.relative_path;
    event.key = KeyOf(e.relative_path);
    event.size_bytes = e.size_bytes;
    if (state_.cancelled) {
      event.result = TreeFileResult::kCancelled;
      Finish(std::move(event), /*is_file=*/true, 0);
      return;
    }
    UploadRequest r = request_.file_request;
    r.bucket = request_.bucket;
    r.key = event.key;
    r.file_path = e.absolute_path;
    auto before = internal::StatFile(e.absolute_path);
    if (before.ok()) {
      if (auto crc = AlreadyThere(e, event.key, *before)) {
        RetireCheckpoint(r);
        Record(e.relative_path, *before, *crc);
        event.result = TreeFileResult::kAlreadyThere;
        event.crc64 = crc;
        Finish(std::move(event), /*is_file=*/true, 0);
        return;
      }
    }
    uint64_t on_server = 0;  // this file's bytes already counted in bytes_done
    r.progress = [this, &on_server](uint64_t sent, uint64_t total_sent, uint64_t) {
      protocol::MutexLock lock(events_mu_);
      progress_.bytes_sent += sent;
      progress_.bytes_done += total_sent - std::min(total_sent, on_server);
      on_server = std::max(on_server, total_sent);
      if (request_.progress) request_.progress(progress_);
    };
    UploadTask task = state_.client.ResumableUpload(std::move(r));
    {
      protocol::MutexLock lock(state_.tasks_mu);
      state_.tasks.insert(&task);
      if (state_.cancelled) task.Cancel();
    }
    const UploadOutcome& outcome = task.Wait();
    {
      protocol::MutexLock lock(state_.tasks_mu);
      state_.tasks.erase(&task);
    }
    uint64_t counted;
    {
      protocol::MutexLock lock(events_mu_);
      counted = on_server;
    }
    if (outcome.ok()) {
      event.result = TreeFileResult::kUploaded;
      event.crc64 = outcome->crc64;
      event.upload = *outcome;
      auto after = internal::StatFile(e.absolute_path);
      if (before.ok() && after.ok() && *before == *after) {
        Record(e.relative_path, *after, outcome->crc64);
      }
    } else if (outcome.error().code == protocol::client_codes::kCancelled) {
      event.result = TreeFileResult::kCancelled;
    } else {
      event.result = TreeFileResult::kFailed;
      event.error = outcome.error();
    }
    Finish(std::move(event), /*is_file=*/true, counted);
  }

  /// A checkpoint of a file the server already holds is stale: a run killed between Complete
  /// and the record's removal, or an upload of the same bytes begun again. Its upload (if the
  /// server still has it) is aborted, best effort, and the record removed.
  void RetireCheckpoint(const UploadRequest& r) {
    auto info = state_.client.ReadCheckpoint(r);
    if (!info.ok() || !info->has_value()) return;
    (void)state_.client.AbortMultipartUpload(r.bucket, r.key, (*info)->upload_id);
    internal::RemoveFile(*Storage(), (*info)->path);
  }

  std::shared_ptr<RecordStorage> Storage() const {
    auto storage = state_.client.options().record_storage;
    return storage ? storage : PosixRecordStorage();
  }

  /// Counts `event` and reports it. `is_file`: it is one of the regular files in
  /// files_total, of which `counted` bytes are already in bytes_done.
  void Finish(TreeFileEvent event, bool is_file, uint64_t counted) {
    protocol::MutexLock lock(events_mu_);
    switch (event.result) {
      case TreeFileResult::kUploaded:
        ++summary_.uploaded;
        summary_.bytes_sent += event.upload->bytes_sent;
        break;
      case TreeFileResult::kAlreadyThere:
        ++summary_.already_there;
        break;
      case TreeFileResult::kSymlinkSkipped:
      case TreeFileResult::kNotRegular:
        ++summary_.skipped;
        break;
      case TreeFileResult::kFailed:
        summary_.failures.push_back(event);
        break;
      case TreeFileResult::kCancelled:
        ++summary_.cancelled;
        break;
    }
    if (is_file) {
      progress_.bytes_done += event.size_bytes - std::min(event.size_bytes, counted);
    }
    if (request_.on_file) request_.on_file(event);
    if (is_file) {
      ++progress_.files_done;
      if (request_.progress) request_.progress(progress_);
    }
  }

  TreeUploader::State& state_;
  const TreeUploadRequest& request_;
  const std::vector<TreeEntry> entries_;
  internal::TreeRecordHeader header_;
  std::optional<TreeRecordEntries> known_;  // nullopt: no usable tree record was found
  std::unique_ptr<internal::RecordFile> record_;

  protocol::Mutex events_mu_;  // held while callbacks run
  TreeUploadSummary summary_ OSSUP_GUARDED_BY(events_mu_);
  TreeProgress progress_ OSSUP_GUARDED_BY(events_mu_);
};

}  // namespace

TreeUploader::TreeUploader(Client client, TreeUploadRequest request)
    : state_(std::make_shared<State>(std::move(client), std::move(request))) {
  auto& prefix = state_->request.prefix;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
}

TreeUploader::~TreeUploader() = default;

protocol::StatusOr<TreeUploadSummary> TreeUploader::Run() {
  const auto& request = state_->request;
  if (request.jobs < 1) {
    return internal::ClientError(protocol::client_codes::kInvalidRequest, "jobs must be >= 1");
  }
  if (request.bucket.empty()) {
    return internal::ClientError(protocol::client_codes::kInvalidRequest, "empty bucket");
  }
  auto entries = internal::WalkTree(request.directory,
                                    {request.follow_symlinks, request.include, request.exclude});
  if (!entries.ok()) return entries.error();
  return TreeRun(*state_, std::move(*entries)).Run();
}

void TreeUploader::Cancel() {
  protocol::MutexLock lock(state_->tasks_mu);
  state_->cancelled = true;
  for (UploadTask* task : state_->tasks) task->Cancel();
}

}  // namespace ossup::client
