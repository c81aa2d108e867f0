#include "ossup/protocol/status.h"

#include <string>

namespace ossup::protocol {

std::string Error::Detail(std::string_view name) const {
  for (const auto& [detail_name, value] : details) {
    if (detail_name == name) return value;
  }
  return "";
}

std::string Error::ToString() const {
  std::string text = code.empty() ? std::string("UnknownError") : code;
  text += " (HTTP " + std::to_string(http_status) + "): " + message;
  if (!request_id.empty()) text += " [request id " + request_id + "]";
  return text;
}

}  // namespace ossup::protocol
