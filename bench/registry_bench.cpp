// registry_bench — the semantics engine in-process: what a fake client costs.
//
//   build/bench/registry_bench --benchmark_counters_tabular=true
//
// Goal from the foundation issue: ≥ 100k writes/s through the registry. Building a
// fake client (the ≤ 1 ms goal) is fakeclient_bench's BM_FakeClientBuild.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench_objects.hpp"
#include "ktk/apiserver/certs.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/client/webhook/server.hpp"
#include "ktk/core/base64.hpp"

namespace {

using ktk::bench::config_map;
using ktk::bench::small_pod;

using ktk::core::json;
using ktk::core::object;

const ktk::core::gvr configmaps{"", "v1", "configmaps"};
const ktk::core::gvr pods{"", "v1", "pods"};

void BM_RegistryCreate(benchmark::State& state) {
  ktk::apiserver::registry reg;
  int i = 0;
  for (auto _ : state) {
    auto r = reg.create(configmaps, "default", config_map(i++));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryCreate);

// A create that a validating admission webhook (ktk's webhook server, in this process,
// over TLS) must allow first: what each webhook costs a write. One connection and TLS
// handshake per call, as the dispatcher does not pool.
void BM_RegistryCreateValidatingWebhook(benchmark::State& state) {
  namespace fs = std::filesystem;
  auto pki = ktk::apiserver::generate_certs({"127.0.0.1"});
  std::string tmpl = (fs::temp_directory_path() / "ktk-bench-webhook-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const fs::path dir = tmpl;
  std::ofstream(dir / "tls.crt") << pki.server_cert;
  std::ofstream(dir / "tls.key") << pki.server_key;
  ktk::client::webhook::server srv({.host = "127.0.0.1", .port = 0, .cert_dir = dir});
  srv.validator("/validate", [](const auto&) -> ktk::core::result<std::vector<std::string>> {
    return std::vector<std::string>{};
  });
  srv.start();
  ktk::apiserver::registry reg;
  json cfg = {{"apiVersion", "admissionregistration.k8s.io/v1"},
              {"kind", "ValidatingWebhookConfiguration"},
              {"metadata", {{"name", "bench"}}},
              {"webhooks",
               {{{"name", "validate.bench.example.com"},
                 {"clientConfig", {{"url", srv.url() + "/validate"}, {"caBundle", ktk::core::base64_encode(pki.ca_cert)}}},
                 {"rules",
                  {{{"operations", {"CREATE"}}, {"apiGroups", {""}}, {"apiVersions", {"v1"}}, {"resources", {"configmaps"}}}}},
                 {"sideEffects", "None"},
                 {"admissionReviewVersions", {"v1"}}}}}};
  if (!reg.create({"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations"}, "", object(cfg))) {
    state.SkipWithError("webhook configuration rejected");
  }
  int i = 0;
  for (auto _ : state) {
    auto r = reg.create(configmaps, "default", config_map(i++));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  srv.stop();
  fs::remove_all(dir);
}
BENCHMARK(BM_RegistryCreateValidatingWebhook)->UseRealTime();

void BM_RegistryCreatePod(benchmark::State& state) {
  ktk::apiserver::registry reg;
  int i = 0;
  for (auto _ : state) {
    auto r = reg.create(pods, "default", small_pod(i++));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryCreatePod);

void BM_RegistryUpdate(benchmark::State& state) {
  ktk::apiserver::registry reg;
  for (int i = 0; i < 100; ++i) (void)reg.create(configmaps, "default", config_map(i));
  int n = 0;
  for (auto _ : state) {
    object o = config_map(n % 100);
    o.data()["data"]["key"] = std::to_string(n++);
    auto r = reg.update(configmaps, o.key(), std::move(o));
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryUpdate);

void BM_RegistryMergePatch(benchmark::State& state) {
  ktk::apiserver::registry reg;
  for (int i = 0; i < 100; ++i) (void)reg.create(configmaps, "default", config_map(i));
  int n = 0;
  for (auto _ : state) {
    json patch = {{"data", {{"key", std::to_string(n)}}}};
    auto r = reg.patch(configmaps, {"default", "cm-" + std::to_string(n++ % 100)}, ktk::core::patch_type::merge_patch, patch);
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryMergePatch);

// Server-side apply of a Deployment configuration by one manager, the replicas moving
// each time: what a controller's apply costs (the configuration is turned into a
// typed value, checked, merged, and managedFields are recomputed).
void BM_RegistryApplyDeployment(benchmark::State& state) {
  ktk::apiserver::registry reg;
  const ktk::core::gvr deployments{"apps", "v1", "deployments"};
  json cfg = json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
          "ports": [{"containerPort": 80, "protocol": "TCP"}],
          "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
          "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}})");
  int n = 0;
  for (auto _ : state) {
    cfg["spec"]["replicas"] = 1 + n++ % 5;
    auto r = reg.patch(deployments, {"default", "web"}, ktk::core::patch_type::apply_yaml, cfg,
                       {.field_manager = "bench"});
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryApplyDeployment);

void BM_RegistryGet(benchmark::State& state) {
  ktk::apiserver::registry reg;
  for (int i = 0; i < 1000; ++i) (void)reg.create(configmaps, "default", config_map(i));
  int n = 0;
  for (auto _ : state) {
    auto r = reg.get(configmaps, {"default", "cm-" + std::to_string(n++ % 1000)});
    benchmark::DoNotOptimize(r);
  }
  state.counters["gets/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryGet);

void BM_RegistryList(benchmark::State& state) {
  ktk::apiserver::registry reg;
  const int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; ++i) (void)reg.create(configmaps, "default", config_map(i));
  for (auto _ : state) {
    auto r = reg.list(configmaps, "default", {.label_selector = "app=bench"});
    benchmark::DoNotOptimize(r);
  }
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryList)->Arg(100)->Arg(10000);

// A whole collection read in pages of 500 (what a reflector does), without a selector.
void BM_RegistryListPaged(benchmark::State& state) {
  ktk::apiserver::registry reg;
  const int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; ++i) (void)reg.create(configmaps, "default", config_map(i));
  for (auto _ : state) {
    std::string cont;
    std::size_t items = 0;
    do {
      auto r = reg.list(configmaps, "", {.limit = 500, .continue_token = cont});
      if (!r) {
        state.SkipWithError(r.error().message().c_str());
        break;
      }
      items += r->items.size();
      cont = r->continue_token;
    } while (!cont.empty());
    benchmark::DoNotOptimize(items);
  }
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryListPaged)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
