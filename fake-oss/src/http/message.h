// The HTTP messages the fake's handlers see and produce, independent of the engine that moves
// them. A RequestHead holds the request line and header fields exactly as they arrived (no
// decoding, no case folding of values); a Response is what a handler answers, with a body held
// in memory or streamed from a provider.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"

namespace ossup::fake {

using HeaderFields = protocol::Headers;

/// Receives body bytes; false stops the producer.
using ByteSink = std::function<bool(const char*, size_t)>;

struct RequestHead {
  /// The method token as sent (case kept).
  std::string method;
  /// The request-target as sent, still percent-encoded.
  std::string target;
  /// Header fields in arrival order; names and values as sent (surrounding blanks trimmed).
  HeaderFields headers;
  /// The address and port the request reached (this server's side of the connection).
  std::string local_addr;
  uint16_t local_port = 0;
  /// Set when the request cannot be served as framed (bad Content-Length, header block or URI
  /// too long, unknown method, ...): the handler answers this error and the connection closes.
  std::optional<protocol::Error> framing_error;

  /// The first field named `name` (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
  /// The first value of `name`, "" when absent.
  std::string get_header_value(std::string_view name) const;
  /// The target's path, without the query.
  std::string_view RawPath() const;
};

/// Streams `length` bytes from `offset` of a body into `sink`; false when it failed or the
/// sink refused.
using BodyProvider = std::function<bool(uint64_t offset, uint64_t length, const ByteSink& sink)>;

struct Response {
  int status = 200;
  HeaderFields headers;
  /// The body when `provider` is unset.
  std::string body;
  /// A streamed body of `provided_length` bytes.
  BodyProvider provider;
  uint64_t provided_length = 0;

  /// Replaces every field named `name` (case-insensitive) by one with `value`.
  void set_header(std::string_view name, std::string value);
  bool has_header(std::string_view name) const;
  /// The first value of `name`, "" when absent.
  std::string get_header_value(std::string_view name) const;
  void erase_header(std::string_view name);
  /// The body in memory, with its Content-Type.
  void set_content(std::string content, std::string content_type);
  /// A streamed body, with its Content-Type.
  void set_content_provider(uint64_t length, std::string content_type, BodyProvider provider);
  /// How many body bytes the response carries (sent or, for HEAD, announced).
  uint64_t BodyLength() const { return provider ? provided_length : body.size(); }
};

/// The standard reason phrase for `status` ("" when unknown).
std::string_view ReasonPhrase(int status);

}  // namespace ossup::fake
