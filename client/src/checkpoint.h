// The checkpoint record of one resumable upload, its text encoding, and the file operations
// around it (naming, atomic write, reading). record_file.h appends to it while parts complete.
//
// Format "ossup-checkpoint-2": lines `<compact JSON object> <crc>\n`, where <crc> is the
// CRC-64/XZ of the JSON text as 16 lower-hex digits.
//   line 1, the header:
//     {"format":"ossup-checkpoint-2","endpoint":..,"bucket":..,"key":..,"file_path":..,
//      "part_size":N,"upload_id":"..","file":{"size":N,"mtime_ns":N,"inode":N,"device":N}}
//   every later line, one completed part:
//     {"number":N,"size":N,"etag":"\"..\"","crc64":N}
// The header is only written whole, with the parts known at that moment (WriteFileAtomically:
// temp file, fsync, rename); later parts are appended one line each. Hence on decoding:
//   - a header line that is torn or does not verify makes the whole record corrupt;
//   - a part line that is torn or does not verify (a crash during an append) is skipped: the
//     server's ListParts, not the record, decides which parts are kept on resume;
//   - when a part number appears more than once, the last valid line wins.
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

#include "ossup/client/record_storage.h"
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
  std::vector<RecordedPart> parts;  // ascending, distinct part numbers
  friend bool operator==(const CheckpointRecord&, const CheckpointRecord&) = default;
};

/// `<text> <crc>\n`: one record line, where <crc> is the CRC-64/XZ of `text` (one line of
/// compact JSON) as 16 lower-hex digits. The tree record (tree_record.h) uses the same lines.
std::string ChecksummedLine(std::string_view text);
/// The text of one `<text> <crc>` line (without its '\n') when the CRC verifies; nullopt for
/// a torn or altered line.
std::optional<std::string_view> VerifiedLineText(std::string_view line);

/// The header line followed by one line per part.
std::string EncodeRecord(const CheckpointRecord& record);
/// One part line, '\n' included, ready to append to a record.
std::string EncodePartLine(const RecordedPart& part);

/// What DecodeRecord noticed besides the record itself.
struct DecodeReport {
  /// The header's upload id when the header is JSON that names one, even if it does not
  /// verify, so the caller can abort the upload of a corrupt record.
  std::string salvaged_upload_id;
  /// Part lines skipped because they were torn, did not verify or were malformed.
  int skipped_part_lines = 0;
};

/// InvalidResponse-coded errors name the header's problem (torn, bad JSON, wrong format,
/// checksum mismatch, bad field). Part lines never make the record fail (see above).
protocol::StatusOr<CheckpointRecord> DecodeRecord(std::string_view text,
                                                  DecodeReport* report = nullptr);

/// "<hash>-" for (endpoint, bucket, key, file_path): the common prefix of all their records.
std::string RecordNamePrefix(std::string_view endpoint, std::string_view bucket,
                             std::string_view key, std::string_view file_path);
std::string RecordFileName(std::string_view endpoint, std::string_view bucket, std::string_view key,
                           std::string_view file_path, uint64_t part_size_bytes);
inline constexpr std::string_view kRecordSuffix = ".ossup-cp";

/// Writes `contents` to a temp file next to `path`, fsyncs it, renames it over `path`, and
/// fsyncs the directory, in that order, through `storage`. IoError on failure (the old file,
/// if any, is intact).
protocol::Status WriteFileAtomically(RecordStorage& storage, const std::string& path,
                                     std::string_view contents);
/// nullopt when the file does not exist; IoError when it cannot be read.
protocol::StatusOr<std::optional<std::string>> ReadWholeFile(const std::string& path);
/// Removes `path` through `storage` and syncs its directory; a missing file is fine.
void RemoveFile(RecordStorage& storage, const std::string& path);

}  // namespace ossup::client::internal
