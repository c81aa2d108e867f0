#include "http/message.h"

#include <algorithm>
#include <cctype>

namespace ossup::fake {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string_view> RequestHead::Header(std::string_view name) const {
  return protocol::FindHeader(headers, name);
}

std::string RequestHead::get_header_value(std::string_view name) const {
  return std::string(Header(name).value_or(""));
}

std::string_view RequestHead::RawPath() const {
  std::string_view path = target;
  return path.substr(0, path.find('?'));
}

void Response::set_header(std::string_view name, std::string value) {
  protocol::SetHeader(headers, name, value);
}

bool Response::has_header(std::string_view name) const {
  return protocol::FindHeader(headers, name).has_value();
}

std::string Response::get_header_value(std::string_view name) const {
  return std::string(protocol::FindHeader(headers, name).value_or(""));
}

void Response::erase_header(std::string_view name) {
  std::erase_if(headers, [&](const auto& field) { return EqualsIgnoreCase(field.first, name); });
}

void Response::set_content(std::string content, std::string content_type) {
  provider = nullptr;
  provided_length = 0;
  body = std::move(content);
  set_header("Content-Type", std::move(content_type));
}

void Response::set_content_provider(uint64_t length, std::string content_type,
                                    BodyProvider body_provider) {
  body.clear();
  provider = std::move(body_provider);
  provided_length = length;
  set_header("Content-Type", std::move(content_type));
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 416:
      return "Range Not Satisfiable";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

}  // namespace ossup::fake
