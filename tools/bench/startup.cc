// Startup to first answer and idle RSS, measured the same way for every server: fork + exec,
// then `GET /` on a fresh connection every half millisecond until any HTTP status line comes
// back. Whatever the server prints is ignored, so no server is timed by its own banner.
// The server's CPU time over its whole life (start, that one answer, the settle time idle,
// SIGTERM) comes from wait4's rusage, so it does not depend on how busy the machine is.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

#include "bench_common.h"
#include "commands.h"

namespace ossup::bench {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("startup: cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The HTTP status of one `GET /` on a new connection, or 0 when nothing answers yet.
int Probe(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) == sizeof request - 1) {
      char head[16] = {};
      size_t got = 0;
      while (got < 12) {
        ssize_t n = ::recv(fd, head + got, 12 - got, 0);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      if (got == 12 && std::strncmp(head, "HTTP/1.", 7) == 0) status = std::atoi(head + 9);
    }
  }
  ::close(fd);
  return status;
}

pid_t Spawn(const std::vector<std::string>& command, const std::string& log) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);  // its own process group, so RSS and the stop cover any children
  int out = ::open(log.empty() ? "/dev/null" : log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

double CpuSeconds(const rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Stops the server; returns the CPU seconds it used over its life (its own threads; children
// it waited for count too).
double Stop(pid_t pid) {
  ::kill(-pid, SIGTERM);
  rusage usage{};
  for (int i = 0; i < 500; ++i) {
    if (::wait4(pid, nullptr, WNOHANG, &usage) == pid) return CpuSeconds(usage);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pid, SIGKILL);
  ::wait4(pid, nullptr, 0, &usage);
  return CpuSeconds(usage);
}

}  // namespace

nlohmann::json RunStartup(const StartupOptions& options) {
  std::vector<double> startup_ms, rss_bytes, cpu_ms;
  int status = 0;
  for (int r = 0; r < options.repeat; ++r) {
    int port = FreePort();
    auto command = options.command;
    for (auto& arg : command) {
      for (size_t at; (at = arg.find("{port}")) != std::string::npos;) {
        arg.replace(at, 6, std::to_string(port));
      }
    }
    auto start = Clock::now();
    pid_t pid = Spawn(command, options.log);
    ::setpgid(pid, pid);  // also here, so it holds before the child runs
    status = 0;
    while (status == 0) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) {
        throw std::runtime_error("startup: " + command[0] + " exited before answering");
      }
      if (SecondsSince(start) * 1e3 > options.timeout_ms) {
        Stop(pid);
        throw std::runtime_error("startup: " + command[0] + " did not answer in time");
      }
      status = Probe(port);
      if (status == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    startup_ms.push_back(SecondsSince(start) * 1e3);
    std::this_thread::sleep_for(std::chrono::milliseconds(options.settle_ms));
    rss_bytes.push_back(static_cast<double>(GroupRssBytes(pid)));
    cpu_ms.push_back(Stop(pid) * 1e3);
  }
  return {{"op", "startup"},
          {"startup_ms", Median(startup_ms)},
          {"samples_startup_ms", startup_ms},
          {"idle_rss_bytes", Median(rss_bytes)},
          {"samples_idle_rss_bytes", rss_bytes},
          {"lifetime_cpu_ms", Median(cpu_ms)},
          {"samples_lifetime_cpu_ms", cpu_ms},
          {"first_status", status},
          {"settle_ms", options.settle_ms}};
}

}  // namespace ossup::bench
