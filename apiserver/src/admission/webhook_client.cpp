// webhook_client.cpp — a blocking HTTPS POST (Boost.Beast over Asio SSL) with one
// deadline for connect, handshake, write and read, on kept-alive pooled connections.
#include "webhook_client.hpp"

#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace ktk::apiserver::admission {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string parse_webhook_url(const std::string& url, webhook_target& out) {
  constexpr std::string_view scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return "webhook URL " + url + " is not https";
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (out.path.front() == '?') out.path = "/" + out.path;
  if (auto hash = out.path.find('#'); hash != std::string::npos) out.path.erase(hash);
  if (authority.find('@') != std::string::npos) return "webhook URL " + url + " has user info";
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return "webhook URL " + url + " has a bad IPv6 host";
    out.host = authority.substr(1, close - 1);
    std::string tail = authority.substr(close + 1);
    out.port = tail.size() > 1 && tail.front() == ':' ? tail.substr(1) : "443";
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = colon == std::string::npos ? "443" : authority.substr(colon + 1);
  }
  if (out.host.empty()) return "webhook URL " + url + " has no host";
  out.url = url;
  return {};
}

namespace {

// One kept-alive TLS connection to a webhook, with the io_context it runs on.
struct connection {
  explicit connection(std::shared_ptr<net::ssl::context> c) : ctx(std::move(c)), stream(ioc, *ctx) {}
  std::shared_ptr<net::ssl::context> ctx;  // outlives the stream
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream;
};

// Idle connections and TLS contexts per webhook (host, port, CA), as kube-apiserver's
// webhook clients keep theirs: a TLS handshake per call would cost a millisecond.
class pool {
 public:
  static pool& instance() {
    static pool p;
    return p;
  }

  std::shared_ptr<net::ssl::context> context(const webhook_target& t, std::string& error) {
    const std::string key = t.host + "\n" + t.ca_pem;
    std::lock_guard lock(mu_);
    if (auto it = contexts_.find(key); it != contexts_.end()) return it->second;
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    if (t.ca_pem.empty()) {
      ctx->set_default_verify_paths();
    } else {
      beast::error_code ec;
      ctx->add_certificate_authority(net::buffer(t.ca_pem), ec);
      if (ec) {
        error = "x509: the caBundle holds no usable certificate: " + ec.message();
        return nullptr;
      }
    }
    ctx->set_verify_mode(net::ssl::verify_peer);
    ctx->set_verify_callback(net::ssl::host_name_verification(t.host));
    if (contexts_.size() > 256) contexts_.clear();  // bound what changing CAs can pile up
    contexts_.emplace(key, ctx);
    return ctx;
  }

  std::unique_ptr<connection> take(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto c = std::move(it->second.back());
    it->second.pop_back();
    return c;
  }

  void give_back(const std::string& key, std::unique_ptr<connection> c) {
    std::lock_guard lock(mu_);
    auto& v = idle_[key];
    if (v.size() < max_idle_per_webhook) v.push_back(std::move(c));
  }

 private:
  static constexpr std::size_t max_idle_per_webhook = 8;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<net::ssl::context>> contexts_;        // guarded by mu_
  std::unordered_map<std::string, std::vector<std::unique_ptr<connection>>> idle_;  // guarded by mu_
};

// Connects and shakes hands; "" or why not.
std::string open(connection& c, const webhook_target& t, std::chrono::steady_clock::time_point deadline) {
  boost::system::error_code addr_ec;
  (void)net::ip::make_address(t.host, addr_ec);
  if (addr_ec) SSL_set_tlsext_host_name(c.stream.native_handle(), t.host.c_str());
  net::ip::tcp::resolver resolver(c.ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(t.host, t.port, ec);
  if (ec) return "dial tcp: lookup " + t.host + ": " + ec.message();
  std::string stage = "dial tcp";
  beast::get_lowest_layer(c.stream).expires_at(deadline);
  beast::get_lowest_layer(c.stream).async_connect(endpoints, [&](beast::error_code e, const auto&) {
    if (e) {
      ec = e;
      return;
    }
    stage = "tls handshake";
    c.stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e2) { ec = e2; });
  });
  c.ioc.run();
  c.ioc.restart();
  if (!ec) return {};
  if (ec == beast::error::timeout) return "context deadline exceeded (" + stage + ")";
  return stage + ": " + ec.message();
}

// One request on an open connection; ec says what failed, `got_bytes` whether any of
// the answer arrived (a kept-alive connection the server had closed fails before).
struct exchange_result {
  beast::error_code ec;
  bool got_bytes = false;
  bool keep_alive = false;
};

exchange_result exchange(connection& c, http::request<http::string_body>& req, webhook_reply& out,
                         std::chrono::steady_clock::time_point deadline) {
  exchange_result r;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  beast::flat_buffer buf;
  beast::get_lowest_layer(c.stream).expires_at(deadline);
  http::async_write(c.stream, req, [&](beast::error_code e, std::size_t) {
    if (e) {
      r.ec = e;
      return;
    }
    http::async_read(c.stream, buf, parser, [&](beast::error_code e2, std::size_t n) {
      r.ec = e2;
      r.got_bytes = n > 0 || buf.size() > 0;
    });
  });
  c.ioc.run();
  c.ioc.restart();
  if (r.ec) return r;
  r.keep_alive = parser.get().keep_alive();
  out.status = static_cast<int>(parser.get().result_int());
  out.body = std::move(parser.get().body());
  return r;
}

}  // namespace

webhook_reply post_review(const webhook_target& t, const std::string& body, std::chrono::milliseconds timeout) {
  webhook_reply out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    auto ctx = pool::instance().context(t, out.error);
    if (!ctx) return out;
    const std::string key = t.host + "\n" + t.port + "\n" + t.ca_pem;
    http::request<http::string_body> req{http::verb::post, t.path, 11};
    req.set(http::field::host, t.host.find(':') != std::string::npos ? "[" + t.host + "]:" + t.port
                                                                      : t.host + ":" + t.port);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, */*");
    req.set(http::field::user_agent, "ktk-apiserver-admission");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    // A pooled connection the webhook server has closed fails before any answer: then
    // once more on a new connection, as Go's transport retries.
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto c = pool::instance().take(key);
      const bool reused = c != nullptr;
      if (!c) {
        c = std::make_unique<connection>(ctx);
        if (auto err = open(*c, t, deadline); !err.empty()) {
          out.error = err;
          return out;
        }
      }
      auto r = exchange(*c, req, out, deadline);
      if (r.ec) {
        if (reused && !r.got_bytes && r.ec != beast::error::timeout) continue;
        out.error = r.ec == beast::error::timeout ? "context deadline exceeded (awaiting headers)"
                                                  : "read: " + r.ec.message();
        return out;
      }
      out.delivered = true;
      if (r.keep_alive) pool::instance().give_back(key, std::move(c));
      return out;
    }
    out.error = "the webhook closed the connection";
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace ktk::apiserver::admission
