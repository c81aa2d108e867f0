// `ossup cp -r DIR oss://BUCKET/PREFIX/`: a tree upload (ossup/client/tree_upload.h) with one
// progress line for the whole tree on a terminal, or JSON lines with --json:
//   {"event":"file","path":..,"key":..,"result":"uploaded|already-there|symlink-skipped|
//    not-regular|failed|cancelled","size":N,...}     once per entry
//   {"event":"progress","files_done":N,"files_total":N,"bytes_done":N,"bytes_total":N,
//    "bytes_per_second":N}                            as files and bytes are done
//   {"event":"done","files_total":N,"uploaded":N,"already_there":N,"skipped":N,"failed":N,
//    "cancelled":N,"bytes_total":N,"bytes_sent":N}     at the end (or "interrupted")
// Failures are listed on stderr at the end. Exit codes: exit_codes.h.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ossup/client/client.h"
#include "ossup/protocol/status.h"

namespace ossup::cli {

struct TreeFlags {
  bool recursive = false;
  int jobs = 4;
  bool follow_symlinks = false;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};

struct TreeRun {
  std::string directory;
  std::string bucket;
  std::string prefix;
  client::UploadRequest file_request;  // the template of every file's upload
  TreeFlags flags;
  bool json = false;
  /// Registers what to do on Ctrl-C; and whether it came.
  std::function<void(std::function<void()>)> on_interrupt;
  std::function<bool()> interrupted;
  /// Prints a tree-level error and returns its exit code.
  std::function<int(const protocol::Error&)> report_error;
};

int RunCpTree(client::Client& client, TreeRun run);

}  // namespace ossup::cli
