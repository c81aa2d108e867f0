// startup-floor: the least a server linked like fake-oss does before it answers, to set
// fake-oss's startup against. It has the same shared libraries (libssl, libcrypto, libtinyxml2,
// libstdc++), starts one thread, listens on 127.0.0.1:PORT and answers every connection
// `200 OK` with an empty body. Like fake-oss without TLS, it never initialises OpenSSL: with
// OpenSSL 3 Boost.Asio's static initialiser calls nothing, and fake-oss's first use of
// libcrypto is the first signature or digest it checks. Usage: startup-floor PORT.
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <tinyxml2.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace {

void Serve(int listener) {
  static constexpr char kAnswer[] =
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  for (;;) {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    char request[4096];
    if (::recv(fd, request, sizeof request, 0) > 0) {
      (void)!::send(fd, kAnswer, sizeof kAnswer - 1, MSG_NOSIGNAL);
    }
    ::close(fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  // Referenced, not called: libssl (and through it libcrypto) and libtinyxml2 stay
  // dependencies that the loader maps and relocates, as in fake-oss.
  static auto* volatile keep_libssl = &OPENSSL_init_ssl;
  (void)keep_libssl;
  tinyxml2::XMLDocument linked;
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 128) != 0) {
    return 1;
  }
  std::thread server(Serve, listener);
  server.join();
}
