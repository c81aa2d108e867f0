#include "store/catalog.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ossup/protocol/acl.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/errors.h"

namespace ossup::fake {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A failed file-system step: 500 InternalError with `what` as the message.
protocol::Error IoError(const std::string& what) {
  return protocol::MakeError("InternalError", what);
}

int64_t ToNanos(protocol::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
protocol::TimePoint FromNanos(int64_t n) {
  return protocol::TimePoint(
      std::chrono::duration_cast<protocol::TimePoint::duration>(std::chrono::nanoseconds(n)));
}

// Header names and values are bytes (a request may carry any byte but CR, LF and NUL), and
// JSON strings must be UTF-8: a value that is not UTF-8 is stored as "b64:" + its base64. A
// text that itself starts with "b64:" is stored that way too, so reading is unambiguous.
constexpr std::string_view kBase64Mark = "b64:";

json BytesToJson(std::string_view bytes) {
  if (protocol::IsValidUtf8(bytes) && !bytes.starts_with(kBase64Mark)) return std::string(bytes);
  return std::string(kBase64Mark) + protocol::Base64Encode(bytes);
}
std::string BytesFromJson(const json& j) {
  std::string text = j.get<std::string>();
  if (!std::string_view(text).starts_with(kBase64Mark)) return text;
  auto bytes = protocol::Base64Decode(std::string_view(text).substr(kBase64Mark.size()));
  if (!bytes) throw std::runtime_error("bad base64 in stored metadata");
  return std::string(bytes->begin(), bytes->end());
}

json TagsToJson(const protocol::Tagging& tagging) {
  json tags = json::array();
  for (const auto& [key, value] : tagging.tags) tags.push_back({key, value});
  return tags;
}

json MetaToJson(const ObjectMeta& meta) {
  json headers = json::array();
  for (const auto& [name, value] : meta.headers) {
    headers.push_back({BytesToJson(name), BytesToJson(value)});
  }
  return {{"contentType", BytesToJson(meta.content_type)},
          {"headers", headers},
          {"acl", std::string(protocol::CannedAclName(meta.acl))},
          {"tags", TagsToJson(meta.tagging)},
          {"storageClass", meta.storage_class}};
}
ObjectMeta MetaFromJson(const json& j) {
  ObjectMeta meta;
  meta.content_type = BytesFromJson(j.at("contentType"));
  for (const auto& h : j.at("headers")) {
    meta.headers.emplace_back(BytesFromJson(h.at(0)), BytesFromJson(h.at(1)));
  }
  if (auto tags = j.find("tags"); tags != j.end()) {
    for (const auto& t : *tags) meta.tagging.tags.emplace_back(t.at(0), t.at(1));
  }
  if (auto storage_class = j.find("storageClass"); storage_class != j.end()) {
    meta.storage_class = storage_class->get<std::string>();
  }
  if (auto acl = j.find("acl"); acl != j.end()) {
    meta.acl = protocol::CannedAclFromName(acl->get<std::string>())
                   .value_or(protocol::CannedAcl::kDefault);
  }
  return meta;
}

void FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::optional<json> ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace

Catalog::Catalog(std::string data_dir, const BlobStore& blobs)
    : data_dir_(std::move(data_dir)), blobs_(blobs) {}

protocol::Status Catalog::Prepare() const {
  if (!on_disk()) return {};
  std::error_code ec;
  for (const char* sub : {"/meta/buckets", "/meta/objects", "/meta/uploads", "/meta/parts"}) {
    fs::create_directories(data_dir_ + sub, ec);
    if (ec) return IoError("cannot create " + data_dir_ + sub + ": " + ec.message());
  }
  return {};
}

protocol::Status Catalog::WriteAtomically(const std::string& path, const std::string& text) const {
  std::string tmp = blobs_.tmp_dir() + "/" + blobs_.NewName() + ".json";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create " + tmp);
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write " + tmp);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot replace " + path);
  }
  FsyncDir(fs::path(path).parent_path().string());
  return {};
}

std::string Catalog::ObjectPath(const std::string& bucket, const std::string& key) const {
  auto digest = protocol::Sha256(bucket + "\n" + key);
  return data_dir_ + "/meta/objects/" + protocol::HexLower(digest) + ".json";
}

