// Authenticator: decides whether a request's signature is acceptable, using the protocol
// layer's Verify over the configured long-term keys plus STS credentials it has issued.
// STS credentials expire on the virtual clock (Verify compares against the time it is given).
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "ossup/fake/server.h"
#include "ossup/protocol/mutex.h"
#include "ossup/protocol/signing.h"
#include "service/ids.h"

namespace ossup::fake {

class Authenticator {
 public:
  Authenticator(std::vector<AccessKey> keys, bool anonymous, std::string region);

  /// OK in anonymous mode; otherwise protocol::Verify's verdict at `now`.
  protocol::Status Check(const protocol::WireRequest& request, protocol::TimePoint now) const;
  /// The same for a PostObject form's signature (protocol::VerifyPostForm).
  protocol::Status CheckPostForm(const protocol::PostFormSignature& form,
                                 protocol::TimePoint now) const;
  /// Issues a credential valid until now + duration. An expired credential is still known, so
  /// using it is SecurityTokenExpired as on OSS, until kMaxStsCredentials newer ones exist: then
  /// the one expiring first is forgotten (and using it is InvalidAccessKeyId).
  StsCredential IssueSts(IdGenerator& ids, protocol::TimePoint now, std::chrono::seconds duration);
  static constexpr size_t kMaxStsCredentials = 10000;
  /// STS credentials currently remembered (for tests).
  size_t StsCount() const;
  /// Forgets every STS credential.
  void Reset();

 private:
  std::optional<protocol::KnownCredential> Lookup(std::string_view access_key_id) const;

  const std::vector<AccessKey> keys_;
  const bool anonymous_;
  protocol::VerifyOptions verify_options_;
  mutable protocol::Mutex mu_;
  std::map<std::string, protocol::KnownCredential, std::less<>> sts_ OSSUP_GUARDED_BY(mu_);
};

}  // namespace ossup::fake
