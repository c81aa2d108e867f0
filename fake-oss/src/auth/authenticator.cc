#include "auth/authenticator.h"

#include <algorithm>

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
  protocol::MutexLock lock(mu_);
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

protocol::Status Authenticator::CheckPostForm(const protocol::PostFormSignature& form,
                                              protocol::TimePoint now) const {
  if (anonymous_) return {};
  auto verified = protocol::VerifyPostForm(
      form, [this](std::string_view ak) { return Lookup(ak); }, now, verify_options_);
  return verified.status();
}

StsCredential Authenticator::IssueSts(IdGenerator& ids, protocol::TimePoint now,
                                      std::chrono::seconds duration) {
  StsCredential sts;
  sts.credentials.access_key_id = "STS." + ids.NextSecret(24);
  sts.credentials.access_key_secret = ids.NextSecret(40);
  sts.credentials.security_token = "CAIS" + ids.NextSecret(96);
  sts.expiration = now + duration;
  protocol::MutexLock lock(mu_);
  if (sts_.size() >= kMaxStsCredentials) {
    // Forget the credential that expires (or expired) first.
    auto first = std::min_element(sts_.begin(), sts_.end(), [](const auto& a, const auto& b) {
      return *a.second.expiration < *b.second.expiration;
    });
    sts_.erase(first);
  }
  sts_[sts.credentials.access_key_id] =
      protocol::KnownCredential{.access_key_secret = sts.credentials.access_key_secret,
                                .security_token = sts.credentials.security_token,
                                .expiration = sts.expiration};
  return sts;
}

size_t Authenticator::StsCount() const {
  protocol::MutexLock lock(mu_);
  return sts_.size();
}

void Authenticator::Reset() {
  protocol::MutexLock lock(mu_);
  sts_.clear();
}

}  // namespace ossup::fake
