// context.cpp — bringing a run up and down, and moving its time.
#include "runner/context.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_loader.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {
namespace {

kubelet_options kubelet_of(const scenario& sc, std::uint64_t seed) {
  kubelet_options k;
  k.seed = seed;
  const auto& cl = sc.cluster;  // the parser puts in the default Nodes; `nodes: []` means none
  for (const auto& g : cl.nodes) {
    for (int i = 0; i < g.count; ++i) {
      node_spec n{.name = g.prefix + std::to_string(i), .cpu = g.cpu, .memory = g.memory, .pods = g.pods, .taints = g.taints};
      for (const auto& [key, v] : g.labels.items()) {
        if (v.is_string()) n.labels[key] = v.get<std::string>();
      }
      k.nodes.push_back(std::move(n));
    }
  }
  auto timing_of = [](const timing& t) {
    return pod_timing{.selector = t.selector, .start_delay = t.start_delay, .ready_delay = t.ready_delay,
                      .jitter = t.jitter, .complete_after = t.complete_after, .exit_code = t.exit_code};
  };
  for (const auto& t : cl.timings) k.timings.push_back(timing_of(t));
  if (cl.default_timing) k.default_timing = timing_of(*cl.default_timing);
  k.pod_eviction_timeout = std::chrono::duration_cast<std::chrono::seconds>(cl.pod_eviction_timeout);
  k.node_monitor_grace = std::chrono::duration_cast<std::chrono::seconds>(cl.node_monitor_grace);
  return k;
}

core::api_error injected(int code) {
  const char* reason = core::reason::internal_error;
  switch (code) {
    case 400: reason = core::reason::bad_request; break;
    case 401: reason = core::reason::unauthorized; break;
    case 403: reason = core::reason::forbidden; break;
    case 404: reason = core::reason::not_found; break;
    case 409: reason = core::reason::conflict; break;
    case 410: reason = core::reason::gone; break;
    case 422: reason = core::reason::invalid; break;
    case 429: reason = core::reason::too_many_requests; break;
    case 503: reason = core::reason::service_unavailable; break;
    case 504: reason = core::reason::timeout; break;
    default: break;
  }
  return core::api_error(code, reason, "ktk sim: injected fault (HTTP " + std::to_string(code) + ")");
}

std::int64_t rv_number(const std::string& rv) {
  std::int64_t n = -1;
  std::from_chars(rv.data(), rv.data() + rv.size(), n);
  return n;
}

}  // namespace

run_context::run_context(const scenario& sc, const run_options& opts) : sc_(sc), opts_(opts) {
  report_.scenario = sc.name;
  report_.file = sc.file;
  report_.seed = opts.seed.value_or(sc.seed);
}

run_context::~run_context() { stop(); }

void run_context::log(const std::string& line) {
  std::lock_guard lock(log_mu_);
  if (opts_.progress) *opts_.progress << line << std::endl;
}

void run_context::controller_log(const std::string& line) {
  ++controller_errors_;
  if (opts_.verbose) log("  " + line);
}

void run_context::start() {
  report_.started = core::format_rfc3339(std::chrono::system_clock::now());
  if (opts_.kubeconfig) {
    start_remote();
  } else {
    start_embedded();
  }
  recorder_ = std::make_unique<recorder>(*user_, *clock_, start_);
  if (!recorder_->start(std::chrono::seconds(30))) throw std::runtime_error("sim: the timeline's informers did not sync");
  settle();
}

namespace {

// The collector watches the built-in kinds it knows and the scenario's custom kinds,
// so that what a custom resource owns goes when it does (an operator's ConfigMap).
garbage_collector_options gc_options(const std::vector<std::filesystem::path>& crd_paths) {
  garbage_collector_options o;
  for (const auto& d : apiserver::read_crds(crd_paths, {.error_if_missing = false})) {
    const core::json& spec = d.crd.data().value("spec", core::json::object());
    for (const auto& v : spec.value("versions", core::json::array())) {
      if (!v.value("storage", false)) continue;
      o.kinds.push_back({spec.value("group", ""), v.value("name", ""),
                         spec.value("names", core::json::object()).value("kind", "")});
    }
  }
  return o;
}

}  // namespace

