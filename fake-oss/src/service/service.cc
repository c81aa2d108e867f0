#include "service/service.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

using protocol::Status;
using protocol::StatusOr;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// What a listing rolls `key` up into: `key` up to and including the first `delimiter` after
// `prefix`. nullopt when `delimiter` is empty or does not occur there.
std::optional<std::string> CommonPrefixOf(const std::string& key, const std::string& prefix,
                                          const std::string& delimiter) {
  if (delimiter.empty()) return std::nullopt;
  const size_t pos = key.find(delimiter, prefix.size());
  if (pos == std::string::npos) return std::nullopt;
  return key.substr(0, pos + delimiter.size());
}

void DiscardObject(const ObjectPtr& object) {
  if (!object) return;
  for (const auto& blob : object->segments) blob->Discard();
}

constexpr auto kDay = std::chrono::hours(24);

// An appendable object's ETag: 24 upper-hex digits that change with every append, then eight
// zeros, the shape OSS answers (docs/protocol.md, "AppendObject"). Not an MD5 of the bytes.
std::string AppendableETag(const StoredObject& object) {
  const auto digest =
      protocol::Md5Of(object.bucket + "\n" + object.key + "\n" + std::to_string(object.size) +
                      "\n" + std::to_string(object.crc64));
  std::string hex = protocol::HexUpper(digest).substr(0, 24);
  return "\"" + hex + "00000000\"";
}

}  // namespace

Service::Service(std::string data_dir, std::vector<std::string> initial_buckets, IdGenerator& ids)
    : initial_buckets_(std::move(initial_buckets)),
      ids_(ids),
      blobs_(data_dir),
      catalog_(data_dir, blobs_) {}

void Service::CreateInitialBuckets(protocol::TimePoint now) {
  for (const auto& name : initial_buckets_) {
    if (buckets_.count(name)) continue;
    StoredBucket bucket;
    bucket.name = name;
    bucket.created = now;
    catalog_.SaveBucket(bucket);
    buckets_[name] = std::move(bucket);
  }
}

Status Service::Open(protocol::TimePoint now) {
  if (auto s = blobs_.Prepare(); !s.ok()) return s;
  if (auto s = catalog_.Prepare(); !s.ok()) return s;
  auto contents = catalog_.Load(/*collect_garbage=*/true);
  if (!contents.ok()) return contents.status();
  protocol::MutexLock lock(mu_);
  buckets_ = std::move(contents->buckets);
  uploads_ = std::move(contents->uploads);
  ids_.set_upload_counter(std::max(ids_.upload_counter(), contents->upload_counter));
  any_lifecycle_ = std::any_of(buckets_.begin(), buckets_.end(),
                               [](const auto& b) { return b.second.lifecycle.has_value(); });
  CreateInitialBuckets(now);
  return {};
}

void Service::Reset(protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  for (auto& [name, bucket] : buckets_) {
    for (auto& [key, object] : bucket.objects) DiscardObject(object);
  }
  for (auto& [id, upload] : uploads_) {
    for (auto& [n, part] : upload->parts) part.blob->Discard();
  }
  buckets_.clear();
  uploads_.clear();
  any_lifecycle_ = false;
  catalog_.Wipe();
  CreateInitialBuckets(now);
}

Status Service::Reload() {
  if (!catalog_.on_disk()) return {};
  protocol::MutexLock lock(mu_);
  auto contents = catalog_.Load(/*collect_garbage=*/false);
  if (!contents.ok()) return contents.status();
  buckets_ = std::move(contents->buckets);
  uploads_ = std::move(contents->uploads);
  any_lifecycle_ = std::any_of(buckets_.begin(), buckets_.end(),
                               [](const auto& b) { return b.second.lifecycle.has_value(); });
  return {};
}

StoredBucket* Service::FindBucket(const std::string& bucket) {
  auto it = buckets_.find(bucket);
  return it == buckets_.end() ? nullptr : &it->second;
}

