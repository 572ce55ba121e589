// net_util.cpp — free ports (bind to port 0), bind-failure detection and a raw-socket
// HTTP GET: a probe needs neither Asio's compile time nor its threads.
#include "net_util.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "ktk/envtest/process.hpp"

namespace ktk::envtest {

namespace detail {

namespace {

using clock_type = std::chrono::steady_clock;

struct socket_fd {
  int fd = -1;
  socket_fd() = default;
  explicit socket_fd(int f) : fd(f) {}
  socket_fd(socket_fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  socket_fd& operator=(socket_fd&&) = delete;
  ~socket_fd() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback_addr(const std::string& host, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw std::system_error(EINVAL, std::generic_category(), "not an IPv4 address: " + host);
  }
  return addr;
}

int millis_left(clock_type::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_fd(int fd, short events, clock_type::time_point deadline) {
  for (;;) {
    pollfd p{.fd = fd, .events = events, .revents = 0};
    const int r = ::poll(&p, 1, millis_left(deadline));
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

}  // namespace

std::vector<std::uint16_t> pick_free_ports(const std::string& host, std::size_t n) {
  std::vector<socket_fd> held;
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < n; ++i) {
    socket_fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (s.fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in addr = loopback_addr(host, 0);
    if (::bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::system_error(errno, std::generic_category(), "bind " + host + ":0");
    }
    socklen_t len = sizeof addr;
    if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::system_error(errno, std::generic_category(), "getsockname");
    }
    ports.push_back(ntohs(addr.sin_port));
    held.push_back(std::move(s));
  }
  return ports;
}

std::optional<http_response> http_get(const std::string& host, std::uint16_t port,
                                      const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  socket_fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (s.fd < 0) return std::nullopt;
  const sockaddr_in addr = loopback_addr(host, port);
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS || !wait_fd(s.fd, POLLOUT, deadline)) return std::nullopt;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return std::nullopt;
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" +
                              std::to_string(port) + "\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t w = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (w > 0) {
      sent += static_cast<std::size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(s.fd, POLLOUT, deadline)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  std::string raw;
  char buf[4096];
  for (;;) {
    const ssize_t r = ::recv(s.fd, buf, sizeof buf, 0);
    if (r > 0) {
      raw.append(buf, static_cast<std::size_t>(r));
      if (raw.size() > (1u << 20)) return std::nullopt;
    } else if (r == 0) {
      break;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_fd(s.fd, POLLIN, deadline)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" (chunked bodies are searched as they come).
  if (raw.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  const auto sp = raw.find(' ');
  const auto head_end = raw.find("\r\n\r\n");
  if (sp == std::string::npos || head_end == std::string::npos) return std::nullopt;
  http_response resp;
  resp.status = std::atoi(raw.c_str() + sp + 1);
  resp.body = raw.substr(head_end + 4);
  return resp;
}

}  // namespace detail

std::uint16_t pick_free_port(const std::string& host) { return detail::pick_free_ports(host, 1).front(); }

bool is_bind_failure(const std::string& output) {
  std::string lower(output.size(), '\0');
  std::transform(output.begin(), output.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("address already in use") != std::string::npos ||
         lower.find("eaddrinuse") != std::string::npos;
}

}  // namespace ktk::envtest
