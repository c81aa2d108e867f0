#include "http/exchange.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <thread>
#include <vector>

#include "http/connection.h"
#include "ossup/protocol/checksum.h"
#include "ossup/protocol/xml.h"
#include "service/errors.h"

namespace ossup::fake {
namespace {

constexpr uint64_t kResponseChunkBytes = 1 << 20;
// Bodies at least this large bypass httplib's 4 KiB reads (and a poll per read).
constexpr uint64_t kDirectReadMinBytes = 256 * 1024;
constexpr size_t kDirectReadBufferBytes = 1 << 20;
constexpr int kDirectReadTimeoutMs = 30000;

void ReplaceHeader(httplib::Response& res, const std::string& name, const std::string& value) {
  res.headers.erase(name);
  res.headers.emplace(name, value);
}

}  // namespace

Exchange::Exchange(Context& context, const httplib::Request& request, httplib::Response& response,
                   const httplib::ContentReader* reader)
    : ctx(context),
      req(request),
      res(response),
      request_id(context.ids.NextRequestId()),
      now(context.clock.Now()),
      reader_(reader) {
  entry.arrival = context.journal.Admit();
  entry.request_id = request_id;
  entry.method = request.method;
  entry.operation = "Unknown";
  // httplib would slice every response by the Range header itself; OSS's range rules differ
  // (docs/protocol.md, "GetObject and ranges"), so GetObject decides and nothing else is sliced.
  const_cast<httplib::Request&>(request).ranges.clear();
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

bool Exchange::ReadBody(const std::function<bool(const char*, size_t)>& sink) {
  body_consumed_ = true;
  const bool reset = FaultIs(faults::ActionType::kReset);
  const bool stall = FaultIs(faults::ActionType::kStall);
  const uint64_t mark = fault ? fault->action.after_bytes : 0;
  bool hooked = false;
  bool sink_ok = true;
  uint64_t received = 0;
  auto receiver = [&](const char* data, size_t size) {
    if ((reset || stall) && !hooked && received + size >= mark) {
      size_t head = static_cast<size_t>(mark - received);
      if (head > 0 && sink_ok) sink_ok = sink(data, head);
      received += head;
      data += head;
      size -= head;
      hooked = true;
      if (reset) {
        Kill();
        return false;
      }
      stall_pending_ = false;
      std::this_thread::sleep_for(std::chrono::milliseconds(fault->action.stall_ms));
    }
    received += size;
    // After a sink failure keep consuming, so the connection stays in sync.
    if (size > 0 && sink_ok) sink_ok = sink(data, size);
    return true;
  };
  bool complete;
  if (!HasBody()) {
    complete = true;  // httplib would read until the client closes
  } else if (auto length = DirectReadLength()) {
    complete = ReadDirect(*length, receiver);
  } else {
    complete = reader_ ? (*reader_)(receiver) : receiver(req.body.data(), req.body.size());
  }
  entry.request_body_bytes = received;
  if (killed_) return false;
  if (reset && !hooked) {  // the body ended before the reset point
    Kill();
    return false;
  }
  if (!complete || !sink_ok) return false;
  if (auto length = Header("Content-Length")) {
    if (std::to_string(received) != *length) return false;
  }
  return true;
}

std::optional<uint64_t> Exchange::DirectReadLength() const {
  // Over TLS the socket carries ciphertext: every byte must go through httplib's SSL stream.
  if (reader_ == nullptr || ctx.options.tls || Header("Transfer-Encoding")) return std::nullopt;
  auto text = Header("Content-Length");
  if (!text) return std::nullopt;
  uint64_t length = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), length);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  if (length < kDirectReadMinBytes) return std::nullopt;
  return length;
}

bool Exchange::ReadDirect(uint64_t length,
                          const std::function<bool(const char*, size_t)>& receiver) {
  // httplib hands over what it buffered after the headers in its first call; stop it there.
  uint64_t received = 0;
  bool keep_going = true;
  (*reader_)([&](const char* data, size_t size) {
    received += size;
    keep_going = receiver(data, size);
    return false;
  });
  if (!keep_going || killed_) return false;
  int fd = ConnectionSocket(req);
  if (fd < 0) {  // cannot happen on Linux; never leave the stream out of sync
    Kill();
    return false;
  }
  thread_local std::vector<char> buffer(kDirectReadBufferBytes);
  while (received < length) {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    int polled = ::poll(&ready, 1, kDirectReadTimeoutMs);
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) {
      Kill();
      return false;
    }
    ssize_t n = ::recv(fd, buffer.data(), std::min<uint64_t>(buffer.size(), length - received), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // the peer went away mid-body
    received += static_cast<uint64_t>(n);
    if (!receiver(buffer.data(), static_cast<size_t>(n))) return false;
  }
  return true;
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
  if (!complete) {
    return errors::Oss("IncompleteBody", 400,
                       "You did not provide the number of bytes specified by the Content-Length "
                       "HTTP header.");
  }
  return body;
}

