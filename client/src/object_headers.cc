#include "object_headers.h"

#include "ossup/protocol/checksum.h"

namespace ossup::client::internal {

protocol::Headers ObjectHeadersToWire(const ObjectHeaders& h) {
  protocol::Headers out;
  out.emplace_back("Content-Type",
                   h.content_type.empty() ? "application/octet-stream" : h.content_type);
  for (const auto& [name, value] : h.metadata) out.emplace_back("x-oss-meta-" + name, value);
  if (!h.storage_class.empty()) out.emplace_back("x-oss-storage-class", h.storage_class);
  if (h.forbid_overwrite) {
    out.emplace_back("x-oss-forbid-overwrite", *h.forbid_overwrite ? "true" : "false");
  }
  for (const auto& header : h.extra) out.push_back(header);
  return out;
}

void AddCallbackHeaders(const std::optional<UploadCallbackParams>& callback,
                        protocol::Headers& headers) {
  if (!callback) return;
  headers.emplace_back("x-oss-callback", protocol::Base64Encode(callback->callback_json));
  if (!callback->callback_var_json.empty()) {
    headers.emplace_back("x-oss-callback-var", protocol::Base64Encode(callback->callback_var_json));
  }
}

}  // namespace ossup::client::internal
