// The RSA key fake-oss signs upload callbacks with (docs/protocol.md, "Upload callbacks"). OSS
// signs each callback POST: `authorization: base64(RSA-MD5 signature)` and `x-oss-pub-key-url:
// base64(URL of the PEM public key)`, over `url_decode(path) [+ "?" + query] + "\n" + body`. Real
// OSS serves its key from gosspublic.alicdn.com; the fake serves its own at GET
// /_fake/callback-public-key.
//
// The key is a 1024-bit RSA key derived from the server's seed, so the same seed always gives
// the same key (and signatures). It is made on first use (tens of milliseconds), never at
// start. It is a test key: derived by a public rule, it protects nothing. Thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace ossup::fake {

class CallbackKey {
 public:
  explicit CallbackKey(uint64_t seed) : seed_(seed) {}

  /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`, X.509 SubjectPublicKeyInfo), the form
  /// OSS's callback-verification samples load (PHP openssl_verify, Java X509EncodedKeySpec).
  std::string PublicKeyPem();
  /// base64 of the PKCS#1 v1.5 RSA signature of MD5(`content`): the `authorization` header.
  std::string SignBase64(std::string_view content);

  /// What OSS signs for a callback to `path_and_query` (as sent, still percent-encoded) with
  /// `body`: the percent-decoded path, then "?" and the raw query when there is one, "\n", body.
  static std::string SignedContent(std::string_view path_and_query, std::string_view body);

 private:
  EVP_PKEY* Key();

  uint64_t seed_;
  std::once_flag made_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, &EVP_PKEY_free};
};

}  // namespace ossup::fake
