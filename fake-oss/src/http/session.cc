// Session<Stream>: one connection of the engine (see http/engine.h for the design), over a
// plain socket or a TLS stream. State touched by the I/O side lives on the connection's strand;
// the handler thread touches the parser and the per-request state only while it serves the
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
  bool body_complete() const override { return parser_->is_done(); }
  BodyFailure body_failure() const override { return failure_; }
  bool awaiting_continue() const override { return expects_continue_ && !continue_sent_; }

  std::optional<size_t> ReadBody(char* data, size_t capacity) override {
    if (failure_ != BodyFailure::kNone) return std::nullopt;
    if (parser_->is_done()) return 0;
    if (head_.framing_error) return 0;  // the body is never read; the connection closes
    if (awaiting_continue()) {
      continue_sent_ = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      if (!WriteAll(net::buffer(kContinue.data(), kContinue.size()))) {
        failure_ = BodyFailure::kPeerGone;
        return std::nullopt;
      }
    }
    // Beast reads at most the buffer's free capacity per read: give body reads room (the
    // buffer shrinks again when the connection idles).
    if (buffer_.capacity() < kBodyReadBytes) buffer_.reserve(kBodyReadBytes);
    while (true) {
      auto [ec, got] = Await([&](auto done) {
        Arm(core_.options.body_idle_timeout);
        ReadInto(data, capacity, 0, std::move(done));
      });
      if (ec) {
        if (timed_out_) {
          failure_ = BodyFailure::kTimeout;
        } else if (IsHttpError(ec)) {
          failure_ = ec == http::error::partial_message || ec == http::error::end_of_stream
                         ? BodyFailure::kPeerGone
                         : BodyFailure::kMalformed;
        } else {
          failure_ = BodyFailure::kPeerGone;
        }
        return std::nullopt;
      }
      if (got > 0 || parser_->is_done()) return got;
    }
  }

  bool Send(const Response& response, std::optional<uint64_t> truncate_after) override {
    responded_ = true;
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
    if (!response.provider && !truncate_after) {
      SendInBackground(std::move(text), response.body.substr(0, static_cast<size_t>(limit)));
      return true;
    }
    if (!response.provider) {
      const size_t body_bytes = static_cast<size_t>(limit);
      std::array<net::const_buffer, 2> buffers{net::buffer(text),
                                               net::buffer(response.body.data(), body_bytes)};
      return WriteAll(buffers);
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
    Await([this](auto done) {
      if (!closed_) {
        ErrorCode ec;
        Socket().set_option(net::socket_base::linger(true, 0), ec);
        Close();
      }
      done(ErrorCode{}, 0);
    });
  }

 private:
  tcp::socket& Socket() { return beast::get_lowest_layer(stream_); }

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
      std::array<net::const_buffer, 2> buffers{net::buffer(message->first),
                                               net::buffer(message->second)};
      net::async_write(self->stream_, buffers, [self, message](ErrorCode ec, size_t) {
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
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(core_.options.max_header_bytes));
    parser_->body_limit(boost::none);
    if (buffer_.size() > 0) return ReadHeader();
    // An idle connection holds no buffer: a plain socket waits for readability; TLS reads
    // (the record layer buffers anyway).
    buffer_.shrink_to_fit();
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
    ErrorCode ignored;
    auto local = Socket().local_endpoint(ignored);
    head_.local_addr = local.address().to_string();
    head_.local_port = local.port();
    close_after_ = head_.framing_error.has_value() || (!ec && !parser_->get().keep_alive()) || !!ec;
    continue_sent_ = false;
    responded_ = false;
    sent_in_background_ = false;
    failure_ = BodyFailure::kNone;
    core_.workers.Submit([self = this->shared_from_this()] { self->Serve(); });
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
    if (close_after_ || core_.stopping || stop_requested_ || !parser_->is_done()) {
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
  // Per-request state: set on the strand before the handler runs, then the handler's.
  RequestHead head_;
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
