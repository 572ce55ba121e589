// informer_bench.cpp — informers: list+sync of N objects, steady watch events/s into
// the indexer with one handler, and memory per cached Pod.
//
//   build/bench/informer_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// "scripted" runs feed the informer from memory (the informer's own cost); "fake"
// runs go through the FakeClient and the registry (writes included); "http" runs
// read from an embedded `ktk serve` over HTTP with the REST client.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/core/heap.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace {

using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
namespace cache = ktk::client::cache;
const ktk::core::gvk pod_kind{"", "v1", "Pod"};

// A Pod as a Deployment makes and a kubelet reports it: labels, an owner, one
// container with resources and probes, status with conditions and a container status.
object typical_pod(const std::string& ns, const std::string& name) {
  return object(json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": ")" + name + R"(", "namespace": ")" + ns + R"(",
      "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d", "tier": "frontend"},
      "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z"},
      "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6d",
        "uid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "controller": true, "blockOwnerDeletion": true}]},
    "spec": {"containers": [{"name": "web", "image": "registry.example.com/web:1.25.3",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": "MODE", "value": "production"}, {"name": "LOG_LEVEL", "value": "info"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
        "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}],
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
      "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}}]}}],
      "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
      "serviceAccountName": "default", "nodeName": "node-17", "schedulerName": "default-scheduler",
      "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]},
    "status": {"phase": "Running", "podIP": "10.244.17.23", "hostIP": "192.168.1.17", "startTime": "2024-01-01T00:00:01Z",
      "qosClass": "Burstable",
      "conditions": [{"type": "Initialized", "status": "True", "lastTransitionTime": "2024-01-01T00:00:01Z"},
        {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:05Z"},
        {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2024-01-01T00:00:05Z"},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}],
      "containerStatuses": [{"name": "web", "ready": true, "restartCount": 0, "started": true,
        "image": "registry.example.com/web:1.25.3", "imageID": "registry.example.com/web@sha256:0123456789abcdef",
        "containerID": "containerd://0123456789abcdef0123456789abcdef",
        "state": {"running": {"startedAt": "2024-01-01T00:00:03Z"}}}]}})"));
}

// Scripted server: a list answered from memory and one watch fed by push().
class script {
 public:
  class stream final : public ktk::client::watch_stream {
   public:
    explicit stream(script& s) : s_(s) {}
    std::vector<ktk::client::watch_event> next(std::stop_token stop,
                                               std::optional<std::chrono::steady_clock::time_point> deadline) override {
      std::unique_lock lock(s_.mu_);
      auto ready = [&] { return !s_.events_.empty() || s_.closed_; };
      if (deadline) {
        s_.cv_.wait_until(lock, stop, *deadline, ready);
      } else {
        s_.cv_.wait(lock, stop, ready);
      }
      std::vector<ktk::client::watch_event> out(std::make_move_iterator(s_.events_.begin()),
                                                std::make_move_iterator(s_.events_.end()));
      s_.events_.clear();
      return out;
    }
    bool done() const override { return false; }

   private:
    script& s_;
  };

  cache::list_watch lw() {
    return {.list = [this](const ktk::client::list_options&) -> ktk::core::result<ktk::client::object_list> {
              return ktk::client::object_list{.items = items, .resource_version = "1"};
            },
            .watch = [this](const ktk::client::watch_options&)
                -> ktk::core::result<std::unique_ptr<ktk::client::watch_stream>> {
              return std::unique_ptr<ktk::client::watch_stream>(std::make_unique<stream>(*this));
            }};
  }
  void push(std::vector<ktk::client::watch_event>&& evs) {
    {
      std::lock_guard lock(mu_);
      for (auto& e : evs) events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

  std::vector<object_ptr> items;

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<ktk::client::watch_event> events_;
  bool closed_ = false;
};

// Counts what one handler hears and lets the benchmark wait for a total. The waiter
// sleeps on a condition variable that only the event reaching its target signals: a
// polling waiter would preempt the threads it measures (two cores, shared).
struct counter {
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
  std::atomic<std::int64_t> n{0};
  std::atomic<std::int64_t> target{none};
  std::mutex mu;
  std::condition_variable cv;

  void wait_for(std::int64_t t) {
    target.store(t);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return n.load() >= t; });
    target.store(none);
  }
  void hit() {
    // seq_cst: either this load sees the waiter's target, or the waiter's check sees n.
    if (n.fetch_add(1) + 1 >= target.load()) {
      std::lock_guard lock(mu);
      cv.notify_all();
    }
  }
  cache::event_handler_funcs funcs() {
    return {.on_add = [this](const object_ptr&, bool) { hit(); },
            .on_update = [this](const object_ptr&, const object_ptr&) { hit(); },
            .on_delete = [this](const cache::deleted_object&) { hit(); }};
  }
};

std::vector<object_ptr> pods(int n, int rv_base = 1) {
  std::vector<object_ptr> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto p = typical_pod("ns-" + std::to_string(i % 10), "web-" + std::to_string(i));
    p.set_resource_version(std::to_string(rv_base + i));
    out.push_back(std::make_shared<const object>(std::move(p)));
  }
  return out;
}

// List + sync of N scripted Pods into a fresh informer with one handler.
void BM_InformerListSync_Scripted(benchmark::State& state) {
  script s;
  s.items = pods(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    counter c;
    cache::shared_informer inf(s.lw());
    auto reg = inf.add_event_handler(c.funcs());
    inf.start();
    c.wait_for(state.range(0));
    inf.shutdown();
  }
  state.counters["objects/s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerListSync_Scripted)->Arg(10000)->Arg(100000)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Steady watch events into the indexer and to one handler: MODIFIED events for 1,000
// cached Pods, pushed in batches of 1,000. Arg: 0 = the handler on its own thread,
// 1 = on the informer's (handler_options::on_informer_thread).
void BM_InformerWatchEvents_Scripted(benchmark::State& state) {
  script s;
  s.items = pods(1000);
  counter c;
  cache::shared_informer inf(s.lw());
  auto reg = inf.add_event_handler(c.funcs(), {.on_informer_thread = state.range(0) == 1});
  inf.start();
  c.wait_for(1000);
  std::int64_t target = 1000;
  int rv = 10000;
  std::vector<std::vector<object_ptr>> batches;
  for (int b = 0; b < 8; ++b) batches.push_back(pods(1000, rv + b * 1000));
  std::size_t next = 0;
  for (auto _ : state) {
    std::vector<ktk::client::watch_event> evs;
    evs.reserve(1000);
    for (const auto& p : batches[next++ % batches.size()]) evs.push_back({ktk::client::event_type::modified, p});
    s.push(std::move(evs));
    target += 1000;
    c.wait_for(target);
  }
  s.close();
  inf.shutdown();
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * 1000), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerWatchEvents_Scripted)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime()->UseRealTime();

// The same through the FakeClient: each iteration writes 1,000 Pod status patches
// through the registry and waits until the handler has heard them all. Arg as above.
void BM_InformerWatchEvents_Fake(benchmark::State& state) {
  auto fc = ktk::fakeclient::builder().build();
  for (int i = 0; i < 100; ++i) {
    auto p = typical_pod("default", "web-" + std::to_string(i));
    if (!fc->create(std::move(p))) state.SkipWithError("create failed");
  }
  counter c;
  cache::shared_informer inf(*fc, pod_kind);
  auto reg = inf.add_event_handler(c.funcs(), {.on_informer_thread = state.range(0) == 1});
  inf.start();
  c.wait_for(100);
  std::int64_t target = 100;
  std::int64_t round = 0;
  for (auto _ : state) {
    ++round;
    for (int i = 0; i < 1000; ++i) {
      auto r = fc->patch(pod_kind, {"default", "web-" + std::to_string(i % 100)}, ktk::core::patch_type::merge_patch,
                         json{{"metadata", {{"annotations", {{"round", std::to_string(round * 1000 + i)}}}}}});
      if (!r) state.SkipWithError(r.error().message().c_str());
    }
    target += 1000;
    c.wait_for(target);
  }
  inf.shutdown();
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * 1000), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerWatchEvents_Fake)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// The in-process watch path alone: 10,000 Pod changes already in the registry's event
// ring are replayed to a fresh informer (watch from the revision before them) — the
// FakeClient's watch, the reflector, the indexer and one handler, without the writes.
void BM_InformerWatchReplay_Fake(benchmark::State& state) {
  const int n = 10000;
  auto fc = ktk::fakeclient::builder().with_watch_history(2 * n).build();
  for (int i = 0; i < 100; ++i) {
    if (!fc->create(typical_pod("default", "web-" + std::to_string(i)))) state.SkipWithError("create failed");
  }
  auto before = fc->list(pod_kind);
  std::string start_rv = before->resource_version;
  for (int i = 0; i < n; ++i) {
    auto r = fc->patch(pod_kind, {"default", "web-" + std::to_string(i % 100)}, ktk::core::patch_type::merge_patch,
                       json{{"metadata", {{"annotations", {{"round", std::to_string(i)}}}}}});
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  for (auto _ : state) {
    counter c;
    cache::list_watch lw{.list = [&](const ktk::client::list_options&) -> ktk::core::result<ktk::client::object_list> {
                           return ktk::client::object_list{.items = before->items, .resource_version = start_rv};
                         },
                         .watch = [&](const ktk::client::watch_options& o) { return fc->watch(pod_kind, o); }};
    cache::shared_informer inf(std::move(lw));
    auto reg = inf.add_event_handler(c.funcs());
    inf.start();
    c.wait_for(100 + n);
    inf.shutdown();
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerWatchReplay_Fake)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Over HTTP: an embedded server holding N Pods; list+sync through the REST client.
void BM_InformerListSync_Http(benchmark::State& state) {
  auto reg = std::make_shared<ktk::apiserver::registry>();
  ktk::fakeclient::fake_client seed(reg);
  for (int i = 0; i < state.range(0); ++i) {
    if (!seed.create(typical_pod("default", "web-" + std::to_string(i)))) state.SkipWithError("create failed");
  }
  ktk::apiserver::server srv(*reg, {.port = 0});
  srv.start();
  ktk::client::rest::rest_client rc({.server = srv.url(), .qps = -1});
  // The time includes the informer's teardown (freeing N decoded Pods); "synced/s"
  // counts up to the last handler call only.
  std::chrono::steady_clock::duration synced{};
  for (auto _ : state) {
    counter c;
    auto t0 = std::chrono::steady_clock::now();
    cache::shared_informer inf(rc, pod_kind);
    auto r = inf.add_event_handler(c.funcs());
    inf.start();
    c.wait_for(state.range(0));
    synced += std::chrono::steady_clock::now() - t0;
    inf.shutdown();
  }
  srv.stop();
  const auto total = static_cast<double>(state.iterations() * state.range(0));
  state.counters["objects/s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["synced/s"] = total / std::chrono::duration<double>(synced).count();
}
BENCHMARK(BM_InformerListSync_Http)->Arg(10000)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Over HTTP: 10,000 Pod changes in the server's event ring replayed to a fresh
// informer through the REST client's watch (server encoding + client decoding).
// Arg 0: a cold server serialises each stored object on the way (its first watcher);
// arg 1: a watch that read them all before (untimed) left their text cached, as any
// earlier watcher or the write's own HTTP answer does — the client side's rate.
void BM_InformerWatchReplay_Http(benchmark::State& state) {
  const int n = 10000;
  auto reg = std::make_shared<ktk::apiserver::registry>(ktk::apiserver::registry_options{.history = 2 * n});
  ktk::fakeclient::fake_client seed(reg);
  for (int i = 0; i < 100; ++i) {
    if (!seed.create(typical_pod("default", "web-" + std::to_string(i)))) state.SkipWithError("create failed");
  }
  auto before = seed.list(pod_kind);
  std::string start_rv = before->resource_version;
  for (int i = 0; i < n; ++i) {
    auto r = seed.patch(pod_kind, {"default", "web-" + std::to_string(i % 100)}, ktk::core::patch_type::merge_patch,
                        json{{"metadata", {{"annotations", {{"round", std::to_string(i)}}}}}});
    if (!r) state.SkipWithError(r.error().message().c_str());
  }
  ktk::apiserver::server srv(*reg, {.port = 0});
  srv.start();
  ktk::client::rest::rest_client rc({.server = srv.url(), .qps = -1});
  if (state.range(0) == 1) {
    auto w = rc.watch(pod_kind, {.resource_version = start_rv});
    if (!w) state.SkipWithError(w.error().message().c_str());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int got = 0; w && got < n && !(*w)->done() && std::chrono::steady_clock::now() < deadline;) {
      got += static_cast<int>((*w)->next({}, deadline).size());
    }
  }
  for (auto _ : state) {
    counter c;
    cache::list_watch lw{.list = [&](const ktk::client::list_options&) -> ktk::core::result<ktk::client::object_list> {
                           return ktk::client::object_list{.items = before->items, .resource_version = start_rv};
                         },
                         .watch = [&](const ktk::client::watch_options& o) { return rc.watch(pod_kind, o); }};
    cache::shared_informer inf(std::move(lw));
    auto r = inf.add_event_handler(c.funcs());
    inf.start();
    c.wait_for(100 + n);
    inf.shutdown();
  }
  srv.stop();
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerWatchReplay_Http)->Arg(0)->Arg(1)
    ->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Heap bytes per cached Pod: what 10,000 typical Pods in an informer's cache cost, as
// the program's malloc counts them (tcmalloc where it is linked, see KTK_MALLOC).
void BM_InformerMemoryPerPod(benchmark::State& state) {
  const int n = 10000;
  for (auto _ : state) {
    state.PauseTiming();
    ktk::core::release_free_heap();
    auto before = ktk::core::heap_usage().in_use;
    state.ResumeTiming();
    script s;
    s.items = pods(n);
    counter c;
    auto inf = std::make_unique<cache::shared_informer>(s.lw());
    auto reg = inf->add_event_handler(c.funcs());
    inf->start();
    c.wait_for(n);
    s.items.clear();  // the cache now holds the only references
    auto after = ktk::core::heap_usage().in_use;
    state.counters["bytes/pod"] = static_cast<double>(after - before) / n;
    state.SetLabel(std::string(ktk::core::heap_usage().allocator));
    state.counters["json bytes/pod"] = static_cast<double>(typical_pod("ns-0", "web-0").json_text().size());
    inf->shutdown();
  }
}
BENCHMARK(BM_InformerMemoryPerPod)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
