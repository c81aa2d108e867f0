#include "ossup/protocol/checksum.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <bit>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <cstring>
#include <stdexcept>

namespace ossup::protocol {
namespace {

// --- CRC-64/XZ ------------------------------------------------------------------------------

constexpr uint64_t kCrc64ReflectedPoly = 0xC96C5795D7870F42ull;

using Crc64Tables = std::array<std::array<uint64_t, 256>, 8>;

// tables[0] is the classic reflected byte table; tables[k][i] is the CRC contribution of byte
// value i followed by k zero bytes, which lets the main loop consume 8 bytes per step.
constexpr Crc64Tables MakeCrc64Tables() {
  Crc64Tables tables{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ kCrc64ReflectedPoly : crc >> 1;
    }
    tables[0][i] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t i = 0; i < 256; ++i) {
      const uint64_t prev = tables[k - 1][i];
      tables[k][i] = (prev >> 8) ^ tables[0][prev & 0xFF];
    }
  }
  return tables;
}

constexpr Crc64Tables kCrc64Tables = MakeCrc64Tables();

uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t value = 0;
  std::memcpy(&value, p, sizeof value);
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  return value;
}

// The CRC register (the CRC without its final inversion) after `size` more bytes.
uint64_t Crc64RegisterTables(uint64_t reg, const uint8_t* p, size_t size) {
  const auto& t = kCrc64Tables;
  while (size >= 8) {
    reg ^= LoadLittleEndian64(p);
    reg = t[7][reg & 0xFF] ^ t[6][(reg >> 8) & 0xFF] ^ t[5][(reg >> 16) & 0xFF] ^
          t[4][(reg >> 24) & 0xFF] ^ t[3][(reg >> 32) & 0xFF] ^ t[2][(reg >> 40) & 0xFF] ^
          t[1][(reg >> 48) & 0xFF] ^ t[0][reg >> 56];
    p += 8;
    size -= 8;
  }
  while (size-- > 0) reg = t[0][(reg ^ *p++) & 0xFF] ^ (reg >> 8);
  return reg;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define OSSUP_CRC64_CLMUL 1

// Carry-less multiplication folding (Intel, "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ", 2009), for the reflected bit order. A 64-bit value v stands for the
// polynomial with the coefficient of x^(63-i) in bit i; a 128-bit block loaded little-endian
// for the one with x^(127-k) in bit k, so its low half holds the high-degree terms. With that
// reading, the 128-bit carry-less product of a and b stands for x * A * B.
//
// Folding a block X = Lo * x^64 + Hi forward over d bits (X * x^d mod P, in 128 bits):
//   clmul(Lo, x^(d+63) mod P) ^ clmul(Hi, x^(d-1) mod P).
// Every fold keeps "the polynomial of the bytes so far" congruent modulo P, and the CRC
// register of a message M is M * x^64 mod P: the register for the last block is the
// table-driven CRC (from register 0) of the block's 16 bytes.

constexpr size_t kClmulMinBytes = 128;

// x^n mod P in the reflected representation (x^0 is bit 63).
constexpr uint64_t XPowModP(int n) {
  uint64_t v = uint64_t{1} << 63;
  for (int i = 0; i < n; ++i) v = (v & 1) ? (v >> 1) ^ kCrc64ReflectedPoly : v >> 1;
  return v;
}

struct FoldConstants {
  uint64_t lo;  // x^(d+63) mod P
  uint64_t hi;  // x^(d-1) mod P
};

constexpr FoldConstants FoldOver(int bits) { return {XPowModP(bits + 63), XPowModP(bits - 1)}; }

constexpr FoldConstants kFold512 = FoldOver(512);
constexpr FoldConstants kFold384 = FoldOver(384);
constexpr FoldConstants kFold256 = FoldOver(256);
constexpr FoldConstants kFold128 = FoldOver(128);

__attribute__((target("pclmul"))) inline __m128i Fold(__m128i x, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul"))) inline __m128i Constants(const FoldConstants& c) {
  return _mm_set_epi64x(static_cast<long long>(c.hi), static_cast<long long>(c.lo));
}

__attribute__((target("pclmul"))) inline __m128i Load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// REQUIRES: size >= kClmulMinBytes (at least 64 bytes for the four lanes).
__attribute__((target("pclmul"))) uint64_t Crc64RegisterClmul(uint64_t reg, const uint8_t* p,
                                                              size_t size) {
  // The register enters as a XOR over the first 8 bytes, as in the table loop.
  __m128i x0 = _mm_xor_si128(Load(p), _mm_cvtsi64_si128(static_cast<long long>(reg)));
  __m128i x1 = Load(p + 16);
  __m128i x2 = Load(p + 32);
  __m128i x3 = Load(p + 48);
  p += 64;
  size -= 64;
  const __m128i k512 = Constants(kFold512);
  while (size >= 64) {
    x0 = _mm_xor_si128(Fold(x0, k512), Load(p));
    x1 = _mm_xor_si128(Fold(x1, k512), Load(p + 16));
    x2 = _mm_xor_si128(Fold(x2, k512), Load(p + 32));
    x3 = _mm_xor_si128(Fold(x3, k512), Load(p + 48));
    p += 64;
    size -= 64;
  }
  __m128i x =
      _mm_xor_si128(_mm_xor_si128(Fold(x0, Constants(kFold384)), Fold(x1, Constants(kFold256))),
                    _mm_xor_si128(Fold(x2, Constants(kFold128)), x3));
  const __m128i k128 = Constants(kFold128);
  while (size >= 16) {
    x = _mm_xor_si128(Fold(x, k128), Load(p));
    p += 16;
    size -= 16;
  }
  alignas(16) uint8_t last[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(last), x);
  return Crc64RegisterTables(Crc64RegisterTables(0, last, sizeof last), p, size);
}
#else
#define OSSUP_CRC64_CLMUL 0
#endif

// CRC combination works on GF(2) operators: a 64x64 bit matrix, stored as its 64 columns, that
// maps the CRC register before a run of zero bits to the register after it (zlib's method).
using GfMatrix = std::array<uint64_t, 64>;

constexpr uint64_t GfTimes(const GfMatrix& matrix, uint64_t vector) {
  uint64_t sum = 0;
  for (int i = 0; vector != 0; ++i, vector >>= 1) {
    if (vector & 1) sum ^= matrix[i];
  }
  return sum;
}

constexpr GfMatrix GfSquare(const GfMatrix& matrix) {
  GfMatrix square{};
  for (size_t n = 0; n < 64; ++n) square[n] = GfTimes(matrix, matrix[n]);
  return square;
}

// ZeroBytesOperators()[k] appends 2^k zero bytes. Squaring the one-zero-bit operator three times
// gives the one-zero-byte operator; each further squaring doubles the run.
using GfOperators = std::array<GfMatrix, 64>;

constexpr GfOperators MakeZeroBytesOperators() {
  GfMatrix one_bit{};
  one_bit[0] = kCrc64ReflectedPoly;
  for (size_t n = 1; n < 64; ++n) one_bit[n] = uint64_t{1} << (n - 1);
  GfOperators operators{};
  operators[0] = GfSquare(GfSquare(GfSquare(one_bit)));
  for (size_t k = 1; k < 64; ++k) operators[k] = GfSquare(operators[k - 1]);
  return operators;
}

// Built once, on first use: as a constexpr it exceeds clang's default constant-evaluation step
// limit (about 17M GF(2) steps), and it is 32 KiB of data that only Crc64Combine needs.
const GfOperators& ZeroBytesOperators() {
  static const GfOperators operators = MakeZeroBytesOperators();
  return operators;
}

// --- Hex ------------------------------------------------------------------------------------

std::string Hex(std::span<const uint8_t> bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

// --- Base64 ---------------------------------------------------------------------------------

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string_view StripSurrounding(std::string_view text, std::string_view token) {
  while (text.size() >= token.size() && text.substr(0, token.size()) == token) {
    text.remove_prefix(token.size());
  }
  while (text.size() >= token.size() && text.substr(text.size() - token.size()) == token) {
    text.remove_suffix(token.size());
  }
  return text;
}

}  // namespace

uint64_t Crc64Extend(uint64_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
#if OSSUP_CRC64_CLMUL
  static const bool clmul = __builtin_cpu_supports("pclmul");
  if (clmul && size >= kClmulMinBytes) return ~Crc64RegisterClmul(~crc, p, size);
#endif
  return ~Crc64RegisterTables(~crc, p, size);
}

uint64_t Crc64Combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b) {
  // CRC(A ‖ B) = CRC(A ‖ zeros(len_b)) ^ CRC(B): the init/xorout terms cancel. Appending
  // len_b zero bytes applies the precomputed operator of every set bit of len_b.
  for (size_t k = 0; len_b != 0; ++k, len_b >>= 1) {
    if (len_b & 1) crc_a = GfTimes(ZeroBytesOperators()[k], crc_a);
  }
  return crc_a ^ crc_b;
}

