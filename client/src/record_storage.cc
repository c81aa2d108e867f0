#include "ossup/client/record_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "client_error.h"
#include "ossup/protocol/errors.h"

namespace ossup::client {
namespace {

protocol::Error IoError(const std::string& what, const std::string& path) {
  return internal::ClientError(protocol::client_codes::kIoError,
                               what + " " + path + ": " + std::strerror(errno));
}

class Posix final : public RecordStorage {
 public:
  protocol::StatusOr<Handle> Create(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("cannot create", path);
    return fd;
  }
  protocol::StatusOr<Handle> OpenForAppend(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open for appending", path);
    return fd;
  }
  protocol::Status Write(Handle fd, std::string_view data) override {
    size_t written = 0;
    while (written < data.size()) {
      ssize_t n = ::write(fd, data.data() + written, data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return IoError("cannot write", "fd " + std::to_string(fd));
      written += static_cast<size_t>(n);
    }
    return protocol::Status();
  }
  protocol::Status Sync(Handle fd) override {
    if (::fdatasync(fd) != 0) return IoError("cannot sync", "fd " + std::to_string(fd));
    return protocol::Status();
  }
  void Close(Handle fd) override { ::close(fd); }
  protocol::StatusOr<bool> Linked(Handle fd) override {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return IoError("cannot stat", "fd " + std::to_string(fd));
    return st.st_nlink > 0;
  }
  protocol::Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return IoError("cannot rename " + from + " to", to);
    return protocol::Status();
  }
  protocol::Status SyncDirectory(const std::string& directory) override {
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open directory", directory);
    const int synced = ::fsync(fd);
    ::close(fd);
    if (synced != 0) return IoError("cannot sync directory", directory);
    return protocol::Status();
  }
  void Remove(const std::string& path) override { ::unlink(path.c_str()); }
};

std::string ParentOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

protocol::Error Dead(const std::string& entry) {
  return internal::ClientError(protocol::client_codes::kIoError, "power lost before: " + entry);
}

}  // namespace

std::shared_ptr<RecordStorage> PosixRecordStorage() {
  static const std::shared_ptr<RecordStorage> posix = std::make_shared<Posix>();
  return posix;
}

PowerLossRecordStorage::PowerLossRecordStorage() : disk_(PosixRecordStorage()) {}

void PowerLossRecordStorage::TrackLocked(const std::string& path) {
  if (durable_.contains(path)) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    durable_[path] = std::nullopt;
    return;
  }
  std::ostringstream data;
  data << in.rdbuf();
  const int id = next_inode_++;
  inodes_[id] = Inode{data.str(), data.str()};
  names_[path] = id;
  durable_[path] = id;
}

bool PowerLossRecordStorage::AliveLocked(const std::string& entry) {
  if (crash_after_) {
    if (*crash_after_ == 0) return false;
    --*crash_after_;
  }
  log_.push_back(entry);
  return true;
}

protocol::StatusOr<RecordStorage::Handle> PowerLossRecordStorage::Create(const std::string& path) {
  protocol::MutexLock lock(mu_);
  if (!AliveLocked("create " + path)) return Dead("create " + path);
  TrackLocked(path);
  auto fd = disk_->Create(path);
  if (!fd.ok()) return fd;
  auto it = names_.find(path);
  int id = 0;
  if (it != names_.end()) {
    id = it->second;
    inodes_[id].now.clear();  // O_TRUNC: the same inode, durable with its next sync
  } else {
    id = next_inode_++;
    inodes_[id] = Inode{};
    names_[path] = id;
  }
  open_[*fd] = Open{id, path};
  return fd;
}

protocol::StatusOr<RecordStorage::Handle> PowerLossRecordStorage::OpenForAppend(
    const std::string& path) {
  protocol::MutexLock lock(mu_);
  if (!AliveLocked("open-append " + path)) return Dead("open-append " + path);
  TrackLocked(path);
  auto fd = disk_->OpenForAppend(path);
  if (!fd.ok()) return fd;
  auto it = names_.find(path);
  if (it == names_.end()) {  // appeared behind our back: take it as it is
    const int id = next_inode_++;
    names_[path] = id;
    inodes_[id] = Inode{};
    it = names_.find(path);
  }
  open_[*fd] = Open{it->second, path};
  return fd;
}