void run_context::start_embedded() {
  vclock_ = std::make_unique<core::fake_clock>();
  clock_ = vclock_.get();
  start_ = clock_->now();
  report_.server = "embedded";
  fake_ = fakeclient::builder()
              .with_clock(*vclock_)
              .with_seed(report_.seed)
              .with_watch_history(10000)
              .with_crd_files(sc_.cluster.crds)
              .build();
  fake_->record_actions(false);
  auto user = std::make_unique<fakeclient::fake_client>(fake_->shared_registry());
  user->record_actions(false);
  user_ = std::move(user);
  cp_ = std::make_unique<control_plane>(*fake_, control_plane_options{
                                                    .clock = vclock_.get(),
                                                    .garbage_collector = gc_options(sc_.cluster.crds),
                                                    .kubelet = kubelet_of(sc_, report_.seed),
                                                    .log = [this](const std::string& l) { controller_log(l); },
                                                    .controllers = opts_.controllers});
  if (auto r = cp_->start(); !r) throw std::runtime_error(r.error().message());
}

void run_context::start_remote() {
  clock_ = &core::real_clock::instance();
  start_ = clock_->now();
  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = opts_.kubeconfig->string(), .context = opts_.context});
  report_.server = cfg.config.server;
  auto user_cfg = cfg.config;  // client-go's 5 QPS would make applying 1,000 objects take minutes
  user_cfg.qps = 50;
  user_cfg.burst = 100;
  user_ = std::make_unique<client::rest::rest_client>(user_cfg);
  if (opts_.control_plane_on_server) {
    // kube-controller-manager and kube-scheduler raise client-go's 5 QPS too; the
    // simulated one is not rate-limited at all.
    auto cp_cfg = cfg.config;
    cp_cfg.qps = 0;
    remote_cp_ = std::make_unique<client::rest::rest_client>(cp_cfg);
    cp_ = std::make_unique<control_plane>(*remote_cp_,
                                          control_plane_options{.garbage_collector = gc_options(sc_.cluster.crds),
                                                                .kubelet = kubelet_of(sc_, report_.seed),
                                                                .log = [this](const std::string& l) { controller_log(l); },
                                                                .controllers = opts_.controllers});
    if (auto r = cp_->start(); !r) throw std::runtime_error(r.error().message());
  }
}

void run_context::stop() {
  // Calls a latency fault holds sleep on the virtual clock: let them go first.
  if (fake_) fake_->clear_reactors();
  if (vclock_) vclock_->advance(std::chrono::hours(24));
  if (recorder_) recorder_->stop();
  if (cp_) cp_->stop();
  cp_.reset();
}

bool run_context::caught_up(const std::vector<std::pair<core::gvk, std::string>>& versions) {
  auto& reg = fake_->registry();
  for (const auto& [kind, rv] : versions) {
    auto it = gvr_cache_.find(kind);
    if (it == gvr_cache_.end()) {
      auto info = reg.mapper().by_kind(kind);
      if (!info) continue;  // a kind not served (yet): nothing to catch up with
      it = gvr_cache_.emplace(kind, info->resource).first;
    }
    if (rv_number(rv) < reg.resource_revision(it->second)) return false;
  }
  return true;
}

