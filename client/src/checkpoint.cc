#include "checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "client_error.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"

namespace ossup::client::internal {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "ossup-checkpoint-2";
constexpr size_t kCrcHexDigits = 16;

protocol::Error IoError(std::string message) {
  return ClientError(protocol::client_codes::kIoError, std::move(message));
}

protocol::Error BadRecord(std::string message) {
  return ClientError(protocol::client_codes::kInvalidResponse,
                     "checkpoint record: " + std::move(message));
}

std::string CrcHex(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t crc = protocol::Crc64(text);
  std::string hex(kCrcHexDigits, '0');
  for (size_t i = kCrcHexDigits; i-- > 0; crc >>= 4) hex[i] = kDigits[crc & 0xF];
  return hex;
}

/// `<json> <crc>\n`. Invalid UTF-8 (possible in a file path) is replaced rather than thrown;
/// such a record then no longer matches its request and is retired like a foreign one.
std::string Line(const json& object) {
  return ChecksummedLine(object.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// One line without its '\n', split into JSON text and CRC. `verified` tells whether the CRC
/// matches; `text` is the JSON part whenever the line has the `<json> <crc>` shape.
struct SplitLine {
  std::string_view text;
  bool verified = false;
};

SplitLine Split(std::string_view line) {
  SplitLine out;
  auto space = line.rfind(' ');
  if (space == std::string_view::npos) return out;
  out.text = line.substr(0, space);
  out.verified = line.substr(space + 1) == CrcHex(out.text);
  return out;
}

std::optional<RecordedPart> DecodePart(std::string_view line) {
  SplitLine split = Split(line);
  if (!split.verified) return std::nullopt;
  json p = json::parse(split.text, nullptr, /*allow_exceptions=*/false);
  if (p.is_discarded() || !p.is_object()) return std::nullopt;
  try {
    RecordedPart part;
    part.number = p.at("number").get<int>();
    part.size_bytes = p.at("size").get<uint64_t>();
    part.etag = p.at("etag").get<std::string>();
    part.crc64 = p.at("crc64").get<uint64_t>();
    if (part.number < protocol::limits::kMinPartNumber ||
        part.number > protocol::limits::kMaxPartNumber || part.size_bytes == 0) {
      return std::nullopt;
    }
    return part;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

std::string ChecksummedLine(std::string_view text) {
  std::string line;
  line.reserve(text.size() + kCrcHexDigits + 2);
  line.append(text).append(" ").append(CrcHex(text)).append("\n");
  return line;
}

std::optional<std::string_view> VerifiedLineText(std::string_view line) {
  SplitLine split = Split(line);
  if (!split.verified) return std::nullopt;
  return split.text;
}

protocol::StatusOr<FileIdentity> StatFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat " + path + ": " + ErrnoText());
  if (!S_ISREG(st.st_mode)) return IoError(path + " is not a regular file");
  FileIdentity id;
  id.size_bytes = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  id.inode = st.st_ino;
  id.device = st.st_dev;
  return id;
}

std::string EncodeRecord(const CheckpointRecord& r) {
  json header = {
      {"format", kFormat},
      {"endpoint", r.endpoint},
      {"bucket", r.bucket},
      {"key", r.key},
      {"file_path", r.file_path},
      {"part_size", r.part_size_bytes},
      {"upload_id", r.upload_id},
      {"file",
       {{"size", r.file.size_bytes},
        {"mtime_ns", r.file.mtime_ns},
        {"inode", r.file.inode},
        {"device", r.file.device}}},
  };
  std::string text = Line(header);
  for (const auto& p : r.parts) text += EncodePartLine(p);
  return text;
}

std::string EncodePartLine(const RecordedPart& p) {
  return Line({{"number", p.number}, {"size", p.size_bytes}, {"etag", p.etag}, {"crc64", p.crc64}});
}

protocol::StatusOr<CheckpointRecord> DecodeRecord(std::string_view text, DecodeReport* report) {
  DecodeReport ignored;
  if (report == nullptr) report = &ignored;
  *report = DecodeReport();
  const size_t header_end = text.find('\n');
  if (header_end == std::string_view::npos) return BadRecord("torn header");
  SplitLine split = Split(text.substr(0, header_end));
  json header = json::parse(split.text, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) {
    // A whole-file JSON record ("ossup-checkpoint-1"): unusable, but its upload can be named.
    json legacy = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (legacy.is_object()) {
      if (auto it = legacy.find("upload_id"); it != legacy.end() && it->is_string()) {
        report->salvaged_upload_id = it->get<std::string>();
      }
    }
    return BadRecord("header is not JSON");
  }
  if (auto it = header.find("upload_id"); it != header.end() && it->is_string()) {
    report->salvaged_upload_id = it->get<std::string>();
  }
  if (!split.verified) return BadRecord("header checksum mismatch");
  CheckpointRecord r;
  try {
    if (header.at("format").get<std::string>() != kFormat) return BadRecord("unknown format");
    r.endpoint = header.at("endpoint").get<std::string>();
    r.bucket = header.at("bucket").get<std::string>();
    r.key = header.at("key").get<std::string>();
    r.file_path = header.at("file_path").get<std::string>();
    r.part_size_bytes = header.at("part_size").get<uint64_t>();
    r.upload_id = header.at("upload_id").get<std::string>();
    const json& file = header.at("file");
    r.file.size_bytes = file.at("size").get<uint64_t>();
    r.file.mtime_ns = file.at("mtime_ns").get<int64_t>();
    r.file.inode = file.at("inode").get<uint64_t>();
    r.file.device = file.at("device").get<uint64_t>();
  } catch (const json::exception& e) {
    return BadRecord(std::string("bad header field: ") + e.what());
  }
  if (r.upload_id.empty()) return BadRecord("empty upload id");

  std::map<int, RecordedPart> parts;  // the last line of a part number wins
  for (size_t start = header_end + 1; start < text.size();) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {  // torn last line
      ++report->skipped_part_lines;
      break;
    }
    if (auto part = DecodePart(text.substr(start, end - start))) {
      parts[part->number] = std::move(*part);
    } else {
      ++report->skipped_part_lines;
    }
    start = end + 1;
  }
  for (auto& [number, part] : parts) r.parts.push_back(std::move(part));
  return r;
}

std::string RecordNamePrefix(std::string_view endpoint, std::string_view bucket,
                             std::string_view key, std::string_view file_path) {
  std::string identity;
  for (std::string_view part : {endpoint, bucket, key, file_path}) {
    identity.append(part);
    identity.push_back('\n');
  }
  return protocol::HexLower(protocol::Sha256(identity)).substr(0, 32) + "-";
}

std::string RecordFileName(std::string_view endpoint, std::string_view bucket, std::string_view key,
                           std::string_view file_path, uint64_t part_size_bytes) {
  return RecordNamePrefix(endpoint, bucket, key, file_path) + std::to_string(part_size_bytes) +
         std::string(kRecordSuffix);
}

protocol::Status WriteFileAtomically(RecordStorage& storage, const std::string& path,
                                     std::string_view contents) {
  std::ostringstream tmp_name;
  tmp_name << path << ".tmp." << ::getpid() << "." << std::this_thread::get_id();
  const std::string tmp = tmp_name.str();
  auto fd = storage.Create(tmp);
  if (!fd.ok()) return fd.error();
  auto s = storage.Write(*fd, contents);
  if (s.ok()) s = storage.Sync(*fd);
  storage.Close(*fd);
  if (s.ok()) s = storage.Rename(tmp, path);
  if (!s.ok()) {
    storage.Remove(tmp);
    return s;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return storage.SyncDirectory(dir);
}

protocol::StatusOr<std::optional<std::string>> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || !std::filesystem::exists(path)) return std::optional<std::string>();
    return IoError("cannot open " + path + ": " + ErrnoText());
  }
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return IoError("cannot read " + path);
  return std::optional<std::string>(data.str());
}

void RemoveFile(RecordStorage& storage, const std::string& path) {
  if (path.empty()) return;
  storage.Remove(path);
  // Durable, so a power loss cannot bring back a record of a completed or aborted upload.
  std::string dir = std::filesystem::path(path).parent_path().string();
  (void)storage.SyncDirectory(dir.empty() ? "." : dir);
}

}  // namespace ossup::client::internal
