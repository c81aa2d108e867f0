#include "tls/certificate.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "service/errors.h"

namespace ossup::fake {
namespace {

constexpr long kValidFromSeconds = -3600;  // tolerate clients whose clock runs a little behind
constexpr long kValidForSeconds = 10L * 365 * 24 * 3600;

using Cert = std::unique_ptr<X509, X509Deleter>;
using Key = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

bool IsIpLiteral(const std::string& name) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

// A certificate for `key` named `common_name`, with `extensions` (nid, value), signed by
// `issuer_key` on behalf of `issuer` (nullptr: self-signed).
Cert MakeCert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
              const std::vector<std::pair<int, std::string>>& extensions) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return nullptr;
  serial_bytes[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  const bool serial_ok =
      serial != nullptr && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  if (!serial_ok || X509_set_version(cert.get(), 2) != 1) return nullptr;
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), kValidFromSeconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidForSeconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return nullptr;
  }
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return nullptr;
  }
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(cert.get(), signer, nid, value)) return nullptr;
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return nullptr;
  return cert;
}

}  // namespace

protocol::StatusOr<GeneratedTls> GenerateTls(const std::vector<std::string>& names) {
  auto fail = [](const std::string& step) {
    return errors::Internal("cannot generate the TLS certificate: " + step);
  };
  Key ca_key(EVP_EC_gen("P-256"));
  Key server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return fail("EC key generation failed");

  Cert ca = MakeCert(ca_key.get(), "fake-oss test CA", nullptr, ca_key.get(),
                     {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}});
  if (!ca) return fail("signing the CA certificate failed");

  std::string alt_names;
  for (const auto& name : names) {
    if (name.empty()) continue;
    if (!alt_names.empty()) alt_names += ",";
    alt_names += (IsIpLiteral(name) ? "IP:" : "DNS:") + name;
  }
  const std::string common_name = names.empty() ? "localhost" : names.front();
  Cert leaf = MakeCert(server_key.get(), common_name, ca.get(), ca_key.get(),
                       {{NID_basic_constraints, "critical,CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature"},
                        {NID_ext_key_usage, "serverAuth"},
                        {NID_subject_alt_name, alt_names},
                        {NID_authority_key_identifier, "keyid:always"}});
  if (!leaf) return fail("signing the server certificate failed");

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_X509(bio.get(), ca.get()) != 1) return fail("PEM encoding failed");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  GeneratedTls out;
  out.ca_pem.assign(data, static_cast<size_t>(size));
  out.server_cert = std::move(leaf);
  out.server_key = std::move(server_key);
  return out;
}

}  // namespace ossup::fake
