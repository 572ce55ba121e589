// server.cpp — the webhook server's listener, TLS sessions, and clean shutdown.
//
// One io_context run by `threads` threads; each connection on its own strand. A
// handler runs on the connection's strand (so at most `threads` handlers at once).
// stop() closes the listener, closes idle connections, lets the requests in flight
// finish and write their answer, and then the io_context runs out of work and the
// threads return.
#include "ktk/client/webhook/server.hpp"

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>

#include "webhook/review_handler.hpp"
#include "webhook/session.hpp"

namespace ktk::client::webhook {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string read_pem(const std::filesystem::path& p, const char* what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("webhook server: cannot read the " + std::string(what) + " " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class server::impl {
 public:
  explicit impl(server_options opts) : opts_(std::move(opts)) {}
  ~impl() { stop(); }

  void add(const std::string& path, handler h) {
    std::lock_guard lock(mu_);
    if (running_) throw std::logic_error("webhook server: register handlers before start() (" + path + ")");
    if (!routes_.emplace(path, std::move(h)).second) {
      throw std::invalid_argument("webhook server: a handler is already registered for " + path);
    }
  }

  void start() {
    std::lock_guard lock(mu_);
    if (running_) return;
    auto cert_path = opts_.cert_dir / opts_.cert_name;
    auto key_path = opts_.cert_dir / opts_.key_name;
    std::string cert = read_pem(cert_path, "certificate");
    std::string key = read_pem(key_path, "key");

    auto r = std::make_unique<running>();
    r->ssl.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (r->ssl.use_certificate_chain(net::buffer(cert), ec)) {
      throw std::runtime_error("webhook server: bad certificate " + cert_path.string() + ": " + ec.message());
    }
    if (r->ssl.use_private_key(net::buffer(key), net::ssl::context::pem, ec)) {
      throw std::runtime_error("webhook server: bad key " + key_path.string() + ": " + ec.message());
    }

    auto addr = net::ip::make_address(opts_.host, ec);
    if (ec) throw std::runtime_error("webhook server: bad host \"" + opts_.host + "\": " + ec.message());
    tcp::endpoint ep(addr, opts_.port);
    auto& acc = r->acceptor;
    if (acc.open(ep.protocol(), ec) || acc.set_option(net::socket_base::reuse_address(true), ec) ||
        acc.bind(ep, ec) || acc.listen(net::socket_base::max_listen_connections, ec)) {
      throw std::runtime_error("webhook server: cannot listen on " + opts_.host + ":" + std::to_string(opts_.port) +
                               ": " + ec.message());
    }
    port_ = acc.local_endpoint().port();
    r->ctx = {.routes = std::make_shared<const std::map<std::string, handler>>(routes_),
              .max_body_bytes = opts_.max_body_bytes,
              .sessions = &r->sessions};
    run_ = std::move(r);
    accept(run_.get());
    for (int i = 0; i < std::max(1, opts_.threads); ++i) {
      run_->threads.emplace_back([ioc = &run_->ioc] { ioc->run(); });
    }
    running_ = true;
  }

  void stop() {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
    // Close the listener on its strand, so that no accept is half done; an accept
    // that completes later sees `stopping` and drops its socket.
    run_->stopping = true;
    std::promise<void> closed;
    net::post(run_->acceptor.get_executor(), [this, &closed] {
      boost::system::error_code ec;
      run_->acceptor.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
    run_->sessions.shutdown_all();
    run_->threads.clear();  // joins once every session has ended (no work left)
    run_.reset();
  }

  std::uint16_t port() const { return port_.load(); }

  std::string url() const {
    std::string host = opts_.host.find(':') != std::string::npos ? "[" + opts_.host + "]" : opts_.host;
    return "https://" + host + ":" + std::to_string(port());
  }

 private:
  // What exists while serving; made by start(), destroyed by stop().
  // Destroyed in reverse order: threads are joined first, the session set goes last.
  struct running {
    detail::session_set sessions;
    net::ssl::context ssl{net::ssl::context::tls_server};
    net::io_context ioc;
    tcp::acceptor acceptor{net::make_strand(ioc)};
    detail::session_context ctx;
    std::atomic<bool> stopping{false};
    std::vector<std::jthread> threads;
  };

  // Runs on the acceptor's strand. A session registers itself in start(), here, so
  // that stop() (which closes the acceptor on this strand first) sees all of them.
  static void accept(running* r) {
    r->acceptor.async_accept(net::make_strand(r->ioc), [r](boost::system::error_code ec, tcp::socket socket) {
      if (r->stopping) return;
      if (!ec) {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<detail::session>(std::move(socket), r->ssl, r->ctx)->start();
      }
      if (r->acceptor.is_open()) accept(r);
    });
  }

  server_options opts_;
  mutable std::mutex mu_;  // guards routes_, running_ and run_ (start/stop/registration)
  std::map<std::string, handler> routes_;
  bool running_ = false;
  std::unique_ptr<running> run_;
  std::atomic<std::uint16_t> port_{0};
};

server::server(server_options opts) : impl_(std::make_shared<impl>(std::move(opts))) {}
server::~server() { impl_->stop(); }

void server::handle(const std::string& path, handler h) { impl_->add(path, std::move(h)); }
void server::defaulter(const std::string& path, defaulter_func f) {
  impl_->add(path, detail::defaulter_handler(std::move(f)));
}
void server::validator(const std::string& path, validator_func f) {
  impl_->add(path, detail::validator_handler(std::move(f)));
}

void server::start() { impl_->start(); }
void server::stop() { impl_->stop(); }
std::uint16_t server::port() const { return impl_->port(); }
std::string server::url() const { return impl_->url(); }

std::shared_ptr<controller::runnable> server::as_runnable() {
  return controller::runnable_func(
      [impl = impl_](std::stop_token stop) -> result<void> {
        try {
          impl->start();
        } catch (const std::exception& e) {
          return api_error::internal(e.what());
        }
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        cv.wait(lock, stop, [] { return false; });
        impl->stop();
        return {};
      },
      /*needs_leader_election=*/false);
}

}  // namespace ktk::client::webhook
