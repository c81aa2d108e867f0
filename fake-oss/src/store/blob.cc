#include "store/blob.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ossup/protocol/errors.h"
#include "ossup/protocol/mutex.h"

namespace ossup::fake {
namespace {

constexpr size_t kReadChunkBytes = 1 << 20;
// Disk mode: the scratch buffer Room() offers.
constexpr size_t kScratchBytes = 1 << 20;
// The first buffer of a body of unknown length; a full buffer doubles.
constexpr size_t kFirstBufferBytes = 64 << 10;
// Never pre-allocate more than this for a body of announced length.
constexpr uint64_t kMaxReserveBytes = 1ull << 30;
// Bodies at least this large are digested on a helper thread (memory mode).
constexpr uint64_t kDigestFollowerMinBytes = 8ull << 20;
// How much new data the writer accumulates before waking the helper.
constexpr uint64_t kDigestPublishBytes = 1ull << 20;
constexpr uint64_t kDigestSliceBytes = 64 << 10;

// A failed file-system step: 500 InternalError with `what` as the message.
protocol::Error IoError(const std::string& what) {
  return protocol::MakeError("InternalError", what);
}

// The body could not be stored (`error`: the errno): 500 InternalError, which clients retry.
protocol::Error StoreError(int error) {
  return IoError(std::string("fake-oss could not store the body: ") + std::strerror(error) +
                 ". Please try again.");
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

// Computes the MD5 and CRC64 of a buffer on its own thread while a writer fills it, so that
// receiving and hashing a large body overlap on two cores. The writer publishes how many
// bytes are final; the follower only reads below that mark, and the buffer must not move
// until Finish() or destruction.
class DigestFollower {
 public:
  /// Extends `md5` and `crc64` over the buffer at `base` as it is published. They belong to
  /// the follower until Finish() returns.
  DigestFollower(const char* base, protocol::Md5& md5, uint64_t& crc64)
      : base_(base), md5_(md5), crc64_(crc64), thread_([this] { Run(); }) {}
  ~DigestFollower() {
    if (!thread_.joinable()) return;  // Finish() already collected it
    {
      protocol::MutexLock lock(mu_);
      abandoned_ = true;
    }
    ready_.NotifyOne();
    thread_.join();
  }
  void Publish(uint64_t size) {
    {
      protocol::MutexLock lock(mu_);
      published_ = size;
    }
    ready_.NotifyOne();
  }
  /// Digests up to `size` bytes, then hands `md5` and `crc64` back. REQUIRES: called once;
  /// `size` >= anything published.
  void Finish(uint64_t size) {
    {
      protocol::MutexLock lock(mu_);
      published_ = size;
      finishing_ = true;
    }
    ready_.NotifyOne();
    thread_.join();
  }

 private:
  void Run() {
    uint64_t done = 0;
    for (;;) {
      uint64_t target = 0;
      bool finishing = false;
      {
        protocol::MutexLock lock(mu_);
        while (!abandoned_ && !finishing_ && published_ <= done) ready_.Wait(mu_);
        if (abandoned_) return;
        target = published_;
        finishing = finishing_;
      }
      // Both digests take each slice while it is in cache.
      while (done < target) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(target - done, kDigestSliceBytes));
        md5_.Update(base_ + done, n);
        crc64_ = protocol::Crc64Extend(crc64_, base_ + done, n);
        done += n;
      }
      if (finishing) return;
    }
  }

  const char* const base_;
  protocol::Mutex mu_;
  protocol::CondVar ready_;
  uint64_t published_ OSSUP_GUARDED_BY(mu_) = 0;
  bool finishing_ OSSUP_GUARDED_BY(mu_) = false;
  bool abandoned_ OSSUP_GUARDED_BY(mu_) = false;
  protocol::Md5& md5_;
  uint64_t& crc64_;
  std::thread thread_;
};

std::shared_ptr<Blob> Blob::InMemory(BodyBuffer buffer, uint64_t size) {
  std::shared_ptr<Blob> blob(new Blob());
  blob->size_ = size;
  blob->bytes_ = std::move(buffer);
  return blob;
}

Blob::~Blob() {
  if (!registry_) return;
  protocol::MutexLock lock(registry_->mu);
  // A new Blob may already have taken the name while this one was dying (its weak_ptr is not
  // expired): the entry and the file are then that Blob's.
  auto it = registry_->live.find(name_);
  const bool ours = it == registry_->live.end() || it->second.expired();
  if (!ours) return;
  if (discarded_) ::unlink(path_.c_str());
  if (it != registry_->live.end()) registry_->live.erase(it);
}

bool Blob::Read(uint64_t offset, uint64_t length,
                const std::function<bool(const char*, size_t)>& sink) const {
  if (offset > size_ || length > size_ - offset) return false;
  if (!on_disk()) {
    while (length > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(length, kReadChunkBytes));
      if (!sink(bytes_.data() + offset, n)) return false;
      offset += n;
      length -= n;
    }
    return true;
  }
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::vector<char> buffer(std::min<uint64_t>(length, kReadChunkBytes));
  bool ok = true;
  while (ok && length > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, buffer.size()));
    ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    ok = sink(buffer.data(), static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  ::close(fd);
  return ok;
}

BlobStore::BlobStore(std::string data_dir) : data_dir_(std::move(data_dir)) {
  if (!data_dir_.empty()) {
    blob_dir_ = data_dir_ + "/blobs";
    tmp_dir_ = data_dir_ + "/tmp";
    registry_ = std::make_shared<BlobRegistry>();
  }
}

