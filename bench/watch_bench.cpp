// watch_bench.cpp — the registry's watches in-process: fan-out of events to W watchers,
// the cost of one event's wire line, and whether stalled watchers slow the writer.
//
//   build/bench/watch_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Counters: deliveries/s (events handed to watchers: events × watchers), writes/s,
// events/s and bytes/s for encoding; expired = stalled watchers whose stream ended in
// 410 Expired, reset = stalled HTTP watchers the server reset after its write timeout.
// The same fan-out over HTTP (W chunked watch responses) is http_bench's BM_WatchFanOut.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <time.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/encode.hpp"
#include "bench_objects.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"

namespace {

using ktk::bench::config_map;

using ktk::apiserver::registry;
using ktk::apiserver::watch_event_type;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;

const ktk::core::gvr configmaps{"", "v1", "configmaps"};
const ktk::core::gvr pods{"", "v1", "pods"};

// A running Pod as a Deployment makes it and a kubelet reports it (2.2 KB of JSON
// before the registry adds uid, timestamps and managedFields).
object typical_pod(int i) {
  auto o = object(json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"namespace": "default",
      "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d", "tier": "frontend"},
      "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z"},
      "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6d",
        "uid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "controller": true, "blockOwnerDeletion": true}]},
    "spec": {"containers": [{"name": "web", "image": "registry.example.com/web:1.25.3",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": "MODE", "value": "production"}, {"name": "LOG_LEVEL", "value": "info"}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
      "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
      "serviceAccountName": "default", "nodeName": "node-17", "schedulerName": "default-scheduler"},
    "status": {"phase": "Running", "podIP": "10.244.17.23", "hostIP": "192.168.1.17", "qosClass": "Burstable",
      "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:05Z"},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}],
      "containerStatuses": [{"name": "web", "ready": true, "restartCount": 0, "started": true,
        "image": "registry.example.com/web:1.25.3", "imageID": "registry.example.com/web@sha256:0123456789abcdef",
        "state": {"running": {"startedAt": "2024-01-01T00:00:03Z"}}}]}})"));
  o.set_name("web-" + std::to_string(i));
  return o;
}

// A registry holding 100 ConfigMaps that `update(n)` rewrites in turn (MODIFIED events).
struct configmap_writer {
  explicit configmap_writer(std::size_t history) : reg({.history = history}) {
    for (int i = 0; i < 100; ++i) (void)reg.create(configmaps, "default", config_map(i));
  }
  bool update(int n) {
    object o = config_map(n % 100);
    o.data()["data"]["key"] = std::to_string(n);
    return reg.update(configmaps, o.key(), std::move(o)).ok();
  }
  registry reg;
};

// True for the final ERROR event of a watch that fell behind the history (410 Expired).
bool is_expired(const ktk::apiserver::watch_event& ev) {
  if (ev.type != watch_event_type::error) return false;
  const auto* code = ev.object->field("code");
  return code != nullptr && code->is_number() && code->get<int>() == 410;
}

// --- fan-out -----------------------------------------------------------------------

// The delivery floor: E = 1,000 events are in the history; each iteration opens W
// watches from the revision before them and polls each until it has all E. One thread,
// no wake-ups: what handing an event to a watcher costs (selector check, cursor, copy
// of a shared pointer).
void BM_WatchFanOutPoll(benchmark::State& state) {
  const auto watchers = static_cast<int>(state.range(0));
  constexpr int events = 1000;
  configmap_writer w(events + 100);
  const std::string from = std::to_string(w.reg.current_revision());
  for (int e = 0; e < events; ++e) (void)w.update(e);
  for (auto _ : state) {
    std::vector<std::unique_ptr<ktk::apiserver::watch_stream>> ws;
    ws.reserve(static_cast<std::size_t>(watchers));
    for (int i = 0; i < watchers; ++i) ws.push_back(w.reg.watch(configmaps, "default", {.resource_version = from}).value());
    for (auto& s : ws) {
      int got = 0;
      while (got < events) {
        auto evs = s->poll();
        if (evs.empty() || evs.back().type == watch_event_type::error) {
          state.SkipWithError("watch did not deliver every event");
          break;
        }
        got += static_cast<int>(evs.size());
      }
    }
  }
  state.counters["deliveries/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * watchers * events, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WatchFanOutPoll)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

// Deliveries counted by the watcher threads; the writer sleeps on a condition variable
// until a target is reached (a spinning waiter would steal one of the two cores).
struct delivery_count {
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
  std::atomic<std::int64_t> n{0};
  std::atomic<std::int64_t> target{none};
  std::mutex mu;
  std::condition_variable cv;
  bool failed = false;  // guarded by mu

  void add(std::int64_t k) {
    // seq_cst: either this load sees the waiter's target, or the waiter's check sees n.
    if (n.fetch_add(k) + k >= target.load()) {
      std::lock_guard lock(mu);
      cv.notify_all();
    }
  }
  // A watcher's stream ended (410 Expired): wakes the waiter for good.
  void fail() {
    std::lock_guard lock(mu);
    failed = true;
    cv.notify_all();
  }
  // False when a watcher failed before the target was reached.
  bool wait_for(std::int64_t t) {
    target.store(t);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return n.load() >= t || failed; });
    target.store(none);
    return n.load() >= t;
  }
};