std::string Crc64ToString(uint64_t crc) { return std::to_string(crc); }

std::optional<uint64_t> ParseCrc64(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// --- MD5 ------------------------------------------------------------------------------------

Md5::Md5() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_md5(), nullptr) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    throw std::runtime_error("MD5 is unavailable in this OpenSSL");
  }
}

Md5::~Md5() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Md5::Update(const void* data, size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size);
}

Md5Digest Md5::Final() {
  Md5Digest digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest.data(), &length);
  return digest;
}

Md5Digest Md5Of(std::string_view data) {
  Md5 md5;
  md5.Update(data.data(), data.size());
  return md5.Final();
}

Md5AndCrc64 Md5AndCrc64Of(std::string_view data) {
  constexpr size_t kSliceBytes = 64 * 1024;
  Md5AndCrc64 out;
  Md5 md5;
  for (size_t offset = 0; offset < data.size(); offset += kSliceBytes) {
    const size_t n = std::min(kSliceBytes, data.size() - offset);
    md5.Update(data.data() + offset, n);
    out.crc64 = Crc64Extend(out.crc64, data.data() + offset, n);
  }
  out.md5 = md5.Final();
  return out;
}

std::string HexUpper(std::span<const uint8_t> bytes) { return Hex(bytes, "0123456789ABCDEF"); }
std::string HexLower(std::span<const uint8_t> bytes) { return Hex(bytes, "0123456789abcdef"); }

