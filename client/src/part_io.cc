#include "part_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client_error.h"
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

std::string PartDigest::ContentMd5() const {
  return has_md5() ? protocol::Base64Encode(md5) : std::string();
}

std::string PartDigest::ETag() const { return has_md5() ? protocol::ETagOf(md5) : std::string(); }

std::string PartDigest::Mismatch(const WriteResponse& answer, bool check_etag) const {
  if (has_crc64() && answer.crc64 && *answer.crc64 != crc64) {
    return "server CRC-64 " + protocol::Crc64ToString(*answer.crc64) + " != local " +
           protocol::Crc64ToString(crc64);
  }
  if (check_etag && has_md5() &&
      protocol::NormalizeETag(answer.etag) != protocol::NormalizeETag(ETag())) {
    return "server ETag " + answer.etag + " != local " + ETag();
  }
  return "";
}

PartDigest Fingerprint(std::span<const char> data, IntegrityMode mode) {
  const std::string_view bytes(data.data(), data.size());
  PartDigest digest;
  digest.mode = mode;
  switch (mode) {
    case IntegrityMode::kMd5AndCrc64: {
      const protocol::Md5AndCrc64 sums = protocol::Md5AndCrc64Of(bytes);
      digest.md5 = sums.md5;
      digest.crc64 = sums.crc64;
      break;
    }
    case IntegrityMode::kCrc64:
      digest.crc64 = protocol::Crc64(bytes);
      break;
    case IntegrityMode::kNone:
      break;
  }
  return digest;
}

protocol::StatusOr<WriteResponse> SendUntilVerified(
    const std::function<protocol::StatusOr<WriteResponse>(const CallContext&)>& send,
    const CallContext& ctx, const PartDigest& digest, bool check_etag, int resends,
    const std::string& where, int* attempts) {
  CallContext counted = ctx;
  counted.attempts = attempts;
  for (int sent = 0;; ++sent) {
    auto response = send(counted);
    if (!response.ok()) return response;
    const std::string mismatch = digest.Mismatch(*response, check_etag);
    if (mismatch.empty()) return response;
    if (sent >= resends) {
      protocol::Error e = ClientError(
          protocol::client_codes::kChecksumMismatch,
          where + mismatch + " (sent " + std::to_string(sent + 1) + " time(s) in this run)");
      e.request_id = response->request_id;
      return e;
    }
  }
}

}  // namespace ossup::client::internal
