// apply_bench — managedFields bookkeeping (ktk::core::record_update) and server-side
// apply on their own, without the registry around them.
//
//   build/bench/apply_bench --benchmark_counters_tabular=true
//
// The objects look like what the registry hands over: metadata already stamped
// (uid, creationTimestamp, generation) and, for the Pod, defaults already applied.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "ktk/core/apply.hpp"

namespace {

using ktk::core::json;

const std::string stamp = "2024-01-01T00:00:00Z";

json meta(const std::string& name) {
  return {{"namespace", "default"},
          {"name", name},
          {"uid", "0b9c1f7e-1111-2222-3333-444455556666"},
          {"resourceVersion", "12"},
          {"creationTimestamp", stamp},
          {"labels", {{"app", "bench"}}}};
}

json config_map() {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta("cm")}, {"data", {{"key", "value"}}}};
}

// A Pod after defaulting, as the registry records it.
json pod() {
  json container = {{"name", "web"},
                    {"image", "nginx:1.25"},
                    {"imagePullPolicy", "IfNotPresent"},
                    {"terminationMessagePath", "/dev/termination-log"},
                    {"terminationMessagePolicy", "File"},
                    {"resources", json::object()},
                    {"ports", json::array({{{"containerPort", 80}, {"protocol", "TCP"}}})},
                    {"env", json::array({{{"name", "A"}, {"value", "1"}}, {{"name", "B"}, {"value", "2"}}})}};
  json spec = {{"containers", json::array({container})},
               {"restartPolicy", "Always"},
               {"dnsPolicy", "ClusterFirst"},
               {"schedulerName", "default-scheduler"},
               {"terminationGracePeriodSeconds", 30},
               {"enableServiceLinks", true},
               {"preemptionPolicy", "PreemptLowerPriority"},
               {"priority", 0},
               {"securityContext", json::object()}};
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta("pod")}, {"spec", spec}};
}

ktk::core::apply_options options(const std::string& kind, const std::string& manager = "ktk") {
  ktk::core::apply_options o{.manager = manager, .timestamp = stamp, .gk = {"", kind}, .api_version = "v1"};
  if (kind == "Pod") o.reset_fields = {"status"};
  return o;
}

void BM_RecordCreate(benchmark::State& state, const json& obj, const std::string& kind) {
  const auto opts = options(kind);
  for (auto _ : state) {
    json copy = obj;
    auto r = ktk::core::record_update(json(), std::move(copy), opts);
    benchmark::DoNotOptimize(r);
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_RecordCreate, configmap, config_map(), std::string("ConfigMap"));
BENCHMARK_CAPTURE(BM_RecordCreate, pod, pod(), std::string("Pod"));

// An update that changes one field; `other` says whether a different manager makes it
// (so the creator's entry loses the field) or the creator itself.
void BM_RecordUpdate(benchmark::State& state, const json& obj, const std::string& kind, bool other) {
  const json old = ktk::core::record_update(json(), obj, options(kind));
  json next = old;
  if (kind == "Pod") {
    next["spec"]["containers"][0]["image"] = "nginx:1.26";
  } else {
    next["data"]["key"] = "changed";
  }
  const auto opts = options(kind, other ? "kubectl" : "ktk");
  for (auto _ : state) {
    json copy = next;
    auto r = ktk::core::record_update(old, std::move(copy), opts);
    benchmark::DoNotOptimize(r);
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_RecordUpdate, configmap_same_manager, config_map(), std::string("ConfigMap"), false);
BENCHMARK_CAPTURE(BM_RecordUpdate, pod_same_manager, pod(), std::string("Pod"), false);
BENCHMARK_CAPTURE(BM_RecordUpdate, pod_other_manager, pod(), std::string("Pod"), true);

// Server-side apply of a small configuration over a live object created by update.
void BM_ServerSideApply(benchmark::State& state, const json& obj, const std::string& kind) {
  const json live = ktk::core::record_update(json(), obj, options(kind));
  json applied = {{"apiVersion", "v1"}, {"kind", kind}, {"metadata", {{"name", live["metadata"]["name"]}}}};
  if (kind == "Pod") {
    applied["spec"] = {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1.26"}}})}};
  } else {
    applied["data"] = {{"other", "x"}};
  }
  auto opts = options(kind, "kubectl");
  for (auto _ : state) {
    auto r = ktk::core::server_side_apply(live, applied, opts);
    if (!r) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["applies/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_ServerSideApply, configmap, config_map(), std::string("ConfigMap"));

// A Pod apply that conflicts on the image would fail; force it, as a controller does.
void BM_ServerSideApplyForce(benchmark::State& state) {
  const json live = ktk::core::record_update(json(), pod(), options("Pod"));
  json applied = {{"apiVersion", "v1"},
                  {"kind", "Pod"},
                  {"metadata", {{"name", "pod"}}},
                  {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx:1.26"}}})}}}};
  auto opts = options("Pod", "kubectl");
  opts.force = true;
  for (auto _ : state) {
    auto r = ktk::core::server_side_apply(live, applied, opts);
    if (!r) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["applies/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ServerSideApplyForce);

}  // namespace

BENCHMARK_MAIN();
