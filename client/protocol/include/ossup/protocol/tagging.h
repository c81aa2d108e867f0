// Object tags: the rules OSS checks and the x-oss-tagging header form (docs/protocol.md,
// "Object tagging").
#pragma once

#include <string_view>

#include "ossup/protocol/status.h"
#include "ossup/protocol/xml.h"

namespace ossup::protocol {

/// At most kMaxObjectTags tags with distinct keys; UTF-8; a key of 1 to 128 characters and a
/// value of at most 256; ASCII characters only letters, digits, space and `+ - = . _ : /`.
/// InvalidArgument with the EC OSS documents for the first rule broken (0010-00000216 not
/// UTF-8, 0010-00000209 key length, 0010-00000214 value length, 0010-00000217 otherwise).
Status ValidateObjectTags(const Tagging& tagging);
inline constexpr size_t kMaxObjectTags = 10;

/// Parses `k1=v1&k2=v2` (keys and values URL-encoded; `k` alone is an empty value) and
/// validates the result. InvalidArgument, EC 0010-00000219, when it is not of that form.
StatusOr<Tagging> ParseTaggingHeader(std::string_view header);
/// The x-oss-tagging form of `tagging`, keys and values URL-encoded.
std::string FormatTaggingHeader(const Tagging& tagging);

}  // namespace ossup::protocol
