// cpp-httplib 0.11.4 percent-decodes every request header value before the fake sees it
// ("r%C3%A9sum%C3%A9" arrives as "résumé", "100%25" as "100%"). A signature covers the value
// as sent, so a request whose signed headers held %XX would fail verification, and the fake
// would store and return the decoded text instead of what the client sent.
//
// The value as sent cannot be read back, only guessed: these functions list the requests the
// client may have sent, and the handler keeps the first whose signature verifies. Unsigned
// (anonymous) requests keep the decoded values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ossup/protocol/wire.h"

namespace ossup::fake {

/// Spellings of an `x-oss-copy-source` value that decode to `decoded` (other than `decoded`
/// itself): the key re-encoded as encodeURIComponent / Java's and Python's quoting do ('/' as
/// %2F or kept) and as Go's url.QueryEscape does (space as '+'), with a trailing
/// `?versionId=...` kept as is.
std::vector<std::string> CopySourceSpellings(std::string_view decoded);

/// Variants of `request` with its possibly-decoded signed headers re-encoded: every spelling
/// of x-oss-copy-source (when present), times each way of re-encoding the x-oss-meta-* values
/// that decoding can have changed (those holding '%' or a byte >= 0x80), applied to all of
/// them at once: only non-ASCII bytes and '%' as %XX; every byte but A-Z a-z 0-9 -_.~ as %XX;
/// encodeURIComponent. `request` itself is not among them.
std::vector<protocol::WireRequest> RespelledRequests(const protocol::WireRequest& request);

}  // namespace ossup::fake
