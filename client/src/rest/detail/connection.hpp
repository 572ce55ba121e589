// rest/detail/connection.hpp — one HTTP/1.1 connection (TCP or TLS) driven by its user.
//
// Each connection owns an io_context that only the thread using the connection runs:
// a request costs no thread hand-off, and the pool can hand the connection to any
// thread. Deadlines use Beast's tcp_stream expiry (a timed-out operation closes the
// socket); streams wait with run_until(), which a deadline or a std::stop_token ends
// while the operation stays pending for the next call.
//
//   auto c = connection::open(target, &tls, deadline);     // connected and handshaken
//   auto ec = c->exchange(req, parser, deadline);           // one request and its answer
//
// Not thread-safe: one user at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "url.hpp"

namespace ktk::client::rest::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

using steady = std::chrono::steady_clock;
using deadline_t = std::optional<steady::time_point>;

// Where to connect and how to secure it.
struct endpoint_settings {
  server_url url;
  net::ssl::context* tls = nullptr;  // null for http://
  bool verify = true;                // verify the certificate and the name
  std::string server_name;           // checked against the certificate and sent as SNI
};

// An operation started by connection::start_read_some, and its outcome.
struct pending_op {
  bool done = false;
  beast::error_code ec;
};

// Why open() failed, worded for the error message ("dial tcp 127.0.0.1:1: connect:
// Connection refused", "tls: failed to verify certificate: x509: ...").
struct open_failure {
  std::string what;
  bool timed_out = false;
};

class connection {
 public:
  using tcp_stream = beast::tcp_stream;
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;

  // Connects, and for TLS handshakes and verifies, before the deadline.
  static std::variant<std::unique_ptr<connection>, open_failure> open(const endpoint_settings& ep, deadline_t deadline);

  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Writes the request and reads the whole answer into p.
  beast::error_code exchange(const bhttp::request<bhttp::string_body>& req,
                             bhttp::response_parser<bhttp::string_body>& p, deadline_t deadline);

  // Writes the request and reads the answer's header into p.
  template <class Body>
  beast::error_code send_and_read_header(const bhttp::request<bhttp::string_body>& req,
                                         bhttp::response_parser<Body>& p, deadline_t deadline) {
    auto ec = write(req, deadline);
    if (ec) return ec;
    return complete(deadline, [&](auto& s, auto handler) { bhttp::async_read_header(s, buffer_, p, std::move(handler)); });
  }

  beast::error_code write(const bhttp::request<bhttp::string_body>& req, deadline_t deadline) {
    return complete(deadline, [&](auto& s, auto handler) { bhttp::async_write(s, req, std::move(handler)); });
  }

  // Starts an asynchronous read of more of p's message; run_until() waits for it.
  template <class Body>
  void start_read_some(bhttp::response_parser<Body>& p, std::shared_ptr<pending_op> op);

  // Runs the io_context until `op` completes (true), or until the deadline or stop
  // (false; the operation stays pending).
  bool run_until(const pending_op& op, deadline_t deadline, std::stop_token stop);

  // An idle connection that may carry another request: open, nothing unread (a
  // readable idle socket means the server closed it or broke the protocol).
  bool reusable();

  beast::flat_buffer& buffer() { return buffer_; }

 private:
  connection() = default;

  tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_; }
  const tcp_stream& lowest() const { return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_; }
  void expire(deadline_t deadline);

  // Starts f(stream, handler) and runs the io_context until the handler ran.
  template <class F>
  beast::error_code complete(deadline_t deadline, F&& f) {
    expire(deadline);
    beast::error_code result;
    bool done = false;
    auto handler = [&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    };
    if (tls_) {
      f(*tls_, handler);
    } else {
      f(*tcp_, handler);
    }
    ioc_.restart();
    while (!done && ioc_.run_one() > 0) {
    }
    if (!done) return net::error::operation_aborted;
    return result;
  }

  // Declared first: destroyed after the streams that use it.
  net::io_context ioc_;
  std::optional<tcp_stream> tcp_;
  std::optional<tls_stream> tls_;
  beast::flat_buffer buffer_;
};

template <class Body>
void connection::start_read_some(bhttp::response_parser<Body>& p, std::shared_ptr<pending_op> op) {
  expire(std::nullopt);
  auto handler = [op](beast::error_code ec, std::size_t) {
    op->ec = ec;
    op->done = true;
  };
  if (tls_) {
    bhttp::async_read_some(*tls_, buffer_, p, std::move(handler));
  } else {
    bhttp::async_read_some(*tcp_, buffer_, p, std::move(handler));
  }
}

}  // namespace ktk::client::rest::detail
