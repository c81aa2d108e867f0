// Session<Stream>: one connection of the engine (see http/engine.h for the design), over a
// plain socket or a TLS stream. State touched by the I/O side lives on the connection's strand.
// Beast parses every request head and chunked bodies; a body framed by Content-Length goes
// straight from the stream into the handler's buffer (what Beast had read past the head first),
// in reads as large as the buffer, so the bytes are copied once.
// A request served inline runs its handler on the strand itself. A request served on a handler
// thread: that thread touches the parser and the per-request state only while it serves the
// request, and every I/O it needs runs on the strand while it waits (Await), so the two never
// run at once.
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstring>
#include <future>
#include <optional>
#include <type_traits>

#include "http/core.h"
#include "http/framing.h"

namespace ossup::fake {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

constexpr size_t kFirstReadBytes = 16 * 1024;
constexpr size_t kBodyReadBytes = 256 * 1024;
constexpr size_t kResponseChunkBytes = 1 << 20;
/// How long a closing connection discards what the client still sends.
constexpr auto kLinger = std::chrono::milliseconds(2000);

bool IsHttpError(const ErrorCode& ec) {
  return ec.category() == http::make_error_code(http::error::need_buffer).category();
}

bool IsBodyless(const RequestHead& head, int status) {
  return head.method == "HEAD" || status < 200 || status == 204 || status == 304;
}

template <class Stream>
class Session final : public Connection,
                      public SessionControl,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Session(EngineCore& core, Stream stream)
      : core_(core), stream_(std::move(stream)), timer_(stream_.get_executor()) {}
  ~Session() override { core_.Unregister(this); }

