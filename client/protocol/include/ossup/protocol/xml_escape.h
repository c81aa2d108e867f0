// Text into XML (and HTML) markup. Thread-safe, pure.
#pragma once

#include <string>
#include <string_view>

namespace ossup::protocol {

/// `text` with & < > " ' written as entities and control characters other than tab and newline
/// as numeric references: safe as XML (and HTML) element content and inside a quoted attribute
/// value. Other bytes are copied as they are. The protocol's XML encoders use the same escaper
/// (without the quotes, which element content does not need).
std::string XmlEscape(std::string_view text);

}  // namespace ossup::protocol
