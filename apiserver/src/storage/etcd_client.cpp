#include "etcd_client.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include <boost/beast/http/error.hpp>
#include <nlohmann/json.hpp>

#include "etcd_connection.hpp"

namespace ktk::apiserver::storage::detail {

// Idle keep-alive connections, each with the endpoint it talks to.
struct etcd_client::pool {
  std::mutex mu;
  std::vector<std::pair<std::size_t, std::unique_ptr<etcd_connection>>> idle;  // guarded by mu

  // An idle connection to endpoint i that still looks alive, or null.
  std::unique_ptr<etcd_connection> take(std::size_t i) {
    std::vector<std::unique_ptr<etcd_connection>> dead;  // closed outside the lock
    std::unique_ptr<etcd_connection> out;
    {
      std::lock_guard lk(mu);
      while (!out) {
        auto it = std::find_if(idle.rbegin(), idle.rend(), [i](const auto& e) { return e.first == i; });
        if (it == idle.rend()) break;
        auto c = std::move(it->second);
        idle.erase(std::next(it).base());
        if (c->reusable()) {
          out = std::move(c);
        } else {
          dead.push_back(std::move(c));
        }
      }
    }
    return out;
  }

  void give_back(std::size_t i, std::unique_ptr<etcd_connection> c, std::size_t keep) {
    {
      std::lock_guard lk(mu);
      if (idle.size() < keep) {
        idle.emplace_back(i, std::move(c));
        return;
      }
    }
    // `c` closes here, outside the lock.
  }
};

namespace {

// Errors after which a request sent on a reused connection may be sent again: the
// server had closed the connection, so it did not act on the request.
bool stale_connection(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe;
}

core::api_error timed_out(const etcd_endpoint& ep, std::chrono::milliseconds timeout) {
  return core::api_error::timeout("etcd at " + ep.url + " did not answer within " +
                                      std::to_string(timeout.count()) + "ms",
                                  1);
}

}  // namespace

etcd_client::etcd_client(etcd_client_options opts) : opts_(std::move(opts)), pool_(std::make_unique<pool>()) {
  if (opts_.endpoints.empty()) throw std::invalid_argument("etcd: no endpoints");
  for (const auto& e : opts_.endpoints) endpoints_.push_back(parse_etcd_endpoint(e));
}

etcd_client::~etcd_client() = default;

core::result<etcd_client::json> etcd_client::call(std::string_view path, std::string body,
                                                  std::optional<time_point> deadline_opt) const {
  const auto deadline = deadline_opt ? *deadline_opt : steady::now() + opts_.request_timeout;
  const std::size_t n = endpoints_.size();
  const std::size_t first = preferred_.load() % n;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, std::string(path), 11};
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();

  std::string failures;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (first + k) % n;
    const auto& ep = endpoints_[i];
    req.set(bhttp::field::host, ep.authority());
    auto now = steady::now();
    if (now >= deadline) return timed_out(ep, opts_.request_timeout);
    auto conn = pool_->take(i);
    const bool reused = conn != nullptr;
    // Leaves time for the endpoints after this one when this one does not answer.
    auto open = [&] {
      std::string why;
      bool to = false;
      auto left = deadline - steady::now();
      auto c = etcd_connection::open(ep, steady::now() + left / static_cast<long>(n - k), why, to);
      if (!c) failures += (failures.empty() ? "" : "; ") + ep.url + ": " + why;
      return c;
    };
    if (!conn && !(conn = open())) continue;
    if (i != first) preferred_.store(i);

    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    auto exchange = [&] {
      parser.emplace();
      parser->body_limit(boost::none);
      return conn->exchange(req, *parser, deadline);
    };
    auto ec = exchange();
    if (ec && reused && stale_connection(ec)) {
      if (!(conn = open())) continue;
      ec = exchange();
    }
    if (ec == beast::error::timeout) return timed_out(ep, opts_.request_timeout);
    if (ec) {
      return core::api_error::service_unavailable("etcd at " + ep.url + ": the connection broke: " + ec.message());
    }
    auto& res = parser->get();
    const int status = static_cast<int>(res.result_int());
    std::string text = std::move(res.body());
    if (parser->keep_alive()) pool_->give_back(i, std::move(conn), opts_.connections);
    if (status != 200) return etcd_error(status, text);
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return core::api_error::internal("etcd at " + ep.url + " answered with something that is not JSON");
    }
    return j;
  }
  if (steady::now() >= deadline) return timed_out(endpoints_[first], opts_.request_timeout);
  return core::api_error::service_unavailable("etcd is unavailable: " + failures);
}

core::api_error etcd_error(int http_status, std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  std::string message;
  int code = -1;
  if (j.is_object()) {
    if (auto m = j.find("message"); m != j.end() && m->is_string()) message = m->get<std::string>();
    if (message.empty()) {
      if (auto e = j.find("error"); e != j.end() && e->is_string()) message = e->get<std::string>();
    }
    if (auto c = j.find("code"); c != j.end() && c->is_number_integer()) code = c->get<int>();
  }
  if (message.empty()) message = "HTTP " + std::to_string(http_status) + ": " + std::string(body.substr(0, 200));
  if (code == 14) return core::api_error::service_unavailable("etcd: " + message);
  if (code == 4) return core::api_error::timeout("etcd: " + message, 1);
  return core::api_error::internal("etcd: " + message);
}

bool is_compacted(const core::api_error& e) {
  return e.code() == 500 && e.message().find("required revision has been compacted") != std::string::npos;
}

bool is_future_revision(const core::api_error& e) {
  return e.code() == 500 && e.message().find("required revision is a future revision") != std::string::npos;
}

}  // namespace ktk::apiserver::storage::detail
