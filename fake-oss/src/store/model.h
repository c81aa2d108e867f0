// The fake's data model: buckets, objects, multipart uploads and their parts. Plain values;
// the Service owns them and guards them with its mutex. Objects are immutable once built
// and shared (shared_ptr<const StoredObject>) so a GET can stream one while it is replaced.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/acl.h"
#include "ossup/protocol/wire.h"
#include "ossup/protocol/xml.h"
#include "store/blob.h"

namespace ossup::fake {

/// What a writer asked to keep with the object: Content-Type and the headers OSS returns on
/// GET (x-oss-meta-*, Cache-Control, Content-Disposition, Content-Encoding, Expires).
struct ObjectMeta {
  std::string content_type;
  protocol::Headers headers;
  /// x-oss-object-acl; kDefault follows the bucket's ACL.
  protocol::CannedAcl acl = protocol::CannedAcl::kDefault;
  /// x-oss-tagging or PutObjectTagging; valid (protocol::ValidateObjectTags).
  protocol::Tagging tagging;
  /// x-oss-storage-class, or the bucket's storage class when absent; one of kStorageClasses.
  std::string storage_class = "Standard";
};

/// The storage classes OSS accepts in x-oss-storage-class and <StorageClass>, spelled as OSS
/// spells them (docs/protocol.md, "Storage classes").
inline constexpr std::string_view kStorageClasses[] = {"Standard", "IA", "Archive", "ColdArchive",
                                                       "DeepColdArchive"};
/// True for the classes whose objects GetObject refuses until restored (InvalidObjectState).
bool NeedsRestore(std::string_view storage_class);

struct StoredObject {
  std::string bucket;
  std::string key;
  /// The object's bytes, in order: one blob for a simple object, one per part otherwise.
  std::vector<BlobPtr> segments;
  uint64_t size = 0;
  std::string etag;  // quoted, as sent in the ETag header
  uint64_t crc64 = 0;
  std::string type = "Normal";  // Normal | Multipart | Appendable | Symlink
  protocol::TimePoint last_modified{};
  ObjectMeta meta;
  /// The key a Symlink points to (in the same bucket); empty for every other type. A symlink
  /// has no segments and size 0.
  std::string symlink_target;
};
using ObjectPtr = std::shared_ptr<const StoredObject>;

/// Streams bytes [offset, offset+length) of the object's segments into `sink`. False when a
/// segment cannot be read, `sink` returns false, or the object is shorter than the range.
bool ReadObjectRange(const StoredObject& object, uint64_t offset, uint64_t length,
                     const std::function<bool(const char*, size_t)>& sink);

struct StoredPart {
  int number = 0;
  std::string etag;  // quoted
  uint64_t crc64 = 0;
  uint64_t size = 0;
  protocol::TimePoint last_modified{};
  BlobPtr blob;
};

struct StoredUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
  protocol::TimePoint initiated{};
  ObjectMeta meta;
  /// Initiated with `?sequential`: an uploaded part can never be replaced (PartAlreadyExist).
  bool sequential = false;
  std::map<int, StoredPart> parts;
};

struct StoredBucket {
  std::string name;
  protocol::TimePoint created{};
  /// <CreateBucketConfiguration><StorageClass>: the class of objects written without
  /// x-oss-storage-class.
  std::string storage_class = "Standard";
  std::optional<protocol::LifecycleConfiguration> lifecycle;
  /// x-oss-acl / PutBucketAcl: private, public-read or public-read-write (never kDefault).
  protocol::CannedAcl acl = protocol::CannedAcl::kPrivate;
  std::map<std::string, ObjectPtr> objects;
};

}  // namespace ossup::fake
