// https_probe.cpp — a blocking HTTPS GET (Boost.Beast over Asio SSL) with a deadline.
#include "https_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace ktk::envtest::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<http_response> https_get(const std::string& host, std::uint16_t port, const std::string& path,
                                       const tls_identity& id, std::chrono::milliseconds timeout) {
  try {
    net::io_context ioc;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.add_certificate_authority(net::buffer(id.ca_pem));
    ctx.set_verify_mode(net::ssl::verify_peer);
    if (!id.client_cert_pem.empty()) {
      ctx.use_certificate_chain(net::buffer(id.client_cert_pem));
      ctx.use_private_key(net::buffer(id.client_key_pem), net::ssl::context::pem);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).expires_after(timeout);
    net::ip::tcp::endpoint ep(net::ip::make_address(host), port);
    beast::error_code ec;
    http::response<http::string_body> res;
    beast::flat_buffer buf;
    beast::get_lowest_layer(stream).async_connect(ep, [&](beast::error_code e) {
      if (e) {
        ec = e;
        return;
      }
      stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e2) {
        if (e2) {
          ec = e2;
          return;
        }
        auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, path, 11);
        req->set(http::field::host, host);
        http::async_write(stream, *req, [&, req](beast::error_code e3, std::size_t) {
          if (e3) {
            ec = e3;
            return;
          }
          http::async_read(stream, buf, res, [&](beast::error_code e4, std::size_t) { ec = e4; });
        });
      });
    });
    ioc.run();
    if (ec) return std::nullopt;
    return http_response{static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace ktk::envtest::detail
