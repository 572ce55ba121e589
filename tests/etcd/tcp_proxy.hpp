// tcp_proxy.hpp — a loopback TCP proxy in front of etcd, to break the connection
// between a storage and etcd on demand (tests only).
//
//   tcp_proxy proxy(etcd_url);              // listens on 127.0.0.1:<free port>
//   make_etcd_storage({.endpoints = {proxy.url()}});
//   proxy.set_mode(tcp_proxy::mode::refuse); // new connections are refused...
//   proxy.cut();                             // ...and open ones are closed
//
// Thread-safe: every method may be called from any thread; the proxy runs its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/write.hpp>

namespace ktk::test {

class tcp_proxy {
 public:
  enum class mode {
    forward,    // connections are relayed to the target
    blackhole,  // connections are accepted and never answered
    refuse,     // the port is closed: connecting fails at once
  };

  // `target`: "http://127.0.0.1:2379".
  explicit tcp_proxy(const std::string& target) : acceptor_(ioc_) {
    auto hostport = target.substr(target.find("://") + 3);
    auto colon = hostport.rfind(':');
    target_ = {boost::asio::ip::make_address(hostport.substr(0, colon)),
               static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1)))};
    open_acceptor(0);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~tcp_proxy() {
    boost::asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      close_all();
    });
    work_.reset();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void set_mode(mode m) {
    run_sync([this, m] {
      mode_ = m;
      boost::system::error_code ec;
      if (m == mode::refuse) {
        acceptor_.close(ec);
      } else if (!acceptor_.is_open()) {
        open_acceptor(port_);
      }
    });
  }

  // Closes every open connection (relayed or held).
  void cut() {
    run_sync([this] { close_all(); });
  }

 private:
  using tcp = boost::asio::ip::tcp;

  struct pipe : std::enable_shared_from_this<pipe> {
    explicit pipe(boost::asio::io_context& ioc) : a(ioc), b(ioc) {}
    tcp::socket a, b;
    std::vector<char> ab = std::vector<char>(64 * 1024), ba = std::vector<char>(64 * 1024);
    void close() {
      boost::system::error_code ec;
      a.close(ec);
      b.close(ec);
    }
    void pump(tcp::socket& from, tcp::socket& to, std::vector<char>& buf) {
      from.async_read_some(boost::asio::buffer(buf), [self = shared_from_this(), &from, &to, &buf](
                                                         boost::system::error_code ec, std::size_t n) {
        if (ec) return self->close();
        boost::asio::async_write(to, boost::asio::buffer(buf.data(), n),
                                 [self, &from, &to, &buf](boost::system::error_code ec2, std::size_t) {
                                   if (ec2) return self->close();
                                   self->pump(from, to, buf);
                                 });
      });
    }
  };

  void open_acceptor(std::uint16_t port) {
    tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    accept();
  }

  void accept() {
    auto p = std::make_shared<pipe>(ioc_);
    acceptor_.async_accept(p->a, [this, p](boost::system::error_code ec) {
      if (ec) return;  // closed
      pipes_.insert(p);
      if (mode_ == mode::forward) {
        p->b.async_connect(target_, [p](boost::system::error_code ec2) {
          if (ec2) return p->close();
          p->pump(p->a, p->b, p->ab);
          p->pump(p->b, p->a, p->ba);
        });
      }
      accept();
    });
  }

  void close_all() {
    for (auto& p : pipes_) p->close();
    pipes_.clear();
  }

  template <class F>
  void run_sync(F f) {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    boost::asio::post(ioc_, [&] {
      f();
      std::lock_guard lk(mu);
      done = true;
      cv.notify_all();
    });
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return done; });
  }

  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{ioc_.get_executor()};
  tcp::acceptor acceptor_;
  tcp::endpoint target_;
  std::uint16_t port_ = 0;
  mode mode_ = mode::forward;                 // only the proxy thread touches it
  std::set<std::shared_ptr<pipe>> pipes_;     // only the proxy thread touches it
  std::thread thread_;
};

}  // namespace ktk::test
