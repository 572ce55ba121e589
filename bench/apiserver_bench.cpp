// apiserver_bench.cpp — the API's verbs per second and their latency, in-process (the
// registry called directly) and over HTTP (an embedded server, keep-alive connections).
//
//   build/bench/apiserver_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Each benchmark is VERB/TRANSPORT with 1 and 4 threads; over HTTP each thread has a
// connection of its own (a Beast sync client in this process: client and server share
// the machine). Verbs on small ConfigMaps: create, get, update (PUT of the whole
// object), merge-patch, and list of a namespace holding 100 or 10,000 of them.
// Counters: ops/s (all threads), items/s for lists, and each request's latency
// percentiles p50_us / p99_us over every request of every thread. The HTTP client
// reads the answer's bytes and does not parse them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using ktk::apiserver::registry;
using ktk::apiserver::server;
using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr configmaps{"", "v1", "configmaps"};
constexpr int max_threads = 4;
constexpr int per_thread = 100;  // objects each thread gets, updates and patches in turn

enum class verb { create, get, update, merge_patch, list };
enum class transport { inproc, http };

json config_map(const std::string& ns, const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", {{"app", "bench"}}}}},
          {"data", {{"key", value}}}};
}

// Thread t's objects: "t<t>-<i>", i < per_thread, in "default".
std::string owned(int thread, int i) { return "t" + std::to_string(thread) + "-" + std::to_string(i % per_thread); }

// One keep-alive connection doing whole request/response exchanges.
class connection {
 public:
  explicit connection(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream_.socket().set_option(net::ip::tcp::no_delay(true));
  }
  unsigned exchange(bhttp::verb v, const std::string& target, std::string body = {},
                    const char* content_type = "application/json") {
    bhttp::request<bhttp::string_body> req(v, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(bhttp::field::content_type, content_type);
      req.body() = std::move(body);
    }
    req.prepare_payload();
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    return res.result_int();
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Shared by the threads of one run; made by setup() before they start.
struct fixture {
  std::unique_ptr<registry> reg;
  std::unique_ptr<server> srv;
  std::atomic<int> next_name{0};
  // Each thread's request latencies (ns), read by thread 0 after the run's end barrier.
  std::vector<std::vector<std::uint32_t>> latency;
};
fixture g;

void setup(const benchmark::State& state, transport t, int list_items) {
  g.reg = std::make_unique<registry>(ktk::apiserver::registry_options{.history = 1000});
  if (t == transport::http) {
    g.srv = std::make_unique<server>(*g.reg, ktk::apiserver::server_options{.port = 0, .io_threads = 2});
    g.srv->start();
  }
  for (int th = 0; th < max_threads; ++th) {
    for (int i = 0; i < per_thread; ++i) (void)g.reg->create(configmaps, "default", object(config_map("default", owned(th, i), "v")));
  }
  if (list_items > 0) {
    (void)g.reg->create({"", "v1", "namespaces"}, "", object(json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "listed"}}}}));
    for (int i = 0; i < list_items; ++i) {
      (void)g.reg->create(configmaps, "listed", object(config_map("listed", "cm-" + std::to_string(i), "v")));
    }
  }
  g.next_name = 0;
  g.latency.assign(static_cast<std::size_t>(state.threads()), {});
}

// Setup takes a plain function pointer: one instantiation per (transport, list size).
template <transport T, int ListItems>
void setup_for(const benchmark::State& state) {
  setup(state, T, ListItems);
}
using setup_fn = void (*)(const benchmark::State&);
setup_fn setup_of(transport t, int list_items) {
  const bool http = t == transport::http;
  if (list_items == 100) return http ? setup_for<transport::http, 100> : setup_for<transport::inproc, 100>;
  if (list_items == 10000) return http ? setup_for<transport::http, 10000> : setup_for<transport::inproc, 10000>;
  return http ? setup_for<transport::http, 0> : setup_for<transport::inproc, 0>;
}

void teardown(const benchmark::State&) {
  g.srv.reset();
  g.reg.reset();
  g.latency.clear();
}

// One request of `v` by thread `th`, its n-th; false when the server refused it.
class requester {
 public:
  requester(transport t, int th) : th_(th) {
    if (t == transport::http) conn_.emplace(g.srv->port());
  }

