// Test-only: runs the fake-oss binary (built next to the test binary) as a child process
// and reads its endpoint from the first stdout line.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace ossup::fake::testing {

struct FakeOssProcess {
  pid_t pid = -1;
  uint16_t port = 0;       // 0 when the first line was not the listening line
  std::string first_line;  // as printed
};

/// Starts `fake-oss <args...>` and waits for its first stdout line. Its stderr goes to
/// `stderr_path` when one is given (truncated first), to the test's stderr otherwise.
/// `before_exec` runs in the child just before exec (async-signal-safe calls only: setrlimit,
/// signal), e.g. to limit file sizes.
inline FakeOssProcess SpawnFakeOss(const std::vector<std::string>& args,
                                   const std::string& stderr_path = "",
                                   void (*before_exec)() = nullptr) {
  std::string binary = OSSUP_FAKE_OSS_BINARY;  // the build's tools/fake-oss (see CMakeLists.txt)
  int out[2];
  if (::pipe(out) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    if (!stderr_path.empty()) {
      const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
    }
    ::close(out[0]);
    ::close(out[1]);
    if (before_exec != nullptr) before_exec();
    std::vector<char*> argv{binary.data()};
    std::vector<std::string> copies = args;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  FakeOssProcess child;
  child.pid = pid;
  char c;
  while (child.first_line.size() < 200 && ::read(out[0], &c, 1) == 1 && c != '\n') {
    child.first_line += c;
  }
  ::close(out[0]);
  auto colon = child.first_line.rfind(':');
  if ((child.first_line.rfind("fake-oss listening on http://", 0) == 0 ||
       child.first_line.rfind("fake-oss listening on https://", 0) == 0) &&
      colon != std::string::npos) {
    child.port = static_cast<uint16_t>(std::stoi(child.first_line.substr(colon + 1)));
  }
  return child;
}

/// Sends `signal` and returns the wait status.
inline int StopFakeOss(FakeOssProcess& child, int signal) {
  ::kill(child.pid, signal);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  return status;
}

}  // namespace ossup::fake::testing
