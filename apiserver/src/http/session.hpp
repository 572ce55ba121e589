// http/session.hpp — one HTTP/1.1 connection: read a request, route it, write the
// answer; keep-alive; chunked watch streams fed from the registry's watch.
//
// A session lives on its own strand (the socket's executor) and keeps itself alive
// with shared_from_this while an operation is pending. A watch notifies from the
// writer's thread; the notification only posts to the strand, so a slow client never
// holds up a writer: its backlog stays in the registry's event ring, and a watcher
// that falls off the ring gets 410 Expired.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "auth/authenticator.hpp"
#include "http/router.hpp"

namespace ktk::apiserver::http {

// The router's request for `msg` made by `user` (the body is moved out of `msg`), with
// the Impersonate-* headers; nullopt when the target has a malformed escape (400).
std::optional<request> to_router_request(boost::beast::http::request<boost::beast::http::string_body>& msg,
                                         auth::user_ptr user);

struct session_limits {
  std::size_t max_body_bytes;
  std::size_t max_header_bytes;
  std::chrono::milliseconds read_timeout;
  // Authentication; null or not enabled(): everyone is let in (as system:admin).
  const auth::authenticator* authn = nullptr;
};

// What the server's shutdown needs from a session of either stream type.
class session_base {
 public:
  virtual ~session_base() = default;
  // Ends the session from any thread: a watch gets its final chunk, then the socket closes.
  virtual void shutdown() = 0;
};

// The live sessions, so the server can end them all on shutdown.
class session_set {
 public:
  void add(const std::shared_ptr<session_base>& s);
  void remove(const session_base* s);
  // Asks every live session to end; returns how many there were.
  std::size_t shutdown_all();
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<const session_base*, std::weak_ptr<session_base>> live_;  // guarded by mu_
};

// Stream: boost::beast::tcp_stream (HTTP) or boost::beast::ssl_stream<tcp_stream> (HTTPS).
template <class Stream>
class session : public session_base, public std::enable_shared_from_this<session<Stream>> {
 public:
  session(Stream&& stream, const router& r, session_limits limits, session_set& set);
  ~session() override;

  void start();
  void shutdown() override;

 private:
  using string_response = boost::beast::http::response<boost::beast::http::string_body>;

  static constexpr bool tls = !std::is_same_v<Stream, boost::beast::tcp_stream>;
  boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(stream_); }
  // The sender of `msg`; null when authentication is on and it presents no valid credentials.
  auth::user_ptr authenticate(const boost::beast::http::request<boost::beast::http::string_body>& msg) const;

  void do_read();
  void on_header(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec);
  void respond(response&& r);
  // Answers, then closes; `version` is the request's when its start line was read.
  void refuse(response&& r, unsigned version = 11);
  void write(std::shared_ptr<string_response> res);
  void on_shutdown();
  void close(bool abort = false);
  void linger_close();
  void linger_close_read();

  void start_watch(watch_start&& w);
  void pump();
  void write_chunk();
  void finish_watch();
  void arm_bookmark_timer();
  void watch_for_hangup();

  Stream stream_;
  auth::user_ptr certificate_user_;  // TLS: the subject of a client certificate the client CA verified
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const router& router_;
  session_limits limits_;
  session_set& set_;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
  bool writing_ = false;
  bool shutting_down_ = false;
  bool closed_ = false;

  // The watch being streamed, if any.
  std::unique_ptr<watch_stream> watch_;
  std::function<std::string(const watch_event&)> encode_;
  std::shared_ptr<std::atomic<bool>> notify_pending_ = std::make_shared<std::atomic<bool>>(false);
  boost::asio::steady_timer watch_deadline_;
  boost::asio::steady_timer bookmark_timer_;
  boost::asio::steady_timer write_deadline_;  // a watch write must finish by then
  std::optional<std::chrono::steady_clock::time_point> bookmark_armed_;
  static constexpr std::size_t max_chunk_bytes = 1024 * 1024;
  std::deque<watch_event> backlog_;  // polled, not yet written (one poll's worth at most)
  std::string chunk_;
  bool ending_ = false;
  std::array<char, 512> sink_{};
};

}  // namespace ktk::apiserver::http
