// The tree record: which files of a tree upload were on the server, with the identity and
// CRC-64 they had then (its role is in ossup/client/tree_upload.h).
//
// Format "ossup-tree-1": checksummed lines (checkpoint.h, ChecksummedLine), written through a
// RecordFile (header whole, then appended lines):
//   line 1, the header:
//     {"format":"ossup-tree-1","endpoint":..,"bucket":..,"prefix":..,"directory":..}
//   every later line, one file:
//     {"path":"a/b.txt","size":N,"mtime_ns":N,"inode":N,"device":N,"crc64":N}
// Decoding: a header that is torn, does not verify or names another tree makes the record
// unusable (as if absent); a file line that is torn or does not verify is skipped; when a path
// appears more than once the last valid line wins.
// File name: <first 32 hex of SHA-256(endpoint\nbucket\nprefix\ndirectory\n)>.ossup-tree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "checkpoint.h"

namespace ossup::client::internal {

struct TreeRecordHeader {
  std::string endpoint;
  std::string bucket;
  std::string prefix;
  std::string directory;  // absolute
};

struct TreeRecordEntry {
  std::string relative_path;
  FileIdentity file;
  uint64_t crc64 = 0;
};

/// relative_path -> entry.
using TreeRecordEntries = std::map<std::string, TreeRecordEntry>;

std::string TreeRecordFileName(const TreeRecordHeader& header);
std::string EncodeTreeHeader(const TreeRecordHeader& header);
/// One line, '\n' included.
std::string EncodeTreeEntry(const TreeRecordEntry& entry);
/// The entries of `text` when its header verifies and equals `header`; nullopt otherwise.
std::optional<TreeRecordEntries> DecodeTreeRecord(std::string_view text,
                                                  const TreeRecordHeader& header);

}  // namespace ossup::client::internal
