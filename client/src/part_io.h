// Reading parts from the local file, fingerprinting them as the upload's IntegrityMode asks,
// and sending a part until its answer matches what was sent.
//
// Thread-safety: free functions on caller-owned buffers; pread() makes concurrent reads of
// one descriptor safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "oss_stub.h"
#include "ossup/client/upload_request.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// Reads exactly `size` bytes at `offset` into `buffer` (resized to `size`). A short read
/// (the file shrank) or an I/O error is an IoError: a part is never sent short.
protocol::Status ReadExactly(int fd, uint64_t offset, uint64_t size, std::vector<char>& buffer);

/// What one IntegrityMode computed of a part: MD5 and CRC-64 (kMd5AndCrc64), the CRC-64
/// alone (kCrc64), nothing (kNone).
struct PartDigest {
  IntegrityMode mode = IntegrityMode::kCrc64;
  protocol::Md5Digest md5{};  // kMd5AndCrc64 only
  uint64_t crc64 = 0;         // 0 under kNone

  bool has_md5() const { return mode == IntegrityMode::kMd5AndCrc64; }
  bool has_crc64() const { return mode != IntegrityMode::kNone; }
  /// base64 MD5 for the Content-MD5 header; "" (no header) without MD5.
  std::string ContentMd5() const;
  /// `"UPPER-HEX MD5"`; "" without MD5.
  std::string ETag() const;
  /// Why `answer` does not describe these bytes: its x-oss-hash-crc64ecma differs from the
  /// CRC-64, or (`check_etag`, with MD5) its ETag from the MD5. "" when it matches, and for
  /// what the mode does not compute (an answer without the CRC-64 header is not compared).
  std::string Mismatch(const WriteResponse& answer, bool check_etag) const;
};

/// Fingerprints `data` in one pass over memory, computing what `mode` needs.
PartDigest Fingerprint(std::span<const char> data, IntegrityMode mode);

/// Calls `send` (one request with its own retries) until the answer matches `digest`
/// (PartDigest::Mismatch), at most 1 + `resends` times. Returns the matching answer, the
/// request's own error, or ChecksumMismatch ("<where>server CRC-64 ... != local ...", with the
/// last answer's request id) once the re-sends are spent. `*attempts` (not null) counts
/// every attempt of every send.
protocol::StatusOr<WriteResponse> SendUntilVerified(
    const std::function<protocol::StatusOr<WriteResponse>(const CallContext&)>& send,
    const CallContext& ctx, const PartDigest& digest, bool check_etag, int resends,
    const std::string& where, int* attempts);

}  // namespace ossup::client::internal
