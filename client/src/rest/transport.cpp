// transport.cpp — credentials, the connection pool, attempts and client-go's retries.
#include "detail/transport.hpp"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <boost/asio/ssl/error.hpp>

#include "ktk/client/flowcontrol/token_bucket.hpp"
#include "ktk/core/base64.hpp"
#include "detail/body_reader.hpp"
#include "detail/connection.hpp"
#include "detail/response_errors.hpp"

namespace ktk::client::rest::detail {

namespace {

constexpr int max_retries = 10;  // client-go's default maxRetries

std::string trim(std::string s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

std::string pem_error(const char* field, const boost::system::system_error& e) {
  return std::string("rest_config.") + field + ": " + e.code().message();
}

// Errors that mean the peer closed or reset the connection.
bool is_eof_or_reset(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::ssl::error::stream_truncated;
}

std::string describe_io(const beast::error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof) return "EOF";
  if (ec == bhttp::error::partial_message || ec == net::ssl::error::stream_truncated) return "unexpected EOF";
  return ec.message();
}

std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

template <class Fields>
void read_headers(const bhttp::response_header<Fields>& h, http_response& out) {
  out.status = h.result_int();
  out.content_type = std::string(h[bhttp::field::content_type]);
  for (auto it = h.find(bhttp::field::warning); it != h.end() && it->name() == bhttp::field::warning; ++it) {
    append_warnings(std::string_view(it->value().data(), it->value().size()), out.warnings);
  }
  if (auto ra = h.find(bhttp::field::retry_after); ra != h.end()) {
    std::string_view v(ra->value().data(), ra->value().size());
    int secs = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
    if (ec == std::errc() && end == v.data() + v.size() && secs >= 0) out.retry_after = secs;
  }
}

}  // namespace

class transport::impl {
 public:
  explicit impl(const rest_config& cfg)
      : cfg_(cfg),
        clock_(cfg.clock ? *cfg.clock : core::real_clock::instance()),
        limiter_({.qps = cfg.qps, .burst = cfg.burst, .clock = &clock_}) {
    const bool default_tls = !cfg.certificate_authority_pem.empty() || !cfg.client_certificate_pem.empty() ||
                             cfg.insecure_skip_tls_verify;
    auto u = parse_server_url(cfg.server, default_tls);
    if (!u) throw std::invalid_argument("rest_config.server: not an http(s) URL: \"" + cfg.server + "\"");
    ep_.url = *u;
    ep_.server_name = cfg.tls_server_name.empty() ? u->host : cfg.tls_server_name;
    ep_.verify = !cfg.insecure_skip_tls_verify;
    if (u->tls) ep_.tls = make_tls_context();
    host_ = u->authority();
  }

  net::ssl::context* make_tls_context() {
    ctx_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
    ctx_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    if (cfg_.insecure_skip_tls_verify) {
      ctx_->set_verify_mode(net::ssl::verify_none);
    } else {
      ctx_->set_verify_mode(net::ssl::verify_peer);
      try {
        if (cfg_.certificate_authority_pem.empty()) {
          ctx_->set_default_verify_paths();
        } else {
          ctx_->add_certificate_authority(net::buffer(cfg_.certificate_authority_pem));
        }
      } catch (const boost::system::system_error& e) {
        throw std::invalid_argument(pem_error("certificate_authority_pem", e));
      }
    }
    if (!cfg_.client_certificate_pem.empty() || !cfg_.client_key_pem.empty()) {
      try {
        ctx_->use_certificate_chain(net::buffer(cfg_.client_certificate_pem));
      } catch (const boost::system::system_error& e) {
        throw std::invalid_argument(pem_error("client_certificate_pem", e));
      }
      try {
        ctx_->use_private_key(net::buffer(cfg_.client_key_pem), net::ssl::context::pem);
      } catch (const boost::system::system_error& e) {
        throw std::invalid_argument(pem_error("client_key_pem", e));
      }
    }
    return ctx_.get();
  }

  // The Authorization header: the token file (re-read when it changed), the token, or
  // basic auth; "" for none.
  std::string authorization() {
    if (!cfg_.bearer_token_file.empty()) {
      struct stat st {};
      if (::stat(cfg_.bearer_token_file.c_str(), &st) == 0) {
        std::lock_guard lock(token_mu_);
        const std::pair<long long, long long> stamp{st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                                                    static_cast<long long>(st.st_size)};
        if (stamp != token_stamp_) {
          std::ifstream in(cfg_.bearer_token_file, std::ios::binary);
          std::stringstream ss;
          ss << in.rdbuf();
          if (in) {
            file_token_ = trim(ss.str());
            token_stamp_ = stamp;
          }
        }
        if (!file_token_.empty()) return "Bearer " + file_token_;
      }
    }
    if (!cfg_.bearer_token.empty()) return "Bearer " + cfg_.bearer_token;
    if (!cfg_.username.empty() || !cfg_.password.empty()) {
      return "Basic " + core::base64_encode(cfg_.username + ":" + cfg_.password);
    }
    return {};
  }

