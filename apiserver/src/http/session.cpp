// session.cpp — the HTTP/1.1 connection state machine.
#include "http/session.hpp"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include "http/route.hpp"

namespace ktk::apiserver::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// ---- session_set -----------------------------------------------------------------

void session_set::add(const std::shared_ptr<session_base>& s) {
  std::lock_guard lock(mu_);
  live_[s.get()] = s;
}

void session_set::remove(const session_base* s) {
  std::lock_guard lock(mu_);
  live_.erase(s);
}

std::size_t session_set::shutdown_all() {
  std::vector<std::shared_ptr<session_base>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [_, w] : live_) {
      if (auto s = w.lock()) all.push_back(std::move(s));
    }
  }
  for (auto& s : all) s->shutdown();
  return all.size();
}

std::size_t session_set::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

// ---- session ---------------------------------------------------------------------

namespace {

// A Warning header value as kube-apiserver writes it: 299 - "text".
std::string warning_value(const std::string& text) {
  std::string v = "299 - \"";
  for (char c : text) {
    if (c == '"' || c == '\\') v.push_back('\\');
    if (c == '\n' || c == '\r') c = ' ';
    v.push_back(c);
  }
  v.push_back('"');
  return v;
}

// CN → the user name, each O → a group (kube's CommonNameUserConversion).
auth::user_ptr certificate_subject(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  if (!subject) return nullptr;
  auto entry = [&](int nid, std::vector<std::string>& out) {
    for (int i = X509_NAME_get_index_by_NID(subject, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(subject, nid, i)) {
      ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
      unsigned char* utf8 = nullptr;
      int n = ASN1_STRING_to_UTF8(&utf8, data);
      if (n >= 0) out.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
      OPENSSL_free(utf8);
    }
  };
  std::vector<std::string> cn, orgs;
  entry(NID_commonName, cn);
  entry(NID_organizationName, orgs);
  return auth::authenticator::from_certificate(cn.empty() ? std::string() : cn.front(), std::move(orgs));
}


response status_response(unsigned code, const char* reason, const std::string& message) {
  return error_response(core::api_error(static_cast<int>(code), reason, message));
}

// Go's net/http answers a request it cannot read in plain text, before kube-apiserver
// sees it ("431 Request Header Fields Too Large", "400 Bad Request").
response plain_response(unsigned code, std::string text) {
  return response{.status = code, .content_type = "text/plain; charset=utf-8", .body = std::move(text)};
}

// A request that is not HTTP/1.x as the grammar has it (as opposed to a connection
// that ended or timed out): 400 Bad Request.
bool malformed(const beast::error_code& ec) {
  using e = bhttp::error;
  for (e bad : {e::bad_line_ending, e::bad_method, e::bad_target, e::bad_version, e::bad_field, e::bad_value,
                e::bad_content_length, e::bad_transfer_encoding, e::bad_chunk, e::bad_chunk_extension, e::bad_obs_fold,
                e::multiple_content_length}) {
    if (ec == bad) return true;
  }
  return false;
}

// Beast refuses every version but 1.0 and 1.1 as malformed; Go tells a well-formed
// request line with another version ("GET / HTTP/2.0" without the HTTP/2 preface,
// HTTP/0.9) apart with 505.
bool other_http_version(std::string_view head) {
  auto line = head.substr(0, head.find("\r\n"));
  if (line.size() == head.size() || line.size() < 9) return false;
  if (std::count(line.begin(), line.end(), ' ') != 2) return false;  // METHOD SP TARGET SP VERSION
  auto v = line.substr(line.size() - 9);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return v.substr(0, 6) == " HTTP/" && digit(v[6]) && v[7] == '.' && digit(v[8]) && v.substr(6) != "1.0" &&
         v.substr(6) != "1.1";
}

// The Impersonate-* headers into `req`.
void impersonation_headers(const bhttp::request<bhttp::string_body>& msg, request& req) {
  constexpr std::string_view extra_prefix = "impersonate-extra-";
  for (const auto& f : msg) {
    std::string_view name(f.name_string().data(), f.name_string().size());
    if (name.size() < 12 || !beast::iequals(name.substr(0, 12), "impersonate-")) continue;
    std::string value(f.value().data(), f.value().size());
    if (beast::iequals(name, "impersonate-user")) {
      req.impersonate_user = std::move(value);
    } else if (beast::iequals(name, "impersonate-group")) {
      req.impersonate_groups.push_back(std::move(value));
    } else if (beast::iequals(name, "impersonate-uid")) {
      req.impersonate_uid = std::move(value);
    } else if (name.size() > extra_prefix.size() && beast::iequals(name.substr(0, extra_prefix.size()), extra_prefix)) {
      std::string key(name.substr(extra_prefix.size()));
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto decoded = percent_decode(key, false);
      req.impersonate_extra.emplace_back(decoded ? *decoded : key, std::move(value));
    }
  }
}

}  // namespace

std::optional<request> to_router_request(bhttp::request<bhttp::string_body>& msg, auth::user_ptr user) {
  auto target = parse_target(std::string_view(msg.target().data(), msg.target().size()));
  if (!target) return std::nullopt;
  request req{.method = std::string(msg.method_string()),
              .path = std::move(target->path),
              .query = std::move(target->query),
              .accept = std::string(msg[bhttp::field::accept]),
              .content_type = std::string(msg[bhttp::field::content_type]),
              .user_agent = std::string(msg[bhttp::field::user_agent]),
              .body = std::move(msg.body()),
              .user = std::move(user)};
  impersonation_headers(msg, req);
  return req;
}

template <class Stream>
session<Stream>::session(Stream&& stream, const router& r, session_limits limits, session_set& set)
    : stream_(std::move(stream)), router_(r), limits_(limits), set_(set), watch_deadline_(stream_.get_executor()),
      bookmark_timer_(stream_.get_executor()), write_deadline_(stream_.get_executor()) {}

template <class Stream>
session<Stream>::~session() {
  set_.remove(this);
}

template <class Stream>
void session<Stream>::start() {
  set_.add(this->shared_from_this());
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (tls) {
      self->lowest().expires_after(self->limits_.read_timeout);
      self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->close();
        SSL* ssl = self->stream_.native_handle();
        X509* peer = SSL_get1_peer_certificate(ssl);
        if (peer && SSL_get_verify_result(ssl) == X509_V_OK) self->certificate_user_ = certificate_subject(peer);
        X509_free(peer);
        self->do_read();
      });
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void session<Stream>::shutdown() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->on_shutdown(); });
}

