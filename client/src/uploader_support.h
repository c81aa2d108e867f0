// Helpers shared by the ResumableUploader's source files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "client_error.h"
#include "ossup/client/upload_request.h"
#include "ossup/protocol/status.h"

namespace ossup::client::internal {

/// Marks an error that only asks Run() to start over (LostUploadPolicy::kRestart).
inline constexpr std::string_view kRestartMarker = "ossup-internal-restart";

inline std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

}  // namespace ossup::client::internal