protocol::Status Catalog::SaveBucket(const StoredBucket& bucket) const {
  if (!on_disk()) return {};
  json j = {{"name", bucket.name},
            {"created", ToNanos(bucket.created)},
            {"storageClass", bucket.storage_class}};
  if (bucket.lifecycle) j["lifecycle"] = protocol::EncodeXml(*bucket.lifecycle);
  j["acl"] = std::string(protocol::CannedAclName(bucket.acl));
  return WriteAtomically(data_dir_ + "/meta/buckets/" + bucket.name + ".json", j.dump());
}

protocol::Status Catalog::DeleteBucket(const std::string& name) const {
  if (!on_disk()) return {};
  ::unlink((data_dir_ + "/meta/buckets/" + name + ".json").c_str());
  return {};
}

protocol::Status Catalog::SaveObject(const StoredObject& object) const {
  if (!on_disk()) return {};
  json segments = json::array();
  for (const auto& blob : object.segments) segments.push_back(blob->name());
  json j = {{"bucket", object.bucket},
            {"key", object.key},
            {"segments", segments},
            {"size", object.size},
            {"etag", object.etag},
            {"crc64", object.crc64},
            {"type", object.type},
            {"lastModified", ToNanos(object.last_modified)},
            {"meta", MetaToJson(object.meta)}};
  if (!object.symlink_target.empty()) j["symlinkTarget"] = BytesToJson(object.symlink_target);
  return WriteAtomically(ObjectPath(object.bucket, object.key), j.dump());
}

protocol::Status Catalog::DeleteObject(const std::string& bucket, const std::string& key) const {
  if (!on_disk()) return {};
  ::unlink(ObjectPath(bucket, key).c_str());
  return {};
}

protocol::Status Catalog::SaveUpload(const StoredUpload& upload) const {
  if (!on_disk()) return {};
  json j = {{"bucket", upload.bucket},
            {"key", upload.key},
            {"uploadId", upload.upload_id},
            {"initiated", ToNanos(upload.initiated)},
            {"meta", MetaToJson(upload.meta)}};
  j["sequential"] = upload.sequential;
  return WriteAtomically(data_dir_ + "/meta/uploads/" + upload.upload_id + ".json", j.dump());
}

std::string Catalog::PartPath(const std::string& upload_id, int number) const {
  return data_dir_ + "/meta/parts/" + upload_id + "." + std::to_string(number) + ".json";
}

protocol::Status Catalog::SavePart(const std::string& upload_id, const StoredPart& part) const {
  if (!on_disk()) return {};
  json j = {{"number", part.number},
            {"etag", part.etag},
            {"crc64", part.crc64},
            {"size", part.size},
            {"lastModified", ToNanos(part.last_modified)},
            {"blob", part.blob->name()}};
  return WriteAtomically(PartPath(upload_id, part.number), j.dump());
}

protocol::Status Catalog::DeleteUpload(const StoredUpload& upload) const {
  if (!on_disk()) return {};
  ::unlink((data_dir_ + "/meta/uploads/" + upload.upload_id + ".json").c_str());
  for (const auto& [number, part] : upload.parts)
    ::unlink(PartPath(upload.upload_id, number).c_str());
  return {};
}

protocol::Status Catalog::SaveUploadCounter(uint64_t counter) const {
  if (!on_disk()) return {};
  return WriteAtomically(data_dir_ + "/meta/ids.json", json{{"uploadCounter", counter}}.dump());
}

protocol::Status Catalog::Wipe() const {
  if (!on_disk()) return {};
  std::error_code ec;
  fs::remove_all(data_dir_ + "/meta", ec);
  // Blob files still read by a GET or about to be installed by a write in flight stay (the
  // former go when their readers finish); tmp/ holds bodies still arriving.
  blobs_.DeleteUnreferenced();
  return Prepare();
}

