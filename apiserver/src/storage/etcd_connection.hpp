// etcd_connection.hpp — one HTTP/1.1 connection to an etcd endpoint, driven by its user.
//
// Internal to the etcd storage (this header includes Beast and Asio). Each connection
// owns an io_context that only the thread using it runs, so a request costs no thread
// hand-off and a pool can hand the connection to any thread. Deadlines use Beast's
// tcp_stream expiry: an operation past its deadline fails with beast::error::timeout.
//
//   std::string why;
//   auto c = etcd_connection::open(ep, deadline, why);     // null when it cannot connect
//   auto ec = c->exchange(req, parser, deadline);           // one request and its answer
//
// Not thread-safe: one user at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "etcd_endpoint.hpp"

namespace ktk::apiserver::storage::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using steady = std::chrono::steady_clock;

class etcd_connection {
 public:
  // Connects before the deadline. On failure returns null and sets `why` ("dial tcp
  // 127.0.0.1:2379: connect: Connection refused") and `timed_out`. Every operation of
  // the connection ends early with operation_aborted once `stop` is requested (the
  // connection is then unusable).
  static std::unique_ptr<etcd_connection> open(const etcd_endpoint& ep, steady::time_point deadline,
                                               std::string& why, bool& timed_out, std::stop_token stop = {});

  ~etcd_connection();
  etcd_connection(const etcd_connection&) = delete;
  etcd_connection& operator=(const etcd_connection&) = delete;

  // Writes the request and reads the whole answer into p.
  beast::error_code exchange(const bhttp::request<bhttp::string_body>& req,
                             bhttp::response_parser<bhttp::string_body>& p, steady::time_point deadline);
  // Writes the request and reads the answer's header into p.
  beast::error_code send_and_read_header(const bhttp::request<bhttp::string_body>& req,
                                         bhttp::response_parser<bhttp::string_body>& p,
                                         steady::time_point deadline);
  // Reads some more of p's body, with no deadline.
  beast::error_code read_some(bhttp::response_parser<bhttp::string_body>& p);

  // TCP keep-alive probes after `idle` without traffic, so that a stream from a peer
  // that vanished (host down, partition) breaks instead of waiting forever.
  void probe_when_idle(std::chrono::seconds idle);

  // An idle connection that may carry another request: open, nothing unread (a
  // readable idle socket means the server closed it).
  bool reusable();

  const etcd_endpoint& endpoint() const { return ep_; }

 private:
  explicit etcd_connection(const etcd_endpoint& ep) : ep_(ep), stream_(ioc_) {}

  // Starts f(handler) and runs the io_context until the handler ran, the deadline (if
  // any) passed or stop_ was requested.
  template <class F>
  beast::error_code complete(std::optional<steady::time_point> deadline, F&& f) {
    if (deadline) {
      stream_.expires_at(*deadline);
    } else {
      stream_.expires_never();
    }
    beast::error_code result;
    bool done = false;
    f([&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    run(done);
    if (done) return result;
    // Stopped: the handler still refers to `done` and `result`; let it run now.
    abandon();
    return net::error::operation_aborted;
  }
  // Runs the io_context until `done` or stop_.
  void run(const bool& done);
  // Closes the socket and runs the handlers that cancels.
  void abandon();

  etcd_endpoint ep_;
  // Declared before the stream: destroyed after it.
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::stop_token stop_;
};

}  // namespace ktk::apiserver::storage::detail
