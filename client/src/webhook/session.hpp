// session.hpp — one TLS connection of the webhook server: handshake, then HTTP/1.1
// requests one after another (keep-alive), each answered by serve_review.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "ktk/client/webhook/server.hpp"

namespace ktk::client::webhook::detail {

class session;

// The live sessions, so that stop() can end them. Thread-safe.
class session_set {
 public:
  void add(const std::shared_ptr<session>& s);
  void remove(const session* s);
  // Asks every live session to close once its request in flight is answered.
  void shutdown_all();

 private:
  std::mutex mu_;
  std::map<const session*, std::weak_ptr<session>> live_;  // guarded by mu_
};

// What every session of one server run shares; immutable while serving.
struct session_context {
  std::shared_ptr<const std::map<std::string, handler>> routes;
  std::size_t max_body_bytes = 0;
  session_set* sessions = nullptr;  // outlives the sessions
};

// Runs on its own strand; every member below is touched only there.
class session : public std::enable_shared_from_this<session> {
 public:
  session(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context& ssl, session_context ctx);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Registers in the session set and starts the handshake. Call once, right after
  // construction.
  void start();
  // Closes the connection now when idle, else once the answer in flight is written.
  // Thread-safe.
  void shutdown();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec);
  void handle_request();
  void respond(unsigned status, std::string body, bool keep_alive, const char* allow = nullptr);
  void close();
  void linger_close();
  void linger_read();
  boost::beast::tcp_stream& lowest() { return stream_.next_layer(); }

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  session_context ctx_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> res_;
  std::array<char, 4096> sink_{};
  bool busy_ = false;     // a request is being handled or answered
  bool closing_ = false;  // shutdown() was called
  bool closed_ = false;
};

}  // namespace ktk::client::webhook::detail
