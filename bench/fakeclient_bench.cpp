// fakeclient_bench.cpp — what a unit test pays for a fake client: building one seeded
// with N objects, and get / list / update through it.
//
//   build/bench/fakeclient_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Goal from the foundation issue: a fake client seeded with 1,000 objects built in
// ≤ 1 ms (BM_FakeClientBuild/configmaps/1000 for a fresh build; a suite sharing its seed
// objects pays BM_FakeClientFromSnapshot per test). A build's time includes destroying the
// client again, as a test does. The objects are registry_bench's small ConfigMap and
// Pod; N = 0 is the fixed cost (the registry and its four namespaces).
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "bench_objects.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace {

using ktk::bench::config_map;
using ktk::bench::small_pod;

using ktk::core::json;
using ktk::core::object;

const ktk::core::gvk config_map_kind{"", "v1", "ConfigMap"};

std::vector<object> config_maps(int n) {
  std::vector<object> objs;
  objs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) objs.push_back(config_map(i));
  return objs;
}

std::unique_ptr<ktk::fakeclient::fake_client> seeded(int n) {
  return ktk::fakeclient::builder().with_objects(config_maps(n)).with_seed(1).build();
}

// Build (and destroy) a fake client seeded with N ConfigMaps or Pods. The builder takes
// its objects by value: copying them is part of what a test pays.
void BM_FakeClientBuild(benchmark::State& state, bool with_pods) {
  const int n = static_cast<int>(state.range(0));
  std::vector<object> objs;
  for (int i = 0; i < n; ++i) objs.push_back(with_pods ? small_pod(i) : config_map(i));
  for (auto _ : state) {
    auto c = ktk::fakeclient::builder().with_objects(objs).with_seed(1).build();
    benchmark::DoNotOptimize(c);
  }
  state.counters["objects/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_FakeClientBuild, configmaps, false)->Arg(0)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FakeClientBuild, pods, true)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// A client (and its destruction) from a snapshot built once with N ConfigMaps or Pods:
// what each test of a suite pays when the suite shares its seed objects.
void BM_FakeClientFromSnapshot(benchmark::State& state, bool with_pods) {
  const int n = static_cast<int>(state.range(0));
  std::vector<object> objs;
  for (int i = 0; i < n; ++i) objs.push_back(with_pods ? small_pod(i) : config_map(i));
  const auto snap = ktk::fakeclient::builder().with_objects(std::move(objs)).with_seed(1).build_snapshot();
  for (auto _ : state) {
    auto c = snap.client();
    benchmark::DoNotOptimize(c);
  }
  state.counters["objects/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_FakeClientFromSnapshot, configmaps, false)->Arg(0)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FakeClientFromSnapshot, pods, true)->Arg(1000)->Unit(benchmark::kMillisecond);

// get of one of N objects in turn.
void BM_FakeClientGet(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto c = seeded(n);
  int i = 0;
  for (auto _ : state) {
    auto r = c->get(config_map_kind, {"default", "cm-" + std::to_string(i++ % n)});
    if (!r) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["gets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FakeClientGet)->Arg(100)->Arg(1000)->Arg(10000);

// list of the namespace holding the N objects.
void BM_FakeClientList(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto c = seeded(n);
  for (auto _ : state) {
    auto r = c->list(config_map_kind, {.namespace_ = "default"});
    if (!r || static_cast<int>(r->items.size()) != n) state.SkipWithError("list");
    benchmark::DoNotOptimize(r);
  }
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FakeClientList)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// update (no resourceVersion: unconditional) of one of N objects in turn.
void BM_FakeClientUpdate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto c = seeded(n);
  int i = 0;
  for (auto _ : state) {
    object o = config_map(i % n);
    o.data()["data"]["key"] = std::to_string(i++);
    auto r = c->update(std::move(o));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FakeClientUpdate)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
