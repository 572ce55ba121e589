// net_util_test.cpp — free ports, bind-failure detection, the health probe's HTTP GET.
#include "../../envtest/src/net_util.hpp"  // private: what etcd_server probes with

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>

#include "ktk/envtest/process.hpp"

namespace {

using namespace std::chrono_literals;
using ktk::envtest::is_bind_failure;
using ktk::envtest::pick_free_port;
namespace detail = ktk::envtest::detail;

// A listening loopback socket on a port of the kernel's choosing.
struct listener {
  int fd = -1;
  std::uint16_t port = 0;
  listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port = ntohs(addr.sin_port);
  }
  ~listener() { ::close(fd); }
};

bool can_bind(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST(PickFreePort, IsBindable) {
  const std::uint16_t port = pick_free_port();
  EXPECT_GT(port, 0);
  EXPECT_TRUE(can_bind(port));
}

TEST(PickFreePort, SeveralAtOnceAreDistinct) {
  const auto ports = detail::pick_free_ports("127.0.0.1", 8);
  EXPECT_EQ(std::set<std::uint16_t>(ports.begin(), ports.end()).size(), 8u);
}

TEST(PickFreePort, BadHostThrows) {
  EXPECT_THROW(pick_free_port("not-an-address"), std::system_error);
}

TEST(IsBindFailure, RecognisesTheMessages) {
  EXPECT_TRUE(is_bind_failure(
      "{\"level\":\"fatal\",\"msg\":\"listen tcp 127.0.0.1:2379: bind: address already in use\"}"));
  EXPECT_TRUE(is_bind_failure("Error: listen tcp :80: bind: Address Already In Use"));
  EXPECT_TRUE(is_bind_failure("errno EADDRINUSE"));
  EXPECT_FALSE(is_bind_failure("permission denied"));
  EXPECT_FALSE(is_bind_failure(""));
}

TEST(HttpGet, ParsesStatusAndBody) {
  listener l;
  std::jthread server([&] {
    const int c = ::accept(l.fd, nullptr, nullptr);
    if (c < 0) return;
    char buf[1024];
    (void)::recv(c, buf, sizeof buf, 0);
    const std::string resp =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"health\":\"true\"}";
    (void)::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
    ::close(c);
  });
  const auto r = detail::http_get("127.0.0.1", l.port, "/health", 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"health\":\"true\"}");
}

TEST(HttpGet, RefusedIsNothing) {
  std::uint16_t port = 0;
  {
    listener l;  // closed again: nothing listens there now
    port = l.port;
  }
  EXPECT_FALSE(detail::http_get("127.0.0.1", port, "/health", 2s));
}

TEST(HttpGet, SilentPeerTimesOut) {
  listener l;  // accepts (backlog) but never answers
  EXPECT_FALSE(detail::http_get("127.0.0.1", l.port, "/health", 100ms));
}

}  // namespace
