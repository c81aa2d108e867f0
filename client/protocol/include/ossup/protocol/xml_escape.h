// Text into XML (and HTML) markup. Thread-safe, pure.
#pragma once

#include <string>
#include <string_view>

namespace ossup::protocol {

/// `text` with & < > " ' written as entities: safe as XML (and HTML) element content and inside
/// a quoted attribute value. Other bytes are copied as they are.
std::string XmlEscape(std::string_view text);

}  // namespace ossup::protocol
