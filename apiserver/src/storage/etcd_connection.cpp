#include "etcd_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <functional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace ktk::apiserver::storage::detail {

using tcp = net::ip::tcp;

std::unique_ptr<etcd_connection> etcd_connection::open(const etcd_endpoint& ep, steady::time_point deadline,
                                                       std::string& why, bool& timed_out, std::stop_token stop) {
  timed_out = false;
  std::unique_ptr<etcd_connection> c(new etcd_connection(ep));
  c->stop_ = std::move(stop);
  beast::error_code ec;
  tcp::resolver resolver(c->ioc_);
  auto endpoints = resolver.resolve(ep.host, ep.port, ec);
  if (ec) {
    why = "dial tcp: lookup " + ep.host + ": " + ec.message();
    return nullptr;
  }
  ec = c->complete(deadline, [&](auto handler) {
    c->stream_.async_connect(endpoints, [h = std::move(handler)](beast::error_code e, const tcp::endpoint&) mutable {
      h(e, 0);
    });
  });
  if (ec == beast::error::timeout) {
    timed_out = true;
    why = "dial tcp " + ep.authority() + ": i/o timeout";
    return nullptr;
  }
  if (ec) {
    why = "dial tcp " + ep.authority() + ": connect: " + ec.message();
    return nullptr;
  }
  c->stream_.socket().set_option(tcp::no_delay(true), ec);
  return c;
}

etcd_connection::~etcd_connection() {
  beast::error_code ec;
  stream_.socket().shutdown(net::socket_base::shutdown_both, ec);
  stream_.socket().close(ec);
  // Cancelled handlers run now, while what they refer to is still alive.
  ioc_.restart();
  ioc_.poll();
}

beast::error_code etcd_connection::exchange(const bhttp::request<bhttp::string_body>& req,
                                            bhttp::response_parser<bhttp::string_body>& p,
                                            steady::time_point deadline) {
  auto ec = complete(deadline, [&](auto handler) { bhttp::async_write(stream_, req, std::move(handler)); });
  if (ec) return ec;
  return complete(deadline, [&](auto handler) { bhttp::async_read(stream_, buffer_, p, std::move(handler)); });
}

beast::error_code etcd_connection::send_and_read_header(const bhttp::request<bhttp::string_body>& req,
                                                        bhttp::response_parser<bhttp::string_body>& p,
                                                        steady::time_point deadline) {
  auto ec = complete(deadline, [&](auto handler) { bhttp::async_write(stream_, req, std::move(handler)); });
  if (ec) return ec;
  return complete(deadline, [&](auto handler) { bhttp::async_read_header(stream_, buffer_, p, std::move(handler)); });
}

beast::error_code etcd_connection::read_some(bhttp::response_parser<bhttp::string_body>& p) {
  return complete(std::nullopt, [&](auto handler) { bhttp::async_read_some(stream_, buffer_, p, std::move(handler)); });
}

void etcd_connection::run(const bool& done) {
  std::optional<std::stop_callback<std::function<void()>>> cb;
  if (stop_.stop_possible()) cb.emplace(stop_, std::function<void()>([this] { ioc_.stop(); }));
  ioc_.restart();
  // A stop requested before restart() is seen here; one after it leaves ioc_ stopped.
  while (!done && !stop_.stop_requested() && ioc_.run_one() > 0) {
  }
}

void etcd_connection::abandon() {
  beast::error_code ec;
  stream_.socket().close(ec);
  ioc_.restart();
  ioc_.poll();
}

void etcd_connection::probe_when_idle(std::chrono::seconds idle) {
  beast::error_code ec;
  auto& sock = stream_.socket();
  sock.set_option(net::socket_base::keep_alive(true), ec);
  const int fd = sock.native_handle();
  const int secs = static_cast<int>(idle.count());
  const int interval = std::max(1, secs / 2);
  const int count = 3;
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &secs, sizeof secs);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

bool etcd_connection::reusable() {
  if (buffer_.size() != 0) return false;
  auto& sock = stream_.socket();
  if (!sock.is_open()) return false;
  pollfd pfd{};
  pfd.fd = sock.native_handle();
  pfd.events = POLLIN;
  return ::poll(&pfd, 1, 0) == 0;
}

}  // namespace ktk::apiserver::storage::detail
