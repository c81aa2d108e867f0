// The checkpoint record of one resumable upload, its JSON encoding, and the file operations
// around it (naming, atomic write, reading).
//
// Format (JSON, one object; "checksum" is lower-hex SHA-256 of the object without
// "checksum", serialised with sorted keys and no whitespace):
//   {"format":"ossup-checkpoint-1","endpoint":..,"bucket":..,"key":..,"file_path":..,
//    "part_size":N,"upload_id":"..",
//    "file":{"size":N,"mtime_ns":N,"inode":N,"device":N},
//    "parts":[{"number":1,"size":N,"etag":"\"..\"","crc64":N},...],
//    "checksum":".."}
// It never holds credentials. Changing a field's meaning requires a new "format" value.
//
// File name: <first 32 hex of SHA-256(endpoint\nbucket\nkey\nfile_path)>-<part_size>.ossup-cp,
// so the records of one (endpoint, bucket, key, file) for other part sizes can be found and
// retired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// What makes a change to the local file detectable between runs.
struct FileIdentity {
  uint64_t size_bytes = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// Stats `path`; IoError when it is missing or not a regular file.
protocol::StatusOr<FileIdentity> StatFile(const std::string& path);

struct RecordedPart {
  int number = 0;
  uint64_t size_bytes = 0;
  std::string etag;
  uint64_t crc64 = 0;
  friend bool operator==(const RecordedPart&, const RecordedPart&) = default;
};

struct CheckpointRecord {
  std::string endpoint;
  std::string bucket;
  std::string key;
  std::string file_path;  // absolute
  uint64_t part_size_bytes = 0;
  std::string upload_id;
  FileIdentity file;
  std::vector<RecordedPart> parts;  // ascending part numbers
  friend bool operator==(const CheckpointRecord&, const CheckpointRecord&) = default;
};

std::string EncodeRecord(const CheckpointRecord& record);
/// InvalidResponse-coded errors name the problem (bad JSON, wrong format, checksum mismatch,
/// bad field). When the text is JSON with an upload id, `*salvaged_upload_id` receives it
/// even on error, so the caller can abort that upload.
protocol::StatusOr<CheckpointRecord> DecodeRecord(std::string_view text,
                                                  std::string* salvaged_upload_id = nullptr);

/// "<hash>-" for (endpoint, bucket, key, file_path): the common prefix of all their records.
std::string RecordNamePrefix(std::string_view endpoint, std::string_view bucket,
                             std::string_view key, std::string_view file_path);
std::string RecordFileName(std::string_view endpoint, std::string_view bucket, std::string_view key,
                           std::string_view file_path, uint64_t part_size_bytes);
inline constexpr std::string_view kRecordSuffix = ".ossup-cp";

/// Writes `contents` to a temp file next to `path`, fsyncs it, renames it over `path`, and
/// fsyncs the directory. IoError on failure (the old file, if any, is intact).
protocol::Status WriteFileAtomically(const std::string& path, std::string_view contents);
/// nullopt when the file does not exist; IoError when it cannot be read.
protocol::StatusOr<std::optional<std::string>> ReadWholeFile(const std::string& path);
/// Removes `path`; a missing file is fine.
void RemoveFile(const std::string& path);

}  // namespace ossup::client::internal
