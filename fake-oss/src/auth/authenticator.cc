#include "auth/authenticator.h"

namespace ossup::fake {

Authenticator::Authenticator(std::vector<AccessKey> keys, bool anonymous, std::string region)
    : keys_(std::move(keys)), anonymous_(anonymous) {
  if (!region.empty()) verify_options_.region = std::move(region);
}

std::optional<protocol::KnownCredential> Authenticator::Lookup(std::string_view ak) const {
  for (const auto& key : keys_) {
    if (key.access_key_id != ak) continue;
    protocol::KnownCredential known;
    known.access_key_secret = key.access_key_secret;
    return known;
  }
  std::lock_guard lock(mu_);
  auto it = sts_.find(ak);
  if (it == sts_.end()) return std::nullopt;
  return it->second;
}

protocol::Status Authenticator::Check(const protocol::WireRequest& request,
                                      protocol::TimePoint now) const {
  if (anonymous_) return {};
  auto verified = protocol::Verify(
      request, [this](std::string_view ak) { return Lookup(ak); }, now, verify_options_);
  return verified.status();
}

StsCredential Authenticator::IssueSts(IdGenerator& ids, protocol::TimePoint now,
                                      std::chrono::seconds duration) {
  StsCredential sts;
  sts.credentials.access_key_id = "STS." + ids.NextSecret(24);
  sts.credentials.access_key_secret = ids.NextSecret(40);
  sts.credentials.security_token = "CAIS" + ids.NextSecret(96);
  sts.expiration = now + duration;
  std::lock_guard lock(mu_);
  sts_[sts.credentials.access_key_id] =
      protocol::KnownCredential{.access_key_secret = sts.credentials.access_key_secret,
                                .security_token = sts.credentials.security_token,
                                .expiration = sts.expiration};
  return sts;
}

void Authenticator::Reset() {
  std::lock_guard lock(mu_);
  sts_.clear();
}

}  // namespace ossup::fake
