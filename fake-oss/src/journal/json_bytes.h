// Byte strings in the control API's JSON (journal, uploads): keys, bucket names and upload ids
// arrive as bytes and need not be UTF-8, which JSON strings must be. Such a field is written
// twice: `name` holds the bytes with every invalid sequence replaced by U+FFFD (readable), and
// `nameBase64` holds the exact bytes. Readers take `nameBase64` when present.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {

/// Sets j[name] (and j[name + "Base64"] when `bytes` is not UTF-8). Dump the document with
/// DumpJson, which does the U+FFFD replacement.
inline void SetBytesField(nlohmann::json& j, const std::string& name, std::string_view bytes) {
  j[name] = std::string(bytes);
  if (!protocol::IsValidUtf8(bytes)) j[name + "Base64"] = protocol::Base64Encode(bytes);
}

/// Compact JSON text; invalid UTF-8 inside strings becomes U+FFFD instead of an exception.
inline std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ossup::fake
