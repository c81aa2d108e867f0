// Seeded identifiers: request ids (24 upper-hex), upload ids (32 upper-hex) and STS secrets.
// The n-th id of each kind is a pure function of (seed, kind, n), so the same seed and the
// same request sequence give the same ids. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace ossup::fake {

class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed) : seed_(seed) {}

  std::string NextRequestId() { return Hex(kRequest, request_counter_++, 24); }
  std::string NextUploadId() { return Hex(kUpload, upload_counter_++, 32); }
  /// `length` upper-hex characters for STS ids, secrets and tokens.
  std::string NextSecret(size_t length) { return Hex(kSecret, secret_counter_++, length); }

  uint64_t upload_counter() const { return upload_counter_; }
  /// Restores the upload sequence after a restart, so ids are never reused.
  void set_upload_counter(uint64_t n) { upload_counter_ = n; }
  /// Restarts every sequence from the seed.
  void Reset();

 private:
  enum Kind : uint64_t { kRequest = 1, kUpload = 2, kSecret = 3 };
  std::string Hex(uint64_t kind, uint64_t n, size_t length) const;

  uint64_t seed_;
  std::atomic<uint64_t> request_counter_{0};
  std::atomic<uint64_t> upload_counter_{0};
  std::atomic<uint64_t> secret_counter_{0};
};

}  // namespace ossup::fake
