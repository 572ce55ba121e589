// tls_client.hpp — a small HTTPS client for the webhook server tests: one connection
// that verifies the server against a CA for 127.0.0.1, keep-alive, whole responses.
// Every step is asynchronous under a 10 s stream timeout, so a test can never hang.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

namespace ktk_test {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

struct https_reply {
  unsigned status = 0;
  std::string content_type;
  std::string allow;
  std::string body;
  bool keep_alive = false;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class tls_client {
 public:
  static constexpr auto timeout = std::chrono::seconds(10);

  // Connects and handshakes; throws boost::system::system_error when either fails.
  tls_client(std::uint16_t port, const std::string& ca_pem) : ctx_(ssl::context::tls_client), stream_(ioc_, ctx_) {
    ctx_.add_certificate_authority(net::buffer(ca_pem));
    ctx_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    lowest().expires_after(timeout);
    lowest().async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), token());
    run();
    lowest().expires_after(timeout);
    stream_.async_handshake(ssl::stream_base::client, token());
    run();
  }

  https_reply send(bhttp::verb method, const std::string& target, const std::string& body = {},
                   const std::string& content_type = "application/json") {
    bhttp::request<bhttp::string_body> req(method, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    lowest().expires_after(timeout);
    bhttp::async_write(stream_, req, token());
    run();
    return read();
  }

  https_reply post(const std::string& target, const nlohmann::json& review) {
    return send(bhttp::verb::post, target, review.dump());
  }

  // Writes raw bytes over TLS (a request the HTTP layer may not parse), then reads.
  https_reply send_raw(const std::string& bytes) {
    lowest().expires_after(timeout);
    net::async_write(stream_, net::buffer(bytes), token());
    run();
    return read();
  }

 private:
  https_reply read() {
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(64 * 1024 * 1024);
    lowest().expires_after(timeout);
    bhttp::async_read(stream_, buffer_, p, token());
    run();
    auto res = p.release();
    return {res.result_int(), std::string(res[bhttp::field::content_type]), std::string(res[bhttp::field::allow]),
            res.body(), res.keep_alive()};
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // A completion handler that stores the error for run().
  struct store_error {
    beast::error_code* out;
    void operator()(beast::error_code ec) const { *out = ec; }
    void operator()(beast::error_code ec, std::size_t) const { *out = ec; }
  };
  store_error token() { return store_error{&ec_}; }
  void run() {
    ioc_.restart();
    ioc_.run();
    if (ec_) throw boost::system::system_error(ec_);
  }

  net::io_context ioc_;
  ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

}  // namespace ktk_test
