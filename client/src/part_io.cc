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
  const protocol::Md5AndCrc64 sums =
      protocol::Md5AndCrc64Of(std::string_view(data.data(), data.size()));
  return PartDigest{sums.md5, sums.crc64};
}

}  // namespace ossup::client::internal
