#include "ossup/client/credentials.h"

#include <cstdlib>

#include "ossup/protocol/errors.h"

namespace ossup::client {
namespace {

using protocol::Credentials;
using protocol::StatusOr;

class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}
  StatusOr<Credentials> GetCredentials() override { return credentials_; }

 private:
  const Credentials credentials_;
};

class EnvironmentCredentialsProvider : public CredentialsProvider {
 public:
  StatusOr<Credentials> GetCredentials() override {
    Credentials c;
    for (auto [name, field] : {std::pair{"OSS_ACCESS_KEY_ID", &c.access_key_id},
                               std::pair{"OSS_ACCESS_KEY_SECRET", &c.access_key_secret}}) {
      const char* value = std::getenv(name);
      if (value == nullptr || *value == '\0') {
        protocol::Error e;
        e.code = std::string(protocol::client_codes::kInvalidRequest);
        e.message = std::string("no credentials: environment variable ") + name + " is not set";
        return e;
      }
      *field = value;
    }
    if (const char* token = std::getenv("OSS_SESSION_TOKEN")) c.security_token = token;
    return c;
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(Credentials credentials) {
  return std::make_shared<StaticCredentialsProvider>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider() {
  return std::make_shared<EnvironmentCredentialsProvider>();
}

RefreshingCredentialsProvider::RefreshingCredentialsProvider(Fetch fetch,
                                                             std::chrono::seconds refresh_margin,
                                                             Clock clock)
    : fetch_(std::move(fetch)), refresh_margin_(refresh_margin), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

StatusOr<Credentials> RefreshingCredentialsProvider::GetCredentials() {
  // Holding the lock across the fetch makes concurrent callers share one fetch.
  protocol::MutexLock lock(mu_);
  bool fresh = cached_.has_value() &&
               (!cached_->expiration || clock_() + refresh_margin_ < *cached_->expiration);
  if (!fresh) {
    ++fetch_count_;
    auto fetched = fetch_();
    if (!fetched.ok()) return fetched.error();
    cached_ = std::move(*fetched);
  }
  return cached_->credentials;
}

bool RefreshingCredentialsProvider::Invalidate() {
  protocol::MutexLock lock(mu_);
  cached_.reset();
  return true;
}

int RefreshingCredentialsProvider::fetch_count() const {
  protocol::MutexLock lock(mu_);
  return fetch_count_;
}

}  // namespace ossup::client
