// Reading parts from the local file and fingerprinting them.
//
// Thread-safety: free functions on caller-owned buffers; pread() makes concurrent reads of
// one descriptor safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// Reads exactly `size` bytes at `offset` into `buffer` (resized to `size`). A short read
/// (the file shrank) or an I/O error is an IoError: a part is never sent short.
protocol::Status ReadExactly(int fd, uint64_t offset, uint64_t size, std::vector<char>& buffer);

struct PartDigest {
  protocol::Md5Digest md5{};
  uint64_t crc64 = 0;
  std::string ContentMd5() const;  // base64
  std::string ETag() const;        // "UPPER-HEX", quoted
};

/// MD5 and CRC-64 of `data` in one pass over memory.
PartDigest Fingerprint(std::span<const char> data);

}  // namespace ossup::client::internal
