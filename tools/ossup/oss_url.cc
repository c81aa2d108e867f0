#include "oss_url.h"

namespace ossup::cli {

std::optional<OssUrl> ParseOssUrl(std::string_view text) {
  constexpr std::string_view kScheme = "oss://";
  if (!text.starts_with(kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  OssUrl url;
  auto slash = text.find('/');
  url.bucket = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) url.key = std::string(text.substr(slash + 1));
  if (url.bucket.empty()) return std::nullopt;
  return url;
}

}  // namespace ossup::cli
