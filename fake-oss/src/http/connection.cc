#include "http/connection.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ossup::fake {
namespace {

int PortOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  }
  return -1;
}

// Connected sockets whose local port is `local_port` and (when >= 0) peer port is
// `remote_port`; stops at the first when `first_only`.
std::vector<int> FindSockets(int local_port, int remote_port, bool first_only) {
  std::vector<int> found;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
    if (::getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_len) != 0)
      continue;
    if (PortOf(local) != local_port) continue;
    if (::getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0)
      continue;
    if (remote_port >= 0 && PortOf(peer) != remote_port) continue;
    found.push_back(static_cast<int>(fd));
    if (first_only) break;
  }
  ::closedir(dir);
  return found;
}

bool PortsMatch(int fd, int local_port, int remote_port) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
  return ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
         PortOf(local) == local_port &&
         ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
         PortOf(peer) == remote_port;
}

// The socket whose connection closes after the response being written on this thread.
thread_local int pending_close_socket = -1;

}  // namespace

int ConnectionSocket(const httplib::Request& request) {
  thread_local int cached = -1;
  if (cached >= 0 && PortsMatch(cached, request.local_port, request.remote_port)) return cached;
  auto sockets = FindSockets(request.local_port, request.remote_port, /*first_only=*/true);
  cached = sockets.empty() ? -1 : sockets.front();
  return cached;
}

bool ResetConnection(const httplib::Request& request) {
  int fd = ConnectionSocket(request);
  if (fd < 0) return false;
  linger option{.l_onoff = 1, .l_linger = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  // Swap a stand-in into the fd slot: closing the last reference to the accepted socket sends
  // the RST now, and httplib's later read/write/close hit the harmless stand-in. The stand-in
  // is one end of a socket pair whose other end is closed, so reads see end-of-file and writes
  // EPIPE at once: both are final for httplib and for OpenSSL alike. (An unconnected socket's
  // ENOTCONN is "retry" to OpenSSL, and httplib's TLS stream then retries for a second.)
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    ::shutdown(fd, SHUT_RDWR);
    return true;
  }
  ::close(pair[1]);
  if (::dup2(pair[0], fd) < 0) ::shutdown(fd, SHUT_RDWR);
  ::close(pair[0]);
  return true;
}

void ShutdownConnections(int local_port) {
  for (int fd : FindSockets(local_port, -1, /*first_only=*/false)) ::shutdown(fd, SHUT_RDWR);
}

void CloseAfterResponse(const httplib::Request& request, httplib::Response& response) {
  pending_close_socket = ConnectionSocket(request);
  response.set_header("Connection", "close");
}

void FinishResponse(const httplib::Request& request) {
  const int fd = std::exchange(pending_close_socket, -1);
  if (fd < 0 || fd != ConnectionSocket(request)) return;
  ::shutdown(fd, SHUT_WR);
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(kLingerMilliseconds);
  char discard[64 * 1024];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) break;
    const ssize_t n = ::recv(fd, discard, sizeof discard, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the client closed its side (or the connection is gone)
  }
  ::shutdown(fd, SHUT_RD);
}

void AwaitNextRequestBriefly(const httplib::Request& request, int spin_microseconds) {
  // Per worker thread: whether spinning paid off lately. After kMaxMisses spins in a row that
  // saw no request, only every kProbeEvery-th response spins, so a worker whose client is slow
  // to follow up costs almost nothing.
  constexpr int kMaxMisses = 2;
  constexpr unsigned kProbeEvery = 32;
  thread_local int misses = 0;
  thread_local unsigned skipped = 0;
  if (spin_microseconds <= 0) return;
  if (misses >= kMaxMisses && ++skipped % kProbeEvery != 0) return;
  const int fd = ConnectionSocket(request);
  if (fd < 0) return;
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::microseconds(spin_microseconds);
  do {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 0) != 0) {  // readable, closed or failed: httplib takes it from here
      misses = 0;
      return;
    }
  } while (Clock::now() < deadline);
  ++misses;
}

}  // namespace ossup::fake
