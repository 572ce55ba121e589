// body_decode_bench.cpp — what the HTTP layer does to a JSON request body before the
// registry sees it: the bracket-depth scan that refuses hostile nesting
// (core::json_nests_deeper_than), the look for invalid UTF-8 that Go reads as U+FFFD
// (core::go_json_replace_invalid_utf8), and the parse itself, for a small Pod and for a
// Pod with 100 environment variables (about 5 KB): nlohmann's parser, and ktk's reader
// (core::read_json, which the server, the REST client and the etcd storage use). And
// the other direction: the same Pods written as text by nlohmann's dump() and by
// core::write_json (what core::object::json_text, the etcd storage and the REST
// client use).
//
//   build/bench/body_decode_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bench_objects.hpp"
#include "ktk/core/go_json.hpp"
#include "ktk/core/json_depth.hpp"
#include "ktk/core/json_reader.hpp"
#include "ktk/core/json_writer.hpp"

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

void BM_Dump(benchmark::State& state) {
  const auto doc = nlohmann::json::parse(body(static_cast<int>(state.range(0))));
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = doc.dump();
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_Dump)->Arg(0)->Arg(100);

void BM_WriteJson(benchmark::State& state) {
  const auto doc = nlohmann::json::parse(body(static_cast<int>(state.range(0))));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text;
    ktk::core::write_json(doc, text);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_WriteJson)->Arg(0)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
