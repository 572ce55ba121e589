#include "etcd_feed.hpp"

#include <algorithm>
#include <utility>

#include "etcd_codec.hpp"
#include "etcd_connection.hpp"

namespace ktk::apiserver::storage::detail {
namespace {

constexpr std::chrono::milliseconds first_backoff{50};
constexpr std::chrono::milliseconds max_backoff{1000};

}  // namespace

etcd_feed::etcd_feed(const etcd_client& client, std::string key, std::string range_end, revision after,
                     etcd_feed_handlers handlers)
    : client_(client),
      key_(std::move(key)),
      range_end_(std::move(range_end)),
      handlers_(std::move(handlers)),
      next_(after + 1),
      thread_([this](std::stop_token stop) { run(stop); }) {}

etcd_feed::~etcd_feed() {
  thread_.request_stop();
  thread_.join();
}

bool etcd_feed::wait_started(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lk(mu_);
  return cv_.wait_until(lk, deadline, [this] { return started_; });
}

void etcd_feed::run(std::stop_token stop) {
  auto backoff = first_backoff;
  while (!stop.stop_requested()) {
    streaming_ = false;
    auto o = follow(stop);
    if (streaming_) backoff = first_backoff;  // it had worked: a new failure starts over
    switch (o) {
      case outcome::stopped:
        return;
      case outcome::compacted:
        backoff = first_backoff;
        continue;  // at once, from the compacted revision
      default:
        break;
    }
    // Waits before reconnecting; wakes at once on stop.
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, stop, backoff, [] { return false; });
    backoff = std::min(backoff * 2, max_backoff);
  }
}

etcd_feed::outcome etcd_feed::follow(std::stop_token stop) {
  const auto& eps = client_.endpoints();
  const std::size_t first = client_.preferred() % eps.size();
  std::unique_ptr<etcd_connection> conn;
  for (std::size_t k = 0; k < eps.size() && !conn; ++k) {
    std::string why;
    bool timed_out = false;
    conn = etcd_connection::open(eps[(first + k) % eps.size()], steady::now() + client_.request_timeout(), why,
                                 timed_out, stop);
    if (stop.stop_requested()) return outcome::stopped;
  }
  if (!conn) return outcome::broken;
  conn->probe_when_idle(std::chrono::seconds(10));

  json create = {{"create_request",
                  {{"key", b64(key_)},
                   {"range_end", b64(range_end_)},
                   {"start_revision", std::to_string(next_)},
                   {"prev_kv", true}}}};
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/v3/watch", 11};
  req.set(bhttp::field::host, conn->endpoint().authority());
  req.set(bhttp::field::content_type, "application/json");
  req.body() = create.dump();
  req.prepare_payload();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  auto ec = conn->send_and_read_header(req, parser, steady::now() + client_.request_timeout());
  if (stop.stop_requested()) return outcome::stopped;
  if (ec || parser.get().result_int() != 200) return outcome::broken;

  std::string& body = parser.get().body();
  std::size_t scanned = 0;
  for (;;) {
    if (stop.stop_requested()) return outcome::stopped;
    ec = conn->read_some(parser);
    if (stop.stop_requested()) return outcome::stopped;
    if (ec) return outcome::broken;
    // Each message is one JSON document followed by a newline.
    std::size_t begin = 0;
    for (auto nl = body.find('\n', scanned); nl != std::string::npos; nl = body.find('\n', begin)) {
      auto o = line(std::string_view(body).substr(begin, nl - begin));
      begin = nl + 1;
      if (o != outcome::more) return o;
    }
    body.erase(0, begin);
    scanned = body.size();
    if (parser.is_done()) return outcome::broken;
  }
}

etcd_feed::outcome etcd_feed::line(std::string_view text) {
  if (text.find_first_not_of(" \r\t") == std::string_view::npos) return outcome::more;
  auto msg = json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) return outcome::broken;
  auto r = msg.find("result");
  if (r == msg.end() || !r->is_object()) return outcome::broken;  // {"error": ...}
  if (bool_field(*r, "canceled")) {
    revision compacted = int_field(*r, "compact_revision");
    if (compacted <= 0) return outcome::broken;
    if (handlers_.compacted) handlers_.compacted(compacted);
    next_ = std::max(next_, compacted);
    return outcome::compacted;
  }
  if (bool_field(*r, "created")) {
    streaming_ = true;
    {
      std::lock_guard lk(mu_);
      started_ = true;
    }
    cv_.notify_all();
  }
  auto evs = r->find("events");
  if (evs == r->end() || !evs->is_array() || evs->empty()) return outcome::more;
  std::vector<feed_event> batch;
  batch.reserve(evs->size());
  for (auto& e : *evs) {
    feed_event fe;
    auto t = e.find("type");
    fe.deleted = t != e.end() && t->is_string() && *t == "DELETE";
    if (auto kv = e.find("kv"); kv != e.end()) fe.kv = std::move(*kv);
    if (auto prev = e.find("prev_kv"); prev != e.end()) fe.prev_kv = std::move(*prev);
    fe.key = unb64_field(fe.kv, "key");
    fe.rev = int_field(fe.kv, "mod_revision");
    fe.create = int_field(fe.kv, "create_revision");
    batch.push_back(std::move(fe));
  }
  revision last = batch.back().rev;
  if (handlers_.events) handlers_.events(std::move(batch), header_revision(*r));
  next_ = std::max(next_, last + 1);
  return outcome::more;
}

}  // namespace ktk::apiserver::storage::detail