// Live fan-out as informers see it: W watchers, each with its own thread blocked in
// next() (a reflector per informer), opened once; an iteration is E = 1,000 updates by
// the writer and the time until every watcher has received every one. Real time; the
// writer's own cost is included (writes/s).
void BM_WatchFanOutThreads(benchmark::State& state) {
  const auto watchers = static_cast<int>(state.range(0));
  constexpr int events = 1000;
  configmap_writer w(10 * events);
  delivery_count delivered;
  std::vector<std::jthread> threads;
  for (int i = 0; i < watchers; ++i) {
    auto s = w.reg.watch(configmaps, "default", {.resource_version = std::to_string(w.reg.current_revision())}).value();
    threads.emplace_back([&, s = std::move(s)](std::stop_token stop) {
      while (!stop.stop_requested() && !s->done()) {
        auto evs = s->next(stop);
        if (!evs.empty() && evs.back().type == watch_event_type::error) return delivered.fail();
        if (!evs.empty()) delivered.add(static_cast<std::int64_t>(evs.size()));
      }
    });
  }
  std::int64_t expected = 0;
  int n = 0;
  for (auto _ : state) {
    for (int e = 0; e < events; ++e) (void)w.update(n++);
    expected += static_cast<std::int64_t>(events) * watchers;
    if (!delivered.wait_for(expected)) {
      state.SkipWithError("a watcher fell behind the history");
      break;
    }
  }
  for (auto& t : threads) t.request_stop();
  threads.clear();
  const auto writes = static_cast<double>(state.iterations()) * events;
  state.counters["writes/s"] = benchmark::Counter(writes, benchmark::Counter::kIsRate);
  state.counters["deliveries/s"] = benchmark::Counter(writes * watchers, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WatchFanOutThreads)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- serialising one event -----------------------------------------------------------

// One stored object (uid, timestamps, managedFields) as the registry hands it to watchers.
object_ptr stored(bool pod) {
  registry reg;
  auto r = pod ? reg.create(pods, "default", typical_pod(0)) : reg.create(configmaps, "default", config_map(0));
  return r.value();
}

// The wire line `{"type":"MODIFIED","object":{...}}\n` of one event, as the HTTP server
// writes it (http::encoder::watch_lines, JSON). `cold`: a snapshot never serialised
// before, so its JSON text is built (once per stored object, whatever the number of
// watchers); warm: the text is cached on the snapshot and each further watcher pays
// only the framing copy.
void BM_WatchEventEncode(benchmark::State& state, bool pod, bool cold) {
  const object_ptr proto = stored(pod);
  const auto encode = ktk::apiserver::http::encoder{}.watch_lines();
  constexpr std::size_t batch = 256;
  std::vector<ktk::apiserver::watch_event> evs;
  auto refill = [&] {
    evs.clear();
    for (std::size_t i = 0; i < batch; ++i) {
      // A copy of an object does not carry its cached text.
      evs.push_back({watch_event_type::modified, cold ? ktk::core::make_object_ptr(object(*proto)) : proto});
    }
  };
  refill();
  std::size_t next = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    if (next == batch) {
      state.PauseTiming();
      refill();
      next = 0;
      state.ResumeTiming();
    }
    auto line = encode(evs[next++]);
    bytes += line.size();
    benchmark::DoNotOptimize(line);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["bytes/s"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate,
                                                 benchmark::Counter::OneK::kIs1024);
  state.counters["line_bytes"] = static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
}
BENCHMARK_CAPTURE(BM_WatchEventEncode, configmap_cold, false, true);
BENCHMARK_CAPTURE(BM_WatchEventEncode, configmap_warm, false, false);
BENCHMARK_CAPTURE(BM_WatchEventEncode, pod_cold, true, true);
BENCHMARK_CAPTURE(BM_WatchEventEncode, pod_warm, true, false);

// --- stalled watchers ----------------------------------------------------------------

// Writer throughput with N in-process watchers that never read. The history holds
// 1,000 events: past that a stalled watcher's cursor has fallen off the ring, and its
// next poll is 410 Expired. Nothing is done for it on the write path.
void BM_WriterStalledWatchers(benchmark::State& state) {
  const auto stalled = static_cast<int>(state.range(0));
  configmap_writer w(1000);
  std::vector<std::unique_ptr<ktk::apiserver::watch_stream>> ws;
  for (int i = 0; i < stalled; ++i) ws.push_back(w.reg.watch(configmaps, "default").value());
  int n = 0;
  for (auto _ : state) {
    if (!w.update(n++)) state.SkipWithError("update failed");
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  int expired = 0;
  for (auto& s : ws) {
    auto evs = s->poll();
    if (!evs.empty() && is_expired(evs.back())) ++expired;
  }
  state.counters["stalled"] = stalled;
  state.counters["expired"] = expired;
}
BENCHMARK(BM_WriterStalledWatchers)->Arg(0)->Arg(10)->Arg(100);

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;

// An HTTP watch that reads its response header and then nothing: a 4 KiB receive
// buffer, so the server's writes to it block soon.
class stalled_http_watch {
 public:
  explicit stalled_http_watch(std::uint16_t port) : socket_(ioc_) {
    socket_.open(net::ip::tcp::v4());
    socket_.set_option(net::socket_base::receive_buffer_size(4096));
    socket_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, "/api/v1/namespaces/default/configmaps?watch=true", 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(socket_, req);
    bhttp::response_parser<bhttp::empty_body> p;
    p.skip(true);
    beast::flat_buffer buf;
    bhttp::read_header(socket_, buf, p);
  }
  // The server reset or closed the connection.
  bool gone() {
    pollfd pfd{.fd = socket_.native_handle(), .events = POLLRDHUP, .revents = 0};
    return ::poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0;
  }

 private:
  net::io_context ioc_;
  net::ip::tcp::socket socket_;
};

// CPU seconds used by the whole process so far.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The same with N HTTP watchers of an embedded server that stopped reading. Before the
// timed writes, 128 updates of a 64 KiB ConfigMap fill every stalled connection's
// socket buffers, and the benchmark waits until the server's io threads are idle:
// each stalled session is then blocked in a write. A timed write still posts a wake-up
// to every watching session (which finds its write pending and returns); a write blocked
// for the server's timeout (2 s here) resets the connection. Real time: the io threads
// share the two cores with the writer. A fixed number of writes (no calibration runs,
// each of which would fill and wait again). `reset` counts the stalled watchers the
// server let go, waiting for them at most the write timeout plus a second after the
// timed writes.
void BM_WriterStalledHttpWatchers(benchmark::State& state) {
  const auto stalled = static_cast<int>(state.range(0));
  constexpr auto write_timeout = std::chrono::seconds(2);
  configmap_writer w(1000);
  ktk::apiserver::server srv(w.reg, {.port = 0, .io_threads = 2, .read_timeout = write_timeout});
  srv.start();
  std::vector<std::unique_ptr<stalled_http_watch>> ws;
  for (int i = 0; i < stalled; ++i) ws.push_back(std::make_unique<stalled_http_watch>(srv.port()));
  if (stalled > 0) {
    object big = config_map(0);
    for (int i = 0; i < 128; ++i) {
      big.data()["data"]["key"] = std::string(64 * 1024, static_cast<char>('a' + i % 26));
      if (!w.reg.update(configmaps, big.key(), object(big))) state.SkipWithError("update failed");
    }
    // Idle: under 5 ms of CPU in 50 ms (the writer sleeps meanwhile).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (double before = process_cpu_seconds(); std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const double now = process_cpu_seconds();
      if (now - before < 0.005) break;
      before = now;
    }
  }
  int n = 0;
  for (auto _ : state) {
    if (!w.update(n++)) state.SkipWithError("update failed");
  }
  state.counters["writes/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  int reset = 0;
  const auto deadline = std::chrono::steady_clock::now() + write_timeout + std::chrono::seconds(1);
  while (stalled > 0) {
    reset = static_cast<int>(std::count_if(ws.begin(), ws.end(), [](auto& s) { return s->gone(); }));
    if (reset == stalled || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  state.counters["stalled"] = stalled;
  state.counters["reset"] = reset;
  ws.clear();
  srv.stop();
}
BENCHMARK(BM_WriterStalledHttpWatchers)->Arg(0)->Arg(10)->Arg(100)->Iterations(20000)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
