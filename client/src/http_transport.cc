#include "http_transport.h"

#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>

#include "ossup/protocol/errors.h"

namespace ossup::client::internal {
namespace {

/// Bytes handed to the socket per write. Cancel() shuts the socket down, which ends a write in
/// progress whatever its size; between writes the cancel flag is checked. Larger writes cost
/// less CPU per byte: over loopback with the server on another core, 1 MiB writes took
/// 0.36-0.42 CPU-s/GB of `ossup cp` against 0.40-0.48 for 256 KiB (docs/benchmarks.md).
constexpr size_t kWriteChunkBytes = 1024 * 1024;
/// Idle connections kept per host.
constexpr size_t kMaxIdlePerHost = 16;

std::string_view Describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect";
    case httplib::Error::ConnectionTimeout:
      return "connect timed out";
    case httplib::Error::Read:
      return "the connection dropped or timed out while reading the response";
    case httplib::Error::Write:
      return "the connection dropped or timed out while sending the request";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "could not load the CA certificates";
    case httplib::Error::SSLServerVerification:
      return "TLS certificate verification failed";
    default:
      return "transport error";
  }
}

protocol::Error TransportError(httplib::Error error, const std::string& what) {
  protocol::Error e;
  const bool untrusted =
      error == httplib::Error::SSLServerVerification || error == httplib::Error::SSLLoadingCerts;
  e.code = std::string(untrusted ? protocol::client_codes::kTlsError
                                 : protocol::client_codes::kConnectionError);
  e.message = what + ": " + std::string(Describe(error)) + " (" + httplib::to_string(error) + ")";
  return e;
}

}  // namespace

HttpTransport::HttpTransport(protocol::Endpoint endpoint, ConnectionOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {
  // Debian's cpp-httplib sends with flags 0 (CPPHTTPLIB_SEND_FLAGS, no MSG_NOSIGNAL) and
  // OpenSSL writes with write(2): a server that closes or resets mid-request, or Cancel()
  // shutting the socket down while a body is being sent, would raise SIGPIPE and kill the
  // process. Ignore it unless the application installed its own handler.
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    ::signal(SIGPIPE, SIG_IGN);
  }
}

HttpTransport::~HttpTransport() = default;

std::unique_ptr<httplib::Client> HttpTransport::Acquire(const std::string& host) {
  {
    protocol::MutexLock lock(mu_);
    auto it = idle_.find(host);
    if (it != idle_.end() && !it->second.empty()) {
      auto client = std::move(it->second.back());
      it->second.pop_back();
      return client;
    }
  }
  std::string url = endpoint_.scheme + "://" + host + ":" + std::to_string(endpoint_.port);
  auto client = std::make_unique<httplib::Client>(url);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(options_.connect_timeout);
  client->set_read_timeout(options_.io_timeout);
  client->set_write_timeout(options_.io_timeout);
  client->set_decompress(false);
  if (endpoint_.scheme == "https") {
    client->enable_server_certificate_verification(options_.verify_tls);
    if (!options_.ca_file.empty()) client->set_ca_cert_path(options_.ca_file);
  }
  return client;
}

void HttpTransport::Release(const std::string& host, std::unique_ptr<httplib::Client> client) {
  protocol::MutexLock lock(mu_);
  auto& pool = idle_[host];
  if (pool.size() < kMaxIdlePerHost) pool.push_back(std::move(client));
}

protocol::StatusOr<HttpResponse> HttpTransport::Send(const HttpRequest& request,
                                                     const CancelToken* cancel) {
  if (cancel != nullptr && cancel->cancelled()) return CancelledError();
  auto client = Acquire(request.connect_host);
  if (!client->is_valid()) {
    protocol::Error e;
    e.code = std::string(protocol::client_codes::kConnectionError);
    e.message = "cannot create an HTTP client for " + request.connect_host;
    return e;
  }

  httplib::Request req;
  req.method = request.method;
  req.path = request.target;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  if (!protocol::FindHeader(request.headers, "User-Agent")) {
    req.headers.emplace("User-Agent", options_.user_agent);
  }
  std::atomic<bool> stopped{false};
  if (!request.body.empty()) {
    const std::span<const char> body = request.body;
    req.content_length_ = body.size();
    req.content_provider_ = [body, cancel](size_t offset, size_t length, httplib::DataSink& sink) {
      if (cancel != nullptr && cancel->cancelled()) return false;
      size_t n = std::min({length, kWriteChunkBytes, body.size() - offset});
      return sink.write(body.data() + offset, n);
    };
  }

  int status = 0;
  std::string error_body;
  if (request.body_sink) {
    req.response_handler = [&status](const httplib::Response& r) {
      status = r.status;
      return true;
    };
    req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
      if (status >= 200 && status < 300) return request.body_sink(data, size);
      error_body.append(data, size);
      return true;
    };
  }

  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool sent;
  {
    httplib::Client* raw = client.get();
    CancelRegistration registration(cancel, [raw, &stopped] {
      stopped = true;
      raw->stop();
    });
    sent = client->send(req, res, error);
  }
  if (stopped || (cancel != nullptr && cancel->cancelled())) return CancelledError();
  if (!sent) {
    return TransportError(error, request.method + " " + endpoint_.scheme + "://" +
                                     request.connect_host + ":" + std::to_string(endpoint_.port));
  }

  HttpResponse out;
  out.status = res.status;
  for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
  out.body = request.body_sink && !(res.status >= 200 && res.status < 300) ? std::move(error_body)
                                                                           : std::move(res.body);
  auto connection = protocol::FindHeader(out.headers, "Connection");
  if (!connection || *connection != "close") Release(request.connect_host, std::move(client));
  return out;
}

}  // namespace ossup::client::internal