const StoredBucket* Service::FindBucket(const std::string& bucket) const {
  auto it = buckets_.find(bucket);
  return it == buckets_.end() ? nullptr : &it->second;
}

// --- Buckets ------------------------------------------------------------------------------

Status Service::PutBucket(const std::string& bucket, protocol::TimePoint now,
                          protocol::CannedAcl acl, const std::string& storage_class) {
  protocol::MutexLock lock(mu_);
  if (FindBucket(bucket)) return {};  // the owner re-creating its bucket: OK, as OSS does
  StoredBucket b;
  b.name = bucket;
  b.created = now;
  b.acl = acl;
  b.storage_class = storage_class;
  if (auto s = catalog_.SaveBucket(b); !s.ok()) return s;
  buckets_[bucket] = std::move(b);
  return {};
}

Status Service::PutBucketAcl(const std::string& bucket, protocol::CannedAcl acl) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  StoredBucket copy = *b;
  copy.acl = acl;
  copy.objects.clear();
  if (auto s = catalog_.SaveBucket(copy); !s.ok()) return s;
  b->acl = acl;
  return {};
}

StatusOr<protocol::CannedAcl> Service::GetBucketAcl(const std::string& bucket) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  return b->acl;
}

Status Service::DeleteBucket(const std::string& bucket) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  bool has_uploads = std::any_of(uploads_.begin(), uploads_.end(),
                                 [&](const auto& u) { return u.second->bucket == bucket; });
  if (!b->objects.empty() || has_uploads) {
    auto e = errors::Oss("BucketNotEmpty");
    e.details.emplace_back("BucketName", bucket);
    return e;
  }
  catalog_.DeleteBucket(bucket);
  buckets_.erase(bucket);
  return {};
}

std::vector<protocol::BucketInfo> Service::ListBuckets() const {
  protocol::MutexLock lock(mu_);
  std::vector<protocol::BucketInfo> out;
  for (const auto& [name, bucket] : buckets_) {
    protocol::BucketInfo info;
    info.name = name;
    info.creation_date = bucket.created;
    info.storage_class = bucket.storage_class;
    out.push_back(std::move(info));
  }
  return out;
}

StatusOr<protocol::ListObjectsResult> Service::ListObjects(const std::string& bucket,
                                                           const ListObjectsQuery& q) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  protocol::ListObjectsResult result;
  result.name = bucket;
  result.prefix = q.prefix;
  result.marker = q.marker;
  result.max_keys = q.max_keys;
  result.delimiter = q.delimiter;
  auto it = b->objects.lower_bound(q.prefix);
  if (!q.marker.empty() && q.marker >= q.prefix) it = b->objects.upper_bound(q.marker);
  const bool marker_is_prefix =
      !q.delimiter.empty() && !q.marker.empty() && q.marker.ends_with(q.delimiter);
  std::string last;
  int count = 0;
  for (; it != b->objects.end(); ++it) {
    const std::string& key = it->first;
    if (!StartsWith(key, q.prefix)) break;
    if (marker_is_prefix && StartsWith(key, q.marker)) continue;
    if (auto common = CommonPrefixOf(key, q.prefix, q.delimiter)) {
      if (!result.common_prefixes.empty() && result.common_prefixes.back() == *common) continue;
      if (count == q.max_keys) {
        result.is_truncated = true;
        break;
      }
      result.common_prefixes.push_back(*common);
      last = *common;
      ++count;
      continue;
    }
    if (count == q.max_keys) {
      result.is_truncated = true;
      break;
    }
    const auto& object = *it->second;
    protocol::ObjectSummary summary;
    summary.key = key;
    summary.last_modified = object.last_modified;
    summary.etag = object.etag;
    summary.type = object.type;
    summary.size = object.size;
    summary.storage_class = object.meta.storage_class;
    result.contents.push_back(std::move(summary));
    last = key;
    ++count;
  }
  if (result.is_truncated) result.next_marker = last;
  return result;
}

