// Test-only: a fresh directory under the system temp dir, removed with everything in it when
// the TempDir is destroyed.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ossup::fake::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fake-oss-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ossup::fake::testing