template <class Stream>
void session<Stream>::on_shutdown() {
  shutting_down_ = true;
  if (closed_) return;
  if (watch_) {
    finish_watch();
  } else if (!writing_) {
    close();
  }
}

template <class Stream>
void session<Stream>::close(bool abort) {
  if (closed_) return;
  closed_ = true;
  watch_.reset();
  watch_deadline_.cancel();
  bookmark_timer_.cancel();
  write_deadline_.cancel();
  beast::error_code ec;
  // A client that stopped reading would otherwise pin the unsent bytes in the kernel
  // until the orphan timeout: reset the connection instead.
  if (abort) lowest().socket().set_option(net::socket_base::linger(true, 0), ec);
  lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  lowest().socket().close(ec);
}

// Half-closes, then reads and drops what the client still sends until it closes too
// (or a short timeout): closing with unread bytes would reset the connection and the
// client could lose the answer it was just sent (a 413 sent before the body arrived).
template <class Stream>
void session<Stream>::linger_close() {
  if (closed_) return;
  beast::error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  lowest().expires_after(std::chrono::seconds(2));
  lowest().async_read_some(net::buffer(sink_), [self = this->shared_from_this()](beast::error_code rec, std::size_t) {
    if (rec) return self->close();
    self->linger_close_read();
  });
}

template <class Stream>
void session<Stream>::linger_close_read() {
  lowest().async_read_some(net::buffer(sink_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    self->linger_close_read();
  });
}

