// Checksums OSS uses on the wire: CRC-64/XZ (`x-oss-hash-crc64ecma`), MD5 (`Content-MD5`,
// ETags) and the multipart ETag rule, plus the encodings they travel in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ossup::protocol {

// --- CRC64 (ECMA-182 polynomial, reflected, init and xorout all ones: CRC-64/XZ) ----------

/// CRC of `data` appended to a stream whose CRC so far is `crc` (0 for an empty stream):
/// Crc64Extend(Crc64(A), B) == Crc64(A ‖ B). Carry-less multiplication folding (PCLMULQDQ)
/// where the CPU has it, slicing-by-8 otherwise; thread-safe.
uint64_t Crc64Extend(uint64_t crc, const void* data, size_t size);
inline uint64_t Crc64(const void* data, size_t size) { return Crc64Extend(0, data, size); }
inline uint64_t Crc64(std::string_view s) { return Crc64Extend(0, s.data(), s.size()); }

/// CRC of A ‖ B from CRC(A), CRC(B) and len(B), without the data. O(log len_b).
uint64_t Crc64Combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

/// Decimal text as in `x-oss-hash-crc64ecma`; parse rejects anything but 1-20 digits in range.
std::string Crc64ToString(uint64_t crc);
std::optional<uint64_t> ParseCrc64(std::string_view text);

// --- MD5 and friends ----------------------------------------------------------------------

using Md5Digest = std::array<uint8_t, 16>;

/// Streaming MD5 (OpenSSL EVP). Not thread-safe; one per stream.
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void Update(const void* data, size_t size);
  /// REQUIRES: called once; the object is spent afterwards.
  Md5Digest Final();

 private:
  void* ctx_;  // EVP_MD_CTX
};

Md5Digest Md5Of(std::string_view data);

/// MD5 and CRC-64 of the same bytes, what an uploader computes for every part.
struct Md5AndCrc64 {
  Md5Digest md5{};
  uint64_t crc64 = 0;
};
/// One pass over `data` in cache-sized slices, so the bytes come from memory once.
Md5AndCrc64 Md5AndCrc64Of(std::string_view data);

std::string HexUpper(std::span<const uint8_t> bytes);
std::string HexLower(std::span<const uint8_t> bytes);
std::string Base64Encode(std::span<const uint8_t> bytes);
inline std::string Base64Encode(std::string_view s) {
  return Base64Encode({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}
/// nullopt on malformed input (bad alphabet or padding).
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);

std::array<uint8_t, 20> HmacSha1(std::string_view key, std::string_view data);
std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view data);
std::array<uint8_t, 32> Sha256(std::string_view data);

// --- ETags --------------------------------------------------------------------------------

/// `"<UPPER-HEX MD5>"`, quotes included, as OSS returns for a simple object or a part.
std::string ETagOf(const Md5Digest& md5);

/// The ETag with surrounding quotes (and `&quot;`/`&#34;` left over from XML) removed and
/// hex upper-cased, for comparisons.
std::string NormalizeETag(std::string_view etag);

/// OSS's multipart ETag: `"` + UPPERHEX(MD5(concatenation of each part's 32-char upper-hex
/// ETag text, in part order)) + `-<count>"`. Not S3's rule (docs/protocol.md, "Multipart ETag").
/// `part_etags` may be quoted or not.
std::string MultipartETag(const std::vector<std::string>& part_etags);

}  // namespace ossup::protocol