StatusOr<protocol::ListMultipartUploadsResult> Service::ListUploads(
    const std::string& bucket, const ListUploadsQuery& q) const {
  protocol::MutexLock lock(mu_);
  if (!FindBucket(bucket)) return errors::NoSuchBucket(bucket);
  std::vector<const StoredUpload*> matching;
  for (const auto& [id, upload] : uploads_) {
    if (upload->bucket != bucket || !StartsWith(upload->key, q.prefix)) continue;
    bool after_marker =
        upload->key > q.key_marker || (upload->key == q.key_marker && !q.upload_id_marker.empty() &&
                                       upload->upload_id > q.upload_id_marker);
    if (!q.key_marker.empty() && !after_marker) continue;
    matching.push_back(upload.get());
  }
  std::sort(matching.begin(), matching.end(), [](const auto* a, const auto* b) {
    return std::tie(a->key, a->upload_id) < std::tie(b->key, b->upload_id);
  });
  protocol::ListMultipartUploadsResult result;
  result.bucket = bucket;
  result.key_marker = q.key_marker;
  result.upload_id_marker = q.upload_id_marker;
  result.delimiter = q.delimiter;
  result.prefix = q.prefix;
  result.max_uploads = q.max_uploads;
  int count = 0;
  for (const auto* upload : matching) {
    if (auto common = CommonPrefixOf(upload->key, q.prefix, q.delimiter)) {
      if (!result.common_prefixes.empty() && result.common_prefixes.back() == *common) continue;
      if (count == q.max_uploads) {
        result.is_truncated = true;
        break;
      }
      result.common_prefixes.push_back(*common);
      result.next_key_marker = *common;
      result.next_upload_id_marker.clear();
      ++count;
      continue;
    }
    if (count == q.max_uploads) {
      result.is_truncated = true;
      break;
    }
    protocol::UploadInfo info;
    info.key = upload->key;
    info.upload_id = upload->upload_id;
    info.initiated = upload->initiated;
    info.storage_class = upload->meta.storage_class;
    result.uploads.push_back(std::move(info));
    result.next_key_marker = upload->key;
    result.next_upload_id_marker = upload->upload_id;
    ++count;
  }
  // The last page names its last entry as well (docs/protocol.md, "ListMultipartUploads").
  return result;
}

Status Service::PutLifecycle(const std::string& bucket, protocol::LifecycleConfiguration c,
                             protocol::TimePoint now) {
  {
    protocol::MutexLock lock(mu_);
    auto* b = FindBucket(bucket);
    if (!b) return errors::NoSuchBucket(bucket);
    StoredBucket copy = *b;
    copy.lifecycle = std::move(c);
    copy.objects.clear();
    if (auto s = catalog_.SaveBucket(copy); !s.ok()) return s;
    b->lifecycle = std::move(copy.lifecycle);
    any_lifecycle_ = true;
  }
  ApplyLifecycle(now);
  return {};
}

StatusOr<protocol::LifecycleConfiguration> Service::GetLifecycle(const std::string& bucket) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  if (!b->lifecycle) {
    auto e = errors::Oss("NoSuchLifecycle");
    e.details.emplace_back("BucketName", bucket);
    return e;
  }
  return *b->lifecycle;
}

Status Service::DeleteLifecycle(const std::string& bucket) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  StoredBucket copy = *b;
  copy.lifecycle.reset();
  copy.objects.clear();
  if (auto s = catalog_.SaveBucket(copy); !s.ok()) return s;
  b->lifecycle.reset();
  return {};
}

