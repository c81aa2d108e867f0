// WalkTree: the entries of a local directory tree that a tree upload considers (the walk
// rules are in ossup/client/tree_upload.h, step 1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ossup/protocol/status.h"

namespace ossup::client::internal {

struct TreeEntry {
  enum class Kind {
    kFile,        // a regular file (through a followed symlink or not)
    kSymlink,     // a symlink not followed
    kNotRegular,  // FIFO, socket, device
    kError,       // cannot be read: `error` says why
  };
  Kind kind = Kind::kFile;
  /// Relative to the root, '/'-separated.
  std::string relative_path;
  /// The root's absolute path joined with relative_path.
  std::string absolute_path;
  uint64_t size_bytes = 0;  // kFile
  std::optional<protocol::Error> error;
};

struct WalkOptions {
  bool follow_symlinks = false;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};

/// `root` made absolute and lexically normal, without a trailing '/': the one spelling of a
/// tree's root ("site", "./site/" and "/abs/site" give the same).
std::string AbsoluteRoot(const std::string& root);

/// Every selected entry under `root`, directories descended in byte order of names, each
/// directory's entries before those of the directories after it. Directories themselves are
/// not entries (an unreadable one is a kError entry). Selection (TreePathSelected) applies to
/// every non-directory entry. Errors: IoError when `root` is not a readable directory.
protocol::StatusOr<std::vector<TreeEntry>> WalkTree(const std::string& root,
                                                    const WalkOptions& options);

}  // namespace ossup::client::internal
