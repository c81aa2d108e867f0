// Service: OSS semantics over the data model, with no HTTP in sight. The HTTP layer parses
// a request, streams its body into a BlobWriter, and calls one method here; every method
// returns the OSS error a real server would (without RequestId/HostId, which the HTTP layer
// fills in).
//
// Thread-safe: one mutex guards the model; bodies are streamed outside it. In disk mode
// every change is written through the Catalog before it becomes visible to other requests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/status.h"
#include "ossup/protocol/xml.h"
#include "service/ids.h"
#include "store/blob.h"
#include "store/catalog.h"
#include "store/model.h"

namespace ossup::fake {

struct ListObjectsQuery {
  std::string prefix;
  std::string marker;
  std::string delimiter;
  int max_keys = 100;
};

struct ListUploadsQuery {
  std::string prefix;
  std::string key_marker;
  std::string upload_id_marker;
  std::string delimiter;
  int max_uploads = 1000;
};

class Service {
 public:
  /// `data_dir` empty = memory. `initial_buckets` are created on Open() and after Reset().
  Service(std::string data_dir, std::vector<std::string> initial_buckets, IdGenerator& ids);

  /// Loads the data dir and creates the initial buckets. Errors: InternalError.
  protocol::Status Open(protocol::TimePoint now);
  /// Deletes everything (on disk too) and re-creates the initial buckets.
  void Reset(protocol::TimePoint now);
  /// Drops the in-memory model and reloads it from disk (no-op in memory mode).
  protocol::Status Reload();
  BlobStore& blobs() { return blobs_; }

  // --- Buckets -------------------------------------------------------------------------------
  /// Creates the bucket with `acl` and `storage_class` (the default for its objects, one of
  /// kStorageClasses); an existing bucket is left as it is (OK).
  protocol::Status PutBucket(const std::string& bucket, protocol::TimePoint now,
                             protocol::CannedAcl acl = protocol::CannedAcl::kPrivate,
                             const std::string& storage_class = StoredBucket{}.storage_class);
  /// The class objects written without x-oss-storage-class get. NoSuchBucket.
  protocol::StatusOr<std::string> BucketStorageClass(const std::string& bucket) const;
  /// REQUIRES: `acl` is not kDefault. NoSuchBucket.
  protocol::Status PutBucketAcl(const std::string& bucket, protocol::CannedAcl acl);
  protocol::StatusOr<protocol::CannedAcl> GetBucketAcl(const std::string& bucket) const;
  /// BucketNotEmpty while it holds objects or uploads.
  protocol::Status DeleteBucket(const std::string& bucket);
  std::vector<protocol::BucketInfo> ListBuckets() const;
  protocol::StatusOr<protocol::ListObjectsResult> ListObjects(const std::string& bucket,
                                                              const ListObjectsQuery& q) const;
  protocol::StatusOr<protocol::ListMultipartUploadsResult> ListUploads(
      const std::string& bucket, const ListUploadsQuery& q) const;
  protocol::Status PutLifecycle(const std::string& bucket, protocol::LifecycleConfiguration c,
                                protocol::TimePoint now);
  /// NoSuchLifecycle when none is set.
  protocol::StatusOr<protocol::LifecycleConfiguration> GetLifecycle(
      const std::string& bucket) const;
  protocol::Status DeleteLifecycle(const std::string& bucket);
  /// Aborts uploads and deletes objects whose lifecycle rules have come due at `now`.
  void ApplyLifecycle(protocol::TimePoint now);

