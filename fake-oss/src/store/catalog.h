// Catalog: the durable copy of the fake's metadata in disk mode (memory mode: every call is
// a no-op and Load() returns nothing).
//
// Layout under the data dir: meta/buckets/<bucket>.json, meta/objects/<sha256 of
// bucket+key>.json, meta/uploads/<upload id>.json (the per-upload manifest),
// meta/parts/<upload id>.<part number>.json (one record per part), meta/ids.json. Each file is
// replaced atomically (temp file, fsync, rename, fsync dir), so a crash leaves either the old or
// the new version. No name is derived from an object key.
//
// Load() rebuilds the model, drops uploads whose parts an object already owns (a crash in
// the middle of Complete), drops part records without a manifest, and (at start) deletes
// blob files nothing references.
// Not thread-safe: the Service calls it under its lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "ossup/protocol/status.h"
#include "store/blob.h"
#include "store/model.h"

namespace ossup::fake {

class Catalog {
 public:
  Catalog(std::string data_dir, const BlobStore& blobs);
  bool on_disk() const { return !data_dir_.empty(); }

  /// Creates the directories. Errors: InternalError.
  protocol::Status Prepare() const;

  protocol::Status SaveBucket(const StoredBucket& bucket) const;  // not its objects
  protocol::Status DeleteBucket(const std::string& name) const;
  protocol::Status SaveObject(const StoredObject& object) const;
  protocol::Status DeleteObject(const std::string& bucket, const std::string& key) const;
  /// The upload's manifest, without its parts.
  protocol::Status SaveUpload(const StoredUpload& upload) const;
  /// One part record (replacing an earlier one with the same number): O(1) per part, so a
  /// 10000-part upload does not rewrite a growing manifest.
  protocol::Status SavePart(const std::string& upload_id, const StoredPart& part) const;
  /// Removes the manifest, then the part records.
  protocol::Status DeleteUpload(const StoredUpload& upload) const;
  protocol::Status SaveUploadCounter(uint64_t counter) const;
  /// Removes every metadata file and every blob file no live Blob names (Reset).
  protocol::Status Wipe() const;

  struct Contents {
    std::map<std::string, StoredBucket> buckets;
    std::map<std::string, std::shared_ptr<StoredUpload>> uploads;
    uint64_t upload_counter = 0;
  };
  /// `collect_garbage`: also delete unreferenced blob files (only safe while no request is
  /// writing, i.e. at start).
  protocol::StatusOr<Contents> Load(bool collect_garbage) const;

 private:
  protocol::Status WriteAtomically(const std::string& path, const std::string& text) const;
  std::string ObjectPath(const std::string& bucket, const std::string& key) const;
  std::string PartPath(const std::string& upload_id, int number) const;

  std::string data_dir_;
  const BlobStore& blobs_;
};

}  // namespace ossup::fake
