#include "tree_walk.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include "client_error.h"
#include "ossup/client/tree_upload.h"
#include "ossup/protocol/errors.h"

namespace ossup::client {

bool TreePathSelected(const std::vector<std::string>& include,
                      const std::vector<std::string>& exclude, std::string_view relative_path) {
  const std::string path(relative_path);
  auto matches = [&path](const std::string& pattern) {
    return ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
  };
  if (std::any_of(exclude.begin(), exclude.end(), matches)) return false;
  return include.empty() || std::any_of(include.begin(), include.end(), matches);
}

namespace internal {
namespace {

protocol::Error IoError(const std::string& path, const std::string& what) {
  return ClientError(protocol::client_codes::kIoError, path + ": " + what);
}

struct DirId {
  dev_t device;
  ino_t inode;
  friend bool operator==(const DirId&, const DirId&) = default;
};

class Walker {
 public:
  Walker(const WalkOptions& options, std::vector<TreeEntry>& out) : options_(options), out_(out) {}

  /// Walks `dir` (whose stat is `st`); `relative` is "" for the root or "a/b/".
  protocol::Status Walk(const std::string& dir, const std::string& relative,
                        const struct stat& st) {
    std::vector<std::string> names;
    {
      std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), ::closedir);
      if (!handle)
        return IoError(dir, std::string("cannot read directory: ") + std::strerror(errno));
      errno = 0;
      while (const dirent* e = ::readdir(handle.get())) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
      }
      if (errno != 0) {
        return IoError(dir, std::string("cannot read directory: ") + std::strerror(errno));
      }
    }
    std::sort(names.begin(), names.end());
    ancestors_.push_back({st.st_dev, st.st_ino});
    for (const auto& name : names) Visit(dir + "/" + name, relative + name);
    ancestors_.pop_back();
    return protocol::Status();
  }

 private:
  void Visit(const std::string& path, const std::string& relative) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      Add(TreeEntry::Kind::kError, path, relative, 0,
          IoError(path, std::string("cannot stat: ") + std::strerror(errno)));
      return;
    }
    if (S_ISLNK(st.st_mode)) {
      if (!options_.follow_symlinks) {
        Add(TreeEntry::Kind::kSymlink, path, relative, 0, std::nullopt);
        return;
      }
      if (::stat(path.c_str(), &st) != 0) {
        Add(TreeEntry::Kind::kError, path, relative, 0,
            IoError(path, std::string("cannot follow symlink: ") + std::strerror(errno)));
        return;
      }
      if (S_ISDIR(st.st_mode) && std::find(ancestors_.begin(), ancestors_.end(),
                                           DirId{st.st_dev, st.st_ino}) != ancestors_.end()) {
        Add(TreeEntry::Kind::kError, path, relative, 0,
            IoError(path, "symlink loop: it points to a directory that contains it"));
        return;
      }
    }
    if (S_ISDIR(st.st_mode)) {
      if (auto s = Walk(path, relative + "/", st); !s.ok()) {
        Add(TreeEntry::Kind::kError, path, relative + "/", 0, s.error());
      }
      return;
    }
    const auto kind = S_ISREG(st.st_mode) ? TreeEntry::Kind::kFile : TreeEntry::Kind::kNotRegular;
    Add(kind, path, relative, static_cast<uint64_t>(st.st_size), std::nullopt);
  }

  void Add(TreeEntry::Kind kind, const std::string& path, const std::string& relative,
           uint64_t size, std::optional<protocol::Error> error) {
    if (!TreePathSelected(options_.include, options_.exclude, relative)) return;
    out_.push_back({kind, relative, path, size, std::move(error)});
  }

  const WalkOptions& options_;
  std::vector<TreeEntry>& out_;
  std::vector<DirId> ancestors_;
};

}  // namespace

std::string AbsoluteRoot(const std::string& root) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(root, ec).lexically_normal().string();
  if (ec) absolute = root;
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  return absolute;
}

protocol::StatusOr<std::vector<TreeEntry>> WalkTree(const std::string& root,
                                                    const WalkOptions& options) {
  const std::string absolute = AbsoluteRoot(root);
  struct stat st {};
  if (::stat(absolute.c_str(), &st) != 0) {
    return IoError(root, std::string("cannot stat: ") + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return IoError(root, "not a directory");
  std::vector<TreeEntry> entries;
  Walker walker(options, entries);
  if (auto s = walker.Walk(absolute, "", st); !s.ok()) return s.error();
  return entries;
}

}  // namespace internal
}  // namespace ossup::client