protocol::StatusOr<Catalog::Contents> Catalog::Load(bool collect_garbage) const {
  Contents contents;
  if (!on_disk()) return contents;
  std::set<std::string> referenced;
  std::error_code ec;
  try {
    for (const auto& entry : fs::directory_iterator(data_dir_ + "/meta/buckets", ec)) {
      auto j = ReadJson(entry.path());
      if (!j) continue;
      StoredBucket bucket;
      bucket.name = j->at("name").get<std::string>();
      bucket.created = FromNanos(j->at("created").get<int64_t>());
      bucket.storage_class = j->value("storageClass", std::string("Standard"));
      if (j->contains("lifecycle")) {
        auto lifecycle =
            protocol::DecodeLifecycleConfiguration(j->at("lifecycle").get<std::string>());
        if (lifecycle.ok()) bucket.lifecycle = std::move(*lifecycle);
      }
      if (auto acl = j->find("acl"); acl != j->end()) {
        bucket.acl = protocol::CannedAclFromName(acl->get<std::string>())
                         .value_or(protocol::CannedAcl::kPrivate);
      }
      contents.buckets[bucket.name] = std::move(bucket);
    }
    for (const auto& entry : fs::directory_iterator(data_dir_ + "/meta/objects", ec)) {
      auto j = ReadJson(entry.path());
      if (!j) continue;
      auto object = std::make_shared<StoredObject>();
      object->bucket = j->at("bucket").get<std::string>();
      object->key = j->at("key").get<std::string>();
      auto bucket = contents.buckets.find(object->bucket);
      if (bucket == contents.buckets.end()) continue;
      bool complete = true;
      for (const auto& name : j->at("segments")) {
        auto blob = blobs_.Open(name.get<std::string>());
        if (!blob)
          complete = false;
        else
          object->segments.push_back(blob);
      }
      if (!complete) continue;
      object->size = j->at("size").get<uint64_t>();
      object->etag = j->at("etag").get<std::string>();
      object->crc64 = j->at("crc64").get<uint64_t>();
      object->type = j->at("type").get<std::string>();
      object->last_modified = FromNanos(j->at("lastModified").get<int64_t>());
      object->meta = MetaFromJson(j->at("meta"));
      if (j->contains("symlinkTarget"))
        object->symlink_target = BytesFromJson(j->at("symlinkTarget"));
      for (const auto& blob : object->segments) referenced.insert(blob->name());
      bucket->second.objects[object->key] = std::move(object);
    }
    for (const auto& entry : fs::directory_iterator(data_dir_ + "/meta/uploads", ec)) {
      auto j = ReadJson(entry.path());
      if (!j) continue;
      auto upload = std::make_shared<StoredUpload>();
      upload->bucket = j->at("bucket").get<std::string>();
      upload->key = j->at("key").get<std::string>();
      upload->upload_id = j->at("uploadId").get<std::string>();
      upload->initiated = FromNanos(j->at("initiated").get<int64_t>());
      upload->meta = MetaFromJson(j->at("meta"));
      upload->sequential = j->value("sequential", false);
      if (!contents.buckets.count(upload->bucket)) continue;
      contents.uploads[upload->upload_id] = std::move(upload);
    }
    std::set<std::string> completed;
    for (const auto& entry : fs::directory_iterator(data_dir_ + "/meta/parts", ec)) {
      std::string file = entry.path().filename().string();
      std::string upload_id = file.substr(0, file.find('.'));
      auto upload = contents.uploads.find(upload_id);
      auto j = upload == contents.uploads.end() ? std::nullopt : ReadJson(entry.path());
      if (!j) {  // a record without its manifest (the upload ended mid-cleanup)
        ::unlink(entry.path().c_str());
        continue;
      }
      std::string name = j->at("blob").get<std::string>();
      if (referenced.count(name)) completed.insert(upload_id);
      auto blob = blobs_.Open(name);
      if (!blob) continue;  // never fully written: as if the part was never uploaded
      StoredPart part;
      part.number = j->at("number").get<int>();
      part.etag = j->at("etag").get<std::string>();
      part.crc64 = j->at("crc64").get<uint64_t>();
      part.size = j->at("size").get<uint64_t>();
      part.last_modified = FromNanos(j->at("lastModified").get<int64_t>());
      part.blob = std::move(blob);
      upload->second->parts[part.number] = std::move(part);
    }
    for (const auto& upload_id : completed) {  // Complete had stored the object already
      DeleteUpload(*contents.uploads.at(upload_id));
      contents.uploads.erase(upload_id);
    }
    for (const auto& [id, upload] : contents.uploads) {
      for (const auto& [number, part] : upload->parts) referenced.insert(part.blob->name());
    }
    if (auto j = ReadJson(data_dir_ + "/meta/ids.json")) {
      contents.upload_counter = j->at("uploadCounter").get<uint64_t>();
    }
  } catch (const std::exception& e) {
    return IoError(std::string("corrupt metadata: ") + e.what());
  }
  // Blobs written before a crash but never recorded are garbage.
  if (!collect_garbage) return contents;
  for (const auto& entry : fs::directory_iterator(blobs_.blob_dir(), ec)) {
    if (!referenced.count(entry.path().filename().string())) fs::remove(entry.path(), ec);
  }
  return contents;
}

}  // namespace ossup::fake
