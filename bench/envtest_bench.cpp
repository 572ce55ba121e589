// envtest_bench.cpp — what a test suite waits for: an environment's start → ready →
// stop in each mode that runs here, and the etcd storage's write rate next to raw
// etcd puts measured in the same run.
//
//   build/bench/envtest_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/storage/etcd.hpp"
#include "ktk/core/base64.hpp"
#include "ktk/envtest/environment.hpp"
#include "ktk/envtest/etcd_server.hpp"
#include "storage/etcd_client.hpp"

namespace {

using ktk::envtest::environment;
using ktk::envtest::mode;

// embedded: the in-process server; etcd: including etcd's own start; etcd_url: ktk's
// server on an etcd that is already running.
void BM_StartReadyStop(benchmark::State& state, mode m, bool existing_etcd) {
  std::unique_ptr<ktk::envtest::etcd_server> etcd;
  if (existing_etcd) {
    etcd = std::make_unique<ktk::envtest::etcd_server>();
    etcd->start();
  }
  for (auto _ : state) {
    environment env({.mode = m, .etcd_url = etcd ? etcd->client_url() : std::string()});
    env.start();
    env.stop();
  }
}
BENCHMARK_CAPTURE(BM_StartReadyStop, embedded, mode::embedded, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_StartReadyStop, etcd_launched, mode::etcd, false)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK_CAPTURE(BM_StartReadyStop, etcd_url, mode::etcd, true)->Unit(benchmark::kMillisecond)->UseRealTime();

// With CRDs: the install waits for Established and discovery.
void BM_StartWithCrd(benchmark::State& state) {
  for (auto _ : state) {
    environment env({.crd_paths = {KTK_SOURCE_DIR "/tests/envtest/data/crds/widget.yaml"}});
    env.start();
    env.stop();
  }
}
BENCHMARK(BM_StartWithCrd)->Unit(benchmark::kMillisecond)->UseRealTime();

// One etcd for the write benchmarks, started on first use.
ktk::envtest::etcd_server& shared_etcd() {
  static ktk::envtest::etcd_server etcd;
  if (!etcd.running()) etcd.start();
  return etcd;
}

ktk::core::object config_map(const std::string& name) {
  ktk::core::object o("v1", "ConfigMap");
  o.set_name(name);
  o.set_namespace("default");
  o.data()["data"] = {{"payload", std::string(512, 'x')}};
  return o;
}

std::atomic<int> next_key{0};

// The floor: a put of a key and a value of the size a ConfigMap's JSON has, through
// the same JSON gateway client the storage uses.
void BM_EtcdRawPut(benchmark::State& state) {
  static ktk::apiserver::storage::detail::etcd_client c({.endpoints = {shared_etcd().client_url()}});
  const std::string value = config_map("x").data().dump();
  for (auto _ : state) {
    const std::string key = "/bench/raw/" + std::to_string(next_key++);
    nlohmann::json body = {{"key", ktk::core::base64_encode(key)}, {"value", ktk::core::base64_encode(value)}};
    auto r = c.call("/v3/kv/put", body.dump());
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EtcdRawPut)->UseRealTime()->Threads(1)->Threads(4);

// storage::create on etcd: a compare-and-swap transaction per write.
void BM_EtcdStorageCreate(benchmark::State& state) {
  static auto store = ktk::apiserver::storage::make_etcd_storage({.endpoints = {shared_etcd().client_url()}});
  for (auto _ : state) {
    const std::string name = "s" + std::to_string(next_key++);
    auto r = store->create("configmaps", {"default", name}, config_map(name));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EtcdStorageCreate)->UseRealTime()->Threads(1)->Threads(4);

// A read: one range request (no write to disk).
void BM_EtcdStorageGet(benchmark::State& state) {
  static auto store = ktk::apiserver::storage::make_etcd_storage({.endpoints = {shared_etcd().client_url()}});
  (void)store->create("configmaps", {"default", "read-me"}, config_map("read-me"));
  for (auto _ : state) {
    auto r = store->get("configmaps", {"default", "read-me"});
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["reads/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EtcdStorageGet)->UseRealTime()->Threads(1)->Threads(4);

// The whole registry create (defaulting, validation, managedFields) on etcd.
void BM_EtcdRegistryCreate(benchmark::State& state) {
  static ktk::apiserver::registry reg(
      {.storage = ktk::apiserver::storage::make_etcd_storage({.endpoints = {shared_etcd().client_url()}})});
  for (auto _ : state) {
    auto r = reg.create({"", "v1", "configmaps"}, "default", config_map("r" + std::to_string(next_key++)));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EtcdRegistryCreate)->UseRealTime()->Threads(1)->Threads(4);

}  // namespace

BENCHMARK_MAIN();
