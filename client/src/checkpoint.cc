#include "checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "ossup-checkpoint-1";

protocol::Error IoError(std::string message) {
  protocol::Error e;
  e.code = std::string(protocol::client_codes::kIoError);
  e.message = std::move(message);
  return e;
}

protocol::Error BadRecord(std::string message) {
  protocol::Error e;
  e.code = std::string(protocol::client_codes::kInvalidResponse);
  e.message = "checkpoint record: " + std::move(message);
  return e;
}

std::string Checksum(const json& body) { return protocol::HexLower(protocol::Sha256(body.dump())); }

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

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
  json parts = json::array();
  for (const auto& p : r.parts) {
    parts.push_back(
        {{"number", p.number}, {"size", p.size_bytes}, {"etag", p.etag}, {"crc64", p.crc64}});
  }
  json body = {
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
      {"parts", parts},
  };
  body["checksum"] = Checksum(body);
  return body.dump(1) + "\n";
}

protocol::StatusOr<CheckpointRecord> DecodeRecord(std::string_view text,
                                                  std::string* salvaged_upload_id) {
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return BadRecord("not a JSON object");
  if (salvaged_upload_id != nullptr) {
    auto it = body.find("upload_id");
    if (it != body.end() && it->is_string()) *salvaged_upload_id = it->get<std::string>();
  }
  auto checksum = body.find("checksum");
  if (checksum == body.end() || !checksum->is_string()) return BadRecord("no checksum");
  std::string expected = checksum->get<std::string>();
  body.erase("checksum");
  if (Checksum(body) != expected) return BadRecord("checksum mismatch");
  try {
    if (body.at("format").get<std::string>() != kFormat) return BadRecord("unknown format");
    CheckpointRecord r;
    r.endpoint = body.at("endpoint").get<std::string>();
    r.bucket = body.at("bucket").get<std::string>();
    r.key = body.at("key").get<std::string>();
    r.file_path = body.at("file_path").get<std::string>();
    r.part_size_bytes = body.at("part_size").get<uint64_t>();
    r.upload_id = body.at("upload_id").get<std::string>();
    const json& file = body.at("file");
    r.file.size_bytes = file.at("size").get<uint64_t>();
    r.file.mtime_ns = file.at("mtime_ns").get<int64_t>();
    r.file.inode = file.at("inode").get<uint64_t>();
    r.file.device = file.at("device").get<uint64_t>();
    int previous = 0;
    for (const json& p : body.at("parts")) {
      RecordedPart part;
      part.number = p.at("number").get<int>();
      part.size_bytes = p.at("size").get<uint64_t>();
      part.etag = p.at("etag").get<std::string>();
      part.crc64 = p.at("crc64").get<uint64_t>();
      if (part.number <= previous) return BadRecord("parts out of order");
      previous = part.number;
      r.parts.push_back(std::move(part));
    }
    if (r.upload_id.empty()) return BadRecord("empty upload id");
    return r;
  } catch (const json::exception& e) {
    return BadRecord(std::string("bad field: ") + e.what());
  }
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

protocol::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  std::ostringstream tmp_name;
  tmp_name << path << ".tmp." << ::getpid() << "." << std::this_thread::get_id();
  const std::string tmp = tmp_name.str();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + ErrnoText());
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto error = IoError("cannot write " + tmp + ": " + ErrnoText());
      ::close(fd);
      ::unlink(tmp.c_str());
      return error;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto error = IoError("cannot fsync " + tmp + ": " + ErrnoText());
    ::close(fd);
    ::unlink(tmp.c_str());
    return error;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto error = IoError("cannot rename " + tmp + " to " + path + ": " + ErrnoText());
    ::unlink(tmp.c_str());
    return error;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return protocol::Status();
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

void RemoveFile(const std::string& path) {
  if (!path.empty()) ::unlink(path.c_str());
}

}  // namespace ossup::client::internal