template <class Stream>
void session<Stream>::do_read() {
  if (shutting_down_) return close();
  parser_.emplace();
  parser_->body_limit(limits_.max_body_bytes);
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  lowest().expires_after(limits_.read_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void session<Stream>::on_header(beast::error_code ec) {
  if (ec == bhttp::error::header_limit) return refuse(plain_response(431, "431 Request Header Fields Too Large"));
  // A Content-Length over the limit fails already here.
  if (ec == bhttp::error::body_limit) return on_read(ec);
  if (ec == bhttp::error::bad_version &&
      other_http_version(std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size()))) {
    return refuse(plain_response(505, "505 HTTP Version Not Supported: unsupported protocol version"));
  }
  if (malformed(ec)) return refuse(plain_response(400, "400 Bad Request"));
  if (ec) return close();
  auto& req = parser_->get();
  if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
    auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, req.version());
    bhttp::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code wec, std::size_t) {
      if (wec) return self->close();
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code rec, std::size_t) { self->on_read(rec); });
    });
    return;
  }
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = this->shared_from_this()](beast::error_code rec, std::size_t) { self->on_read(rec); });
}

template <class Stream>
void session<Stream>::on_read(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return refuse(status_response(413, core::reason::request_entity_too_large,
                                  "Request entity too large: limit is " + std::to_string(limits_.max_body_bytes)),
                  parser_->get().version());
  }
  if (malformed(ec)) return refuse(plain_response(400, "400 Bad Request"), parser_->get().version());
  if (ec) return close();
  auto msg = parser_->release();
  keep_alive_ = msg.keep_alive();
  version_ = msg.version();
  head_ = msg.method() == bhttp::verb::head;
  auto user = authenticate(msg);
  if (!user) return respond(status_response(401, core::reason::unauthorized, "Unauthorized"));

  auto req = to_router_request(msg, std::move(user));
  if (!req) {
    return respond(status_response(400, core::reason::bad_request, "malformed URL escape in the request target"));
  }
  routed r = router_.handle(*req);
  if (auto* w = std::get_if<watch_start>(&r)) return start_watch(std::move(*w));
  respond(std::move(std::get<response>(r)));
}

// A client certificate the client CA verified, else a bearer token (kube-apiserver's
// order); without authentication, everyone is system:admin.
template <class Stream>
auth::user_ptr session<Stream>::authenticate(const bhttp::request<bhttp::string_body>& msg) const {
  if (!limits_.authn || !limits_.authn->enabled()) return auth::authenticator::unauthenticated_admin();
  if (limits_.authn->client_certificates() && certificate_user_) return certificate_user_;
  auto header = msg[bhttp::field::authorization];
  return limits_.authn->by_token(auth::authenticator::bearer(std::string_view(header.data(), header.size())));
}

// Answers a request that cannot be read to its end, then closes: what follows in the
// stream is not a request boundary the server can trust.
template <class Stream>
void session<Stream>::refuse(response&& r, unsigned version) {
  keep_alive_ = false;
  head_ = false;
  version_ = version == 10 ? 10 : 11;
  respond(std::move(r));
}

template <class Stream>
void session<Stream>::respond(response&& r) {
  auto res = std::make_shared<string_response>(static_cast<bhttp::status>(r.status), version_);
  res->set(bhttp::field::content_type, r.content_type);
  res->set(bhttp::field::cache_control, "no-cache, private");
  for (const auto& w : r.warnings) res->insert(bhttp::field::warning, warning_value(w));
  res->keep_alive(keep_alive_ && !shutting_down_);
  if (head_) {
    res->content_length(r.body.size());
  } else {
    res->body() = std::move(r.body);
    res->prepare_payload();
  }
  write(std::move(res));
}

template <class Stream>
void session<Stream>::write(std::shared_ptr<string_response> res) {
  writing_ = true;
  lowest().expires_after(limits_.read_timeout);
  bhttp::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->close();
    if (!res->keep_alive() || self->shutting_down_) return self->linger_close();
    self->do_read();
  });
}

