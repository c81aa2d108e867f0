#include "sink_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "ossup/protocol/checksum.h"

namespace fake_oss_bench {
namespace {

constexpr size_t kRecvBytes = 1 << 20;
constexpr size_t kHeadLimit = 64 * 1024;

bool SendAll(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// The Content-Length of a request head (lower-case match on the field name), 0 when absent.
size_t ContentLength(std::string_view head) {
  std::string lower(head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::strtoull(lower.c_str() + at + 17, nullptr, 10);
}

// A body's destination: where the next bytes go, and the digests taken as they arrive.
class Body {
 public:
  Body(SinkMode mode, size_t length, std::vector<std::unique_ptr<char[]>>& kept,
       std::vector<char>& recycled)
      : mode_(mode), length_(length) {
    switch (mode) {
      case SinkMode::kRecv:
        recycled.resize(kRecvBytes);
        base_ = recycled.data();
        break;
      case SinkMode::kHashRecycled:
        if (recycled.size() < length) recycled.resize(length);
        base_ = recycled.data();
        break;
      case SinkMode::kHashFresh:
        kept.emplace_back(new char[std::max<size_t>(length, 1)]);
        base_ = kept.back().get();
        break;
    }
  }
  /// Room for the next bytes (at most what the body still lacks).
  std::pair<char*, size_t> Room() const {
    const size_t left = length_ - received_;
    if (mode_ == SinkMode::kRecv) return {base_, std::min(left, kRecvBytes)};
    return {base_ + received_, left};
  }
  void Commit(const char* data, size_t n) {
    if (mode_ != SinkMode::kRecv) {
      md5_.Update(data, n);
      crc_ = ossup::protocol::Crc64Extend(crc_, data, n);
    }
    received_ += n;
  }
  bool done() const { return received_ == length_; }
  std::string Etag() {
    if (mode_ == SinkMode::kRecv) return "\"0\"";
    auto digest = md5_.Final();
    return "\"" + ossup::protocol::HexLower(digest) + "\"";
  }
  uint64_t crc() const { return crc_; }

 private:
  SinkMode mode_;
  size_t length_;
  size_t received_ = 0;
  char* base_ = nullptr;
  ossup::protocol::Md5 md5_;
  uint64_t crc_ = 0;
};

void Serve(int fd, SinkMode mode) {
  std::vector<std::unique_ptr<char[]>> kept;  // hash-fresh: every part, until the connection ends
  std::vector<char> recycled;
  std::string pending;  // bytes read past the current head
  for (;;) {
    size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      if (pending.size() > kHeadLimit) return;
      char chunk[16 * 1024];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      pending.append(chunk, static_cast<size_t>(n));
    }
    const size_t length = ContentLength(std::string_view(pending).substr(0, end + 2));
    pending.erase(0, end + 4);
    Body body(mode, length, kept, recycled);
    while (!body.done()) {
      auto [room, size] = body.Room();
      if (!pending.empty()) {
        const size_t n = std::min(size, pending.size());
        std::copy_n(pending.data(), n, room);
        pending.erase(0, n);
        body.Commit(room, n);
        continue;
      }
      ssize_t n = ::recv(fd, room, size, 0);
      if (n <= 0) return;
      body.Commit(room, static_cast<size_t>(n));
    }
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nETag: " + body.Etag() +
                               "\r\nx-oss-hash-crc64ecma: " + std::to_string(body.crc()) +
                               "\r\n\r\n";
    if (!SendAll(fd, answer)) return;
  }
}

}  // namespace

std::optional<SinkMode> ParseSinkMode(std::string_view name) {
  for (SinkMode mode : {SinkMode::kRecv, SinkMode::kHashRecycled, SinkMode::kHashFresh}) {
    if (SinkModeName(mode) == name) return mode;
  }
  return std::nullopt;
}

std::string_view SinkModeName(SinkMode mode) {
  switch (mode) {
    case SinkMode::kRecv:
      return "recv";
    case SinkMode::kHashRecycled:
      return "hash-recycled";
    case SinkMode::kHashFresh:
      return "hash-fresh";
  }
  return "";
}

int ServeSink(SinkMode mode) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(listener, 16) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    std::perror("sink: listen");
    return 1;
  }
  std::printf("sink listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
  std::fflush(stdout);
  for (;;) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Serve(fd, mode);
    ::close(fd);
  }
}

}  // namespace fake_oss_bench
