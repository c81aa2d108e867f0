// A child process for tests: argv and a complete environment given, stdout and stderr to
// files, waited for or killed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ossup::testing {

class ChildProcess {
 public:
  /// Starts `argv[0]` with exactly `env` ("NAME=value" entries); stdout and stderr go to
  /// `out_path` and `err_path` (truncated). Aborts the test binary if fork fails.
  /// With `as_nobody` (for a test running as root), the child runs as user and group
  /// "nobody", so file permissions apply to it.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::string& out_path, const std::string& err_path, bool as_nobody = false);
  ~ChildProcess();  // SIGKILLs and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Waits for the exit; the exit code, or 128 + the signal that ended it.
  int Wait();
  /// SIGKILL, then Wait().
  int Kill();
  /// SIGINT (Ctrl-C), then Wait().
  int Interrupt();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace ossup::testing
