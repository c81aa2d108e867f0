#include "http/form_data.h"

#include <algorithm>
#include <cctype>

namespace ossup::fake {
namespace {

constexpr size_t kMaxBoundary = 70;         // RFC 2046 §5.1.1
constexpr size_t kMaxHeaderBlock = 16384;   // a part's headers
constexpr std::string_view kCrlf = "\r\n";  // after a delimiter, and ending each header line

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `type; a=1; b="x;y"` -> the type and its parameters (names lower-cased, values unquoted).
// nullopt when a quoted string does not end.
struct HeaderValue {
  std::string type;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> Param(std::string_view name) const {
    for (const auto& [n, v] : params) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

std::optional<HeaderValue> ParseHeaderValue(std::string_view text) {
  HeaderValue out;
  size_t i = text.find(';');
  out.type = std::string(Trim(text.substr(0, i)));
  std::transform(out.type.begin(), out.type.end(), out.type.begin(), Lower);
  while (i != std::string_view::npos && i < text.size()) {
    ++i;  // past ';'
    size_t eq = text.find('=', i);
    size_t semi = text.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      i = semi;  // a parameter without a value: skipped
      continue;
    }
    std::string name(Trim(text.substr(i, eq - i)));
    std::transform(name.begin(), name.end(), name.begin(), Lower);
    size_t v = eq + 1;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    std::string value;
    if (v < text.size() && text[v] == '"') {
      size_t j = v + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) ++j;
        value += text[j];
      }
      if (j >= text.size()) return std::nullopt;
      i = text.find(';', j + 1);
    } else {
      i = text.find(';', v);
      value = std::string(Trim(text.substr(v, i == std::string_view::npos ? i : i - v)));
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace

std::optional<std::string> FormDataBoundary(std::string_view content_type) {
  auto value = ParseHeaderValue(content_type);
  if (!value || value->type != "multipart/form-data") return std::nullopt;
  auto boundary = value->Param("boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundary) return std::nullopt;
  return boundary;
}

FormDataParser::FormDataParser(std::string boundary,
                               std::function<bool(const char*, size_t)> file_sink,
                               size_t max_field_bytes)
    : delimiter_("\r\n--" + boundary),
      file_sink_(std::move(file_sink)),
      max_field_bytes_(max_field_bytes) {}

std::optional<std::string_view> FormDataParser::Field(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

bool FormDataParser::Fail(Failure failure) {
  failure_ = failure;
  buffer_.clear();
  pos_ = 0;
  return false;
}

bool FormDataParser::Feed(const char* data, size_t size) {
  if (failure_ != Failure::kNone) return false;
  if (state_ == State::kEpilogue) return true;  // after the close: ignored
  buffer_.append(data, size);
  while (Step()) {
  }
  if (failure_ != Failure::kNone) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  return true;
}

bool FormDataParser::Finish() {
  if (failure_ != Failure::kNone) return false;
  if (state_ != State::kEpilogue) return Fail(Failure::kMalformed);
  return true;
}

bool FormDataParser::Emit(const char* data, size_t size) {
  switch (target_) {
    case Target::kField:
      if (fields_.back().second.size() + size > max_field_bytes_) {
        return Fail(Failure::kFieldTooLarge);
      }
      fields_.back().second.append(data, size);
      return true;
    case Target::kFile:
      file_->size += size;
      if (size > 0 && !file_sink_(data, size)) return Fail(Failure::kSinkRefused);
      return true;
    case Target::kIgnored:
      return true;
  }
  return true;
}

bool FormDataParser::ParsePartHeaders(std::string_view block) {
  std::optional<HeaderValue> disposition;
  std::string content_type;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find(kCrlf, start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(start, end - start);
    start = end + kCrlf.size();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Fail(Failure::kMalformed);
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      disposition = ParseHeaderValue(value);
      if (!disposition) return Fail(Failure::kMalformed);
    } else if (EqualsIgnoreCase(name, "Content-Type")) {
      content_type = std::string(value);
    }
  }
  if (!disposition || disposition->type != "form-data") return Fail(Failure::kMalformed);
  auto name = disposition->Param("name");
  if (!name) return Fail(Failure::kMalformed);
  if (file_) {
    target_ = Target::kIgnored;
  } else if (EqualsIgnoreCase(*name, "file")) {
    file_ = File{disposition->Param("filename").value_or(""), std::move(content_type), 0};
    target_ = Target::kFile;
  } else {
    fields_.emplace_back(std::move(*name), "");
    target_ = Target::kField;
  }
  return true;
}

bool FormDataParser::Step() {
  std::string_view rest = std::string_view(buffer_).substr(pos_);
  switch (state_) {
    case State::kDelimiter: {  // the preamble, up to the first delimiter
      size_t found = rest.find(delimiter_);
      if (found == std::string_view::npos) {
        if (rest.size() >= delimiter_.size()) pos_ += rest.size() - (delimiter_.size() - 1);
        return false;
      }
      pos_ += found + delimiter_.size();
      state_ = State::kAfterDelimiter;
      return true;
    }
    case State::kAfterDelimiter: {  // "--" closes; otherwise CRLF, after optional padding
      size_t i = 0;
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
      if (rest.size() < i + 2) {
        if (rest.size() > 64) return Fail(Failure::kMalformed);
        return false;
      }
      if (i == 0 && rest.substr(0, 2) == "--") {
        state_ = State::kEpilogue;
        pos_ = buffer_.size();
        return false;
      }
      if (rest.substr(i, 2) != kCrlf) return Fail(Failure::kMalformed);
      pos_ += i + 2;
      state_ = State::kHeaders;
      return true;
    }
    case State::kHeaders: {
      if (rest.substr(0, 2) == kCrlf) return Fail(Failure::kMalformed);  // no headers, no name
      size_t end = rest.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (rest.size() > kMaxHeaderBlock) return Fail(Failure::kMalformed);
        return false;
      }
      if (end > kMaxHeaderBlock) return Fail(Failure::kMalformed);
      if (!ParsePartHeaders(rest.substr(0, end))) return false;
      pos_ += end + 4;
      state_ = State::kContent;
      return true;
    }
    case State::kContent: {
      size_t found = rest.find(delimiter_);
      if (found == std::string_view::npos) {
        // Keep a tail that could be the start of a delimiter split across chunks.
        if (rest.size() >= delimiter_.size()) {
          size_t safe = rest.size() - (delimiter_.size() - 1);
          if (!Emit(rest.data(), safe)) return false;
          pos_ += safe;
        }
        return false;
      }
      if (!Emit(rest.data(), found)) return false;
      pos_ += found + delimiter_.size();
      state_ = State::kAfterDelimiter;
      return true;
    }
    case State::kEpilogue:
      return false;
  }
  return false;
}

}  // namespace ossup::fake
