#include "xml_support.h"

#include <cassert>
#include <cstdio>

#include "ossup/protocol/addressing.h"
#include "ossup/protocol/errors.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml_escape.h"

namespace ossup::protocol::xml_internal {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view Trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

// `escape_quotes`: also " and ' (for attribute values and HTML).
void AppendEscaped(std::string& out, std::string_view text, bool escape_quotes = false) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out += escape_quotes ? "&quot;" : "\"";
        break;
      case '\'':
        out += escape_quotes ? "&apos;" : "'";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          // '\r' would be normalized away by parsers; other control characters are not XML 1.0
          // characters at all. Numeric references survive tinyxml2 and most lenient parsers.
          out += "&#" + std::to_string(static_cast<int>(c)) + ";";
        } else {
          out += c;
        }
    }
  }
}

}  // namespace

Error MalformedXml(std::string_view what) {
  Error error = MakeError("MalformedXML");
  error.message += " ";
  error.message += what;
  return error;
}

Status ParseDocument(std::string_view xml, const char* root_name, tinyxml2::XMLDocument& doc) {
  if (xml.size() > limits::kMaxXmlBodySize) {
    return MalformedXml("The body is " + std::to_string(xml.size()) + " bytes, over the " +
                        std::to_string(limits::kMaxXmlBodySize) + "-byte limit.");
  }
  if (Trim(xml).empty()) return MalformedXml("The body is empty.");
  if (xml.find('\0') != std::string_view::npos) return MalformedXml("The body contains NUL.");
  if (!IsValidUtf8(xml)) return MalformedXml("The body is not valid UTF-8.");
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    std::string reason = doc.ErrorStr() != nullptr ? doc.ErrorStr() : "parse error";
    return MalformedXml("The body is not well-formed XML (" + reason + ").");
  }
  const tinyxml2::XMLElement* root = doc.RootElement();
  if (root == nullptr) return MalformedXml("The body has no root element.");
  if (std::string_view(root->Name()) != root_name) {
    return MalformedXml(std::string("The root element is <") + root->Name() + ">, expected <" +
                        root_name + ">.");
  }
  if (root->NextSiblingElement() != nullptr) {
    return MalformedXml("The body has more than one top-level element.");
  }
  return Status();
}

// --- XmlWriter -------------------------------------------------------------------------------

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

void XmlWriter::Indent() { out_.append(2 * open_.size(), ' '); }

XmlWriter& XmlWriter::Open(std::string_view name) {
  Indent();
  out_ += "<";
  out_ += name;
  out_ += ">\n";
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  assert(!open_.empty());
  std::string name = std::move(open_.back());
  open_.pop_back();
  Indent();
  out_ += "</" + name + ">\n";
  return *this;
}

XmlWriter& XmlWriter::Text(std::string_view name, std::string_view value) {
  Indent();
  out_ += "<";
  out_ += name;
  out_ += ">";
  AppendEscaped(out_, value);
  out_ += "</";
  out_ += name;
  out_ += ">\n";
  return *this;
}

XmlWriter& XmlWriter::EncodedText(std::string_view name, std::string_view value) {
  return url_encoding_ ? Text(name, UriEncode(value, /*keep_slash=*/false)) : Text(name, value);
}

XmlWriter& XmlWriter::Number(std::string_view name, int64_t value) {
  return Text(name, std::to_string(value));
}

XmlWriter& XmlWriter::Number(std::string_view name, uint64_t value) {
  return Text(name, std::to_string(value));
}

XmlWriter& XmlWriter::Bool(std::string_view name, bool value) {
  return Text(name, value ? "true" : "false");
}

XmlWriter& XmlWriter::Time(std::string_view name, TimePoint value) {
  return Text(name, FormatIso8601(value));
}

std::string XmlWriter::Finish() && {
  assert(open_.empty());
  return std::move(out_);
}

// --- XmlReader -------------------------------------------------------------------------------

XmlReader::XmlReader(const tinyxml2::XMLElement& element, std::string path,
                     std::optional<Error>& first_error)
    : element_(element), path_(std::move(path)), first_error_(first_error) {}

void XmlReader::Fail(std::string_view what) {
  if (!first_error_) first_error_ = MalformedXml(path_ + ": " + std::string(what));
}

void XmlReader::Fail(Error error) {
  if (!first_error_) first_error_ = std::move(error);
}

bool XmlReader::Present(const char* name, Need need) {
  const tinyxml2::XMLElement* child = element_.FirstChildElement(name);
  if (need == Need::kRequired) {
    const char* text = child != nullptr ? child->GetText() : nullptr;
    if (text == nullptr || Trim(text).empty()) {
      Fail(std::string("missing required element <") + name + ">.");
      return false;
    }
  }
  return child != nullptr;
}

std::string XmlReader::Text(const char* name, Need need) {
  if (!Present(name, need)) return "";
  const char* text = element_.FirstChildElement(name)->GetText();
  return text != nullptr ? std::string(text) : std::string();
}

std::string XmlReader::Token(const char* name, Need need) {
  return std::string(Trim(Text(name, need)));
}

std::string XmlReader::EncodedText(const char* name, Need need) {
  return MaybeUrlDecode(name, Text(name, need));
}

std::vector<std::string> XmlReader::EncodedTexts(const char* name) {
  std::vector<std::string> texts;
  for (const tinyxml2::XMLElement* child = element_.FirstChildElement(name); child != nullptr;
       child = child->NextSiblingElement(name)) {
    const char* text = child->GetText();
    texts.push_back(MaybeUrlDecode(name, text != nullptr ? text : ""));
  }
  return texts;
}

std::string XmlReader::MaybeUrlDecode(const char* name, std::string text) {
  if (!url_decoding_) return text;
  std::optional<std::string> decoded = UriDecode(text);
  if (!decoded) {
    Fail(std::string("<") + name + "> is not valid URL encoding: \"" + text + "\"");
    return "";
  }
  return std::move(*decoded);
}

void XmlReader::Number(const char* name, std::optional<uint64_t>& out) {
  if (!Has(name)) return;
  uint64_t value = 0;
  Number(name, value, Need::kRequired);
  if (ok()) out = value;
}

void XmlReader::Bool(const char* name, bool& out, Need need) {
  if (!Present(name, need)) return;
  const std::string token = Token(name);
  if (token == "true") {
    out = true;
  } else if (token == "false") {
    out = false;
  } else {
    Fail(std::string("<") + name + "> is not true or false: \"" + token + "\"");
  }
}

void XmlReader::Time(const char* name, TimePoint& out, Need need) {
  if (!Present(name, need)) return;
  const std::string token = Token(name);
  std::optional<TimePoint> parsed = ParseIso8601(token);
  if (!parsed)
    return Fail(std::string("<") + name + "> is not an ISO-8601 time: \"" + token + "\"");
  out = *parsed;
}

void XmlReader::Time(const char* name, std::optional<TimePoint>& out) {
  if (!Has(name)) return;
  TimePoint value{};
  Time(name, value, Need::kRequired);
  if (ok()) out = value;
}

std::optional<XmlReader> XmlReader::Child(const char* name) {
  const tinyxml2::XMLElement* child = element_.FirstChildElement(name);
  if (child == nullptr) return std::nullopt;
  XmlReader nested(*child, path_ + "/" + name, first_error_);
  nested.set_url_decoding(url_decoding_);
  return nested;
}

}  // namespace ossup::protocol::xml_internal

namespace ossup::protocol {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  xml_internal::AppendEscaped(out, text, /*escape_quotes=*/true);
  return out;
}

}  // namespace ossup::protocol