  // The request, built once for every attempt (set_authorization refreshes the token).
  bhttp::request<bhttp::string_body> make_request(http_request& r) {
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(r.method), ep_.url.prefix + r.target, 11);
    req.set(bhttp::field::host, host_);
    if (!cfg_.user_agent.empty()) req.set(bhttp::field::user_agent, cfg_.user_agent);
    req.set(bhttp::field::accept, r.accept);
    if (!r.body.empty()) {
      req.set(bhttp::field::content_type, r.content_type);
      req.body() = std::move(r.body);
    }
    req.prepare_payload();
    return req;
  }

  void set_authorization(bhttp::request<bhttp::string_body>& req) {
    if (auto a = authorization(); !a.empty()) {
      req.set(bhttp::field::authorization, a);
    } else {
      req.erase(bhttp::field::authorization);
    }
  }

  deadline_t attempt_deadline() const {
    if (cfg_.timeout.count() <= 0) return std::nullopt;
    return steady::now() + cfg_.timeout;
  }

  // ---- the pool ----

  std::unique_ptr<connection> take_idle() {
    std::lock_guard lock(pool_mu_);
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->reusable()) return c;
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<connection> c) {
    std::lock_guard lock(pool_mu_);
    if (static_cast<int>(idle_.size()) < cfg_.max_idle_connections) idle_.push_back(std::move(c));
  }

  void drop_idle() {
    std::vector<std::unique_ptr<connection>> gone;
    std::lock_guard lock(pool_mu_);
    gone.swap(idle_);
  }

  // ---- one attempt ----

  enum class outcome { answered, stale, reset, failed, timed_out };

  struct attempt_result {
    outcome kind = outcome::failed;
    http_response resp;
    std::string what;  // for reset / failed
    std::unique_ptr<connection> conn;                                       // streams
    std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser;    // streams
  };

  // A fresh connection, or the failure as an attempt result.
  std::unique_ptr<connection> dial(deadline_t deadline, attempt_result& out) {
    auto o = connection::open(ep_, deadline);
    if (auto* f = std::get_if<open_failure>(&o)) {
      out.kind = f->timed_out ? outcome::timed_out : outcome::failed;
      out.what = std::move(f->what);
      return nullptr;
    }
    opened_.fetch_add(1, std::memory_order_relaxed);
    return std::move(std::get<std::unique_ptr<connection>>(o));
  }

  attempt_result classify(const beast::error_code& ec, bool got_some, bool reused, std::string_view method) {
    attempt_result out;
    out.what = describe_io(ec);
    if (ec == beast::error::timeout) {
      out.kind = outcome::timed_out;
    } else if (!got_some && reused) {
      out.kind = outcome::stale;
    } else if (is_eof_or_reset(ec) && method == "GET") {
      out.kind = outcome::reset;
    } else {
      out.kind = outcome::failed;
    }
    return out;
  }

  attempt_result attempt(bhttp::request<bhttp::string_body>& req, std::string_view method) {
    const auto deadline = attempt_deadline();
    attempt_result out;
    auto conn = take_idle();
    const bool reused = conn != nullptr;
    if (!conn && !(conn = dial(deadline, out))) return out;
    set_authorization(req);
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(boost::none);
    if (auto ec = conn->exchange(req, p, deadline)) return classify(ec, p.got_some(), reused, method);
    auto& res = p.get();
    read_headers(res.base(), out.resp);
    out.resp.body = std::move(res.body());
    out.kind = outcome::answered;
    if (res.keep_alive()) give_back(std::move(conn));
    return out;
  }

  attempt_result attempt_stream(bhttp::request<bhttp::string_body>& req, std::string_view method) {
    const auto deadline = attempt_deadline();
    attempt_result out;
    auto conn = dial(deadline, out);
    if (!conn) return out;
    set_authorization(req);
    auto p = std::make_unique<bhttp::response_parser<bhttp::buffer_body>>();
    p->body_limit(boost::none);
    p->eager(true);
    if (auto ec = conn->send_and_read_header(req, *p, deadline)) return classify(ec, p->got_some(), false, method);
    read_headers(p->get().base(), out.resp);
    if (out.resp.status < 200 || out.resp.status > 299) {
      // An error answer is short: read all of it for the Status it carries.
      if (auto ec = read_whole_body(*conn, *p, out.resp.body, deadline)) return classify(ec, true, false, "");
    }
    out.kind = outcome::answered;
    out.conn = std::move(conn);
    out.parser = std::move(p);
    return out;
  }

  static beast::error_code read_whole_body(connection& c, bhttp::response_parser<bhttp::buffer_body>& p,
                                           std::string& body, deadline_t deadline) {
    char buf[16384];
    while (!p.is_done()) {
      p.get().body().data = buf;
      p.get().body().size = sizeof buf;
      auto op = std::make_shared<pending_op>();
      c.start_read_some(p, op);
      if (!c.run_until(*op, deadline, {})) return beast::error::timeout;
      body.append(buf, sizeof buf - p.get().body().size);
      if (op->ec && op->ec != bhttp::error::need_buffer && !p.is_done()) return op->ec;
    }
    return {};
  }

  // ---- retries ----

  // Runs once(req, method) until it needs no retry; see transport::round_trip.
  template <class Attempt>
  attempt_result with_retries(http_request& r, Attempt&& once) {
    auto req = make_request(r);
    limiter_.accept();
    int retries = 0;
    int stale = 0;
    for (;;) {
      auto a = once(req, r.method);
      switch (a.kind) {
        case outcome::stale:
          // The server closed an idle connection: the others are likely closed too.
          drop_idle();
          if (++stale <= cfg_.max_idle_connections + 1) continue;
          a.kind = outcome::failed;
          return a;
        case outcome::answered:
          if ((a.resp.status == 429 || a.resp.status >= 500) && a.resp.retry_after && retries < max_retries) {
            ++retries;
            wait(std::chrono::seconds(*a.resp.retry_after));
            limiter_.accept();
            continue;
          }
          return a;
        case outcome::reset:
          if (retries < max_retries) {
            ++retries;
            wait(std::chrono::seconds(1));
            limiter_.accept();
            continue;
          }
          return a;
        default:
          return a;
      }
    }
  }

  void wait(std::chrono::seconds d) {
    if (d.count() <= 0) return;
    clock_.sleep_until(clock_.now() + std::chrono::duration_cast<core::clock::duration>(d), {});
  }

  core::api_error failure(const http_request& r, const attempt_result& a) const {
    if (a.kind == outcome::timed_out) return timeout_error(r.method, url_of(r.target), format_duration(cfg_.timeout));
    return transport_error(r.method, url_of(r.target), a.what);
  }

  std::string url_of(std::string_view target) const { return ep_.url.str() + std::string(target); }

  rest_config cfg_;
  core::clock& clock_;
  flowcontrol::token_bucket limiter_;
  endpoint_settings ep_;
  std::unique_ptr<net::ssl::context> ctx_;
  std::string host_;  // the Host header
  std::atomic<std::uint64_t> opened_{0};

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<connection>> idle_;  // guarded by pool_mu_; most recent last

  std::mutex token_mu_;
  std::string file_token_;                             // guarded by token_mu_
  std::pair<long long, long long> token_stamp_{-1, -1};  // guarded by token_mu_: mtime (ns), size
};

transport::transport(const rest_config& cfg) : impl_(std::make_unique<impl>(cfg)) {}
transport::~transport() = default;

core::result<http_response> transport::round_trip(http_request req) {
  auto a = impl_->with_retries(req, [this](auto& r, std::string_view m) { return impl_->attempt(r, m); });
  if (a.kind != impl::outcome::answered) return impl_->failure(req, a);
  return std::move(a.resp);
}

core::result<stream_answer> transport::open_stream(http_request req) {
  auto a = impl_->with_retries(req, [this](auto& r, std::string_view m) { return impl_->attempt_stream(r, m); });
  if (a.kind != impl::outcome::answered) return impl_->failure(req, a);
  stream_answer out;
  out.head = std::move(a.resp);
  if (out.head.status >= 200 && out.head.status <= 299) {
    out.body = make_body_reader(std::move(a.conn), std::move(a.parser));
  }
  return out;
}

std::string transport::url(std::string_view target) const { return impl_->url_of(target); }
const rest_config& transport::config() const { return impl_->cfg_; }
std::uint64_t transport::connections_opened() const { return impl_->opened_.load(std::memory_order_relaxed); }

}  // namespace ktk::client::rest::detail
