// session.cpp — the connection state machine: handshake → read → handle → write →
// read ..., with a timeout on every network step so a silent peer cannot pin it.
#include "webhook/session.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "webhook/review_handler.hpp"

namespace ktk::client::webhook::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {

// A peer that sends or reads nothing for this long is dropped.
constexpr auto io_timeout = std::chrono::seconds(30);
// How long a closing connection drains what the client still sends (see linger_close).
constexpr auto linger_timeout = std::chrono::seconds(2);

std::string status_body(int code, const char* reason, const std::string& message) {
  return api_error(code, reason, message).to_status().dump(-1, ' ', false, json::error_handler_t::replace);
}

bool is_http_syntax_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

// ---- session_set -----------------------------------------------------------------

void session_set::add(const std::shared_ptr<session>& s) {
  std::lock_guard lock(mu_);
  live_[s.get()] = s;
}

void session_set::remove(const session* s) {
  std::lock_guard lock(mu_);
  live_.erase(s);
}

void session_set::shutdown_all() {
  std::vector<std::shared_ptr<session>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [_, w] : live_) {
      if (auto s = w.lock()) all.push_back(std::move(s));
    }
  }
  for (auto& s : all) s->shutdown();
}

// ---- session ---------------------------------------------------------------------

session::session(tcp::socket&& socket, net::ssl::context& ssl, session_context ctx)
    : stream_(beast::tcp_stream(std::move(socket)), ssl), ctx_(std::move(ctx)) {}

session::~session() { ctx_.sessions->remove(this); }

void session::start() {
  ctx_.sessions->add(shared_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->lowest().expires_after(io_timeout);
    self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
      if (ec) return self->close();
      self->do_read();
    });
  });
}

void session::shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (!self->busy_) self->close();
  });
}

void session::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest().close();  // also cancels the timeout; pending operations complete with an error
}

// Half-closes, then reads and drops what the client still sends until it closes too
// (or a short timeout): closing with unread bytes resets the connection, and the
// client could lose the answer just sent (a 413 sent before the body arrived).
void session::linger_close() {
  if (closed_) return;
  beast::error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  lowest().expires_after(linger_timeout);
  linger_read();
}

void session::linger_read() {
  lowest().async_read_some(net::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec || self->closed_) return self->close();
    self->linger_read();
  });
}

void session::do_read() {
  if (closing_ || closed_) return close();
  parser_.emplace();
  parser_->body_limit(ctx_.max_body_bytes);
  lowest().expires_after(io_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void session::on_read(beast::error_code ec) {
  if (closed_) return;
  if (ec == bhttp::error::body_limit) {
    busy_ = true;
    return respond(413, detail::error_answer(413, "request entity is too large; limit is " +
                                                      std::to_string(ctx_.max_body_bytes) + " bytes").body,
                   false);
  }
  if (is_http_syntax_error(ec)) {
    busy_ = true;
    return respond(400, status_body(400, core::reason::bad_request, "malformed HTTP request: " + ec.message()), false);
  }
  if (ec) return close();
  busy_ = true;
  handle_request();
}

void session::handle_request() {
  auto& msg = parser_->get();
  const bool keep_alive = msg.keep_alive();
  std::string_view target(msg.target().data(), msg.target().size());
  std::string path(target.substr(0, target.find('?')));
  auto route = ctx_.routes->find(path);
  if (route == ctx_.routes->end()) {
    return respond(404, status_body(404, core::reason::not_found, "no webhook is served at " + path), keep_alive);
  }
  if (msg.method() != bhttp::verb::post) {
    return respond(405,
                   status_body(405, core::reason::method_not_allowed,
                               "method " + std::string(msg.method_string()) + " is not allowed: webhooks take POST"),
                   keep_alive, "POST");
  }
  auto content_type = msg[bhttp::field::content_type];
  auto answer = serve_review(route->second, std::string_view(content_type.data(), content_type.size()), msg.body());
  respond(answer.status, std::move(answer.body), keep_alive);
}

void session::respond(unsigned status, std::string body, bool keep_alive, const char* allow) {
  const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  res_ = bhttp::response<bhttp::string_body>(static_cast<bhttp::status>(status), version);
  res_.set(bhttp::field::content_type, "application/json");
  if (allow != nullptr) res_.set(bhttp::field::allow, allow);
  res_.keep_alive(keep_alive && !closing_);
  res_.body() = std::move(body);
  res_.prepare_payload();
  parser_.reset();  // the request (and its body) is no longer needed
  lowest().expires_after(io_timeout);
  bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->busy_ = false;
    if (ec) return self->close();
    if (!self->res_.keep_alive() || self->closing_) return self->linger_close();
    self->do_read();
  });
}

}  // namespace ktk::client::webhook::detail