std::string Base64Encode(std::span<const uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') {
    ++padding;
    if (text[text.size() - 2] == '=') ++padding;
  }
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const size_t data_chars = last ? 4 - padding : 4;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      int value = 0;
      if (j < data_chars) {
        value = Base64Value(text[i + j]);
        if (value < 0) return std::nullopt;
      } else if (text[i + j] != '=') {
        return std::nullopt;
      }
      group = (group << 6) | static_cast<uint32_t>(value);
    }
    out.push_back(static_cast<uint8_t>(group >> 16));
    if (data_chars > 2) out.push_back(static_cast<uint8_t>(group >> 8));
    if (data_chars > 3) out.push_back(static_cast<uint8_t>(group));
    // Canonical encodings leave the bits below the last data character zero.
    if ((data_chars == 2 && (group & 0xFFFF) != 0) || (data_chars == 3 && (group & 0xFF) != 0)) {
      return std::nullopt;
    }
  }
  return out;
}

std::array<uint8_t, 20> HmacSha1(std::string_view key, std::string_view data) {
  std::array<uint8_t, 20> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &length);
  return mac;
}

std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view data) {
  std::array<uint8_t, 32> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &length);
  return mac;
}

std::array<uint8_t, 32> Sha256(std::string_view data) {
  std::array<uint8_t, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

// --- ETags ----------------------------------------------------------------------------------

std::string ETagOf(const Md5Digest& md5) { return "\"" + HexUpper(md5) + "\""; }

std::string NormalizeETag(std::string_view etag) {
  std::string_view core = etag;
  size_t before = 0;
  do {
    before = core.size();
    while (!core.empty() && (core.front() == ' ' || core.front() == '\t')) core.remove_prefix(1);
    while (!core.empty() && (core.back() == ' ' || core.back() == '\t')) core.remove_suffix(1);
    core = StripSurrounding(core, "&quot;");
    core = StripSurrounding(core, "&#34;");
    core = StripSurrounding(core, "\"");
  } while (core.size() != before);
  std::string out(core);
  for (char& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string MultipartETag(const std::vector<std::string>& part_etags) {
  Md5 md5;
  for (const std::string& etag : part_etags) {
    const std::string text = NormalizeETag(etag);
    md5.Update(text.data(), text.size());
  }
  return "\"" + HexUpper(md5.Final()) + "-" + std::to_string(part_etags.size()) + "\"";
}

}  // namespace ossup::protocol