namespace {

// Whether `rule` covers an upload or object with `key` (docs/protocol.md, "Lifecycle"): enabled,
// under its prefix and not under its <Not> prefix (for an object, <Not> also needs its tag).
bool CoversKey(const protocol::LifecycleRule& rule, const std::string& key,
               const protocol::Tagging* tagging) {
  if (!rule.enabled || !StartsWith(key, rule.prefix)) return false;
  if (!rule.not_prefix || !StartsWith(key, *rule.not_prefix)) return true;
  if (!rule.not_tag || tagging == nullptr) return false;
  const auto& tags = tagging->tags;
  return std::find(tags.begin(), tags.end(), *rule.not_tag) == tags.end();
}

bool CoversObject(const protocol::LifecycleRule& rule, const StoredObject& object) {
  if (!CoversKey(rule, object.key, &object.meta.tagging)) return false;
  const auto& tags = object.meta.tagging.tags;
  for (const auto& tag : rule.tags) {
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) return false;
  }
  const auto size = static_cast<int64_t>(object.size);
  if (rule.size_greater_than && size <= *rule.size_greater_than) return false;
  if (rule.size_less_than && size >= *rule.size_less_than) return false;
  return true;
}

// Days count from `since`; CreatedBeforeDate means `since` is before it.
bool Due(const std::optional<int>& days, const std::optional<protocol::TimePoint>& before,
         protocol::TimePoint since, protocol::TimePoint now) {
  return (days && since + *days * kDay <= now) || (before && since < *before);
}

}  // namespace

void Service::ApplyLifecycle(protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  if (!any_lifecycle_) return;
  std::vector<std::string> expired;
  for (const auto& [id, upload] : uploads_) {
    const auto* b = FindBucket(upload->bucket);
    if (!b || !b->lifecycle) continue;
    for (const auto& rule : b->lifecycle->rules) {
      // A rule with tags never covers uploads (it cannot have AbortMultipartUpload).
      if (CoversKey(rule, upload->key, nullptr) &&
          Due(rule.abort_multipart_days, rule.abort_multipart_created_before, upload->initiated,
              now)) {
        expired.push_back(id);
        break;
      }
    }
  }
  for (const auto& id : expired) DropUpload(id);
  for (auto& [name, bucket] : buckets_) {
    if (!bucket.lifecycle) continue;
    for (auto it = bucket.objects.begin(); it != bucket.objects.end();) {
      const StoredObject& object = *it->second;
      const bool due = std::any_of(
          bucket.lifecycle->rules.begin(), bucket.lifecycle->rules.end(), [&](const auto& rule) {
            return CoversObject(rule, object) &&
                   (Due(rule.expiration_days, rule.expiration_created_before, object.last_modified,
                        now) ||
                    (rule.expiration_date && *rule.expiration_date <= now));
          });
      if (!due) {
        ++it;
        continue;
      }
      catalog_.DeleteObject(name, it->first);
      DiscardObject(it->second);
      it = bucket.objects.erase(it);
    }
  }
}

// --- Objects ------------------------------------------------------------------------------

Status Service::CheckBucket(const std::string& bucket) const {
  protocol::MutexLock lock(mu_);
  if (!FindBucket(bucket)) return errors::NoSuchBucket(bucket);
  return {};
}

Status Service::CheckPutObject(const std::string& bucket, const std::string& key,
                               bool forbid_overwrite) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  if (forbid_overwrite && b->objects.count(key)) {
    return errors::FileAlreadyExists();
  }
  return {};
}

StatusOr<std::string> Service::BucketStorageClass(const std::string& bucket) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  return b->storage_class;
}

Status Service::InstallObject(StoredBucket& bucket, std::shared_ptr<StoredObject> object) {
  if (auto s = catalog_.SaveObject(*object); !s.ok()) return s;
  auto& slot = bucket.objects[object->key];
  if (slot) {
    // An append's new version keeps the old one's segments: discard only what it dropped.
    for (const auto& blob : slot->segments) {
      if (std::find(object->segments.begin(), object->segments.end(), blob) ==
          object->segments.end()) {
        blob->Discard();
      }
    }
  }
  slot = std::move(object);
  return {};
}

