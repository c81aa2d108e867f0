// Parsing of "oss://bucket/key" command-line arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ossup::cli {

struct OssUrl {
  std::string bucket;
  std::string key;  // may be empty ("oss://bucket" or "oss://bucket/")
};

/// nullopt unless `text` starts with "oss://" and names a non-empty bucket.
std::optional<OssUrl> ParseOssUrl(std::string_view text);

}  // namespace ossup::cli
