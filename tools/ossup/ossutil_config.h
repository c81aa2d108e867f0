// Endpoint and credentials for ossup, from flags, the environment and ossutil's config file
// (~/.ossutilconfig), in that order of precedence.
//
// The config file is ossutil's INI format; only its [Credentials] section is read:
//   [Credentials]
//   endpoint = oss-cn-hangzhou.aliyuncs.com
//   accessKeyID = ...
//   accessKeySecret = ...
//   stsToken = ...            (optional)
// Section and key names are matched without regard to case; `#` and `;` start comment lines;
// blanks around names and values are dropped. Other sections and keys are ignored.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ossup/client/credentials.h"

namespace ossup::cli {

struct OssutilConfig {
  std::string endpoint;
  std::string access_key_id;
  std::string access_key_secret;
  std::string sts_token;
};

OssutilConfig ParseOssutilConfig(std::string_view text);

/// $HOME/.ossutilconfig; "" without HOME.
std::string DefaultOssutilConfigPath();

struct ConnectionSettings {
  std::string endpoint;
  std::shared_ptr<client::CredentialsProvider> credentials;
};

/// Endpoint: `endpoint_flag`, else $OSS_ENDPOINT, else the config file's. Credentials:
/// $OSS_ACCESS_KEY_ID + $OSS_ACCESS_KEY_SECRET (+ $OSS_SESSION_TOKEN) when both are set, else
/// the config file's accessKeyID + accessKeySecret (+ stsToken) when both are set, else the
/// environment provider (whose first use names the missing variable).
/// `config_flag` names the config file; "" = DefaultOssutilConfigPath(), where a missing file
/// is fine. Errors (a message for the user): a named config file that cannot be read, or an
/// unreadable default one.
std::optional<ConnectionSettings> ResolveConnectionSettings(const std::string& endpoint_flag,
                                                            const std::string& config_flag,
                                                            std::string* error);

}  // namespace ossup::cli
