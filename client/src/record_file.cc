#include "record_file.h"

#include <filesystem>

#include "client_error.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

protocol::Error IoError(std::string message) {
  return ClientError(protocol::client_codes::kIoError, std::move(message));
}

}  // namespace

RecordFile::RecordFile(std::shared_ptr<RecordStorage> storage, std::string path)
    : storage_(std::move(storage)), path_(std::move(path)) {}

RecordFile::~RecordFile() {
  protocol::MutexLock lock(mu_);
  CloseLocked();
}

void RecordFile::CloseLocked() {
  if (fd_) storage_->Close(*fd_);
  fd_.reset();
}

protocol::Status RecordFile::Rewrite(const CheckpointRecord& record) {
  return RewriteText(EncodeRecord(record));
}

protocol::Status RecordFile::RewriteText(std::string contents) {
  if (path_.empty()) return protocol::Status();
  protocol::MutexLock lock(mu_);
  while (syncing_) synced_.Wait(mu_);
  CloseLocked();
  pending_.clear();
  queued_ = durable_ = 0;
  failed_.reset();
  contents_ = std::move(contents);
  return WriteAndOpenLocked();
}

protocol::Status RecordFile::WriteAndOpenLocked() {
  CloseLocked();
  if (auto s = WriteFileAtomically(*storage_, path_, contents_); !s.ok()) return s;
  auto fd = storage_->OpenForAppend(path_);
  if (!fd.ok()) return fd.error();
  fd_ = *fd;
  return protocol::Status();
}

protocol::Status RecordFile::RestoreIfRemovedLocked() {
  auto linked = storage_->Linked(*fd_);
  if (!linked.ok()) return linked.error();
  if (*linked) return protocol::Status();
  // Deleted (or replaced) behind our back, perhaps with its directory: appends would land in
  // an unreachable file, and a crash would leave the upload impossible to resume.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  return WriteAndOpenLocked();
}

protocol::Status RecordFile::Append(const RecordedPart& part) {
  return AppendLine(EncodePartLine(part));
}

protocol::Status RecordFile::AppendLine(std::string line) {
  if (path_.empty()) return protocol::Status();
  protocol::MutexLock lock(mu_);
  if (failed_) return *failed_;
  if (!fd_) return IoError("the checkpoint record " + path_ + " is not open");
  pending_ += line;
  const uint64_t mine = ++queued_;
  while (durable_ < mine && !failed_) {
    if (syncing_) {
      synced_.Wait(mu_);
      continue;
    }
    // Lead the next group: write and sync everything queued so far, outside the lock.
    syncing_ = true;
    std::string batch;
    batch.swap(pending_);
    const uint64_t batch_end = queued_;
    const RecordStorage::Handle fd = *fd_;
    lock.Unlock();
    protocol::Status s = storage_->Write(fd, batch);
    if (s.ok()) s = storage_->Sync(fd);
    lock.Lock();
    syncing_ = false;
    if (s.ok()) {
      contents_ += batch;
      s = RestoreIfRemovedLocked();
    }
    if (s.ok()) {
      durable_ = batch_end;
    } else {
      failed_ = s.error();
    }
    synced_.NotifyAll();
  }
  if (durable_ >= mine) return protocol::Status();
  return *failed_;
}

void RecordFile::Remove() {
  if (path_.empty()) return;
  protocol::MutexLock lock(mu_);
  while (syncing_) synced_.Wait(mu_);
  CloseLocked();
  pending_.clear();
  contents_.clear();
  failed_.reset();
  RemoveFile(*storage_, path_);
}

}  // namespace ossup::client::internal
