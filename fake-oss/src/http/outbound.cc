#include "http/outbound.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace ossup::fake {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

OutboundResponse Post(const std::string& origin, const std::string& target,
                      const HeaderFields& headers, const std::string& body,
                      const std::string& content_type, std::chrono::milliseconds timeout) {
  constexpr std::string_view kScheme = "http://";
  if (origin.compare(0, kScheme.size(), kScheme) != 0) return {};
  const std::string authority = origin.substr(kScheme.size());
  std::string host = authority;
  std::string port = "80";
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return {};
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }

  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, authority);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.set(http::field::content_type, content_type);
  request.set(http::field::connection, "close");
  request.body() = body;
  request.prepare_payload();

  net::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code result = net::error::timed_out;
  stream.expires_after(timeout);
  resolver.async_resolve(host, port, [&](beast::error_code ec, tcp::resolver::results_type found) {
    if (ec) return void(result = ec);
    stream.async_connect(found, [&](beast::error_code connect_ec, const tcp::endpoint&) {
      if (connect_ec) return void(result = connect_ec);
      http::async_write(stream, request, [&](beast::error_code write_ec, size_t) {
        if (write_ec) return void(result = write_ec);
        http::async_read(stream, buffer, response,
                         [&](beast::error_code read_ec, size_t) { result = read_ec; });
      });
    });
  });
  io.run_for(timeout + std::chrono::seconds(1));
  if (result) return {};
  return {static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace ossup::fake
