#include "ossutil_config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ossup::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

OssutilConfig ParseOssutilConfig(std::string_view text) {
  OssutilConfig config;
  bool in_credentials = false;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      const auto close = line.find(']');
      in_credentials = close != std::string_view::npos &&
                       Lower(Trim(line.substr(1, close - 1))) == "credentials";
      continue;
    }
    const auto eq = line.find('=');
    if (!in_credentials || eq == std::string_view::npos) continue;
    const std::string name = Lower(Trim(line.substr(0, eq)));
    const std::string value(Trim(line.substr(eq + 1)));
    if (name == "endpoint") config.endpoint = value;
    if (name == "accesskeyid") config.access_key_id = value;
    if (name == "accesskeysecret") config.access_key_secret = value;
    if (name == "ststoken") config.sts_token = value;
  }
  return config;
}

std::string DefaultOssutilConfigPath() {
  const std::string home = Env("HOME");
  return home.empty() ? "" : home + "/.ossutilconfig";
}

std::optional<ConnectionSettings> ResolveConnectionSettings(const std::string& endpoint_flag,
                                                            const std::string& config_flag,
                                                            std::string* error) {
  const std::string path = config_flag.empty() ? DefaultOssutilConfigPath() : config_flag;
  OssutilConfig config;
  std::error_code ec;
  const bool optional_and_absent =
      config_flag.empty() && (path.empty() || !std::filesystem::exists(path, ec));
  if (!optional_and_absent) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in && !in.eof()) {
      *error = "cannot read the config file " + path + ": " + std::strerror(errno);
      return std::nullopt;
    }
    config = ParseOssutilConfig(text.str());
  }
  ConnectionSettings settings;
  settings.endpoint = endpoint_flag;
  if (settings.endpoint.empty()) settings.endpoint = Env("OSS_ENDPOINT");
  if (settings.endpoint.empty()) settings.endpoint = config.endpoint;
  const bool env_keys = !Env("OSS_ACCESS_KEY_ID").empty() && !Env("OSS_ACCESS_KEY_SECRET").empty();
  if (!env_keys && !config.access_key_id.empty() && !config.access_key_secret.empty()) {
    settings.credentials = client::MakeStaticCredentialsProvider(
        {config.access_key_id, config.access_key_secret, config.sts_token});
  } else {
    settings.credentials = client::MakeEnvironmentCredentialsProvider();
  }
  return settings;
}

}  // namespace ossup::cli
