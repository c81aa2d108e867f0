#include "tree_record.h"

#include <nlohmann/json.hpp>

#include "ossup/protocol/checksum.h"

namespace ossup::client::internal {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "ossup-tree-1";

std::string Line(const json& object) {
  return ChecksummedLine(object.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// The JSON object of one verified line; nullopt for a torn, altered or non-object line.
std::optional<json> VerifiedObject(std::string_view line) {
  auto text = VerifiedLineText(line);
  if (!text) return std::nullopt;
  json object = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) return std::nullopt;
  return object;
}

std::optional<TreeRecordEntry> DecodeEntry(std::string_view line) {
  auto object = VerifiedObject(line);
  if (!object) return std::nullopt;
  try {
    TreeRecordEntry e;
    e.relative_path = object->at("path").get<std::string>();
    e.file.size_bytes = object->at("size").get<uint64_t>();
    e.file.mtime_ns = object->at("mtime_ns").get<int64_t>();
    e.file.inode = object->at("inode").get<uint64_t>();
    e.file.device = object->at("device").get<uint64_t>();
    e.crc64 = object->at("crc64").get<uint64_t>();
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string TreeRecordFileName(const TreeRecordHeader& h) {
  std::string identity;
  for (const std::string* part : {&h.endpoint, &h.bucket, &h.prefix, &h.directory}) {
    identity.append(*part);
    identity.push_back('\n');
  }
  return protocol::HexLower(protocol::Sha256(identity)).substr(0, 32) + ".ossup-tree";
}

std::string EncodeTreeHeader(const TreeRecordHeader& h) {
  return Line({{"format", kFormat},
               {"endpoint", h.endpoint},
               {"bucket", h.bucket},
               {"prefix", h.prefix},
               {"directory", h.directory}});
}

std::string EncodeTreeEntry(const TreeRecordEntry& e) {
  return Line({{"path", e.relative_path},
               {"size", e.file.size_bytes},
               {"mtime_ns", e.file.mtime_ns},
               {"inode", e.file.inode},
               {"device", e.file.device},
               {"crc64", e.crc64}});
}

std::optional<TreeRecordEntries> DecodeTreeRecord(std::string_view text,
                                                  const TreeRecordHeader& header) {
  const size_t header_end = text.find('\n');
  if (header_end == std::string_view::npos) return std::nullopt;
  // Equal headers encode to equal lines: compare the text, checksum included.
  if (text.substr(0, header_end + 1) != EncodeTreeHeader(header)) return std::nullopt;
  TreeRecordEntries entries;
  for (size_t start = header_end + 1; start < text.size();) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) break;  // torn last line
    if (auto e = DecodeEntry(text.substr(start, end - start))) {
      entries[e->relative_path] = std::move(*e);
    }
    start = end + 1;
  }
  return entries;
}

}  // namespace ossup::client::internal
