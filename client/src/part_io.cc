#include "part_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ossup/protocol/errors.h"

namespace ossup::client::internal {

protocol::Status ReadExactly(int fd, uint64_t offset, uint64_t size, std::vector<char>& buffer) {
  buffer.resize(size);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buffer.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      protocol::Error e;
      e.code = std::string(protocol::client_codes::kIoError);
      e.message = n == 0
                      ? "short read: the file ended " + std::to_string(done) + " bytes into a " +
                            std::to_string(size) + "-byte part at offset " + std::to_string(offset)
                      : std::string("cannot read the file: ") + std::strerror(errno);
      return e;
    }
    done += static_cast<uint64_t>(n);
  }
  return protocol::Status();
}

std::string PartDigest::ContentMd5() const { return protocol::Base64Encode(md5); }
std::string PartDigest::ETag() const { return protocol::ETagOf(md5); }

PartDigest Fingerprint(std::span<const char> data) {
  PartDigest digest;
  protocol::Md5 md5;
  // Interleave in cache-sized slices so the data is read from memory once.
  constexpr size_t kSliceBytes = 64 * 1024;
  for (size_t offset = 0; offset < data.size(); offset += kSliceBytes) {
    size_t n = std::min(kSliceBytes, data.size() - offset);
    md5.Update(data.data() + offset, n);
    digest.crc64 = protocol::Crc64Extend(digest.crc64, data.data() + offset, n);
  }
  digest.md5 = md5.Final();
  return digest;
}

}  // namespace ossup::client::internal
