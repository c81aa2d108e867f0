// The framing rules a request's header must meet before any handler runs, and the OSS errors
// for those it breaks. Pure functions; thread-safe.
#pragma once

#include <boost/beast/core/error.hpp>
#include <optional>

#include "http/message.h"
#include "ossup/protocol/status.h"

namespace ossup::fake {

/// The error for a header block the parser refused (`parse_error`, from Beast's http error
/// category) or that did not arrive in time (`timed_out`).
protocol::Error HeaderReadError(const boost::beast::error_code& parse_error, bool timed_out);

/// The error for a parsed header that cannot be served, checked in this order: a target longer
/// than `max_target_bytes` (InvalidURI), a method OSS does not know (MethodNotAllowed, 405), a
/// Content-Length that is not digits only or two that disagree (InvalidArgument, 400), a
/// Transfer-Encoding other than `chunked` (NotImplemented, 501). nullopt when it is fine.
std::optional<protocol::Error> CheckFraming(const RequestHead& head, size_t max_target_bytes);

/// The error for a body that stopped arriving within the body-idle timeout.
protocol::Error BodyTimeoutError();

}  // namespace ossup::fake