protocol::Status PowerLossRecordStorage::Write(Handle handle, std::string_view data) {
  protocol::MutexLock lock(mu_);
  auto it = open_.find(handle);
  const std::string path = it == open_.end() ? "?" : it->second.path;
  if (!AliveLocked("write " + path)) return Dead("write " + path);
  if (it == open_.end()) return Dead("write to a handle lost with the power");
  if (auto s = disk_->Write(handle, data); !s.ok()) return s;
  inodes_[it->second.inode].now.append(data);
  return protocol::Status();
}

protocol::Status PowerLossRecordStorage::Sync(Handle handle) {
  protocol::MutexLock lock(mu_);
  auto it = open_.find(handle);
  const std::string path = it == open_.end() ? "?" : it->second.path;
  if (!AliveLocked("sync " + path)) return Dead("sync " + path);
  if (it == open_.end()) return Dead("sync of a handle lost with the power");
  if (auto s = disk_->Sync(handle); !s.ok()) return s;
  Inode& inode = inodes_[it->second.inode];
  inode.synced = inode.now;
  return protocol::Status();
}

void PowerLossRecordStorage::Close(Handle handle) {
  protocol::MutexLock lock(mu_);
  auto it = open_.find(handle);
  if (it == open_.end()) return;  // closed by the power loss already
  const std::string path = it->second.path;
  open_.erase(it);
  disk_->Close(handle);
  (void)AliveLocked("close " + path);
}

protocol::StatusOr<bool> PowerLossRecordStorage::Linked(Handle handle) {
  protocol::MutexLock lock(mu_);
  if (!open_.contains(handle)) return Dead("stat of a handle lost with the power");
  return disk_->Linked(handle);
}

protocol::Status PowerLossRecordStorage::Rename(const std::string& from, const std::string& to) {
  protocol::MutexLock lock(mu_);
  if (!AliveLocked("rename " + from + " " + to)) return Dead("rename " + from);
  TrackLocked(from);
  TrackLocked(to);
  if (auto s = disk_->Rename(from, to); !s.ok()) return s;
  if (auto it = names_.find(from); it != names_.end()) {
    names_[to] = it->second;
    names_.erase(from);
  }
  return protocol::Status();
}

protocol::Status PowerLossRecordStorage::SyncDirectory(const std::string& directory) {
  protocol::MutexLock lock(mu_);
  if (!AliveLocked("sync-dir " + directory)) return Dead("sync-dir " + directory);
  if (auto s = disk_->SyncDirectory(directory); !s.ok()) return s;
  const std::string dir = std::filesystem::path(directory).lexically_normal().string();
  for (auto& [path, inode] : durable_) {
    const std::string parent = std::filesystem::path(ParentOf(path)).lexically_normal().string();
    if (parent != dir) continue;
    auto it = names_.find(path);
    inode = it == names_.end() ? std::nullopt : std::optional<int>(it->second);
  }
  return protocol::Status();
}

void PowerLossRecordStorage::Remove(const std::string& path) {
  protocol::MutexLock lock(mu_);
  if (!AliveLocked("remove " + path)) return;
  TrackLocked(path);
  disk_->Remove(path);
  names_.erase(path);
}

void PowerLossRecordStorage::PowerLoss() {
  protocol::MutexLock lock(mu_);
  for (const auto& [handle, open] : open_) disk_->Close(handle);
  open_.clear();
  names_.clear();
  for (auto& [id, inode] : inodes_) inode.now = inode.synced;
  for (const auto& [path, inode] : durable_) {
    std::error_code ec;
    if (!inode) {
      std::filesystem::remove(path, ec);
      continue;
    }
    names_[path] = *inode;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << inodes_[*inode].synced;
  }
  crash_after_.reset();
  log_.push_back("power-loss");
}

void PowerLossRecordStorage::CrashAfter(uint64_t operations) {
  protocol::MutexLock lock(mu_);
  crash_after_ = operations;
}

std::vector<std::string> PowerLossRecordStorage::Log() const {
  protocol::MutexLock lock(mu_);
  return log_;
}

}  // namespace ossup::client
