#include "record_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "client_error.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

protocol::Error IoError(std::string message) {
  return ClientError(protocol::client_codes::kIoError, std::move(message));
}

/// Appends all of `data` at the end of `fd` (opened O_APPEND) and fdatasyncs it.
protocol::Status AppendAndSync(int fd, const std::string& path, std::string_view data) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot append to " + path + ": " + std::strerror(errno));
    written += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    return IoError("cannot sync " + path + ": " + std::strerror(errno));
  }
  return protocol::Status();
}

}  // namespace

RecordFile::RecordFile(std::string path) : path_(std::move(path)) {}

RecordFile::~RecordFile() {
  std::lock_guard lock(mu_);
  CloseLocked();
}

void RecordFile::CloseLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

protocol::Status RecordFile::Rewrite(const CheckpointRecord& record) {
  if (path_.empty()) return protocol::Status();
  std::unique_lock lock(mu_);
  synced_.wait(lock, [this] { return !syncing_; });
  CloseLocked();
  pending_.clear();
  queued_ = durable_ = 0;
  failed_.reset();
  contents_ = EncodeRecord(record);
  return WriteAndOpenLocked();
}

protocol::Status RecordFile::WriteAndOpenLocked() {
  CloseLocked();
  if (auto s = WriteFileAtomically(path_, contents_); !s.ok()) return s;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return IoError("cannot open " + path_ + " for appending: " + std::strerror(errno));
  return protocol::Status();
}

protocol::Status RecordFile::RestoreIfRemovedLocked() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat " + path_ + ": " + std::strerror(errno));
  if (st.st_nlink > 0) return protocol::Status();
  // Deleted (or replaced) behind our back, perhaps with its directory: appends would land in
  // an unreachable file, and a crash would leave the upload impossible to resume.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  return WriteAndOpenLocked();
}

protocol::Status RecordFile::Append(const RecordedPart& part) {
  if (path_.empty()) return protocol::Status();
  const std::string line = EncodePartLine(part);
  std::unique_lock lock(mu_);
  if (failed_) return *failed_;
  if (fd_ < 0) return IoError("the checkpoint record " + path_ + " is not open");
  pending_ += line;
  const uint64_t mine = ++queued_;
  while (durable_ < mine && !failed_) {
    if (syncing_) {
      synced_.wait(lock);
      continue;
    }
    // Lead the next group: write and sync everything queued so far, outside the lock.
    syncing_ = true;
    std::string batch;
    batch.swap(pending_);
    const uint64_t batch_end = queued_;
    const int fd = fd_;
    lock.unlock();
    protocol::Status s = AppendAndSync(fd, path_, batch);
    lock.lock();
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
    synced_.notify_all();
  }
  if (durable_ >= mine) return protocol::Status();
  return *failed_;
}

void RecordFile::Remove() {
  if (path_.empty()) return;
  std::unique_lock lock(mu_);
  synced_.wait(lock, [this] { return !syncing_; });
  CloseLocked();
  pending_.clear();
  contents_.clear();
  failed_.reset();
  RemoveFile(path_);
}

}  // namespace ossup::client::internal
