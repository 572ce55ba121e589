// sim_bench — the simulated control plane at scale: N Deployments × R replicas from
// nothing to every Pod Running and every Deployment's status saying so, in-process on
// a virtual clock. The figures: 1,000 × 10 (goal ≤ 2 s), then 150,000 Pods
// (goal ≤ 30 s and ≤ 4 GiB).
//
//   build/bench/sim_bench --benchmark_filter='BM_SimDeployments/1000/10'
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "ktk/sim/runner.hpp"
#include "ktk/sim/scenario.hpp"

namespace {

namespace sim = ktk::sim;

ktk::core::object deployment(int i, int replicas) {
  const std::string name = "app-" + std::to_string(i);
  return ktk::core::object(ktk::core::json{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}, {"namespace", "default"}}},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}}}}}});
}

sim::scenario chain(int deployments, int replicas, int nodes) {
  sim::scenario sc;
  sc.name = "scale";
  sc.seed = 1;
  sc.cluster.nodes.push_back({.prefix = "node-", .count = nodes, .cpu = "64", .memory = "256Gi", .pods = 1000});
  sc.cluster.default_timing = sim::timing{.start_delay = std::chrono::milliseconds(1000)};
  sim::step apply{.what = sim::step::form::apply, .name = "apply"};
  for (int i = 0; i < deployments; ++i) apply.objects.push_back(deployment(i, replicas));
  sc.steps.push_back(std::move(apply));
  sim::step wait{.what = sim::step::form::wait_for, .name = "all Pods Running"};
  wait.checks.push_back({.name = "running", .what = sim::check::form::count,
                         .target = {.kind = "Pod", .phase = "Running"},
                         .equals = ktk::core::json(deployments * replicas)});
  wait.timeout = std::chrono::minutes(10);
  sc.steps.push_back(std::move(wait));
  sim::step observed{.what = sim::step::form::wait_for, .name = "every Deployment says so"};
  observed.checks.push_back({.name = "available", .what = sim::check::form::jsonpath,
                             .target = {.kind = "Deployment", .all_namespaces = true},
                             .jsonpath = "{.status.availableReplicas}", .equals = ktk::core::json(replicas)});
  observed.timeout = std::chrono::minutes(10);
  sc.steps.push_back(std::move(observed));
  return sc;
}

void BM_SimDeployments(benchmark::State& state) {
  const int deployments = static_cast<int>(state.range(0));
  const int replicas = static_cast<int>(state.range(1));
  const int nodes = std::max(1, deployments * replicas / 900);
  auto sc = chain(deployments, replicas, nodes);
  sim::run_report last;
  for (auto _ : state) {
    last = sim::run_scenario(sc);
    if (!last.ok()) {
      state.SkipWithError("the scenario failed");
      return;
    }
  }
  state.counters["pods"] = deployments * replicas;
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(last.events), benchmark::Counter::kIsRate);
  state.counters["peak_rss_MiB"] = static_cast<double>(last.peak_rss_bytes) / (1024.0 * 1024.0);
  state.counters["virtual_s"] = static_cast<double>(last.virtual_elapsed.count()) / 1000.0;
  // The run itself (the report's wall time), without tearing the embedded server down.
  state.counters["run_s"] = last.wall_seconds;
}
BENCHMARK(BM_SimDeployments)
    ->Args({10, 10})
    ->Args({100, 10})
    ->Args({1000, 10})
    ->Args({15000, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
