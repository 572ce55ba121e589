// server.cpp — the listener, the io threads and clean shutdown.
#include "ktk/apiserver/server.hpp"

#include <future>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "auth/authenticator.hpp"
#include "auth/bootstrap_policy.hpp"
#include "auth/rbac_authorizer.hpp"
#include "auth/rbac_escalation.hpp"
#include "http/router.hpp"
#include "http/session.hpp"

namespace ktk::apiserver {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class server::impl {
 public:
  // One io_context per io thread, each run by its own thread: connections are spread
  // over them round-robin, so no scheduler lock is shared between threads.
  impl(registry& reg, server_options opts)
      : reg_(reg),
        opts_(std::move(opts)),
        authn_(opts_.auth.tokens, opts_.auth.users, opts_.auth.client_certificates) {
    authn_.accept_service_account_tokens(&reg_);
    for (unsigned i = 0; i < std::max(1u, opts_.io_threads); ++i) contexts_.push_back(std::make_unique<net::io_context>());
    acceptor_.emplace(net::make_strand(*contexts_[0]));
    accept_retry_.emplace(acceptor_->get_executor());
  }

  ~impl() { stop(); }

  void start() {
    if (started_) return;
    tcp::endpoint ep(net::ip::make_address(opts_.address), opts_.port);
    acceptor_->open(ep.protocol());
    acceptor_->set_option(net::socket_base::reuse_address(true));
    acceptor_->bind(ep);
    acceptor_->listen(net::socket_base::max_listen_connections);
    port_ = acceptor_->local_endpoint().port();
    std::string host = opts_.address.find(':') != std::string::npos ? "[" + opts_.address + "]" : opts_.address;
    if (opts_.authorization == authorization_mode::rbac) {
      auth::ensure_bootstrap_policy(reg_);
      rbac_.emplace(reg_);
      escalation_.emplace(*rbac_);
    }
    url_ = (opts_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
    router_ = std::make_unique<http::router>(
        reg_, http::router_options{.server_address = host + ":" + std::to_string(port_),
                                   .server_url = url_,
                                   .max_watch_timeout = opts_.max_watch_timeout,
                                   .rbac = rbac_ ? &*rbac_ : nullptr,
                                   .authn = authn_.enabled() ? &authn_ : nullptr,
                                   .policy = escalation_ ? &*escalation_ : nullptr});
    if (opts_.tls) {
      ssl_.emplace(net::ssl::context::tls_server);
      ssl_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
      ssl_->use_certificate_chain(net::buffer(opts_.tls->certificate_pem));
      ssl_->use_private_key(net::buffer(opts_.tls->private_key_pem), net::ssl::context::pem);
      if (!opts_.tls->client_ca_pem.empty()) {
        ssl_->add_certificate_authority(net::buffer(opts_.tls->client_ca_pem));
        // Ask for a client certificate; verify it when one is given (Go's VerifyClientCertIfGiven).
        ssl_->set_verify_mode(net::ssl::verify_peer);
      }
    }
    started_ = true;
    // An io_context makes its reactor (eventfd, epoll, timerfd) on first use: make each
    // now, while descriptors are there, not in the accept loop once they may have run
    // out (the exception would end the process).
    for (auto& c : contexts_) tcp::socket warm(*c);
    accept();
    for (auto& c : contexts_) {
      guards_.emplace_back(net::make_work_guard(*c));
      threads_.emplace_back([ctx = c.get()] { ctx->run(); });
    }
  }

  void stop() {
    if (!started_ || stopped_.exchange(true)) return;
    std::promise<void> closed;
    net::post(acceptor_->get_executor(), [this, &closed] {
      boost::system::error_code ec;
      acceptor_->close(ec);
      accept_retry_->cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    // Ask every session to end (watches get their last chunk), give them a moment to
    // flush, then stop the loop.
    sessions_.shutdown_all();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (sessions_.size() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    guards_.clear();
    for (auto& c : contexts_) c->stop();
    threads_.clear();  // joins
  }

  std::uint16_t port() const { return port_; }
  void add_token(const token_user& u) { authn_.add(u); }
  const std::string& url() const { return url_; }

 private:
  void accept() {
    auto& target = *contexts_[next_context_++ % contexts_.size()];
    acceptor_->async_accept(net::make_strand(target), [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (stopped_ || !acceptor_->is_open()) return;
        if (!out_of_resources(ec)) return accept();
        // Out of descriptors or memory: the pending connection stays in the backlog and
        // an immediate retry fails the same way, spinning. Back off as Go's http.Server
        // does (5 ms doubling to 1 s) and try again.
        accept_backoff_ = std::min<std::chrono::milliseconds>(
            accept_backoff_.count() ? accept_backoff_ * 2 : std::chrono::milliseconds(5), std::chrono::seconds(1));
        accept_retry_->expires_after(accept_backoff_);
        accept_retry_->async_wait([this](boost::system::error_code wec) {
          if (!wec && !stopped_) accept();
        });
        return;
      }
      accept_backoff_ = {};
      if (stopped_) return;
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      http::session_limits limits{.max_body_bytes = opts_.max_body_bytes,
                                  .max_header_bytes = opts_.max_header_bytes,
                                  .read_timeout = opts_.read_timeout,
                                  .authn = &authn_};
      if (ssl_) {
        using tls_stream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<http::session<tls_stream>>(tls_stream(beast::tcp_stream(std::move(socket)), *ssl_), *router_,
                                                    limits, sessions_)
            ->start();
      } else {
        std::make_shared<http::session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *router_, limits,
                                                           sessions_)
            ->start();
      }
      accept();
    });
  }

  static bool out_of_resources(const boost::system::error_code& ec) {
    return ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == net::error::no_buffer_space || ec == net::error::no_memory;
  }

  registry& reg_;
  server_options opts_;
  auth::authenticator authn_;
  std::optional<auth::rbac_authorizer> rbac_;
  std::optional<auth::escalation_policy> escalation_;  // after rbac_, which it refers to
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::size_t next_context_ = 0;  // only touched on the acceptor's strand
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::steady_timer> accept_retry_;  // on the acceptor's strand
  std::chrono::milliseconds accept_backoff_{};     // only touched on the acceptor's strand
  std::optional<net::ssl::context> ssl_;  // set with options.tls
  std::unique_ptr<http::router> router_;
  http::session_set sessions_;
  std::vector<std::jthread> threads_;
  std::atomic<bool> stopped_{false};
  bool started_ = false;
  std::uint16_t port_ = 0;
  std::string url_;
};

server::server(registry& reg, server_options opts) : impl_(std::make_unique<impl>(reg, std::move(opts))) {}
server::~server() = default;
void server::start() { impl_->start(); }
void server::stop() { impl_->stop(); }
std::uint16_t server::port() const { return impl_->port(); }
void server::add_token(const token_user& u) { impl_->add_token(u); }
std::string server::url() const { return impl_->url(); }

}  // namespace ktk::apiserver