namespace {

// Where an append at `position` stands against the object now stored under the key: OK, or
// ObjectNotAppendable / PositionNotEqualToLength (with `next_position` set to its length).
Status CheckAppendTo(const StoredBucket& bucket, const std::string& key, uint64_t position,
                     uint64_t& next_position) {
  auto it = bucket.objects.find(key);
  const uint64_t length = it == bucket.objects.end() ? 0 : it->second->size;
  if (it != bucket.objects.end() && it->second->type != "Appendable") {
    return errors::Oss("ObjectNotAppendable");
  }
  if (position != length) {
    next_position = length;
    auto e = errors::Oss("PositionNotEqualToLength");
    e.ec = "0026-00000016";
    return e;
  }
  return {};
}

}  // namespace

Status Service::CheckAppend(const std::string& bucket, const std::string& key, uint64_t position,
                            uint64_t& next_position) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  return CheckAppendTo(*b, key, position, next_position);
}

StatusOr<ObjectPtr> Service::AppendObject(const std::string& bucket, const std::string& key,
                                          uint64_t position, ObjectMeta meta, bool replace_acl,
                                          BlobWriter::Result body, protocol::TimePoint now,
                                          uint64_t& next_position) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  auto refuse = [&](protocol::Error e) -> StatusOr<ObjectPtr> {
    body.blob->Discard();
    return e;
  };
  if (!b) return refuse(errors::NoSuchBucket(bucket));
  if (auto s = CheckAppendTo(*b, key, position, next_position); !s.ok()) return refuse(s.error());
  if (position + body.blob->size() > protocol::limits::kMaxAppendObjectSize) {
    return refuse(errors::Oss("EntityTooLarge"));
  }
  auto object = std::make_shared<StoredObject>();
  if (auto it = b->objects.find(key); it != b->objects.end()) {
    *object = *it->second;                         // later appends keep the first one's metadata...
    if (replace_acl) object->meta.acl = meta.acl;  // ...but for an ACL they name
  } else {
    object->bucket = bucket;
    object->key = key;
    object->type = "Appendable";
    object->meta = std::move(meta);
  }
  object->crc64 = protocol::Crc64Combine(object->crc64, body.crc64, body.blob->size());
  object->size += body.blob->size();
  object->last_modified = now;
  if (body.blob->size() > 0) object->segments.push_back(std::move(body.blob));
  object->etag = AppendableETag(*object);
  ObjectPtr result = object;
  if (auto s = InstallObject(*b, std::move(object)); !s.ok()) return s.error();
  return result;
}

StatusOr<ObjectPtr> Service::PutSymlink(const std::string& bucket, const std::string& key,
                                        const std::string& target, ObjectMeta meta,
                                        bool forbid_overwrite, protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  if (forbid_overwrite && b->objects.count(key)) return errors::FileAlreadyExists();
  auto object = std::make_shared<StoredObject>();
  object->bucket = bucket;
  object->key = key;
  object->type = "Symlink";
  object->symlink_target = target;
  object->etag = protocol::ETagOf(protocol::Md5Of(target));
  object->last_modified = now;
  object->meta = std::move(meta);
  ObjectPtr result = object;
  if (auto s = InstallObject(*b, std::move(object)); !s.ok()) return s.error();
  return result;
}

StatusOr<ObjectPtr> Service::PutObject(const std::string& bucket, const std::string& key,
                                       ObjectMeta meta, BlobWriter::Result body,
                                       bool forbid_overwrite, protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) {
    body.blob->Discard();
    return errors::NoSuchBucket(bucket);
  }
  if (forbid_overwrite && b->objects.count(key)) {
    body.blob->Discard();
    return errors::FileAlreadyExists();
  }
  auto object = std::make_shared<StoredObject>();
  object->bucket = bucket;
  object->key = key;
  object->size = body.blob->size();
  object->etag = protocol::ETagOf(body.md5);
  object->crc64 = body.crc64;
  object->type = "Normal";
  object->last_modified = now;
  object->meta = std::move(meta);
  object->segments.push_back(std::move(body.blob));
  ObjectPtr result = object;
  if (auto s = InstallObject(*b, object); !s.ok()) {
    object->segments.front()->Discard();
    return s.error();
  }
  return result;
}

