// load.cpp — `ktk load`: a watch-load generator. Creates, updates and deletes objects
// of one resource at a target rate and reports the achieved rate and latencies.
//
// Each op picks a key uniformly from load-0..load-(keys-1) (key k lives in namespace
// load-ns-(k % namespaces)) and a verb by the --mix weights, and sends it as is: a
// create of an existing key is answered 409 AlreadyExists, an update or a delete of a
// missing one 404 — all counted per verb and code, never retried or turned into
// another verb. Updates are unconditional (no resourceVersion) and always change the
// object (a sequence annotation), so every successful write is one watch event.
//
// Pacing: op n (over all workers) is due at t0 + n/rate on the steady clock, so a slow
// op delays nothing but itself and the run does not drift; --rate 0 sends as fast as
// the workers can. A run stops at --count ops or at --duration (no op is started at or
// past the deadline), whichever comes first. Latency is measured from the moment an op
// is sent, not from when it was due. SIGINT or SIGTERM ends the run early: ops in
// flight finish, then the clean-up and the report happen as after a normal end.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/envtest/environment.hpp"
#include "load_options.hpp"
#include "load_stats.hpp"

namespace ktk::cli {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr const char* managed_label = "app.kubernetes.io/managed-by";
constexpr const char* managed_value = "ktk-load";

// "configmaps", "deployments.apps", "apps/v1/deployments", "v1/configmaps".
core::resource_info_ptr resolve_resource(const core::rest_mapper& m, const std::string& r) {
  const auto first = r.find('/');
  if (first == std::string::npos) return m.resolve(r);
  const auto second = r.find('/', first + 1);
  if (second == std::string::npos) return m.by_resource({"", r.substr(0, first), r.substr(first + 1)});
  return m.by_resource({r.substr(0, first), r.substr(first + 1, second - first - 1), r.substr(second + 1)});
}

// The object written for a key: the payload in `data` for a ConfigMap, in an
// annotation otherwise; the least spec a Pod or an apps/v1 workload needs to be valid.
core::object make_object(const core::resource_info& ri, const std::string& ns, const std::string& name,
                         const std::string& payload, std::uint64_t seq) {
  nlohmann::json meta = {{"name", name},
                         {"labels", {{managed_label, managed_value}}},
                         {"annotations", {{"ktk.io/load-seq", std::to_string(seq)}}}};
  if (ri.namespaced) meta["namespace"] = ns;
  nlohmann::json j = {{"apiVersion", ri.group_version_kind().api_version()}, {"kind", ri.kind}, {"metadata", meta}};
  if (ri.resource.group.empty() && ri.kind == "ConfigMap") {
    j["data"] = {{"payload", payload}};
  } else {
    j["metadata"]["annotations"]["ktk.io/load-payload"] = payload;
  }
  const nlohmann::json pod_spec = {{"containers", {{{"name", "load"}, {"image", "registry.k8s.io/pause:3.9"}}}}};
  if (ri.resource.group.empty() && ri.kind == "Pod") j["spec"] = pod_spec;
  if (ri.resource.group == "apps" && ri.kind != "ControllerRevision") {
    const nlohmann::json labels = {{"ktk.io/load", name}};
    j["spec"] = {{"selector", {{"matchLabels", labels}}},
                 {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}};
    if (ri.kind != "DaemonSet") j["spec"]["replicas"] = 0;
  }
  return core::object(std::move(j));
}

template <typename R>
int code_of(const R& r, int ok_code) {
  return r ? ok_code : r.error().code();
}

// What the workers share. Everything but the atomics is guarded by mu.
struct run_state {
  const load_options& opts;
  const core::resource_info& ri;
  client::client& c;
  std::string payload{};
  clock_type::time_point t0{};
  std::optional<clock_type::time_point> end{};
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> seq{0};
  std::stop_token halt{};  // SIGINT/SIGTERM
  std::mutex mu{};
  load_stats stats{};   // guarded by mu
  verb_stats window{};  // guarded by mu; since the last progress line
};

void worker(run_state& s, std::size_t index) {
  std::mt19937_64 rng(s.opts.seed * 1000003ULL + index);
  std::uniform_int_distribution<std::size_t> pick_key(0, s.opts.keys - 1);
  const auto& m = s.opts.mix;
  std::discrete_distribution<int> pick_verb({double(m.create), double(m.update), double(m.remove)});
  const auto kind = s.ri.group_version_kind();
  for (;;) {
    const std::uint64_t n = s.next.fetch_add(1);
    if (s.opts.count && n >= *s.opts.count) return;
    auto due = s.t0;
    if (s.opts.rate > 0) {
      due += std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(double(n) / s.opts.rate));
    }
    if (s.end && due >= *s.end) return;
    if (s.end && clock_type::now() >= *s.end) return;
    if (due > clock_type::now()) {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      cv.wait_until(lock, s.halt, due, [] { return false; });
    }
    if (s.halt.stop_requested()) return;

    const std::size_t k = pick_key(rng);
    const std::string name = "load-" + std::to_string(k);
    const std::string ns = "load-ns-" + std::to_string(k % s.opts.namespaces);
    const int verb = pick_verb(rng);
    const auto started = clock_type::now();
    int code = 0;
    if (verb == 0) {
      code = code_of(s.c.create(make_object(s.ri, ns, name, s.payload, s.seq.fetch_add(1))), 201);
    } else if (verb == 1) {
      code = code_of(s.c.update(make_object(s.ri, ns, name, s.payload, s.seq.fetch_add(1))), 200);
    } else {
      code = code_of(s.c.remove(kind, {s.ri.namespaced ? ns : "", name}), 200);
    }
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started);
    std::lock_guard lock(s.mu);
    s.stats.verbs[static_cast<std::size_t>(verb)].record(took, code);
    s.window.record(took, code);
  }
}