protocol::Status BlobStore::Prepare() const {
  if (!on_disk()) return {};
  std::error_code ec;
  std::filesystem::create_directories(blob_dir_, ec);
  if (ec) return IoError("cannot create " + blob_dir_ + ": " + ec.message());
  std::filesystem::remove_all(tmp_dir_, ec);
  std::filesystem::create_directories(tmp_dir_, ec);
  if (ec) return IoError("cannot create " + tmp_dir_ + ": " + ec.message());
  return {};
}

BlobPtr BlobStore::Open(const std::string& name) const {
  protocol::MutexLock lock(registry_->mu);
  if (auto it = registry_->live.find(name); it != registry_->live.end()) {
    if (auto blob = it->second.lock()) return blob;
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(blob_dir_ + "/" + name, ec);
  if (ec) return nullptr;
  return EnterLive(name, size);
}

BlobPtr BlobStore::Adopt(const std::string& name, uint64_t size) const {
  protocol::MutexLock lock(registry_->mu);
  return EnterLive(name, size);
}

BlobPtr BlobStore::EnterLive(const std::string& name, uint64_t size) const {
  std::shared_ptr<Blob> blob(new Blob());
  blob->path_ = blob_dir_ + "/" + name;
  blob->name_ = name;
  blob->size_ = size;
  blob->registry_ = registry_;
  registry_->live[name] = blob;
  return blob;
}

void BlobStore::DeleteUnreferenced() const {
  if (!on_disk()) return;
  protocol::MutexLock lock(registry_->mu);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(blob_dir_, ec)) {
    auto it = registry_->live.find(entry.path().filename().string());
    if (it != registry_->live.end() && !it->second.expired()) continue;
    std::filesystem::remove(entry.path(), ec);
  }
}

std::string BlobStore::NewName() const {
  // Random rather than seeded: names must not repeat across restarts of the same data dir.
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t r = rng();
    for (size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  return protocol::HexLower(bytes) + ".blob";
}

BlobWriter::BlobWriter(const BlobStore& store, std::optional<uint64_t> expected_size)
    : store_(store) {
  if (store_.on_disk()) {
    tmp_path_ = store_.tmp_dir() + "/" + store_.NewName();
    fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    failed_ = fd_ < 0;
    if (failed_) error_ = errno;
  } else if (expected_size) {
    buffer_ = BodyBuffer::Take(static_cast<size_t>(std::min(*expected_size, kMaxReserveBytes)));
    if (*expected_size >= kDigestFollowerMinBytes) {
      digest_follower_ = std::make_unique<DigestFollower>(buffer_.data(), md5_, crc64_);
    }
  }
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!finished_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
}

std::span<char> BlobWriter::Room() {
  if (store_.on_disk()) {
    if (buffer_.capacity() == 0) buffer_ = BodyBuffer::Take(kScratchBytes);
    return {buffer_.data(), buffer_.capacity()};
  }
  if (size_ == buffer_.capacity()) {
    if (digest_follower_) {
      // The buffer is about to move: take the digests back and continue inline.
      digest_follower_->Finish(size_);
      digest_follower_.reset();
    }
    BodyBuffer grown =
        BodyBuffer::Take(std::max<size_t>(2 * buffer_.capacity(), kFirstBufferBytes));
    if (size_ > 0) std::memcpy(grown.data(), buffer_.data(), static_cast<size_t>(size_));
    buffer_ = std::move(grown);
  }
  return {buffer_.data() + size_, buffer_.capacity() - static_cast<size_t>(size_)};
}

bool BlobWriter::Commit(size_t n) {
  if (failed_) return false;
  if (store_.on_disk()) {
    md5_.Update(buffer_.data(), n);
    crc64_ = protocol::Crc64Extend(crc64_, buffer_.data(), n);
    size_ += n;
    failed_ = !WriteAll(fd_, buffer_.data(), n);
    if (failed_) error_ = errno;
    return !failed_;
  }
  const char* data = buffer_.data() + size_;
  size_ += n;
  if (digest_follower_) {
    if (size_ - published_ >= kDigestPublishBytes) {
      published_ = size_;
      digest_follower_->Publish(size_);
    }
    return true;
  }
  md5_.Update(data, n);
  crc64_ = protocol::Crc64Extend(crc64_, data, n);
  return true;
}

bool BlobWriter::Append(const char* data, size_t size) {
  while (size > 0) {
    if (failed_) return false;
    std::span<char> room = Room();
    const size_t n = std::min(size, room.size());
    std::memcpy(room.data(), data, n);
    if (!Commit(n)) return false;
    data += n;
    size -= n;
  }
  return !failed_;
}

protocol::StatusOr<BlobWriter::Result> BlobWriter::Finish() {
  if (failed_) return StoreError(error_);
  if (digest_follower_) {
    digest_follower_->Finish(size_);
    digest_follower_.reset();
  }
  Result result;
  result.md5 = md5_.Final();
  result.crc64 = crc64_;
  if (!store_.on_disk()) {
    result.blob = Blob::InMemory(std::move(buffer_), size_);
    finished_ = true;
    return result;
  }
  if (::fsync(fd_) != 0) return StoreError(errno);
  ::close(fd_);
  fd_ = -1;
  // Entered in the registry before the file appears, so a concurrent Reset leaves it alone.
  BlobPtr blob = store_.Adopt(store_.NewName(), size_);
  if (::rename(tmp_path_.c_str(), (store_.blob_dir() + "/" + blob->name()).c_str()) != 0) {
    const int error = errno;
    blob->Discard();
    return StoreError(error);
  }
  finished_ = true;
  int dir = ::open(store_.blob_dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  result.blob = std::move(blob);
  return result;
}

}  // namespace ossup::fake