StatusOr<ObjectPtr> Service::GetObject(const std::string& bucket, const std::string& key) const {
  protocol::MutexLock lock(mu_);
  const auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return errors::NoSuchKey(key);
  return it->second;
}

Status Service::DeleteObject(const std::string& bucket, const std::string& key) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return {};
  catalog_.DeleteObject(bucket, key);
  DiscardObject(it->second);
  b->objects.erase(it);
  return {};
}

Status Service::UpdateObjectMeta(const std::string& bucket, const std::string& key,
                                 const std::function<void(ObjectMeta&)>& change) {
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  if (!b) return errors::NoSuchBucket(bucket);
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return errors::NoSuchKey(key);
  auto updated = std::make_shared<StoredObject>(*it->second);  // shares the blobs
  change(updated->meta);
  if (auto s = catalog_.SaveObject(*updated); !s.ok()) return s;
  it->second = std::move(updated);
  return {};
}

StatusOr<BlobWriter::Result> Service::CopyRange(const StoredObject& object, uint64_t first,
                                                uint64_t length) const {
  BlobWriter writer(blobs_, length);
  bool wrote = true;
  bool read = ReadObjectRange(object, first, length, [&](const char* data, size_t size) {
    wrote = writer.Append(data, size);
    return wrote;
  });
  if (!read || !wrote) return errors::Internal("fake-oss could not copy the source object's data");
  return writer.Finish();
}

StatusOr<ObjectPtr> Service::CopyObject(const ObjectPtr& source, const std::string& bucket,
                                        const std::string& key, ObjectMeta meta,
                                        bool forbid_overwrite, protocol::TimePoint now) {
  if (auto s = CheckPutObject(bucket, key, forbid_overwrite); !s.ok()) return s.error();
  auto object = std::make_shared<StoredObject>(*source);
  object->bucket = bucket;
  object->key = key;
  object->last_modified = now;
  object->meta = std::move(meta);
  if (blobs_.on_disk()) {
    auto copied = CopyRange(*source, 0, source->size);
    if (!copied.ok()) return copied.error();
    object->segments = {std::move(copied->blob)};
  }
  protocol::MutexLock lock(mu_);
  auto* b = FindBucket(bucket);
  auto discard_copy = [&] {
    if (blobs_.on_disk()) object->segments.front()->Discard();
  };
  if (!b) {
    discard_copy();
    return errors::NoSuchBucket(bucket);
  }
  if (forbid_overwrite && b->objects.count(key)) {
    discard_copy();
    return errors::FileAlreadyExists();
  }
  ObjectPtr result = object;
  if (auto s = InstallObject(*b, object); !s.ok()) {
    discard_copy();
    return s.error();
  }
  return result;
}

// --- Multipart ----------------------------------------------------------------------------

StatusOr<std::string> Service::InitiateUpload(const std::string& bucket, const std::string& key,
                                              ObjectMeta meta, bool sequential,
                                              protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  if (!FindBucket(bucket)) return errors::NoSuchBucket(bucket);
  auto upload = std::make_shared<StoredUpload>();
  do {
    upload->upload_id = ids_.NextUploadId();
  } while (uploads_.count(upload->upload_id));
  upload->bucket = bucket;
  upload->key = key;
  upload->initiated = now;
  upload->meta = std::move(meta);
  upload->sequential = sequential;
  if (auto s = catalog_.SaveUploadCounter(ids_.upload_counter()); !s.ok()) return s.error();
  if (auto s = catalog_.SaveUpload(*upload); !s.ok()) return s.error();
  std::string id = upload->upload_id;
  uploads_[id] = std::move(upload);
  return id;
}

