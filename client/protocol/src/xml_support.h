// Private building blocks of the XML codecs (xml_*.cc): an indenting writer and a reader
// that walks one element's children and records the first decoding error.
//
// XmlWriter writes the XML prolog, escapes text (&, <, > and control characters as numeric
// references) and, when URL encoding is on, percent-encodes the fields the caller marks as
// encodable (keys, prefixes, markers, delimiters). XmlReader is the mirror image: it reads
// child elements by name, trims tokens (numbers, booleans, times, ETags, IDs) but keeps user
// data (keys, prefixes) verbatim, and URL-decodes encodable fields when decoding is on.
// Both are single-use, single-threaded helpers.
#pragma once

#include <tinyxml2.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/status.h"
#include "ossup/protocol/wire.h"
#include "ossup/protocol/xml.h"

namespace ossup::protocol::xml_internal {

/// The EncodingType value that URL-encodes keys and prefixes in listings.
inline constexpr std::string_view kUrl = "url";

/// MalformedXML with OSS's message followed by `what`.
Error MalformedXml(std::string_view what);

/// Parses `xml` into `doc`. OK when the body is within limits::kMaxXmlBodySize, valid UTF-8
/// without NUL bytes, well-formed, and has exactly one top-level element named `root_name`.
Status ParseDocument(std::string_view xml, const char* root_name, tinyxml2::XMLDocument& doc);

class XmlWriter {
 public:
  /// Starts the document with the XML prolog.
  XmlWriter();

  /// Percent-encodes the values written with EncodedText from now on.
  void set_url_encoding(bool on) { url_encoding_ = on; }

  XmlWriter& Open(std::string_view name);
  /// REQUIRES: an element is open.
  XmlWriter& Close();
  XmlWriter& Text(std::string_view name, std::string_view value);
  /// Text, percent-encoded when URL encoding is on.
  XmlWriter& EncodedText(std::string_view name, std::string_view value);
  XmlWriter& Number(std::string_view name, int64_t value);
  XmlWriter& Number(std::string_view name, uint64_t value);
  XmlWriter& Number(std::string_view name, int value) {
    return Number(name, static_cast<int64_t>(value));
  }
  XmlWriter& Bool(std::string_view name, bool value);
  XmlWriter& Time(std::string_view name, TimePoint value);

  /// REQUIRES: every opened element is closed.
  std::string Finish() &&;

 private:
  void Indent();

  std::string out_;
  std::vector<std::string> open_;
  bool url_encoding_ = false;
};

enum class Need { kOptional, kRequired };

class XmlReader {
 public:
  /// Reads the children of `element`. `path` names it in error messages; the first error of
  /// this reader and of every nested reader lands in `first_error`.
  XmlReader(const tinyxml2::XMLElement& element, std::string path,
            std::optional<Error>& first_error);

  /// URL-decodes the values read with EncodedText from now on (inherited by ForEach).
  void set_url_decoding(bool on) { url_decoding_ = on; }

  bool Has(const char* name) const { return element_.FirstChildElement(name) != nullptr; }
  /// The child's text exactly as written (entities resolved); "" when absent or empty.
  /// kRequired: the child must exist and be non-empty.
  std::string Text(const char* name, Need need = Need::kOptional);
  /// Text without surrounding whitespace.
  std::string Token(const char* name, Need need = Need::kOptional);
  /// Text, URL-decoded when decoding is on.
  std::string EncodedText(const char* name, Need need = Need::kOptional);
  /// EncodedText of every child named `name`, in document order.
  std::vector<std::string> EncodedTexts(const char* name);

  /// Parses the child as a decimal integer into `out`; leaves `out` alone when it is absent.
  template <typename Int>
  void Number(const char* name, Int& out, Need need = Need::kOptional) {
    if (!Present(name, need)) return;
    std::string token = Token(name);
    Int value{};
    const char* end = token.data() + token.size();
    auto [ptr, ec] = std::from_chars(token.data(), end, value);
    if (token.empty() || ec != std::errc() || ptr != end) {
      return Fail(std::string("<") + name + "> is not a valid number: \"" + token + "\"");
    }
    out = value;
  }
  void Number(const char* name, std::optional<uint64_t>& out);
  /// "true" or "false".
  void Bool(const char* name, bool& out, Need need = Need::kOptional);
  /// ISO-8601 ("2012-02-23T07:01:34.000Z").
  void Time(const char* name, TimePoint& out, Need need = Need::kOptional);
  void Time(const char* name, std::optional<TimePoint>& out);

  /// Calls `fn(XmlReader&)` for each child element named `name`, in document order.
  template <typename Fn>
  void ForEach(const char* name, Fn&& fn) {
    int index = 0;
    for (const tinyxml2::XMLElement* child = element_.FirstChildElement(name); child != nullptr;
         child = child->NextSiblingElement(name)) {
      ++index;
      XmlReader nested(*child, path_ + "/" + name + "[" + std::to_string(index) + "]",
                       first_error_);
      nested.set_url_decoding(url_decoding_);
      fn(nested);
    }
  }
  /// The reader of the first child named `name`, or nullopt when absent.
  std::optional<XmlReader> Child(const char* name);

  const tinyxml2::XMLElement& element() const { return element_; }
  const std::string& path() const { return path_; }

  /// Records MalformedXML "<path>: <what>" unless an error is already recorded.
  void Fail(std::string_view what);
  /// Records `error` unless an error is already recorded.
  void Fail(Error error);
  bool ok() const { return !first_error_.has_value(); }

 private:
  /// True when the child exists; records an error when it is required but absent or empty.
  bool Present(const char* name, Need need);
  /// `text` URL-decoded when decoding is on; records an error for a malformed escape.
  std::string MaybeUrlDecode(const char* name, std::string text);

  const tinyxml2::XMLElement& element_;
  std::string path_;
  std::optional<Error>& first_error_;
  bool url_decoding_ = false;
};

/// Parses `xml` (root element `root`), calls `read(reader, value)` on a default-constructed T
/// and returns the first error that parsing or the reader recorded, else the value.
template <typename T, typename Read>
StatusOr<T> DecodeDocument(std::string_view xml, const char* root, Read&& read) {
  tinyxml2::XMLDocument doc;
  // Failures go through Status: for T = Error, StatusOr<Error> takes an Error as its value.
  if (Status parsed = ParseDocument(xml, root, doc); !parsed.ok()) return parsed;
  std::optional<Error> error;
  XmlReader reader(*doc.RootElement(), root, error);
  T value;
  read(reader, value);
  if (error) return Status(*std::move(error));
  return value;
}

/// The <Contents> of each object (Key percent-encoded when URL encoding is on; Owner when set)
/// and then the <CommonPrefixes> of a ListObjects or ListObjectsV2 answer (xml_bucket.cc).
void WriteListing(XmlWriter& w, const std::vector<ObjectSummary>& contents,
                  const std::vector<std::string>& common_prefixes);
/// <Owner><ID/><DisplayName/></Owner>.
void WriteOwner(XmlWriter& w, const Owner& owner);

}  // namespace ossup::protocol::xml_internal