// One line a second on stderr until stopped.
void progress(run_state& s, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  for (int sec = 1;; ++sec) {
    {
      std::unique_lock lock(m);
      cv.wait_until(lock, stop, s.t0 + std::chrono::seconds(sec), [] { return false; });
      if (stop.stop_requested()) return;
    }
    verb_stats last;
    std::uint64_t errors = 0;
    {
      std::lock_guard lock(s.mu);
      std::swap(last, s.window);
      errors = s.stats.total().error_count();
    }
    std::cerr << progress_line(clock_type::now() - s.t0, last, errors) << std::endl;
  }
}

// Creates the namespaces that do not exist; returns those it created, or the error.
result<std::vector<std::string>> ensure_namespaces(client::client& c, std::size_t n) {
  std::vector<std::string> created;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = "load-ns-" + std::to_string(i);
    core::object ns(nlohmann::json{{"apiVersion", "v1"},
                                   {"kind", "Namespace"},
                                   {"metadata", {{"name", name}, {"labels", {{managed_label, managed_value}}}}}});
    auto r = c.create(std::move(ns));
    if (r) {
      created.push_back(name);
    } else if (!is_already_exists(r)) {
      return r.error();
    }
  }
  return created;
}

// Deletes what the run left (objects carrying the label), then the namespaces it made.
void clean_up(client::client& c, const core::resource_info& ri, const load_options& o,
              const std::vector<std::string>& namespaces) {
  const auto kind = ri.group_version_kind();
  const std::string selector = std::string(managed_label) + "=" + managed_value;
  std::vector<std::string> scopes;
  if (ri.namespaced) {
    for (std::size_t i = 0; i < o.namespaces; ++i) scopes.push_back("load-ns-" + std::to_string(i));
  } else {
    scopes.push_back("");
  }
  for (const auto& ns : scopes) {
    auto list = c.list(kind, {.namespace_ = ns, .label_selector = selector});
    if (!list) {
      std::cerr << "ktk load: clean-up: " << list.error().what() << "\n";
      continue;
    }
    for (const auto& obj : list->items) {
      if (auto r = c.remove(kind, obj->key()); !r && !is_not_found(r)) {
        std::cerr << "ktk load: clean-up: " << r.error().what() << "\n";
      }
    }
  }
  for (const auto& ns : namespaces) (void)c.remove({"", "v1", "Namespace"}, {"", ns});
}