StatusOr<StoredUpload*> Service::FindUpload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id) const {
  if (!FindBucket(bucket)) return errors::NoSuchBucket(bucket);
  auto it = uploads_.find(upload_id);
  if (it == uploads_.end() || it->second->bucket != bucket || it->second->key != key) {
    return errors::NoSuchUpload(upload_id);
  }
  return it->second.get();
}

Status Service::CheckUpload(const std::string& bucket, const std::string& key,
                            const std::string& upload_id) const {
  protocol::MutexLock lock(mu_);
  return FindUpload(bucket, key, upload_id).status();
}

bool Service::UploadExists(const std::string& upload_id) const {
  protocol::MutexLock lock(mu_);
  return uploads_.count(upload_id) > 0;
}

StatusOr<StoredPart> Service::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         BlobWriter::Result body, uint64_t size,
                                         protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  auto upload = FindUpload(bucket, key, upload_id);
  if (!upload.ok()) {
    body.blob->Discard();
    return upload.error();
  }
  if (auto it = (*upload)->parts.find(part_number);
      (*upload)->sequential && it != (*upload)->parts.end()) {
    body.blob->Discard();
    return errors::PartAlreadyExist(it->second.etag, part_number);
  }
  StoredPart part;
  part.number = part_number;
  part.etag = protocol::ETagOf(body.md5);
  part.crc64 = body.crc64;
  part.size = size;
  part.last_modified = now;
  part.blob = std::move(body.blob);
  StoredUpload& u = **upload;
  BlobPtr previous;
  if (auto it = u.parts.find(part_number); it != u.parts.end()) previous = it->second.blob;
  u.parts[part_number] = part;
  if (auto s = catalog_.SavePart(upload_id, part); !s.ok()) {
    if (previous) {
      u.parts[part_number].blob = previous;
    } else {
      u.parts.erase(part_number);
    }
    part.blob->Discard();
    return s.error();
  }
  if (previous) previous->Discard();
  return part;
}

StatusOr<protocol::ListPartsResult> Service::ListParts(const std::string& bucket,
                                                       const std::string& key,
                                                       const std::string& upload_id,
                                                       int part_number_marker,
                                                       int max_parts) const {
  protocol::MutexLock lock(mu_);
  auto upload = FindUpload(bucket, key, upload_id);
  if (!upload.ok()) return upload.error();
  const StoredUpload& u = **upload;
  protocol::ListPartsResult result;
  result.bucket = bucket;
  result.key = key;
  result.upload_id = upload_id;
  result.storage_class = u.meta.storage_class;
  result.part_number_marker = part_number_marker;
  result.max_parts = max_parts;
  for (auto it = u.parts.upper_bound(part_number_marker); it != u.parts.end(); ++it) {
    if (static_cast<int>(result.parts.size()) == max_parts) {
      result.is_truncated = true;
      break;
    }
    const StoredPart& p = it->second;
    result.parts.push_back(protocol::PartInfo{.part_number = p.number,
                                              .last_modified = p.last_modified,
                                              .etag = p.etag,
                                              .crc64 = p.crc64,
                                              .size = p.size});
  }
  result.next_part_number_marker = result.parts.empty() ? 0 : result.parts.back().part_number;
  return result;
}

