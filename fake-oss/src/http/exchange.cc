#include "http/exchange.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "ossup/protocol/checksum.h"
#include "ossup/protocol/limits.h"
#include "ossup/protocol/xml.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

constexpr size_t kBodyBufferBytes = 256 * 1024;

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Exchange::Exchange(Context& context, Connection& conn)
    : ctx(context),
      connection(conn),
      req(conn.head()),
      request_id(context.ids.NextRequestId()),
      now(context.clock.Now()) {
  entry.arrival = context.journal.Admit();
  entry.arrived_us = MonotonicMicros();
  entry.request_id = request_id;
  entry.method = req.method;
}

std::optional<std::string_view> Exchange::Header(std::string_view name) const {
  return protocol::FindHeader(wire.headers, name);
}

std::optional<std::string_view> Exchange::Param(std::string_view name) const {
  return protocol::FindParam(wire.query, name);
}

void Exchange::ArmFault(std::optional<faults::Firing> firing) {
  fault = std::move(firing);
  entry.fault = fault;
  stall_pending_ = FaultIs(faults::ActionType::kStall);
}

bool Exchange::HasParam(std::string_view name) const {
  return protocol::HasParam(wire.query, name);
}

namespace {

// Hands the body to a ByteSink through a buffer of this thread's.
class SinkDestination final : public BodyDestination {
 public:
  explicit SinkDestination(const ByteSink& sink) : sink_(sink) {}
  std::span<char> Room() override { return buffer_; }
  bool Commit(size_t n) override { return sink_(buffer_.data(), n); }

 private:
  const ByteSink& sink_;
  static thread_local std::vector<char> buffer_;
};
thread_local std::vector<char> SinkDestination::buffer_(kBodyBufferBytes);

}  // namespace

bool Exchange::ReadBody(const ByteSink& sink, uint64_t max_bytes) {
  SinkDestination destination(sink);
  return ReadBody(destination, max_bytes);
}

bool Exchange::ReadBody(BodyDestination& destination, uint64_t max_bytes) {
  body_consumed_ = true;
  const bool reset = FaultIs(faults::ActionType::kReset);
  const bool stall = FaultIs(faults::ActionType::kStall);
  // A reset or stall happens once `mark` bytes have arrived: reads stop at the mark, so the
  // destination has exactly those bytes when it happens (with a mark of 0, after the first read).
  const uint64_t mark = fault ? fault->action.after_bytes : 0;
  bool hooked = !(reset || stall);
  bool kept = true;
  bool complete = true;
  uint64_t received = 0;
  // After a destination failure the rest is read into here, so the connection stays in sync.
  thread_local std::vector<char> discard(kBodyBufferBytes);
  while (!connection.body_complete()) {
    std::span<char> room = kept ? destination.Room() : std::span<char>(discard);
    size_t want = room.size();
    if (!hooked && mark > received)
      want = static_cast<size_t>(std::min<uint64_t>(want, mark - received));
    // One byte past the limit tells that the body exceeds it.
    if (max_bytes - received < want) want = static_cast<size_t>(max_bytes - received + 1);
    auto n = connection.ReadBody(room.data(), want);
    if (!n) {
      complete = false;
      break;
    }
    if (*n == 0) break;
    if (*n > max_bytes - received) {
      body_too_large_ = true;
      complete = false;
      CloseAfterResponse();
      break;
    }
    received += *n;
    if (kept) kept = destination.Commit(*n);
    if (!hooked && received >= mark) {
      hooked = true;
      if (reset) {
        Kill();
        break;
      }
      stall_pending_ = false;
      connection.Stall(std::chrono::milliseconds(fault->action.stall_ms));
    }
  }
  entry.request_body_bytes = received;
  if (killed_) return false;
  if (reset && !hooked) {  // the body ended before the reset point
    Kill();
    return false;
  }
  if (!complete) CloseAfterResponse();
  return complete && kept;
}

protocol::Error Exchange::BodyError() const {
  if (body_too_large_) {
    return errors::Oss("EntityTooLarge");
  }
  switch (connection.body_failure()) {
    case BodyFailure::kTimeout: {
      auto error = errors::Oss("RequestTimeout");
      error.ec = "0017-00000504";  // OSS: timed out reading the request body
      return error;
    }
    case BodyFailure::kMalformed:
      return errors::InvalidRequest("The chunked request body is malformed.");
    default:
      return errors::Oss("IncompleteBody");
  }
}

