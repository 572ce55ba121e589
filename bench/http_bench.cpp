// http_bench.cpp — `ktk serve` over HTTP: start → ready, and watch fan-out (W watchers
// × E events). The verbs per second over keep-alive connections (1 and 4) and their
// latency are apiserver_bench's BM_<verb>/http.
//
//   build/bench/http_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"

extern char** environ;

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using ktk::apiserver::registry;
using ktk::apiserver::server;

// One keep-alive connection doing whole request/response exchanges.
class connection {
 public:
  explicit connection(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream_.socket().set_option(net::ip::tcp::no_delay(true));
  }
  unsigned exchange(bhttp::verb v, const std::string& target, const std::string& body = {}) {
    bhttp::request<bhttp::string_body> req(v, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    return res.result_int();
  }
  beast::tcp_stream& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

std::string config_map(const std::string& name) {
  return nlohmann::json{{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", {{"name", name}}},
                        {"data", {{"key", "value"}}}}
      .dump();
}

// The embedded server object: construct, bind, serve, stop.
void BM_EmbeddedServerStartStop(benchmark::State& state) {
  for (auto _ : state) {
    registry reg;
    server srv(reg, {.port = 0});
    srv.start();
    connection c(srv.port());
    if (c.exchange(bhttp::verb::get, "/readyz") != 200) state.SkipWithError("not ready");
  }
}
BENCHMARK(BM_EmbeddedServerStartStop)->Unit(benchmark::kMillisecond);

// `ktk serve --port 0` as a process until its ready line, then SIGTERM.
void BM_ServeProcessStartToReady(benchmark::State& state) {
  for (auto _ : state) {
    int out[2];
    if (pipe(out) != 0) return state.SkipWithError("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    const char* argv[] = {KTK_BINARY, "serve", "--port", "0", nullptr};
    pid_t pid = 0;
    auto start = std::chrono::steady_clock::now();
    posix_spawn(&pid, KTK_BINARY, &fa, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    std::string line;
    char ch;
    while (read(out[0], &ch, 1) == 1 && ch != '\n') line.push_back(ch);
    auto ready = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(ready - start).count());
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    close(out[0]);
    if (!line.starts_with("ktk: serving on ")) state.SkipWithError("no ready line");
  }
}
BENCHMARK(BM_ServeProcessStartToReady)->UseManualTime()->Unit(benchmark::kMillisecond);

// W HTTP watchers, E ConfigMap creates written in-process: the time until every
// watcher has read every event. Watchers count lines, they do not parse JSON.
void BM_WatchFanOut(benchmark::State& state) {
  const auto watchers = static_cast<int>(state.range(0));
  const auto events = static_cast<int>(state.range(1));
  for (auto _ : state) {
    state.PauseTiming();
    registry reg({.history = static_cast<std::size_t>(events) + 10});
    server srv(reg, {.port = 0, .io_threads = 2});
    srv.start();
    std::vector<std::unique_ptr<connection>> conns;
    std::vector<std::optional<bhttp::response_parser<bhttp::buffer_body>>> parsers(watchers);
    for (int i = 0; i < watchers; ++i) {
      conns.push_back(std::make_unique<connection>(srv.port()));
      bhttp::request<bhttp::empty_body> req(bhttp::verb::get, "/api/v1/namespaces/default/configmaps?watch=true", 11);
      req.set(bhttp::field::host, "127.0.0.1");
      bhttp::write(conns.back()->stream(), req);
      parsers[i].emplace();
      parsers[i]->body_limit(boost::none);
      bhttp::read_header(conns.back()->stream(), conns.back()->buffer(), *parsers[i]);
    }
    std::atomic<int> done{0};
    std::vector<std::jthread> readers;
    // Two reader threads, each serving half the watchers round-robin.
    for (int t = 0; t < 2; ++t) {
      readers.emplace_back([&, t] {
        std::vector<int> mine;
        for (int i = t; i < watchers; i += 2) mine.push_back(i);
        std::vector<int> seen(watchers, 0);
        std::vector<char> buf(1 << 16);
        std::size_t finished = 0;
        while (finished < mine.size()) {
          for (int i : mine) {
            if (seen[i] >= events) continue;
            auto& p = *parsers[i];
            p.get().body().data = buf.data();
            p.get().body().size = buf.size();
            beast::error_code ec;
            bhttp::read_some(conns[i]->stream(), conns[i]->buffer(), p, ec);
            if (ec && ec != bhttp::error::need_buffer) {
              seen[i] = events;
              ++finished;
              continue;
            }
            auto n = buf.size() - p.get().body().size;
            seen[i] += static_cast<int>(std::count(buf.data(), buf.data() + n, '\n'));
            if (seen[i] >= events) ++finished;
          }
        }
        done.fetch_add(1);
      });
    }
    state.ResumeTiming();
    for (int e = 0; e < events; ++e) {
      nlohmann::json cm = nlohmann::json::parse(config_map("e" + std::to_string(e)));
      (void)reg.create({"", "v1", "configmaps"}, "default", ktk::core::object(std::move(cm)));
    }
    readers.clear();  // joins: every watcher has read every event
    state.PauseTiming();
    srv.stop();
    state.ResumeTiming();
  }
  state.counters["deliveries/s"] = benchmark::Counter(static_cast<double>(watchers) * events * state.iterations(),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WatchFanOut)->Args({1, 10000})->Args({10, 10000})->Args({100, 10000})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
