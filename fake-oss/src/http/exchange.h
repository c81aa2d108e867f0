// Exchange: one HTTP request in flight and everything the operation handlers need to answer
// it: the parsed WireRequest, the virtual time, the fault chosen for it, body streaming with
// fault hook points, and response helpers that add OSS's common headers, write error
// documents (bodiless with x-oss-err on HEAD), record the journal entry and send the response
// through the connection, which carries out the connection faults (reset, drop, truncate).
// Used by one handler thread only.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "http/callback_key.h"
#include "http/connection.h"
#include "http/message.h"
#include "journal/journal.h"
#include "ossup/fake/clock.h"
#include "ossup/fake/server.h"
#include "ossup/faults/injector.h"
#include "ossup/protocol/operation.h"
#include "service/ids.h"
#include "service/service.h"

namespace ossup::fake {

/// The server-wide pieces a request may touch.
struct Context {
  const ServerOptions& options;
  Service& service;
  Authenticator& auth;
  faults::Injector& injector;
  Journal& journal;
  VirtualClock& clock;
  IdGenerator& ids;
  /// Signs upload callbacks.
  CallbackKey& callback_key;
  /// Drops in-memory state and reloads it from disk (the `restart` fault).
  std::function<void()> restart;
};

/// Where Exchange::ReadBody puts body bytes: the connection reads them straight into Room(),
/// so a body that ends up in memory is copied once, from the stream to its final place.
class BodyDestination {
 public:
  virtual ~BodyDestination() = default;
  /// Room for the next body bytes: at least one byte. Valid until the next Commit.
  virtual std::span<char> Room() = 0;
  /// The first `n` bytes of the last Room() are the body's next bytes. False when they could
  /// not be kept: ReadBody then reads the rest without keeping it and reports the body
  /// incomplete.
  virtual bool Commit(size_t n) = 0;
};

class Exchange {
 public:
  Exchange(Context& ctx, Connection& connection);

  Context& ctx;
  Connection& connection;
  const RequestHead& req;
  Response res;
  protocol::WireRequest wire;
  protocol::Operation op = protocol::Operation::kUnknown;
  std::string request_id;
  protocol::TimePoint now;
  std::optional<faults::Firing> fault;
  JournalEntry entry;

  std::optional<std::string_view> Header(std::string_view name) const;
  std::optional<std::string_view> Param(std::string_view name) const;
  bool HasParam(std::string_view name) const;
  bool FaultIs(faults::ActionType type) const { return fault && fault->action.type == type; }
  /// Installs the fault chosen for this request (and records it in the journal entry).
  void ArmFault(std::optional<faults::Firing> firing);

  /// Streams the request body into `sink`, carrying out reset/stall faults at their byte
  /// offsets. True when the whole body arrived and `sink` accepted every byte. False after a
  /// reset (the connection is gone, answer nothing: killed()), when the body failed
  /// (BodyError()), or when it grew past `max_bytes` (then it is left unread and the
  /// connection closes after the answer).
  bool ReadBody(const ByteSink& sink, uint64_t max_bytes = UINT64_MAX);
  /// ReadBody into `destination` (same contract; false also when a Commit failed).
  bool ReadBody(BodyDestination& destination, uint64_t max_bytes = UINT64_MAX);
  /// Why ReadBody returned false without a reset: EntityTooLarge past `max_bytes`,
  /// RequestTimeout (body idle), InvalidRequest (broken chunked framing), IncompleteBody.
  protocol::Error BodyError() const;
  /// The whole body as a string; MalformedXML (drained) when it exceeds `limit`.
  protocol::StatusOr<std::string> ReadSmallBody(size_t limit);
  /// Reads and discards whatever body is left, so keep-alive stays in sync and a client still
  /// sending is not cut off. A body the client holds back for `100 Continue`, or one longer
  /// than ServerOptions::max_part_bytes, is not read: the connection closes after the answer
  /// instead.
  void Drain();
  /// For bodies too large to drain: the body is never read; the answer goes out with
  /// `Connection: close` and then the connection closes (Connection::CloseAfterResponse), so
  /// leftover body bytes are never served as a request.
  void CloseAfterResponse();
  /// True when the request has a body by HTTP/1.1 framing: a Content-Length or a
  /// Transfer-Encoding header. Without either the body is empty (RFC 9112 §6.3).
  bool HasBody() const;
  /// Resets the connection now (RST); nothing more is sent.
  void Kill();
  bool killed() const { return killed_; }

  void SetXml(int status, std::string xml);
  void SetEmpty(int status);
  /// Streams [offset, offset+length) of `object` as the body.
  void SetObjectBody(const ObjectPtr& object, uint64_t offset, uint64_t length,
                     std::string content_type);
  void SetError(protocol::Error error);

  /// Carries out the armed fault's before-the-operation part (fault_actions.cc): error,
  /// reset before the body, expire-upload, restart. False when the request ends here (an
  /// error is set or the connection is gone); `reads_body`: the operation reads a body.
  bool ApplyFaultBeforeOperation(bool reads_body);

  /// Completes and sends the response: error document, common headers, pending stall,
  /// response-side faults (corrupt-checksum, drop-response, truncate-response), journal (before
  /// the response goes out, so a client that has the answer finds the entry).
  void Finish();

 private:
  /// How many body bytes a truncate-response fault lets through (the body is made at least one
  /// byte long, so the cut is observable). nullopt after a reset (HEAD has no body to cut).
  std::optional<uint64_t> PrepareTruncation();
  /// Carries out the armed fault's response-side part (fault_actions.cc) on `res` before it
  /// goes out: corrupt-checksum, corrupt-etag, drop-response, truncate-response. Returns how
  /// many body bytes to send for a truncation.
  std::optional<uint64_t> ApplyFaultToResponse();

  std::optional<protocol::Error> error_;
  bool body_too_large_ = false;
  bool killed_ = false;
  bool body_consumed_ = false;
  bool stall_pending_ = false;
};

}  // namespace ossup::fake
