// body_decode_bench.cpp — what the HTTP layer does to a JSON request body before the
// registry sees it: the bracket-depth scan that refuses hostile nesting
// (core::json_nests_deeper_than), the look for invalid UTF-8 that Go reads as U+FFFD
// (core::go_json_replace_invalid_utf8), and the parse itself, for a small Pod and for a
// Pod with 100 environment variables (about 5 KB): nlohmann's parser, and ktk's reader
// (core::read_json, which the server, the REST client and the etcd storage use). Also
// what freeing the parsed tree costs, through nlohmann's destructor and through
// core::release_json (what core::object's destructor does).
//
//   build/bench/body_decode_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_objects.hpp"
#include "ktk/core/go_json.hpp"
#include "ktk/core/json_depth.hpp"
#include "ktk/core/json_reader.hpp"

namespace {

std::string body(int env_vars) {
  auto pod = ktk::bench::small_pod(1);
  auto& env = pod.data()["spec"]["containers"][0]["env"];
  env = nlohmann::json::array();
  for (int i = 0; i < env_vars; ++i) env.push_back({{"name", "VAR_" + std::to_string(i)}, {"value", "value-" + std::to_string(i)}});
  return pod.data().dump();
}

void BM_DepthScan(benchmark::State& state) {
  const std::string b = body(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ktk::core::json_nests_deeper_than(b, 1000));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(b.size()));
}
BENCHMARK(BM_DepthScan)->Arg(0)->Arg(100);

// A well-formed body: the common case, which must cost next to nothing.
void BM_Utf8Scan(benchmark::State& state) {
  const std::string b = body(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ktk::core::go_json_replace_invalid_utf8(b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(b.size()));
}
BENCHMARK(BM_Utf8Scan)->Arg(0)->Arg(100);

// A body full of escaped quotes, as kubectl apply sends (its last-applied-configuration
// annotation holds the object as a JSON string): still only the first look.
void BM_Utf8ScanEscapedQuotes(benchmark::State& state) {
  auto pod = nlohmann::json::parse(body(static_cast<int>(state.range(0))));
  pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = pod.dump();
  const std::string b = pod.dump();
  for (auto _ : state) benchmark::DoNotOptimize(ktk::core::go_json_replace_invalid_utf8(b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(b.size()));
}
BENCHMARK(BM_Utf8ScanEscapedQuotes)->Arg(0)->Arg(100);

void BM_Parse(benchmark::State& state) {
  const std::string b = body(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(b.size()));
}
BENCHMARK(BM_Parse)->Arg(0)->Arg(100);

void BM_ReadJson(benchmark::State& state) {
  const std::string b = body(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ktk::core::read_json(b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(b.size()));
}
BENCHMARK(BM_ReadJson)->Arg(0)->Arg(100);

// Freeing a parsed body, batches of 256 copies made untimed: arg 0 nlohmann's
// destructor, arg 1 core::release_json first.
void BM_FreeTree(benchmark::State& state) {
  const auto proto = nlohmann::json::parse(body(100));
  constexpr std::size_t batch = 256;
  std::vector<nlohmann::json> trees;
  std::size_t next = batch;
  for (auto _ : state) {
    if (next == batch) {
      state.PauseTiming();
      trees.assign(batch, proto);
      next = 0;
      state.ResumeTiming();
    }
    auto& t = trees[next++];
    if (state.range(0) == 1) ktk::core::release_json(t);
    t = nullptr;
  }
}
BENCHMARK(BM_FreeTree)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
