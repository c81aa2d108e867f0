// Error model shared by the client and the fake server.
//
// An `Error` describes one failed operation: an OSS error document that came back from a
// server, a transport failure (no HTTP response at all), or a client-side condition such as
// `CannotResumeUpload`. `Status` is "OK or an Error"; `StatusOr<T>` is "a T or an Error".
// All three are plain values: copyable, comparable by content, and safe to pass across threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ossup::protocol {

struct Error {
  /// HTTP status of the response that carried the error; 0 when no response arrived.
  int http_status = 0;
  /// OSS error code ("NoSuchUpload"), or a client code from errors.h ("ConnectionError").
  std::string code;
  std::string message;
  std::string request_id;
  /// The Host the request was sent to, as OSS echoes it.
  std::string host_id;
  /// OSS's detailed error code, "NNNN-NNNNNNNN"; empty when unknown.
  std::string ec;
  /// Code-specific elements of the error document, in document order
  /// (UploadId, PartNumber, ArgumentName, ArgumentValue, StringToSign, ServerTime, ...).
  std::vector<std::pair<std::string, std::string>> details;

  /// The value of detail `name`, or "" when absent.
  std::string Detail(std::string_view name) const;
  /// One line: `<code> (HTTP <status>): <message> [request id <id>]`.
  std::string ToString() const;

  friend bool operator==(const Error&, const Error&) = default;
};

class Status {
 public:
  /// OK.
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// REQUIRES: !ok()
  const Error& error() const {
    assert(error_);
    return *error_;
  }
  /// The OSS/client code, or "" when OK.
  std::string_view code() const { return error_ ? std::string_view(error_->code) : ""; }
  std::string ToString() const { return error_ ? error_->ToString() : "OK"; }

 private:
  std::optional<Error> error_;
};

/// For T = Error (a decoded error document) an Error converts to the value; failures are
/// then built from a Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<0>, std::move(value)) {}
  StatusOr(Error error)  // NOLINT(google-explicit-constructor)
      requires(!std::is_same_v<T, Error>)
      : v_(std::in_place_index<1>, std::move(error)) {}
  /// REQUIRES: !status.ok()
  StatusOr(const Status& status)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, status.error()) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  Status status() const { return ok() ? Status() : Status(std::get<1>(v_)); }
  /// REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }

  /// REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace ossup::protocol