StatusOr<ObjectPtr> Service::Complete(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::optional<std::vector<protocol::CompletePart>>& parts, bool forbid_overwrite,
    protocol::TimePoint now) {
  protocol::MutexLock lock(mu_);
  auto found = FindUpload(bucket, key, upload_id);
  if (!found.ok()) return found.error();
  StoredUpload& upload = **found;
  std::vector<const StoredPart*> chosen;
  if (!parts) {
    for (const auto& [n, part] : upload.parts) chosen.push_back(&part);
  } else {
    int previous = 0;
    for (const auto& listed : *parts) {
      if (listed.part_number <= previous) {
        return errors::Oss("InvalidPartOrder");
      }
      previous = listed.part_number;
      auto it = upload.parts.find(listed.part_number);
      if (it == upload.parts.end() ||
          protocol::NormalizeETag(listed.etag) != protocol::NormalizeETag(it->second.etag)) {
        auto e = errors::Oss("InvalidPart");
        e.details.emplace_back("UploadId", upload_id);
        e.details.emplace_back("PartNumber", std::to_string(listed.part_number));
        e.details.emplace_back("ETag", listed.etag);
        return e;
      }
      chosen.push_back(&it->second);
    }
  }
  if (chosen.empty()) return errors::MalformedXml();
  for (size_t i = 0; i + 1 < chosen.size(); ++i) {
    if (chosen[i]->size < protocol::limits::kMinPartSize) {
      auto e = errors::Oss("EntityTooSmall");
      e.details.emplace_back("PartNumber", std::to_string(chosen[i]->number));
      return e;
    }
  }
  auto* b = FindBucket(bucket);
  if (forbid_overwrite && b->objects.count(key)) {
    return errors::FileAlreadyExistsOnComplete();
  }
  auto object = std::make_shared<StoredObject>();
  object->bucket = bucket;
  object->key = key;
  object->type = "Multipart";
  object->last_modified = now;
  object->meta = upload.meta;
  std::vector<std::string> etags;
  std::set<int> kept;
  for (const auto* part : chosen) {
    object->segments.push_back(part->blob);
    etags.push_back(part->etag);
    object->crc64 = protocol::Crc64Combine(object->crc64, part->crc64, part->size);
    object->size += part->size;
    kept.insert(part->number);
  }
  object->etag = protocol::MultipartETag(etags);
  ObjectPtr result = object;
  if (auto s = InstallObject(*b, std::move(object)); !s.ok()) return s.error();
  catalog_.DeleteUpload(upload);
  for (auto& [n, part] : upload.parts) {
    if (!kept.count(n)) part.blob->Discard();
  }
  uploads_.erase(upload_id);
  return result;
}

void Service::DropUpload(const std::string& upload_id) {
  auto it = uploads_.find(upload_id);
  if (it == uploads_.end()) return;
  catalog_.DeleteUpload(*it->second);
  for (auto& [n, part] : it->second->parts) part.blob->Discard();
  uploads_.erase(it);
}

Status Service::Abort(const std::string& bucket, const std::string& key,
                      const std::string& upload_id) {
  protocol::MutexLock lock(mu_);
  auto found = FindUpload(bucket, key, upload_id);
  if (!found.ok()) {
    auto e = found.error();
    // AbortMultipartUpload's own EC for an unknown upload (docs/protocol.md, "EC values").
    if (e.code == "NoSuchUpload") e.ec = "0042-00000002";
    return e;
  }
  DropUpload(upload_id);
  return {};
}

// --- Control ------------------------------------------------------------------------------

std::vector<UploadSnapshot> Service::Uploads() const {
  protocol::MutexLock lock(mu_);
  std::vector<UploadSnapshot> out;
  for (const auto& [id, upload] : uploads_) {
    UploadSnapshot snapshot;
    snapshot.bucket = upload->bucket;
    snapshot.key = upload->key;
    snapshot.upload_id = id;
    snapshot.initiated = upload->initiated;
    for (const auto& [n, p] : upload->parts) {
      snapshot.parts.push_back(protocol::PartInfo{.part_number = p.number,
                                                  .last_modified = p.last_modified,
                                                  .etag = p.etag,
                                                  .crc64 = p.crc64,
                                                  .size = p.size});
    }
    out.push_back(std::move(snapshot));
  }
  return out;
}

bool Service::ExpireUpload(const std::string& upload_id) {
  protocol::MutexLock lock(mu_);
  if (!uploads_.count(upload_id)) return false;
  DropUpload(upload_id);
  return true;
}

}  // namespace ossup::fake
