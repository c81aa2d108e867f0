#include "http/framing.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <cctype>

#include "service/errors.h"

namespace ossup::fake {
namespace {

namespace http = boost::beast::http;

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

protocol::Error RequestTimeout() { return errors::Oss("RequestTimeout"); }

protocol::Error BadContentLength() {
  return errors::InvalidArgument("Content-Length must be one decimal number of bytes.",
                                 "Content-Length", "");
}

}  // namespace

protocol::Error HeaderReadError(const boost::beast::error_code& parse_error, bool timed_out) {
  if (timed_out) return RequestTimeout();
  if (parse_error == http::error::header_limit) {
    return errors::Oss("RequestHeaderTooLarge");
  }
  if (parse_error == http::error::bad_content_length ||
      parse_error == http::error::multiple_content_length) {
    return BadContentLength();
  }
  if (parse_error == http::error::bad_transfer_encoding) {
    return errors::InvalidArgument("Transfer-Encoding conflicts with Content-Length.",
                                   "Transfer-Encoding", "");
  }
  return errors::InvalidRequest("The request is not well-formed HTTP/1.1.");
}

std::optional<protocol::Error> CheckFraming(const RequestHead& head, size_t max_target_bytes) {
  if (head.target.size() > max_target_bytes) {
    return errors::Oss("InvalidURI", "The request URI is too long.");
  }
  static constexpr std::string_view kMethods[] = {"GET",  "HEAD",   "PUT",
                                                  "POST", "DELETE", "OPTIONS"};
  if (std::find(std::begin(kMethods), std::end(kMethods), head.method) == std::end(kMethods)) {
    auto error = errors::Oss("MethodNotAllowed");
    error.http_status = 405;
    return error;
  }
  std::optional<std::string_view> length;
  for (const auto& [name, value] : head.headers) {
    if (EqualsIgnoreCase(name, "Content-Length")) {
      if (!IsDigits(value) || (length && *length != value)) return BadContentLength();
      length = value;
    }
    if (EqualsIgnoreCase(name, "Transfer-Encoding") && !EqualsIgnoreCase(value, "chunked")) {
      auto error = errors::Oss("NotImplemented");
      error.http_status = 501;
      return error;
    }
  }
  return std::nullopt;
}

protocol::Error BodyTimeoutError() { return RequestTimeout(); }

}  // namespace ossup::fake