// Turns SIGINT/SIGTERM (blocked in every thread: the mask is set before any thread
// starts) into a stop request on `halt`, until `stop`.
void wait_for_signals(std::stop_source halt, std::stop_token stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const timespec tick{0, 50'000'000};
  while (!stop.stop_requested()) {
    if (sigtimedwait(&signals, nullptr, &tick) > 0) {
      std::cerr << "ktk load: interrupted; finishing the ops in flight" << std::endl;
      halt.request_stop();
      return;
    }
  }
}

}  // namespace

int load(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    if (a == "--help" || a == "-h") {
      std::cout << load_usage;
      return 0;
    }
  }
  const load_options o = parse_load_options(argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::stop_source halt;
  std::jthread signal_waiter([halt](std::stop_token st) { wait_for_signals(halt, st); });

  std::unique_ptr<envtest::environment> env;
  client::rest::rest_config cfg;
  if (o.kubeconfig.empty()) {
    envtest::environment_options eo{.mode = envtest::mode::embedded};
    for (const auto& p : o.crds) eo.crd_paths.emplace_back(p);
    env = std::make_unique<envtest::environment>(std::move(eo));
    try {
      env->start();
    } catch (const std::exception& e) {
      std::cerr << "ktk load: embedded server: " << e.what() << "\n";
      return 1;
    }
    cfg = env->config();
  } else {
    try {
      cfg = client::rest::load_kubeconfig({.kubeconfig_path = o.kubeconfig, .context = o.context}).config;
    } catch (const client::rest::config_error& e) {
      throw usage_error(std::string("--kubeconfig: ") + e.what());
    }
    // Before anything is sent: a load run against a shared cluster by mistake hurts.
    if (!o.allow_remote && !is_loopback_url(cfg.server)) {
      throw usage_error("refusing to load " + cfg.server +
                        ": not a loopback address (127.0.0.0/8, ::1, localhost); pass --allow-remote to do it anyway");
    }
  }
  cfg.qps = 0;
  if (cfg.timeout.count() == 0) cfg.timeout = std::chrono::seconds(30);
  client::rest::rest_client c(cfg);

  auto mapper = c.discovery().rest_mapper();
  if (!mapper) {
    std::cerr << "ktk load: " << cfg.server << ": " << mapper.error().what() << "\n";
    return 1;
  }
  const auto ri = resolve_resource(*mapper, o.resource);
  if (!ri) throw usage_error("--resource: the server does not serve \"" + o.resource + "\"");
  for (const char* verb : {"create", "update", "delete"}) {
    if (!ri->verbs.empty() && !ri->has_verb(verb)) {
      throw usage_error("--resource: " + o.resource + " does not support " + verb);
    }
  }
  std::vector<std::string> created_namespaces;
  if (ri->namespaced) {
    auto ns = ensure_namespaces(c, o.namespaces);
    if (!ns) {
      std::cerr << "ktk load: creating namespaces: " << ns.error().what() << "\n";
      return 1;
    }
    created_namespaces = std::move(*ns);
  }

  run_state s{.opts = o, .ri = *ri, .c = c, .payload = std::string(o.size, 'x'), .t0 = clock_type::now(),
              .halt = halt.get_token()};
  if (o.duration) s.end = s.t0 + *o.duration;
  {
    std::jthread reporter([&s](std::stop_token st) { progress(s, st); });
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < o.workers; ++i) workers.emplace_back([&s, i] { worker(s, i); });
    workers.clear();  // joins
  }
  const std::chrono::duration<double> elapsed = clock_type::now() - s.t0;

  if (!o.keep && !env) clean_up(c, *ri, o, created_namespaces);

  load_report_info info{.resource = ri->gr().str() + "/" + ri->resource.version,
                        .server = cfg.server,
                        .workers = o.workers,
                        .target_rate = o.rate,
                        .elapsed = elapsed};
  if (o.json) {
    std::cout << report_json(s.stats, info).dump(2) << std::endl;
  } else {
    std::cout << report_text(s.stats, info) << std::flush;
  }
  // The server failed when an op got no answer at all or a 5xx.
  const verb_stats total = s.stats.total();
  for (const auto& [code, n] : total.errors) {
    if (code == 0 || code >= 500) return 1;
  }
  return 0;
}

}  // namespace ktk::cli