  void Start() {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Handshake(); });
  }

  // --- SessionControl ---------------------------------------------------------------------

  void PostStop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stop_requested_ = true;
      if (self->idle_) self->Close();
    });
  }
  void PostClose() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

  // --- Connection (handler thread) --------------------------------------------------------

  const RequestHead& head() const override { return head_; }
  bool may_block() const override { return !inline_; }
  bool body_complete() const override {
    return BodyDone() && (!inline_ || inline_consumed_ == inline_filled_);
  }
  BodyFailure body_failure() const override { return failure_; }
  bool awaiting_continue() const override { return expects_continue_ && !continue_sent_; }

  std::optional<size_t> ReadBody(char* data, size_t capacity) override {
    if (inline_) return ReadInlineBody(data, capacity);
    if (failure_ != BodyFailure::kNone) return std::nullopt;
    if (BodyDone()) return 0;
    if (head_.framing_error) return 0;  // the body is never read; the connection closes
    if (awaiting_continue()) {
      continue_sent_ = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!WriteAll(net::buffer(kContinue.data(), kContinue.size()))) {
        failure_ = BodyFailure::kPeerGone;
        return std::nullopt;
      }
    }
    // Beast reads at most the buffer's free capacity per read: give chunked body reads room
    // (the buffer shrinks again when the connection idles).
    if (!direct_body_ && buffer_.capacity() < kBodyReadBytes) buffer_.reserve(kBodyReadBytes);
    while (true) {
      auto [ec, got] = Await([&](auto done) {
        Arm(core_.options.body_idle_timeout);
        ReadInto(data, capacity, 0, std::move(done));
      });
      if (ec) {
        failure_ = FailureOf(ec);
        return std::nullopt;
      }
      if (got > 0 || BodyDone()) return got;
    }
  }

  bool Send(const Response& response, std::optional<uint64_t> truncate_after) override {
    responded_ = true;
    if (core_.cutting) return false;  // Stop() cut this request: it goes unanswered
    if (truncate_after) close_after_ = true;
    if (stop_requested_) close_after_ = true;
    const bool bodyless = IsBodyless(head_, response.status);
    const uint64_t length = response.BodyLength();
    std::string text = "HTTP/1.1 " + std::to_string(response.status) + " ";
    text += ReasonPhrase(response.status);
    text += "\r\n";
    for (const auto& [name, value] : response.headers) {
      if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Connection") ||
          beast::iequals(name, "Transfer-Encoding")) {
        continue;
      }
      text += name + ": " + value + "\r\n";
    }
    // 304 announces a length too (0 here: no object headers describe a body it lacks).
    if (response.status >= 200 && response.status != 204) {
      text += "Content-Length: " + std::to_string(length) + "\r\n";
    }
    if (close_after_) text += "Connection: close\r\n";
    text += "\r\n";
    uint64_t limit = bodyless ? 0 : length;
    if (truncate_after) limit = std::min(limit, *truncate_after);
    if (inline_) {
      SendInline(std::move(text), response, limit);
      return true;
    }
    if (!response.provider && !truncate_after) {
      SendInBackground(std::move(text), response.body.substr(0, static_cast<size_t>(limit)));
      return true;
    }
    if (!response.provider) {
      std::string body = response.body.substr(0, static_cast<size_t>(limit));
      return WriteAll(Sequence(text, body));
    }
    if (!WriteAll(net::buffer(text))) return false;
    bool ok = true;
    bool wrote = true;
    for (uint64_t offset = 0; ok && offset < limit; offset += kResponseChunkBytes) {
      const uint64_t n = std::min<uint64_t>(kResponseChunkBytes, limit - offset);
      ok = response.provider(offset, n, [this, &wrote](const char* data, size_t size) {
        wrote = WriteAll(net::buffer(data, size));
        return wrote;
      });
    }
    // The body could not be produced: reset rather than end the announced length early, so no
    // client takes a short body for a whole one.
    if (!ok && wrote) Reset();
    return ok;
  }

  void CloseAfterResponse() override { close_after_ = true; }

  void Reset() override {
    reset_ = true;
    if (inline_) {  // on the strand already
      if (!closed_) ResetNow();
      return;
    }
    Await([this](auto done) {
      if (!closed_) ResetNow();
      done(ErrorCode{}, 0);
    });
  }

  void Stall(std::chrono::milliseconds duration) override {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    protocol::MutexLock lock(core_.mutex);
    while (!core_.cutting) {
      if (!core_.cut.WaitUntil(core_.mutex, deadline)) break;  // timed out
    }
  }

 private:
  tcp::socket& Socket() { return beast::get_lowest_layer(stream_); }

  /// The whole body has been read from the stream.
  bool BodyDone() const { return direct_body_ ? body_left_ == 0 : parser_->is_done(); }

  /// `head` then `body` as one buffer sequence for async_write. Over TLS it is one buffer
  /// (`body` is appended to `head`): Beast's flat_stream writes nothing for a sequence whose
  /// first buffer is used up and whose second is too large to coalesce, and async_write then
  /// stops short.
  static std::array<net::const_buffer, 2> Sequence(std::string& head, std::string& body) {
    if constexpr (kTls) {
      head += body;
      body.clear();
    }
    return {net::buffer(head), net::buffer(body)};
  }

  void ResetNow() {
    ErrorCode ignored;
    Socket().set_option(net::socket_base::linger(true, 0), ignored);
    Close();
  }

  /// Why a body read failed with `ec` (after Arm: timed_out_ tells a timeout).
  BodyFailure FailureOf(const ErrorCode& ec) const {
    if (timed_out_) return BodyFailure::kTimeout;
    if (IsHttpError(ec)) {
      return ec == http::error::partial_message || ec == http::error::end_of_stream
                 ? BodyFailure::kPeerGone
                 : BodyFailure::kMalformed;
    }
    return BodyFailure::kPeerGone;
  }

  /// ReadBody for a request served inline: the bytes the strand read before the handler ran,
  /// then how the body ended.
  std::optional<size_t> ReadInlineBody(char* data, size_t capacity) {
    if (inline_consumed_ < inline_filled_) {
      const size_t n = std::min(capacity, inline_filled_ - inline_consumed_);
      std::memcpy(data, inline_body_.data() + inline_consumed_, n);
      inline_consumed_ += n;
      return n;
    }
    if (inline_failure_ != BodyFailure::kNone) {
      failure_ = inline_failure_;
      return std::nullopt;
    }
    return 0;
  }

  /// Send for a request served inline (on the strand): writes `head` and the body's first
  /// `limit` bytes in the background, a provider's body a chunk at a time; AfterRequest once
  /// written.
  void SendInline(std::string head, const Response& response, uint64_t limit) {
    auto out = std::make_shared<Outgoing>();
    out->head = std::move(head);
    out->limit = limit;
    if (response.provider && limit > 0) {
      out->provider = response.provider;
      if (!out->NextChunk()) return Close();
    } else if (!response.provider) {
      out->body.assign(response.body, 0, static_cast<size_t>(limit));
    }
    write_pending_ = true;
    WriteOutgoing(std::move(out));
  }
  struct Outgoing {
    std::string head;
    std::string body;
    BodyProvider provider;
    uint64_t offset = 0;
    uint64_t limit = 0;
    /// Replaces `body` by the provider's next chunk; false when the provider failed.
    bool NextChunk() {
      body.clear();
      const uint64_t n = std::min<uint64_t>(kResponseChunkBytes, limit - offset);
      const bool ok = provider(offset, n, [this](const char* data, size_t size) {
        body.append(data, size);
        return true;
      });
      offset += n;
      return ok;
    }
  };
  void WriteOutgoing(std::shared_ptr<Outgoing> out) {
    Arm(core_.options.write_timeout);
    net::async_write(stream_, Sequence(out->head, out->body),
                     [self = this->shared_from_this(), out](ErrorCode ec, size_t) mutable {
                       self->Disarm();
                       if (!ec && out->provider && out->offset < out->limit) {
                         out->head.clear();
                         if (out->NextChunk()) return self->WriteOutgoing(std::move(out));
                         ec = net::error::operation_aborted;
                       }
                       if (ec) self->Close();
                       self->write_pending_ = false;
                       self->AfterRequest();
                     });
  }

  /// Runs `start(done)` on the strand and waits (on the handler thread) until `done` is
  /// called. `start` must call `done` exactly once, now or from a completion handler.
  template <class Start>
  std::pair<ErrorCode, size_t> Await(Start&& start) {
    std::promise<std::pair<ErrorCode, size_t>> promise;
    auto future = promise.get_future();
    net::post(stream_.get_executor(), [this, &promise, &start] {
      auto done = [this, &promise](ErrorCode ec, size_t n) {
        Disarm();
        promise.set_value({ec, n});
      };
      if (closed_) return done(net::error::operation_aborted, 0);
      start(std::move(done));
    });
    return future.get();
  }

  /// Writes the response without waiting for it: the handler thread is free at once. The
  /// connection moves on (AfterRequest) once both the write has finished and the handler has
  /// returned (RequestDone), whichever comes last.
  void SendInBackground(std::string head, std::string body) {
    sent_in_background_ = true;
    pending_completions_ = 2;
    auto message =
        std::make_shared<std::pair<std::string, std::string>>(std::move(head), std::move(body));
    net::post(stream_.get_executor(), [self = this->shared_from_this(), message] {
      if (self->closed_) return self->CompleteOnStrand();
      self->Arm(self->core_.options.write_timeout);
      net::async_write(self->stream_, Session::Sequence(message->first, message->second),
                       [self, message](ErrorCode ec, size_t) {
                         self->Disarm();
                         if (ec) self->Close();
                         self->CompleteOnStrand();
                       });
    });
  }
  void CompleteOnStrand() {
    if (pending_completions_.fetch_sub(1) == 1) AfterRequest();
  }

  /// On the strand: reads body bytes into data[filled, capacity) until it is full, the body
  /// ends, or no more bytes are waiting in the socket; then done(error, bytes filled). One hand-off
  /// to the handler thread per buffer rather than per read.
  template <class Done>
  void ReadInto(char* data, size_t capacity, size_t filled, Done done) {
    if (direct_body_) return ReadDirect(data, capacity, filled, std::move(done));
    auto& body = parser_->get().body();
    body.data = data + filled;
    body.size = capacity - filled;
    body.more = true;
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = this->shared_from_this(), data, capacity, done = std::move(done)](
                              ErrorCode ec, size_t) mutable {
                            const size_t now = capacity - self->parser_->get().body().size;
                            if (ec == http::error::need_buffer) ec = {};
                            ErrorCode ignored;
                            // Only bytes already in the kernel: what is left in buffer_ may be a
                            // partial chunk header that cannot be parsed before more arrives.
                            if (!ec && now < capacity && !self->parser_->is_done() &&
                                self->Socket().available(ignored) > 0) {
                              return self->ReadInto(data, capacity, now, std::move(done));
                            }
                            done(ec, now);
                          });
  }

  /// ReadInto for a body framed by Content-Length: first the body bytes Beast read past the
  /// head, then straight from the stream, never past the body's end (a pipelined request that
  /// follows stays in the stream). `progressed`: this call has read bytes already.
  template <class Done>
  void ReadDirect(char* data, size_t capacity, size_t filled, Done done, bool progressed = false) {
    const size_t buffered = std::min({capacity - filled, buffer_.size(), body_left_});
    if (buffered > 0) {
      std::memcpy(data + filled, buffer_.data().data(), buffered);
      buffer_.consume(buffered);
      body_left_ -= buffered;
      filled += buffered;
      progressed = true;
    }
    ErrorCode ignored;
    if (filled == capacity || body_left_ == 0 || (progressed && Socket().available(ignored) == 0)) {
      return done(ErrorCode{}, filled);
    }
    const size_t want = std::min(capacity - filled, body_left_);
    stream_.async_read_some(net::buffer(data + filled, want),
                            [self = this->shared_from_this(), data, capacity, filled,
                             done = std::move(done)](ErrorCode ec, size_t n) mutable {
                              self->body_left_ -= n;
                              if (ec) return done(ec, filled + n);
                              self->ReadDirect(data, capacity, filled + n, std::move(done), true);
                            });
  }

  template <class Buffers>
  bool WriteAll(const Buffers& buffers) {
    auto [ec, n] = Await([&](auto done) {
      Arm(core_.options.write_timeout);
      net::async_write(stream_, buffers, std::move(done));
    });
    return !ec;
  }

  // --- I/O side (strand) ------------------------------------------------------------------

  /// Cancels the connection's I/O after `timeout` (timed_out_ then tells why it ended).
  void Arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this(), generation](ErrorCode ec) {
      if (ec || generation != self->timer_generation_) return;
      self->timed_out_ = true;
      ErrorCode ignored;
      self->Socket().cancel(ignored);
    });
  }
  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void Handshake() {
    if constexpr (kTls) {
      Arm(core_.options.header_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](ErrorCode ec) {
                                self->Disarm();
                                if (ec) return self->Close();
                                self->WaitForRequest();
                              });
    } else {
      WaitForRequest();
    }
  }

  /// Between requests: waits (idle, up to the keep-alive timeout) for the next request's first
  /// bytes, unless they are buffered already.
  void WaitForRequest() {
    if (closed_) return;
    if (core_.stopping || stop_requested_) return Close();
    awaiting_request_since = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(core_.options.max_header_bytes));
    parser_->body_limit(boost::none);
    if (buffer_.size() > 0) return ReadHeader();
    // An idle connection holds no buffer: a plain socket waits for readability; TLS reads
    // (the record layer buffers anyway).
    buffer_.shrink_to_fit();
    if (inline_body_.capacity() > 0) std::string().swap(inline_body_);
    idle_ = true;
    Arm(core_.options.keep_alive_timeout);
    auto resume = [self = this->shared_from_this()](ErrorCode ec) {
      self->idle_ = false;
      self->Disarm();
      if (ec || self->stop_requested_) return self->Close();
      self->ReadHeader();
    };
    if constexpr (kTls) {
      stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                              [this, resume](ErrorCode ec, size_t n) {
                                buffer_.commit(n);
                                resume(ec);
                              });
    } else {
      Socket().async_wait(tcp::socket::wait_read, resume);
    }
  }

  void ReadHeader() {
    if (buffer_.capacity() < kFirstReadBytes) buffer_.reserve(kFirstReadBytes);
    Arm(core_.options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](ErrorCode ec, size_t) {
                              self->Disarm();
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(ErrorCode ec) {
    head_ = RequestHead{};
    if (ec) {
      const bool parse_error =
          IsHttpError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message;
      if (!timed_out_ && !parse_error) return Close();  // the client left, or Stop()
      head_.framing_error = HeaderReadError(ec, timed_out_);
      head_.method = std::string(parser_->get().method_string());
    } else {
      const auto& message = parser_->get();
      head_.method = std::string(message.method_string());
      head_.target = std::string(message.target());
      for (const auto& field : message) {
        head_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      head_.framing_error = CheckFraming(head_, core_.options.max_target_bytes);
      auto expect = head_.Header("Expect");
      expects_continue_ = expect && beast::iequals(*expect, "100-continue") &&
                          message.version() >= 11 && !parser_->is_done();
    }
    if (local_addr_.empty()) {
      ErrorCode ignored;
      auto local = Socket().local_endpoint(ignored);
      local_addr_ = local.address().to_string();
      local_port_ = local.port();
    }
    head_.local_addr = local_addr_;
    head_.local_port = local_port_;
    close_after_ = head_.framing_error.has_value() || (!ec && !parser_->get().keep_alive()) || !!ec;
    continue_sent_ = false;
    responded_ = false;
    sent_in_background_ = false;
    write_pending_ = false;
    failure_ = BodyFailure::kNone;
    direct_body_ = !head_.framing_error && !parser_->is_done() && !parser_->chunked() &&
                   parser_->content_length().has_value();
    body_left_ = direct_body_ ? static_cast<size_t>(*parser_->content_length()) : 0;
    inline_ = ServesInline();
    if (!inline_) {
      core_.workers.Submit([self = this->shared_from_this()] { self->Serve(); });
      return;
    }
    inline_filled_ = 0;
    inline_consumed_ = 0;
    inline_failure_ = BodyFailure::kNone;
    if (head_.framing_error || BodyDone()) return ServeInline();
    inline_body_.resize(static_cast<size_t>(*parser_->content_length()));
    PreReadBody();
  }

  /// Whether the current request is served on the strand (see http/engine.h): the policy
  /// admits it and its body is known to be small. A framing error's body is never read.
  bool ServesInline() {
    if (!core_.serves_inline || expects_continue_) return false;
    if (!head_.framing_error && !parser_->is_done()) {
      if (parser_->chunked() || !parser_->content_length()) return false;
      if (*parser_->content_length() > core_.options.inline_body_bytes) return false;
    }
    return core_.serves_inline(head_);
  }

  /// Reads the whole body of a request served inline into inline_body_, then serves it. A body
  /// that fails (timeout, peer gone) is served too: the handler meets the failure in ReadBody.
  void PreReadBody() {
    Arm(core_.options.body_idle_timeout);
    ReadInto(inline_body_.data(), inline_body_.size(), inline_filled_,
             [self = this->shared_from_this()](ErrorCode ec, size_t filled) {
               self->Disarm();
               self->inline_filled_ = filled;
               if (ec) self->inline_failure_ = self->FailureOf(ec);
               if (ec || self->BodyDone()) return self->ServeInline();
               self->PreReadBody();
             });
  }

  /// On the strand: the handler for a request served inline.
  void ServeInline() {
    core_.handler(*this);
    if (!responded_ && !reset_) {
      Response response;
      response.status = 500;
      Send(response, std::nullopt);
    }
    if (!write_pending_) AfterRequest();
  }

  /// On a handler thread.
  void Serve() {
    core_.handler(*this);
    if (!responded_ && !reset_) {
      Response response;
      response.status = 500;
      Send(response, std::nullopt);
    }
    // Nothing of this request's state is touched after this point: once the last completion
    // is in, the strand may already be reading the next request.
    if (sent_in_background_ && pending_completions_.fetch_sub(1) != 1) return;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->AfterRequest(); });
  }

  void AfterRequest() {
    if (closed_) return;
    if (close_after_ || core_.stopping || stop_requested_ || !BodyDone()) {
      return Linger();
    }
    WaitForRequest();
  }

  /// Sends FIN, then discards what the client still sends until it closes or kLinger passes,
  /// so it reads the response instead of a reset caused by unread bytes.
  void Linger() {
    ErrorCode ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    Arm(std::chrono::duration_cast<std::chrono::milliseconds>(kLinger));
    Discard();
  }
  void Discard() {
    if (!discard_) discard_ = std::make_unique<std::array<char, 16 * 1024>>();
    Socket().async_read_some(net::buffer(*discard_),
                             [self = this->shared_from_this()](ErrorCode ec, size_t) {
                               if (ec) return self->Close();
                               self->Discard();
                             });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    idle_ = false;
    Disarm();
    ErrorCode ignored;
    Socket().close(ignored);
  }

  EngineCore& core_;
  Stream stream_;
  net::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::buffer_body>> parser_;
  /// Only while lingering.
  std::unique_ptr<std::array<char, 16 * 1024>> discard_;
  // Strand state.
  bool idle_ = false;
  bool closed_ = false;
  std::atomic<bool> stop_requested_{false};
  std::string local_addr_;
  uint16_t local_port_ = 0;
  // Per-request state: set on the strand before the handler runs, then the handler's.
  RequestHead head_;
  /// The body is framed by Content-Length and read past the parser (ReadDirect); body_left_
  /// bytes of it are still to come.
  bool direct_body_ = false;
  size_t body_left_ = 0;
  /// Served on the strand (ServeInline), not on a handler thread.
  bool inline_ = false;
  /// Inline: the body as read before the handler ran, how much of it arrived and has been
  /// handed to the handler, and how it ended.
  std::string inline_body_;
  size_t inline_filled_ = 0;
  size_t inline_consumed_ = 0;
  BodyFailure inline_failure_ = BodyFailure::kNone;
  /// Inline: the answer is still being written (AfterRequest follows).
  bool write_pending_ = false;
  bool close_after_ = false;
  bool expects_continue_ = false;
  bool continue_sent_ = false;
  bool responded_ = false;
  bool reset_ = false;
  bool sent_in_background_ = false;
  /// With sent_in_background_: the write and the handler's return still to come.
  std::atomic<int> pending_completions_{0};
  BodyFailure failure_ = BodyFailure::kNone;
};

template <class Stream>
void Launch(EngineCore& core, Stream stream) {
  auto session = std::make_shared<Session<Stream>>(core, std::move(stream));
  core.Register(session);
  session->Start();
}

}  // namespace

void StartSession(EngineCore& core, tcp::socket socket) {
  ErrorCode ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (core.tls) {
    Launch(core, beast::ssl_stream<tcp::socket>(std::move(socket), *core.tls));
  } else {
    Launch(core, std::move(socket));
  }
}

}  // namespace ossup::fake