void run_context::settle() {
  if (!vclock_) return;
  auto& reg = fake_->registry();
  const auto began = std::chrono::steady_clock::now();
  auto quiet_since = began;
  auto last_rev = reg.current_revision();
  for (int spins = 0;; ++spins) {
    const auto rev0 = reg.current_revision();
    auto a = cp_->activity();
    bool done = a.idle && recorder_->idle() && delayed_calls_.load() == 0 && caught_up(a.informers) &&
                caught_up(recorder_->versions()) && reg.current_revision() == rev0;
    if (done) break;
    const auto now = std::chrono::steady_clock::now();
    const auto rev = reg.current_revision();
    if (rev != last_rev) {
      last_rev = rev;
      quiet_since = now;
    } else {
      // Nothing written for a while, yet not idle: someone may wait on the clock in a
      // way the queues do not show — a call held by a latency fault, or (when every
      // controller is idle and only an informer lags) a reflector backing off after an
      // injected error. A controller that is merely slow (a loaded machine) is waited
      // for: controllers never sleep on the clock.
      const bool latency = delayed_calls_.load() > 0;
      const auto quiet = latency ? std::chrono::milliseconds(20) : std::chrono::milliseconds(250);
      if ((latency || a.idle) && now - quiet_since >= quiet && vclock_->next_wakeup()) break;
    }
    if (now - began > opts_.settle_timeout) {
      throw std::runtime_error("sim: the control plane did not settle in " +
                               std::to_string(opts_.settle_timeout.count()) + "ms of real time");
    }
    // Polling takes every queue's and informer's lock: while the control plane is
    // busy writing, look rarely; near the end, often.
    if (spins < 8) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(now == quiet_since ? std::chrono::microseconds(1000) : std::chrono::microseconds(100));
    }
  }
  recorder_->sample();
}

std::optional<run_context::time_point> run_context::next_due() {
  std::optional<time_point> due;
  auto consider = [&](std::optional<time_point> t) {
    if (t && (!due || *t < *due)) due = t;
  };
  if (cp_) consider(cp_->activity().next_ready_at);
  if (vclock_) consider(vclock_->next_wakeup());
  for (const auto& p : pending_) consider(p.at);
  return due;
}

void run_context::run_due() {
  const auto now = clock_->now();
  std::vector<timed_action> due;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->at <= now) {
      due.push_back(std::move(*it));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(due.begin(), due.end(), [](const timed_action& a, const timed_action& b) { return a.at < b.at; });
  for (auto& d : due) d.fn();
}

bool run_context::step_towards(time_point limit) {
  settle();
  const auto now = clock_->now();
  if (now >= limit) return false;
  if (!vclock_) {
    auto wait = std::min<core::clock::duration>(limit - now, std::chrono::milliseconds(100));
    std::this_thread::sleep_for(wait);
    run_due();
    return true;
  }
  auto target = limit;
  if (auto due = next_due()) target = std::max(*due, now + sc_.resolution);
  target = std::min(target, limit);
  vclock_->set(target);
  run_due();
  settle();
  return true;
}

void run_context::advance_to(time_point t) {
  while (step_towards(t)) {
  }
}

void run_context::inject(const fault& f) {
  const auto now = clock_->now();
  auto until = [&](std::function<void()> fn) {
    if (f.window.count() > 0) pending_.push_back({now + f.window, std::move(fn)});
  };
  switch (f.what) {
    case fault::form::api_error:
    case fault::form::latency: {
      if (!fake_) throw std::runtime_error("sim: API faults need the embedded server");
      fakeclient::reactor r;
      if (f.what == fault::form::api_error) {
        r = fakeclient::fail(injected(f.code));
      } else {
        r = [this, d = f.latency](const fakeclient::action&) -> std::optional<fakeclient::reaction> {
          ++delayed_calls_;
          clock_->sleep_until(clock_->now() + d, {});
          --delayed_calls_;
          return std::nullopt;
        };
      }
      auto id = fake_->add_reactor(f.verb, f.resource, std::move(r));
      until([this, id] { fake_->remove_reactor(id); });
      break;
    }
    case fault::form::watch_cut:
      if (!fake_) throw std::runtime_error("sim: watch_cut needs the embedded server");
      fake_->cut_watches(f.resource);
      break;
    case fault::form::node_failure:
      if (!cp_) throw std::runtime_error("sim: node_failure needs the simulated control plane");
      cp_->fail_node(f.node);
      until([this, node = f.node] { cp_->recover_node(node); });
      break;
    case fault::form::restart:
      if (!cp_) throw std::runtime_error("sim: restart needs the simulated control plane");
      if (auto r = cp_->restart(f.component); !r) throw std::runtime_error(r.error().message());
      break;
  }
}

}  // namespace ktk::sim::detail
