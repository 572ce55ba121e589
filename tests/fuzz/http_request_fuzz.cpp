// http_request_fuzz.cpp — raw bytes read as HTTP/1.1 requests by Beast's parser with
// the server's limits, converted as the session converts them, and routed through the
// apiserver's router onto a registry: paths, query parameters, content negotiation,
// JSON / YAML bodies, patches, watches, discovery, OpenAPI, Table output.
//
// Up to four pipelined requests per input run in order (create, then patch, then get
// ...), on a registry that is replaced every `reset_every` inputs so memory stays
// bounded. A watch is polled once and its events encoded, as the session would.
//
// The router answers every request: it has no error path that throws. An exception out
// of it would end the server's I/O thread, so any exception here is a bug; so is a
// status outside 100..599.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "auth/authenticator.hpp"
#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "http/route.hpp"
#include "http/router.hpp"
#include "http/session.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/core/clock.hpp"

namespace {

namespace api = ktk::apiserver;
namespace ahttp = ktk::apiserver::http;
namespace bhttp = boost::beast::http;
namespace beast = boost::beast;

// ktk::apiserver::server_options' defaults.
constexpr std::size_t max_body_bytes = 3 * 1024 * 1024;
constexpr std::size_t max_header_bytes = 1024 * 1024;
constexpr int max_requests_per_input = 4;
constexpr int reset_every = 500;

struct server {
  ktk::core::fake_clock clock;
  api::registry reg{{.clock = &clock, .history = 256, .seed = 1}};
  ahttp::router router{reg, {.server_address = "127.0.0.1:6443"}};
};

std::unique_ptr<server> the_server;
int inputs_since_reset = 0;
// KTK_FUZZ_VERBOSE=1: one line per routed request (for writing seeds).
const bool verbose = std::getenv("KTK_FUZZ_VERBOSE") != nullptr;


void check(const ahttp::response& r) {
  if (r.status < 100 || r.status > 599) ktk::fuzz::fail("the router answered an impossible status", r.body);
}

void route(server& s, bhttp::request<bhttp::string_body>&& msg) {
  auto req = ahttp::to_router_request(msg, api::auth::authenticator::unauthenticated_admin());
  if (!req) return;  // the session answers 400 itself
  ahttp::routed r = s.router.handle(*req);
  if (auto* w = std::get_if<ahttp::watch_start>(&r)) {
    if (!w->stream || !w->encode) ktk::fuzz::fail("a watch without a stream or an encoder");
    std::size_t events = 0;
    for (const auto& e : w->stream->poll()) {
      (void)w->encode(e);
      ++events;
    }
    if (verbose) std::fprintf(stderr, "%s %s -> watch, %zu event(s)\n", req->method.c_str(), req->path.c_str(), events);
    return;
  }
  const auto& res = std::get<ahttp::response>(r);
  if (verbose) {
    std::fprintf(stderr, "%s %s -> %u %.*s\n", req->method.c_str(), req->path.c_str(), res.status,
                 static_cast<int>(std::min<std::size_t>(res.body.size(), 160)), res.body.c_str());
  }
  check(res);
}

// Parses one request from the front of `in`; nullopt when the bytes are not one (the
// session closes the connection, or answers 413/431 for the limits).
std::optional<bhttp::request<bhttp::string_body>> parse_one(std::string_view& in) {
  bhttp::request_parser<bhttp::string_body> p;
  p.body_limit(max_body_bytes);
  p.header_limit(static_cast<std::uint32_t>(max_header_bytes));
  p.eager(true);
  beast::error_code ec;
  while (!p.is_done()) {
    std::size_t used = p.put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    if (ec && ec != bhttp::error::need_more) return std::nullopt;
    // Nothing consumed (e.g. a chunk header cut short) or nothing left: the session
    // would wait for more bytes until its read timeout; here the input has ended.
    if (used == 0 || in.empty()) {
      if (p.is_done()) break;
      ec = {};
      p.put_eof(ec);
      if (ec || !p.is_done()) return std::nullopt;
      break;
    }
    ec = {};
  }
  return p.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!the_server || ++inputs_since_reset > reset_every) {
    the_server.reset();
    the_server = std::make_unique<server>();
    inputs_since_reset = 1;
  }
  std::string_view in = ktk::fuzz::text(data, size);
  for (int i = 0; i < max_requests_per_input && !in.empty(); ++i) {
    auto msg = parse_one(in);
    if (!msg) break;
    route(*the_server, std::move(*msg));
  }
  return 0;
}