// ---- watch -----------------------------------------------------------------------

template <class Stream>
void session<Stream>::start_watch(watch_start&& w) {
  watch_ = std::move(w.stream);
  encode_ = std::move(w.encode);
  // The connection closes after the watch, so a stray byte from the client never
  // lands in a half-read request.
  keep_alive_ = false;
  auto res = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::ok, version_);
  res->set(bhttp::field::content_type, w.content_type);
  res->set(bhttp::field::cache_control, "no-cache, private");
  res->keep_alive(false);
  res->chunked(true);
  auto sr = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*res);
  writing_ = true;
  lowest().expires_after(limits_.read_timeout);
  bhttp::async_write_header(stream_, *sr, [self = this->shared_from_this(), res, sr](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->close();
    self->lowest().expires_never();
    self->watch_for_hangup();
    self->pump();
  });

  watch_deadline_.expires_after(w.timeout);
  watch_deadline_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->finish_watch();
  });
  watch_->set_notify([weak = this->weak_from_this(), pending = notify_pending_, ex = stream_.get_executor()] {
    if (pending->exchange(true)) return;
    net::post(ex, [weak, pending] {
      pending->store(false);
      if (auto self = weak.lock()) self->pump();
    });
  });
}

// Reads (and discards) while streaming, to notice the client hanging up.
template <class Stream>
void session<Stream>::watch_for_hangup() {
  stream_.async_read_some(net::buffer(sink_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    if (!self->closed_) self->watch_for_hangup();
  });
}

template <class Stream>
void session<Stream>::pump() {
  if (!watch_ || writing_ || closed_) return;
  if (ending_) return finish_watch();
  // Chunks stay under max_chunk_bytes so that a slow but reading client finishes each
  // write well within the write timeout; the rest waits in the backlog.
  chunk_.clear();
  if (backlog_.empty()) {
    for (auto& ev : watch_->poll()) backlog_.push_back(std::move(ev));
  }
  while (!backlog_.empty() && chunk_.size() < max_chunk_bytes) {
    chunk_ += encode_(backlog_.front());
    backlog_.pop_front();
  }
  if (!chunk_.empty()) return write_chunk();
  if (watch_->done()) return finish_watch();
  arm_bookmark_timer();
}

template <class Stream>
void session<Stream>::write_chunk() {
  writing_ = true;
  // Our own deadline rather than the stream's: a timed-out client is reset (see close),
  // which the stream's own timeout would not do.
  write_deadline_.expires_after(limits_.read_timeout);
  write_deadline_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock(); self && self->writing_) self->close(/*abort=*/true);
  });
  net::async_write(stream_, bhttp::make_chunk(net::buffer(chunk_)),
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     self->write_deadline_.cancel();
                     if (ec) return self->close(/*abort=*/true);
                     if (self->ending_) return self->finish_watch();
                     if (self->backlog_.empty() && self->watch_ && self->watch_->done()) return self->finish_watch();
                     self->pump();
                   });
}

template <class Stream>
void session<Stream>::arm_bookmark_timer() {
  auto due = watch_->bookmark_due();
  if (!due || (bookmark_armed_ && *bookmark_armed_ == *due)) return;
  bookmark_armed_ = due;
  bookmark_timer_.expires_at(*due);
  bookmark_timer_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->bookmark_armed_.reset();
      self->pump();
    }
  });
}

template <class Stream>
void session<Stream>::finish_watch() {
  ending_ = true;
  if (closed_ || writing_) return;  // the write in flight comes back here
  if (!watch_) return close();
  watch_.reset();
  watch_deadline_.cancel();
  bookmark_timer_.cancel();
  writing_ = true;
  lowest().expires_after(limits_.read_timeout);
  net::async_write(stream_, bhttp::make_chunk_last(), [self = this->shared_from_this()](beast::error_code, std::size_t) {
    self->writing_ = false;
    self->close();
  });
}

template class session<beast::tcp_stream>;
template class session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace ktk::apiserver::http
