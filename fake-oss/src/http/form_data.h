// A streaming multipart/form-data parser (RFC 7578 over RFC 2046 §5.1) for PostObject bodies
// (docs/protocol.md, "PostObject"). Bytes arrive in chunks of any size; every field before
// the part named `file` is kept as a string, the `file` part's bytes go to a sink as they
// arrive (it may be gigabytes), and parts after it are read and dropped, as OSS ignores them.
// Field names compare case-insensitively.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ossup::fake {

/// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted or not); nullopt
/// for another media type or a missing, empty or over-long (> 70 bytes) boundary.
std::optional<std::string> FormDataBoundary(std::string_view content_type);

class FormDataParser {
 public:
  /// What went wrong, for the error answer.
  enum class Failure {
    kNone,
    kMalformed,      // not well-formed multipart/form-data, or it ended early
    kFieldTooLarge,  // a field before `file` exceeds max_field_bytes
    kSinkRefused,    // the file sink returned false
  };
  struct File {
    std::string filename;      // filename="..." of the part ("" without one)
    std::string content_type;  // its Content-Type header ("" without one)
    uint64_t size = 0;
  };

  /// `file_sink` receives the `file` part's bytes in order.
  FormDataParser(std::string boundary, std::function<bool(const char*, size_t)> file_sink,
                 size_t max_field_bytes);

  /// Consumes the next bytes of the body. False once parsing has failed (failure() says why);
  /// later calls do nothing and return false.
  bool Feed(const char* data, size_t size);
  /// After the body's last byte: true when the closing delimiter was seen. Sets kMalformed
  /// otherwise.
  bool Finish();
  Failure failure() const { return failure_; }

  /// Fields before the file, in order, with their names as sent.
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  /// The first field named `name` (any case).
  std::optional<std::string_view> Field(std::string_view name) const;
  /// The `file` part, once its headers have arrived.
  const std::optional<File>& file() const { return file_; }

 private:
  enum class State { kDelimiter, kAfterDelimiter, kHeaders, kContent, kEpilogue };
  enum class Target { kField, kFile, kIgnored };

  bool Fail(Failure failure);
  /// One step on buffer_ from pos_; false when it needs more bytes (or failed).
  bool Step();
  bool ParsePartHeaders(std::string_view block);
  bool Emit(const char* data, size_t size);

  const std::string delimiter_;  // "\r\n--" + boundary
  std::function<bool(const char*, size_t)> file_sink_;
  const size_t max_field_bytes_;

  State state_ = State::kDelimiter;
  Target target_ = Target::kIgnored;
  Failure failure_ = Failure::kNone;
  std::string buffer_ = "\r\n";  // the first delimiter may open the body without a CRLF
  size_t pos_ = 0;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::optional<File> file_;
};

}  // namespace ossup::fake
