// Throughput of the memory storage: writes, reads, lists, and watch fan-out.
//
//   ./build/bench/storage_bench --benchmark_counters_tabular=true
//
// Counters: writes/s, gets/s, items/s (listed objects) and deliveries/s (events handed
// to watchers: writes × watchers). Each write copies a small Pod first, as the
// registry does.
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ktk/apiserver/storage/interface.hpp"

namespace {

using namespace ktk::apiserver::storage;

object make_pod(const object_key& key) {
  object o("v1", "Pod");
  o.set_namespace(key.namespace_);
  o.set_name(key.name);
  o.set_label("app", "web");
  o.set_label("tier", "frontend");
  o.data()["spec"] = {{"nodeName", "node-1"}, {"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}};
  return o;
}

std::vector<object_key> make_keys(std::size_t n) {
  std::vector<object_key> keys;
  keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i) keys.push_back({"ns-" + std::to_string(i % 10), "pod-" + std::to_string(i)});
  return keys;
}

void BM_create(benchmark::State& state) {
  auto s = make_memory_storage();
  auto tmpl = make_pod({"ns", "x"});
  std::size_t i = 0;
  for (auto _ : state) {
    object o = tmpl;
    object_key key{"ns", "pod-" + std::to_string(i++)};
    benchmark::DoNotOptimize(s->create("pods", key, std::move(o)));
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_create);

// Updates of one object, with `range(0)` watchers that never read (they fall off
// the ring and get 410): writers must not slow down.
void BM_update(benchmark::State& state) {
  auto s = make_memory_storage();
  object_key key{"ns", "web"};
  auto tmpl = make_pod(key);
  (void)s->create("pods", key, object(tmpl));
  std::vector<std::unique_ptr<watcher>> idle;
  for (int w = 0; w < state.range(0); ++w) idle.push_back(s->watch("pods", {}).value());
  for (auto _ : state) {
    object o = tmpl;
    benchmark::DoNotOptimize(s->update("pods", key, std::move(o), 0));
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_update)->Arg(0)->Arg(100);

void BM_get(benchmark::State& state) {
  auto s = make_memory_storage();
  auto keys = make_keys(10000);
  for (const auto& k : keys) (void)s->create("pods", k, make_pod(k));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s->get("pods", keys[i++ % keys.size()]));
  }
  state.counters["gets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_get);

// Reads from `range(0)` threads at once (shared locks).
void BM_get_parallel(benchmark::State& state) {
  static std::unique_ptr<interface> s;
  static std::vector<object_key> keys;
  if (state.thread_index() == 0) {
    s = make_memory_storage();
    keys = make_keys(10000);
    for (const auto& k : keys) (void)s->create("pods", k, make_pod(k));
  }
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 997;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s->get("pods", keys[i++ % keys.size()]));
  }
  state.counters["gets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (state.thread_index() == 0) s.reset();
}
BENCHMARK(BM_get_parallel)->Threads(2)->UseRealTime();

// A page of `range(0)` items out of 10000, now and at a past revision.
void BM_list(benchmark::State& state) {
  auto s = make_memory_storage();
  auto keys = make_keys(10000);
  for (const auto& k : keys) (void)s->create("pods", k, make_pod(k));
  revision at = s->current_revision();
  for (std::size_t i = 0; i < 1000; ++i) (void)s->update("pods", keys[i], make_pod(keys[i]), 0);
  const bool past = state.range(1) != 0;
  std::size_t items = 0;
  for (auto _ : state) {
    auto r = s->list("pods", {.at = past ? at : 0, .limit = state.range(0)});
    items += r->items.size();
  }
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_list)->Args({500, 0})->Args({500, 1})->Args({0, 0});

// One writer, `range(0)` watcher threads blocked in wait_next. An iteration is 100
// writes and the time until every watcher has received them.
void BM_watch_fanout(benchmark::State& state) {
  const auto watchers = static_cast<std::size_t>(state.range(0));
  constexpr int batch = 100;
  auto s = make_memory_storage();
  object_key key{"ns", "web"};
  auto tmpl = make_pod(key);
  (void)s->create("pods", key, object(tmpl));
  std::atomic<std::int64_t> delivered{0};
  std::vector<std::jthread> threads;
  for (std::size_t w = 0; w < watchers; ++w) {
    threads.emplace_back([&, wt = s->watch("pods", {}).value()](std::stop_token stop) {
      while (!stop.stop_requested()) {
        auto r = wt->wait_next(stop);
        if (!r.ok()) std::abort();  // fell off the ring: the benchmark is broken
        delivered.fetch_add(static_cast<std::int64_t>(r->size()), std::memory_order_relaxed);
      }
    });
  }
  std::int64_t expected = 0;
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) (void)s->update("pods", key, object(tmpl), 0);
    expected += batch * static_cast<std::int64_t>(watchers);
    while (delivered.load(std::memory_order_relaxed) < expected) std::this_thread::yield();
  }
  for (auto& t : threads) t.request_stop();
  threads.clear();
  const auto writes = static_cast<double>(state.iterations()) * batch;
  state.counters["writes/s"] = benchmark::Counter(writes, benchmark::Counter::kIsRate);
  state.counters["deliveries/s"] =
      benchmark::Counter(writes * static_cast<double>(watchers), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_watch_fanout)->Arg(1)->Arg(10)->Arg(100)->UseRealTime();

// The same fan-out without threads: 100 writes, then every watcher polls.
void BM_watch_fanout_poll(benchmark::State& state) {
  const auto watchers = static_cast<std::size_t>(state.range(0));
  constexpr int batch = 100;
  auto s = make_memory_storage();
  object_key key{"ns", "web"};
  auto tmpl = make_pod(key);
  (void)s->create("pods", key, object(tmpl));
  std::vector<std::unique_ptr<watcher>> ws;
  for (std::size_t w = 0; w < watchers; ++w) ws.push_back(s->watch("pods", {}).value());
  std::size_t delivered = 0;
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) (void)s->update("pods", key, object(tmpl), 0);
    for (auto& w : ws) delivered += w->poll()->size();
  }
  state.counters["writes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch, benchmark::Counter::kIsRate);
  state.counters["deliveries/s"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_watch_fanout_poll)->Arg(1)->Arg(10)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
