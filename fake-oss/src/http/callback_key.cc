#include "http/callback_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/checksum.h"

namespace ossup::fake {
namespace {

constexpr int kPrimeBits = 512;  // two primes: a 1024-bit modulus
constexpr unsigned long kPublicExponent = 65537;

using BigNum = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
BigNum NewBigNum() { return BigNum(BN_new(), &BN_free); }

[[noreturn]] void Fail(const char* what) {
  throw std::runtime_error(std::string("fake-oss callback key: ") + what);
}

/// Deterministic bytes: SHA-256(label, seed, counter) blocks.
class ByteStream {
 public:
  ByteStream(uint64_t seed, std::string label) : seed_(seed), label_(std::move(label)) {}
  std::vector<uint8_t> Next(size_t count) {
    std::vector<uint8_t> out;
    while (out.size() < count) {
      const auto block = protocol::Sha256("fake-oss callback key/" + label_ + "/" +
                                          std::to_string(seed_) + "/" + std::to_string(counter_++));
      out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(count);
    return out;
  }

 private:
  uint64_t seed_;
  std::string label_;
  uint64_t counter_ = 0;
};

/// The first prime at or after a seeded odd kPrimeBits-bit start (top two bits set, so p*q has
/// exactly 2*kPrimeBits bits) with gcd(p - 1, e) = 1.
BigNum SeededPrime(ByteStream& stream, BN_CTX* ctx) {
  const std::vector<uint8_t> bytes = stream.Next(kPrimeBits / 8);
  BigNum candidate(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr), &BN_free);
  if (!candidate || !BN_set_bit(candidate.get(), kPrimeBits - 1) ||
      !BN_set_bit(candidate.get(), kPrimeBits - 2) || !BN_set_bit(candidate.get(), 0)) {
    Fail("cannot seed a prime candidate");
  }
  while (true) {
    // e is prime, so gcd(p - 1, e) = 1 unless e divides p - 1.
    const BN_ULONG residue = BN_mod_word(candidate.get(), kPublicExponent);
    if (residue != 1 && BN_check_prime(candidate.get(), ctx, nullptr) == 1) return candidate;
    if (!BN_add_word(candidate.get(), 2)) Fail("cannot step a prime candidate");
  }
}

EVP_PKEY* MakeKey(uint64_t seed) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), &BN_CTX_free);
  ByteStream p_stream(seed, "p");
  ByteStream q_stream(seed, "q");
  BigNum p = SeededPrime(p_stream, ctx.get());
  BigNum q = SeededPrime(q_stream, ctx.get());
  if (BN_cmp(p.get(), q.get()) == 0) Fail("p == q");

  BigNum n = NewBigNum(), e = NewBigNum(), d = NewBigNum(), p1 = NewBigNum(), q1 = NewBigNum(),
         phi = NewBigNum(), dp = NewBigNum(), dq = NewBigNum(), qinv = NewBigNum();
  const bool computed =
      BN_mul(n.get(), p.get(), q.get(), ctx.get()) && BN_set_word(e.get(), kPublicExponent) &&
      BN_sub(p1.get(), p.get(), BN_value_one()) && BN_sub(q1.get(), q.get(), BN_value_one()) &&
      BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()) &&
      BN_mod_inverse(d.get(), e.get(), phi.get(), ctx.get()) != nullptr &&
      BN_mod(dp.get(), d.get(), p1.get(), ctx.get()) &&
      BN_mod(dq.get(), d.get(), q1.get(), ctx.get()) &&
      BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get()) != nullptr;
  if (!computed) Fail("cannot compute the key parameters");

  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        &OSSL_PARAM_BLD_free);
  const bool pushed =
      build && OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) &&
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get());
  if (!pushed) Fail("cannot collect the key parameters");
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> key_ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !key_ctx || EVP_PKEY_fromdata_init(key_ctx.get()) != 1 ||
      EVP_PKEY_fromdata(key_ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    Fail("cannot build the key");
  }
  return key;
}

}  // namespace

EVP_PKEY* CallbackKey::Key() {
  std::call_once(made_, [this] { key_.reset(MakeKey(seed_)); });
  return key_.get();
}

std::string CallbackKey::PublicKeyPem() {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), Key()) != 1) Fail("cannot write the public key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string CallbackKey::SignBase64(std::string_view content) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_md5(), nullptr, Key()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(content.data()), content.size()) != 1) {
    Fail("cannot start a signature");
  }
  std::vector<uint8_t> signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size,
                     reinterpret_cast<const unsigned char*>(content.data()), content.size()) != 1) {
    Fail("cannot sign");
  }
  signature.resize(size);
  return protocol::Base64Encode(signature);
}

std::string CallbackKey::SignedContent(std::string_view path_and_query, std::string_view body) {
  const size_t question = path_and_query.find('?');
  // OSS's samples decode the path as a form value (PHP urldecode, Java URLDecoder): '+' is a
  // space there. An undecodable path is signed as sent.
  std::string path(path_and_query.substr(0, question));
  std::replace(path.begin(), path.end(), '+', ' ');
  std::string content = protocol::UriDecode(path).value_or(path);
  if (question != std::string_view::npos) content += path_and_query.substr(question);
  content += '\n';
  content += body;
  return content;
}

}  // namespace ossup::fake
