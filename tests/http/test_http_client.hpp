// test_http_client.hpp — a blocking HTTP/1.1 client for the server tests: one
// keep-alive connection, whole responses, and chunk-by-chunk watch reads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace ktk::test {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;

struct http_reply {
  unsigned status = 0;
  std::string content_type{};
  std::string body{};
  std::vector<std::string> warnings{};
  bool keep_alive = true;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class http_client {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer (a client that cannot keep up).
  explicit http_client(std::uint16_t port, int receive_buffer = 0) : stream_(ioc_) {
    stream_.socket().open(net::ip::tcp::v4());
    if (receive_buffer > 0) stream_.socket().set_option(net::socket_base::receive_buffer_size(receive_buffer));
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  http_reply send(bhttp::verb method, const std::string& target, const std::string& body = {},
                  const std::string& content_type = "application/json", const std::string& accept = {}) {
    write_request(method, target, body, content_type, accept);
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(64 * 1024 * 1024);
    bhttp::read(stream_, buffer_, p);
    auto res = p.release();
    http_reply r{.status = res.result_int(),
                 .content_type = std::string(res[bhttp::field::content_type]),
                 .body = res.body(),
                 .keep_alive = res.keep_alive()};
    for (auto it = res.find(bhttp::field::warning); it != res.end() && it->name() == bhttp::field::warning; ++it) {
      r.warnings.emplace_back(it->value());
    }
    return r;
  }
  http_reply get(const std::string& target, const std::string& accept = {}) {
    return send(bhttp::verb::get, target, {}, {}, accept);
  }
  http_reply post(const std::string& target, const nlohmann::json& body) {
    return send(bhttp::verb::post, target, body.dump());
  }

  // Starts a watch: sends the request and reads the response header.
  unsigned start_watch(const std::string& target, const std::string& accept = {}) {
    write_request(bhttp::verb::get, target, {}, {}, accept);
    watch_parser_.emplace();
    watch_parser_->body_limit(boost::none);
    bhttp::read_header(stream_, buffer_, *watch_parser_);
    return watch_parser_->get().result_int();
  }

  // Reads watch lines until `n` events arrived or the stream ended; returns them parsed.
  std::vector<nlohmann::json> read_events(std::size_t n) {
    std::vector<nlohmann::json> out;
    while (out.size() < n) {
      auto nl = pending_.find('\n');
      if (nl != std::string::npos) {
        out.push_back(nlohmann::json::parse(pending_.substr(0, nl)));
        pending_.erase(0, nl + 1);
        continue;
      }
      if (watch_parser_->is_done()) break;
      char buf[8192];
      watch_parser_->get().body().data = buf;
      watch_parser_->get().body().size = sizeof(buf);
      beast::error_code ec;
      bhttp::read_some(stream_, buffer_, *watch_parser_, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) break;
      pending_.append(buf, sizeof(buf) - watch_parser_->get().body().size);
    }
    return out;
  }

  // Whether the server ended the watch response (the last chunk arrived).
  bool watch_ended() {
    read_events(std::numeric_limits<std::size_t>::max());
    return watch_parser_->is_done();
  }

  beast::tcp_stream& stream() { return stream_; }

 private:
  void write_request(bhttp::verb method, const std::string& target, const std::string& body,
                     const std::string& content_type, const std::string& accept) {
    bhttp::request<bhttp::string_body> req(method, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!accept.empty()) req.set(bhttp::field::accept, accept);
    if (!body.empty() || method == bhttp::verb::post || method == bhttp::verb::put || method == bhttp::verb::patch) {
      req.set(bhttp::field::content_type, content_type);
      req.body() = body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    bhttp::write(stream_, req);
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> watch_parser_;
  std::string pending_;
};

}  // namespace ktk::test
