// Connection control that cpp-httplib 0.11.4 does not offer: abrupt drops for fault injection,
// closing after an unread body, and a short busy-wait for the next keep-alive request.
// cpp-httplib offers no way to drop a connection from a handler, so we find the accepted socket by
// its port pair and make the kernel send an RST (SO_LINGER {1, 0}, then the last close). A dead
// stand-in socket (end of file to reads, EPIPE to writes) takes over the fd number, so httplib's
// own later close cannot hit a reused descriptor.
#pragma once

#include <httplib.h>

namespace ossup::fake {

/// The accepted socket `request` arrived on, or -1. Cached per thread (a worker serves one
/// connection at a time), so repeated calls are cheap.
int ConnectionSocket(const httplib::Request& request);

/// Resets the connection `request` arrived on. False when its socket was not found.
bool ResetConnection(const httplib::Request& request);

/// Shuts down (FIN, no close) every accepted connection on `local_port`, so workers idling
/// in httplib's keep-alive wait notice at once instead of after the keep-alive timeout.
void ShutdownConnections(int local_port);

/// Asks for the connection `request` arrived on to be closed once `response` has been written,
/// without reading what is left of the request body: `response` gets `Connection: close`;
/// FinishResponse then half-closes (FIN after the answer), discards whatever the client still
/// sends for up to kLingerMilliseconds (so a client busy sending reads the answer instead of a
/// reset), and stops reading, which ends httplib's keep-alive loop. For bodies too large to
/// drain. Only the calling (worker) thread's current connection is affected.
void CloseAfterResponse(const httplib::Request& request, httplib::Response& response);
inline constexpr int kLingerMilliseconds = 2000;

/// To be called by httplib's logger, which runs once a response has been written (or failed):
/// carries out a CloseAfterResponse pending for `request`'s connection, if any.
void FinishResponse(const httplib::Request& request);

/// To be called by httplib's logger after FinishResponse: polls `request`'s connection without
/// sleeping for up to `spin_microseconds`, returning as soon as the next request (or a close)
/// is readable. A client that answers each response with its next request at once then finds
/// the worker awake: on a virtual machine, waking a thread on an idle vCPU costs more than
/// serving a small request. Adaptive: a worker whose spins keep finding nothing stops spinning
/// (but for an occasional probe), so the CPU spent waiting stays small. 0 turns it off.
void AwaitNextRequestBriefly(const httplib::Request& request, int spin_microseconds);

}  // namespace ossup::fake
