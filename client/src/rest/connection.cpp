#include "detail/connection.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace ktk::client::rest::detail {

namespace {

using tcp = net::ip::tcp;

std::string describe(const beast::error_code& ec) { return ec.message(); }

// An OpenSSL verification result in Go's crypto/x509 words where there are some.
std::string verify_failure(long result, const std::string& name) {
  switch (result) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:  // an issuer of the same name that did not sign it
      return "certificate signed by unknown authority";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "certificate is not valid for " + name;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate has expired or is not yet valid";
    default:
      return X509_verify_cert_error_string(result);
  }
}

}  // namespace

std::variant<std::unique_ptr<connection>, open_failure> connection::open(const endpoint_settings& ep,
                                                                         deadline_t deadline) {
  std::unique_ptr<connection> c(new connection());
  const std::string addr = ep.url.authority();

  tcp::resolver resolver(c->ioc_);
  beast::error_code ec;
  auto endpoints = resolver.resolve(ep.url.host, std::to_string(ep.url.port), ec);
  if (ec) return open_failure{"dial tcp: lookup " + ep.url.host + ": " + describe(ec)};

  if (ep.tls) {
    c->tls_.emplace(c->ioc_, *ep.tls);
  } else {
    c->tcp_.emplace(c->ioc_);
  }
  c->expire(deadline);
  bool done = false;
  c->lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  while (!done && c->ioc_.run_one() > 0) {
  }
  if (ec == beast::error::timeout) return open_failure{"dial tcp " + addr + ": i/o timeout", true};
  if (ec) return open_failure{"dial tcp " + addr + ": connect: " + describe(ec)};
  c->lowest().socket().set_option(tcp::no_delay(true), ec);

  if (!ep.tls) return c;

  SSL* ssl = c->tls_->native_handle();
  const bool ip = is_ip_literal(ep.server_name);
  if (!ip && !ep.server_name.empty()) SSL_set_tlsext_host_name(ssl, ep.server_name.c_str());
  if (ep.verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.server_name.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, ep.server_name.c_str(), ep.server_name.size());
    if (ok != 1) return open_failure{"tls: cannot verify the server name " + ep.server_name};
  }
  ec = c->complete(deadline, [](auto& s, auto handler) {
    if constexpr (std::is_same_v<std::decay_t<decltype(s)>, tls_stream>) {
      s.async_handshake(net::ssl::stream_base::client, [h = std::move(handler)](beast::error_code e) mutable { h(e, 0); });
    }
  });
  if (ec == beast::error::timeout) return open_failure{"net/http: TLS handshake timeout", true};
  if (ec) {
    long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      return open_failure{"tls: failed to verify certificate: x509: " + verify_failure(verify, ep.server_name)};
    }
    return open_failure{"tls: handshake failed: " + describe(ec)};
  }
  return c;
}

connection::~connection() {
  beast::error_code ec;
  if (tcp_ || tls_) {
    lowest().socket().shutdown(net::socket_base::shutdown_both, ec);
    lowest().socket().close(ec);
  }
  // Cancelled handlers run now, while what they refer to is still alive.
  ioc_.restart();
  ioc_.poll();
}

void connection::expire(deadline_t deadline) {
  if (deadline) {
    lowest().expires_at(*deadline);
  } else {
    lowest().expires_never();
  }
}

beast::error_code connection::exchange(const bhttp::request<bhttp::string_body>& req,
                                       bhttp::response_parser<bhttp::string_body>& p, deadline_t deadline) {
  auto ec = write(req, deadline);
  if (ec) return ec;
  return complete(deadline, [&](auto& s, auto handler) { bhttp::async_read(s, buffer_, p, std::move(handler)); });
}

bool connection::run_until(const pending_op& op, deadline_t deadline, std::stop_token stop) {
  std::stop_callback cb(stop, [this] { ioc_.stop(); });
  ioc_.restart();
  // A stop that came before restart() is seen here; one after it leaves ioc_ stopped.
  if (stop.stop_requested()) return op.done;
  while (!op.done) {
    std::size_t n = deadline ? ioc_.run_one_until(*deadline) : ioc_.run_one();
    if (n == 0) break;  // the deadline, a stop, or nothing left to run
  }
  return op.done;
}

bool connection::reusable() {
  if (buffer_.size() != 0) return false;
  auto& sock = lowest().socket();
  if (!sock.is_open()) return false;
  pollfd pfd{};
  pfd.fd = sock.native_handle();
  pfd.events = POLLIN;
  return ::poll(&pfd, 1, 0) == 0;
}

}  // namespace ktk::client::rest::detail