protocol::StatusOr<std::string> Exchange::ReadSmallBody(size_t limit) {
  std::string body;
  bool too_big = false;
  bool complete = ReadBody([&](const char* data, size_t size) {
    if (body.size() + size > limit) {
      too_big = true;
    } else {
      body.append(data, size);
    }
    return true;
  });
  if (too_big) return errors::MalformedXml();
  if (!complete) return BodyError();
  return body;
}

void Exchange::Drain() {
  if (body_consumed_ || killed_ || connection.body_complete()) return;
  body_consumed_ = true;
  if (connection.awaiting_continue()) return CloseAfterResponse();
  thread_local std::vector<char> buffer(kBodyBufferBytes);
  uint64_t drained = 0;
  while (drained <= ctx.options.max_part_bytes) {
    auto n = connection.ReadBody(buffer.data(), buffer.size());
    if (!n || *n == 0) break;
    drained += *n;
  }
  if (!connection.body_complete()) CloseAfterResponse();
}

void Exchange::CloseAfterResponse() {
  body_consumed_ = true;
  connection.CloseAfterResponse();
}

bool Exchange::HasBody() const {
  return req.Header("Content-Length").has_value() || req.Header("Transfer-Encoding").has_value();
}

void Exchange::Kill() {
  if (killed_) return;
  killed_ = true;
  connection.Reset();
}

void Exchange::SetXml(int status, std::string xml) {
  res.status = status;
  res.set_content(std::move(xml), "application/xml");
}

void Exchange::SetEmpty(int status) { res.status = status; }

void Exchange::SetObjectBody(const ObjectPtr& object, uint64_t offset, uint64_t length,
                             std::string content_type) {
  res.set_content_provider(length, std::move(content_type),
                           [object, offset](uint64_t off, uint64_t len, const ByteSink& sink) {
                             return ReadObjectRange(*object, offset + off, len, sink);
                           });
}

void Exchange::SetError(protocol::Error error) { error_ = std::move(error); }

std::optional<uint64_t> Exchange::PrepareTruncation() {
  if (req.method == "HEAD") {
    Kill();
    return std::nullopt;
  }
  if (res.BodyLength() == 0) {
    res.body = " ";
    if (!res.has_header("Content-Type")) res.set_header("Content-Type", "application/octet-stream");
  }
  // Never let the whole body through: a truncated response must be observably short.
  return std::min<uint64_t>(fault->action.after_bytes, res.BodyLength() - 1);
}

void Exchange::Finish() {
  // A planned reset always happens, even when the operation failed before reading the body.
  if (FaultIs(faults::ActionType::kReset)) Kill();
  if (!killed_ && error_) {
    error_->request_id = request_id;
    error_->host_id = req.get_header_value("Host");
    entry.error_code = error_->code;
    std::string xml = protocol::EncodeXml(*error_);
    res.status = error_->http_status;
    if (!error_->ec.empty()) res.set_header("x-oss-ec", error_->ec);
    if (req.method == "HEAD") {
      res.set_header("x-oss-err", protocol::Base64Encode(xml));
      res.body.clear();
      res.provider = nullptr;
    } else {
      res.set_content(std::move(xml), "application/xml");
    }
  }
  Drain();
  if (stall_pending_ && !killed_) {
    stall_pending_ = false;
    connection.Stall(std::chrono::milliseconds(fault->action.stall_ms));
  }
  std::optional<uint64_t> truncate_after;
  if (!killed_) {
    res.set_header("x-oss-request-id", request_id);
    res.set_header("Date", protocol::FormatHttpDate(now));
    res.set_header("Server", "AliyunOSS");
    truncate_after = ApplyFaultToResponse();
  }
  entry.http_status = killed_ ? 0 : res.status;
  entry.latency_us = MonotonicMicros() - entry.arrived_us;
  ctx.journal.Record(entry);
  if (!killed_) connection.Send(res, truncate_after);
}

}  // namespace ossup::fake