  // --- Objects -------------------------------------------------------------------------------
  /// NoSuchBucket unless `bucket` exists.
  protocol::Status CheckBucket(const std::string& bucket) const;
  /// The checks PutObject makes before the body arrives (bucket, forbid-overwrite).
  protocol::Status CheckPutObject(const std::string& bucket, const std::string& key,
                                  bool forbid_overwrite) const;
  protocol::StatusOr<ObjectPtr> PutObject(const std::string& bucket, const std::string& key,
                                          ObjectMeta meta, BlobWriter::Result body,
                                          bool forbid_overwrite, protocol::TimePoint now);
  protocol::StatusOr<ObjectPtr> GetObject(const std::string& bucket, const std::string& key) const;
  /// The checks AppendObject makes before the body arrives. Errors, in order: NoSuchBucket;
  /// 409 ObjectNotAppendable when the key holds an object of another type; 409
  /// PositionNotEqualToLength, with `next_position` set to the current length (0 when the key
  /// is free), unless `position` equals it.
  protocol::Status CheckAppend(const std::string& bucket, const std::string& key, uint64_t position,
                               uint64_t& next_position) const;
  /// Appends `body` at `position`: creates an Appendable object with `meta` when the key is
  /// free, else keeps the stored object's metadata (but its ACL becomes `meta.acl` when
  /// `replace_acl`) and adds a segment. CRC64 runs over the
  /// whole object; the ETag changes with every append. The errors of CheckAppend (checked again
  /// here), then 400 EntityTooLarge when the object would pass limits::kMaxAppendObjectSize;
  /// InternalError. On error `body` is discarded.
  protocol::StatusOr<ObjectPtr> AppendObject(const std::string& bucket, const std::string& key,
                                             uint64_t position, ObjectMeta meta, bool replace_acl,
                                             BlobWriter::Result body, protocol::TimePoint now,
                                             uint64_t& next_position);
  /// Stores a Symlink object pointing at `target` (a key of the same bucket, which need not
  /// exist). NoSuchBucket; FileAlreadyExists with `forbid_overwrite`; InternalError.
  protocol::StatusOr<ObjectPtr> PutSymlink(const std::string& bucket, const std::string& key,
                                           const std::string& target, ObjectMeta meta,
                                           bool forbid_overwrite, protocol::TimePoint now);
  /// OK whether or not the key exists; NoSuchBucket when the bucket does not.
  protocol::Status DeleteObject(const std::string& bucket, const std::string& key);
  /// Applies `change` to a copy of the object's metadata and installs it (ACL and tag updates);
  /// the bytes and Last-Modified stay. NoSuchBucket, NoSuchKey.
  protocol::Status UpdateObjectMeta(const std::string& bucket, const std::string& key,
                                    const std::function<void(ObjectMeta&)>& change);
  /// Stores a copy of `source` as bucket/key with `meta`: the same bytes, size, ETag, CRC64
  /// and type. Memory mode shares the source's (immutable) blobs; disk mode copies the bytes
  /// into a new blob, since a disk blob's file belongs to one object or part and Discard
  /// unlinks it. NoSuchBucket; FileAlreadyExists with `forbid_overwrite`; InternalError.
  protocol::StatusOr<ObjectPtr> CopyObject(const ObjectPtr& source, const std::string& bucket,
                                           const std::string& key, ObjectMeta meta,
                                           bool forbid_overwrite, protocol::TimePoint now);
  /// Bytes [first, first+length) of `object` as a new blob (MD5 and CRC64 of those bytes).
  /// InternalError when the data cannot be read or written.
  protocol::StatusOr<BlobWriter::Result> CopyRange(const StoredObject& object, uint64_t first,
                                                   uint64_t length) const;

  // --- Multipart -----------------------------------------------------------------------------
  /// `sequential`: the upload was initiated with `?sequential` (see UploadPart).
  protocol::StatusOr<std::string> InitiateUpload(const std::string& bucket, const std::string& key,
                                                 ObjectMeta meta, bool sequential,
                                                 protocol::TimePoint now);
  /// NoSuchBucket / NoSuchUpload.
  protocol::Status CheckUpload(const std::string& bucket, const std::string& key,
                               const std::string& upload_id) const;
  /// Stores (or replaces) a part. NoSuchUpload when the upload vanished meanwhile;
  /// PartAlreadyExist (409, with the stored part's PartEtag) when a sequential upload already
  /// has this part number. A refused body is discarded.
  protocol::StatusOr<StoredPart> UploadPart(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id, int part_number,
                                            BlobWriter::Result body, uint64_t size,
                                            protocol::TimePoint now);
  protocol::StatusOr<protocol::ListPartsResult> ListParts(const std::string& bucket,
                                                          const std::string& key,
                                                          const std::string& upload_id,
                                                          int part_number_marker,
                                                          int max_parts) const;
  /// `parts` nullopt = every uploaded part (x-oss-complete-all). Checks InvalidPartOrder,
  /// InvalidPart, EntityTooSmall, FileAlreadyExists; unlisted parts are discarded.
  protocol::StatusOr<ObjectPtr> Complete(
      const std::string& bucket, const std::string& key, const std::string& upload_id,
      const std::optional<std::vector<protocol::CompletePart>>& parts, bool forbid_overwrite,
      protocol::TimePoint now);
  protocol::Status Abort(const std::string& bucket, const std::string& key,
                         const std::string& upload_id);

  // --- Control -------------------------------------------------------------------------------
  std::vector<UploadSnapshot> Uploads() const;
  bool ExpireUpload(const std::string& upload_id);
  /// True while `upload_id` is in progress.
  bool UploadExists(const std::string& upload_id) const;

 private:
  StoredBucket* FindBucket(const std::string& bucket) OSSUP_REQUIRES(mu_);
  const StoredBucket* FindBucket(const std::string& bucket) const OSSUP_REQUIRES(mu_);
  protocol::StatusOr<StoredUpload*> FindUpload(const std::string& bucket, const std::string& key,
                                               const std::string& upload_id) const
      OSSUP_REQUIRES(mu_);
  /// Removes an upload and discards its parts' data.
  void DropUpload(const std::string& upload_id) OSSUP_REQUIRES(mu_);
  /// Replaces (or inserts) an object and discards the old one's data (except the segments the
  /// new one shares).
  protocol::Status InstallObject(StoredBucket& bucket, std::shared_ptr<StoredObject> object)
      OSSUP_REQUIRES(mu_);
  void CreateInitialBuckets(protocol::TimePoint now) OSSUP_REQUIRES(mu_);

  const std::vector<std::string> initial_buckets_;
  IdGenerator& ids_;
  BlobStore blobs_;
  Catalog catalog_;

  mutable protocol::Mutex mu_;
  std::map<std::string, StoredBucket> buckets_ OSSUP_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<StoredUpload>> uploads_ OSSUP_GUARDED_BY(mu_);
  bool any_lifecycle_ OSSUP_GUARDED_BY(mu_) = false;
};

}  // namespace ossup::fake
