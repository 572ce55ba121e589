// script_server.hpp — a tiny HTTP/1.1 server for transport tests. A handler decides
// each answer from the request and where it came (which connection, which request on
// it): answer and keep the connection, answer and close, close without answering, or
// never answer. It counts the connections it accepted.
//
//   script_server s([](const script_request& r) { return script_reply{.status = 429, .headers = {{"Retry-After", "0"}}}; });
//   ... s.url(), s.connections(), s.requests() ...
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace ktk::client::rest::testing {

struct script_request {
  int connection = 0;  // 1-based, in accept order
  int index = 0;       // 0-based, on its connection
  std::string method{};
  std::string target{};
  std::string body{};
  std::map<std::string, std::string> headers{};  // lower-case names
};

struct script_reply {
  unsigned status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};
  bool keep_alive = true;  // the Connection header of the answer
  bool close_after = false;  // close right after answering (even when keep_alive said otherwise)
  bool hang_up = false;      // close without answering
  bool silent = false;       // never answer (the connection stays open)
};

class script_server {
 public:
  using handler = std::function<script_reply(const script_request&)>;

  explicit script_server(handler h) : handler_(std::move(h)) {
    namespace net = boost::asio;
    acceptor_.open(net::ip::tcp::v4());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~script_server() {
    stopping_ = true;
    {
      // Wakes the blocked accept.
      boost::asio::ip::tcp::socket s(ioc_);
      boost::system::error_code ec;
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
      accept_thread_.join();
    }
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      for (auto& s : sockets_) ::shutdown(s->native_handle(), SHUT_RDWR);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(sockets_.size());
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(seen_.size());
  }
  std::vector<script_request> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void accept_loop() {
    for (;;) {
      auto s = std::make_shared<boost::asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*s, ec);
      if (stopping_ || ec) return;
      std::lock_guard lock(mu_);
      sockets_.push_back(s);
      const int n = static_cast<int>(sockets_.size());
      threads_.emplace_back([this, s, n] { serve(*s, n); });
    }
  }

  void serve(boost::asio::ip::tcp::socket& s, int conn) {
    namespace bhttp = boost::beast::http;
    boost::beast::flat_buffer buf;
    for (int i = 0;; ++i) {
      bhttp::request<bhttp::string_body> req;
      boost::system::error_code ec;
      bhttp::read(s, buf, req, ec);
      if (ec) return;
      script_request sr{.connection = conn,
                        .index = i,
                        .method = std::string(req.method_string()),
                        .target = std::string(req.target()),
                        .body = req.body()};
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        sr.headers[name] = std::string(f.value());
      }
      {
        std::lock_guard lock(mu_);
        seen_.push_back(sr);
      }
      script_reply r = handler_(sr);
      if (r.silent) continue;
      if (r.hang_up) {
        ::shutdown(s.native_handle(), SHUT_RDWR);
        return;
      }
      bhttp::response<bhttp::string_body> res(static_cast<bhttp::status>(r.status), 11);
      res.set(bhttp::field::content_type, r.content_type);
      for (const auto& [k, v] : r.headers) res.insert(k, v);
      res.keep_alive(r.keep_alive);
      res.body() = r.body;
      res.prepare_payload();
      bhttp::write(s, res, ec);
      if (ec || !r.keep_alive || r.close_after) {
        ::shutdown(s.native_handle(), SHUT_RDWR);
        return;
      }
    }
  }

  handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;  // guarded by mu_
  std::vector<std::thread> threads_;                                    // guarded by mu_
  std::vector<script_request> seen_;                                    // guarded by mu_
};

// Minimal discovery documents: the core group with configmaps, no other groups.
inline std::optional<script_reply> discovery_reply(const script_request& r) {
  if (r.target == "/api") return script_reply{.body = R"({"kind":"APIVersions","versions":["v1"]})"};
  if (r.target == "/apis") return script_reply{.body = R"({"kind":"APIGroupList","groups":[]})"};
  if (r.target == "/api/v1") {
    return script_reply{.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
      {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap",
       "verbs":["create","delete","get","list","patch","update","watch"]}]})"};
  }
  return std::nullopt;
}

}  // namespace ktk::client::rest::testing
