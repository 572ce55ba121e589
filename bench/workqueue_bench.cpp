// Throughput of the work queue: add + get + done, duplicates, many threads, delayed
// and rate-limited adds, priorities.
//
//   ./build/bench/workqueue_bench --benchmark_counters_tabular=true
//
// Each iteration moves a batch of items; counters: items/s, and time/item (seconds
// per item, printed with an SI prefix: 95n = 95 ns). Delayed and rate-limited adds run on a fake clock, so what
// is measured is the queue's bookkeeping, not waiting.
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ktk/client/workqueue/priority_queue.hpp"
#include "ktk/core/gvk.hpp"

namespace {

namespace wq = ktk::client::workqueue;
using ktk::core::object_key;

constexpr int batch = 1024;

std::vector<std::string> string_keys(int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back("ns/pod-" + std::to_string(i));
  return keys;
}

std::vector<object_key> object_keys(int n) {
  std::vector<object_key> keys;
  for (int i = 0; i < n; ++i) keys.push_back({"default", "pod-" + std::to_string(i)});
  return keys;
}

void count_items(benchmark::State& state, std::int64_t per_iteration) {
  auto n = static_cast<double>(state.iterations() * per_iteration);
  state.counters["items/s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  state.counters["time/item"] = benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// add, get and done of `batch` distinct keys.
template <class Key>
void BM_add_get_done_distinct(benchmark::State& state) {
  std::vector<Key> keys;
  if constexpr (std::is_same_v<Key, std::string>) {
    keys = string_keys(batch);
  } else {
    keys = object_keys(batch);
  }
  wq::queue<Key> q({.initial_capacity = batch});
  for (auto _ : state) {
    for (const auto& k : keys) q.add(k);
    for (int i = 0; i < batch; ++i) {
      auto k = q.get();
      q.done(*k);
    }
  }
  count_items(state, batch);
}
BENCHMARK(BM_add_get_done_distinct<std::string>)->Name("BM_add_get_done_distinct/string");
BENCHMARK(BM_add_get_done_distinct<object_key>)->Name("BM_add_get_done_distinct/object_key");

// `batch` adds over 8 hot keys (so most collapse), then the 8 are processed.
// Counts adds.
void BM_add_hot_duplicates(benchmark::State& state) {
  auto keys = string_keys(8);
  wq::queue<std::string> q;
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) q.add(keys[i & 7]);
    for (int i = 0; i < 8; ++i) {
      auto k = q.get();
      q.done(*k);
    }
  }
  count_items(state, batch);
}
BENCHMARK(BM_add_hot_duplicates);

// A key added again while a worker holds it (the informer-storm case): add, get,
// add again (dirty while processing), done (re-queued), get, done.
void BM_readd_while_processing(benchmark::State& state) {
  auto keys = string_keys(batch);
  wq::queue<std::string> q({.initial_capacity = batch});
  for (auto _ : state) {
    for (const auto& k : keys) {
      q.add(k);
      auto got = q.get();
      q.add(k);
      q.done(*got);
      got = q.get();
      q.done(*got);
    }
  }
  count_items(state, batch);
}
BENCHMARK(BM_readd_while_processing);

// 4 producers each add 20,000 keys from a pool of 10,000; 4 consumers get and done
// until the queue is shut down and empty. Counts adds.
void BM_producers_consumers(benchmark::State& state) {
  constexpr int producers = 4, consumers = 4, adds = 20000;
  auto keys = string_keys(10000);
  std::int64_t processed = 0;
  for (auto _ : state) {
    wq::queue<std::string> q({.initial_capacity = keys.size()});
    std::atomic<std::int64_t> got = 0;
    std::vector<std::jthread> workers;
    for (int c = 0; c < consumers; ++c) {
      workers.emplace_back([&] {
        while (auto k = q.get()) {
          q.done(*k);
          got.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    {
      std::vector<std::jthread> adders;
      for (int p = 0; p < producers; ++p) {
        adders.emplace_back([&, p] {
          for (int i = 0; i < adds; ++i) q.add(keys[(static_cast<std::size_t>(i) * 7 + p * 2503) % keys.size()]);
        });
      }
    }
    q.shut_down();
    workers.clear();
    processed += got;
  }
  count_items(state, producers * adds);
  state.counters["processed/add"] = static_cast<double>(processed) / (state.iterations() * producers * adds);
}
BENCHMARK(BM_producers_consumers)->UseRealTime()->Unit(benchmark::kMillisecond);

// add_after of `batch` distinct keys with spread-out delays into an empty queue.
void BM_add_after(benchmark::State& state) {
  auto keys = string_keys(batch);
  ktk::core::fake_clock clk;
  for (auto _ : state) {
    state.PauseTiming();
    auto q = std::make_unique<wq::delaying_queue<std::string>>(wq::queue_options{.clock = &clk, .initial_capacity = batch});
    state.ResumeTiming();
    for (int i = 0; i < batch; ++i) q->add_after(keys[i], std::chrono::milliseconds(1 + (i * 7919) % 5000));
    state.PauseTiming();
    q.reset();
    state.ResumeTiming();
  }
  count_items(state, batch);
}
BENCHMARK(BM_add_after);

// The whole delayed path: add_after, the clock passes, the delay thread queues the
// items, get and done.
void BM_add_after_fire(benchmark::State& state) {
  auto keys = string_keys(batch);
  ktk::core::fake_clock clk;
  wq::delaying_queue<std::string> q({.clock = &clk, .initial_capacity = batch});
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) q.add_after(keys[i], std::chrono::milliseconds(1 + i % 100));
    clk.advance(std::chrono::milliseconds(100));
    for (int i = 0; i < batch; ++i) {
      auto k = q.get();
      q.done(*k);
    }
  }
  count_items(state, batch);
}
BENCHMARK(BM_add_after_fire)->UseRealTime();  // the delay thread does part of the work

// add_rate_limited of `batch` distinct keys with the default controller limiter
// (per-item exponential + 10/s bucket): the limiter's bookkeeping and the heap insert.
void BM_add_rate_limited(benchmark::State& state) {
  auto keys = string_keys(batch);
  ktk::core::fake_clock clk;
  for (auto _ : state) {
    state.PauseTiming();
    auto q = std::make_unique<wq::rate_limiting_queue<std::string>>(
        wq::queue_options{.clock = &clk, .initial_capacity = batch});
    state.ResumeTiming();
    for (const auto& k : keys) q->add_rate_limited(k);
    for (const auto& k : keys) q->forget(k);
    state.PauseTiming();
    q.reset();
    state.ResumeTiming();
  }
  count_items(state, batch);
}
BENCHMARK(BM_add_rate_limited);

// add with one of 4 priorities, then get and done of `batch` distinct keys.
void BM_priority_add_get_done(benchmark::State& state) {
  auto keys = string_keys(batch);
  wq::priority_queue<std::string> q({.initial_capacity = batch});
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) q.add(keys[i], i & 3);
    for (int i = 0; i < batch; ++i) {
      auto k = q.get();
      q.done(*k);
    }
  }
  count_items(state, batch);
}
BENCHMARK(BM_priority_add_get_done);

}  // namespace

BENCHMARK_MAIN();