  bool run(verb v, int n, int list_items) {
    switch (v) {
      case verb::create: {
        auto body = body_for("c-" + std::to_string(g.next_name.fetch_add(1, std::memory_order_relaxed)), "v");
        if (!conn_) return g.reg->create(configmaps, "default", object(std::move(body))).ok();
        return conn_->exchange(bhttp::verb::post, "/api/v1/namespaces/default/configmaps", body.dump()) == 201;
      }
      case verb::get: {
        auto name = owned(th_, n);
        if (!conn_) return g.reg->get(configmaps, {"default", name}).ok();
        return conn_->exchange(bhttp::verb::get, "/api/v1/namespaces/default/configmaps/" + name) == 200;
      }
      case verb::update: {
        auto name = owned(th_, n);
        auto body = body_for(name, std::to_string(n));  // no resourceVersion: unconditional
        if (!conn_) return g.reg->update(configmaps, {"default", name}, object(std::move(body))).ok();
        return conn_->exchange(bhttp::verb::put, "/api/v1/namespaces/default/configmaps/" + name, body.dump()) == 200;
      }
      case verb::merge_patch: {
        auto name = owned(th_, n);
        json patch = {{"data", {{"key", std::to_string(n)}}}};
        if (!conn_) {
          return g.reg->patch(configmaps, {"default", name}, ktk::core::patch_type::merge_patch, patch).ok();
        }
        return conn_->exchange(bhttp::verb::patch, "/api/v1/namespaces/default/configmaps/" + name, patch.dump(),
                               "application/merge-patch+json") == 200;
      }
      case verb::list: {
        if (!conn_) {
          auto r = g.reg->list(configmaps, "listed");
          return r && static_cast<int>(r->items.size()) == list_items;
        }
        return conn_->exchange(bhttp::verb::get, "/api/v1/namespaces/listed/configmaps") == 200;
      }
    }
    return false;
  }

 private:
  // A copy of one prepared document with its name and value set, as a client fills in
  // an object: building nested JSON from initializer lists would cost more than some
  // of the requests measured.
  json body_for(const std::string& name, const std::string& value) const {
    json body = template_;
    body["metadata"]["name"] = name;
    body["data"]["key"] = value;
    return body;
  }

  int th_;
  std::optional<connection> conn_;
  const json template_ = config_map("default", "", "");
};

double percentile(std::vector<std::uint32_t>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]);
}

void BM_Verb(benchmark::State& state, verb v, transport t, int list_items) {
  requester req(t, state.thread_index());
  auto& lat = g.latency[static_cast<std::size_t>(state.thread_index())];
  int n = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    bool ok = req.run(v, n++, list_items);
    auto took = std::chrono::steady_clock::now() - start;
    lat.push_back(static_cast<std::uint32_t>(
        std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count(), UINT32_MAX)));
    if (!ok) {
      state.SkipWithError("request failed");
      break;
    }
  }
  const auto ops = static_cast<double>(state.iterations());
  state.counters["ops/s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate);
  if (v == verb::list) state.counters["items/s"] = benchmark::Counter(ops * list_items, benchmark::Counter::kIsRate);
  // Every thread has passed the end barrier: its latencies are all recorded.
  if (state.thread_index() == 0) {
    std::vector<std::uint32_t> all;
    for (const auto& l : g.latency) all.insert(all.end(), l.begin(), l.end());
    state.counters["p50_us"] = percentile(all, 0.50) / 1000.0;
    state.counters["p99_us"] = percentile(all, 0.99) / 1000.0;
  }
}

void register_all() {
  struct verb_case {
    const char* name;
    verb v;
    int list_items;
  };
  const verb_case verbs[] = {{"create", verb::create, 0},         {"get", verb::get, 0},
                             {"update", verb::update, 0},         {"merge_patch", verb::merge_patch, 0},
                             {"list100", verb::list, 100},        {"list10000", verb::list, 10000}};
  const std::pair<const char*, transport> transports[] = {{"inproc", transport::inproc}, {"http", transport::http}};
  for (const auto& vc : verbs) {
    for (const auto& [tname, t] : transports) {
      auto name = std::string("BM_") + vc.name + "/" + tname;
      auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Verb, vc.v, t, vc.list_items);
      b->Setup(setup_of(t, vc.list_items))
          ->Teardown(teardown)
          ->Threads(1)
          ->Threads(4)
          ->UseRealTime()
          ->Unit(vc.list_items >= 10000 ? benchmark::kMillisecond : benchmark::kMicrosecond);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
