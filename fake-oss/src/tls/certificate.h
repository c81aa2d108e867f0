// Throwaway TLS material for an HTTPS fake: a self-signed CA and a server certificate it
// signs, made in memory with OpenSSL. Clients trust the CA; the server presents the leaf.
// Two certificates rather than one self-signed leaf because verifiers disagree about a lone
// self-signed certificate (some refuse one without CA:TRUE as a trust anchor, others refuse
// one with CA:TRUE as a server certificate); a CA plus a leaf satisfies all of them.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "ossup/protocol/status.h"

namespace ossup::fake {

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

struct GeneratedTls {
  std::unique_ptr<X509, X509Deleter> server_cert;
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> server_key;
  /// PEM of the CA certificate that signed `server_cert` (what clients trust).
  std::string ca_pem;
};

/// A CA ("fake-oss test CA") and a server certificate for `names` (each an IPv4/IPv6 literal,
/// put in an IP subjectAltName, or a DNS name), both ECDSA P-256 and valid from one hour ago
/// (real clock) for ten years. Errors: InternalError naming the OpenSSL step that failed.
protocol::StatusOr<GeneratedTls> GenerateTls(const std::vector<std::string>& names);

}  // namespace ossup::fake