void Exchange::Drain() {
  if (body_consumed_ || killed_ || reader_ == nullptr || !HasBody()) return;
  body_consumed_ = true;
  // httplib writes 400 into the response when a content reader stops early; the status
  // decided by the operation (or an injected error) must survive draining.
  const int status = res.status;
  auto discard = [](const char*, size_t) { return true; };
  if (auto length = DirectReadLength()) {
    ReadDirect(*length, discard);
  } else {
    (*reader_)(discard);
  }
  res.status = status;
}

void Exchange::CloseAfterResponse() {
  body_consumed_ = true;
  fake::CloseAfterResponse(req, res);
}

bool Exchange::HasBody() const {
  return Header("Content-Length").has_value() || Header("Transfer-Encoding").has_value();
}

void Exchange::Kill() {
  if (killed_) return;
  killed_ = true;
  ResetConnection(req);
}

void Exchange::SetXml(int status, std::string xml) {
  res.status = status;
  res.set_content(std::move(xml), "application/xml");
}

void Exchange::SetEmpty(int status) { res.status = status; }

void Exchange::SetObjectBody(const ObjectPtr& object, uint64_t offset, uint64_t length,
                             std::string content_type) {
  res.set_content_provider(static_cast<size_t>(length), content_type,
                           [object, offset](size_t off, size_t len, httplib::DataSink& sink) {
                             uint64_t n = std::min<uint64_t>(len, kResponseChunkBytes);
                             return ReadObjectRange(*object, offset + off, n,
                                                    [&](const char* data, size_t size) {
                                                      return sink.write(data, size);
                                                    });
                           });
}

void Exchange::SetError(protocol::Error error) { error_ = std::move(error); }

void Exchange::ApplyTruncation() {
  if (req.method == "HEAD") {
    Kill();
    return;
  }
  const uint64_t after = fault->action.after_bytes;
  if (!res.content_provider_) {
    auto body = std::make_shared<std::string>(std::move(res.body));
    res.body.clear();
    std::string type = res.get_header_value("Content-Type");
    if (type.empty()) type = "application/octet-stream";
    res.headers.erase("Content-Type");
    res.set_content_provider(std::max<size_t>(body->size(), 1), type,
                             [body](size_t off, size_t len, httplib::DataSink& sink) {
                               if (off >= body->size()) return false;
                               return sink.write(body->data() + off,
                                                 std::min(len, body->size() - off));
                             });
  }
  // Never let the whole body through: a truncated response must be observably short.
  const uint64_t total = res.content_length_;
  const uint64_t limit = std::min<uint64_t>(after, total == 0 ? 0 : total - 1);
  auto inner = res.content_provider_;
  res.content_provider_ = [inner, limit](size_t off, size_t len, httplib::DataSink& sink) {
    if (off >= limit) return false;
    return inner(off, static_cast<size_t>(std::min<uint64_t>(len, limit - off)), sink);
  };
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
    if (!error_->ec.empty()) ReplaceHeader(res, "x-oss-ec", error_->ec);
    if (req.method == "HEAD") {
      ReplaceHeader(res, "x-oss-err", protocol::Base64Encode(xml));
      res.body.clear();
    } else {
      res.set_content(std::move(xml), "application/xml");
    }
  }
  Drain();
  if (stall_pending_ && !killed_) {
    stall_pending_ = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(fault->action.stall_ms));
  }
  if (!killed_) {
    ReplaceHeader(res, "x-oss-request-id", request_id);
    ReplaceHeader(res, "Date", protocol::FormatHttpDate(now));
    ReplaceHeader(res, "Server", "AliyunOSS");
    if (FaultIs(faults::ActionType::kCorruptChecksum) && !error_) {
      if (res.has_header("x-oss-hash-crc64ecma")) {
        auto crc = protocol::ParseCrc64(res.get_header_value("x-oss-hash-crc64ecma"));
        ReplaceHeader(res, "x-oss-hash-crc64ecma", protocol::Crc64ToString(crc.value_or(0) ^ 1));
      }
      if (res.has_header("ETag")) {
        std::string etag = res.get_header_value("ETag");
        size_t at = etag.size() > 1 && etag[0] == '"' ? 1 : 0;
        if (at < etag.size()) etag[at] = etag[at] == '0' ? '1' : '0';
        ReplaceHeader(res, "ETag", etag);
      }
    } else if (FaultIs(faults::ActionType::kDropResponse)) {
      Kill();
    } else if (FaultIs(faults::ActionType::kTruncateResponse)) {
      ApplyTruncation();
    }
  }
  entry.http_status = killed_ ? 0 : res.status;
  if (!entry.operation.empty() && entry.operation != "Control") ctx.journal.Record(entry);
}

}  // namespace ossup::fake
