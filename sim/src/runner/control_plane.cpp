// control_plane.cpp — three managers, each on a thread of its own, and what a virtual
// clock needs to know about them.
#include "ktk/sim/control_plane.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/controller/manager.hpp"

namespace ktk::sim {

namespace ctl = client::controller;

struct control_plane::component {
  std::string name;
  std::unique_ptr<ctl::manager> mgr;
  std::shared_ptr<kubelet_sim> kubelet;
  std::stop_source stop;
  std::jthread thread;
  std::mutex mu;
  std::optional<core::api_error> failed;  // guarded by mu: start() returned this
  bool returned = false;                  // guarded by mu

  ~component() {
    stop.request_stop();
    if (thread.joinable()) thread.join();
  }
};

const std::vector<std::string>& control_plane::components() {
  static const std::vector<std::string> names = {"controller-manager", "scheduler", "kubelet"};
  return names;
}

control_plane::control_plane(client::client& c, control_plane_options opts) : client_(c), opts_(std::move(opts)) {}

control_plane::~control_plane() { stop(); }

std::unique_ptr<control_plane::component> control_plane::make(std::string_view name, bool shared) {
  auto c = std::make_unique<component>();
  c->name = std::string(name);
  auto log = opts_.log;
  if (!log) log = [](const std::string& line) { std::cerr << line << '\n'; };
  c->mgr = std::make_unique<ctl::manager>(
      client_, ctl::manager_options{.graceful_shutdown_timeout = std::chrono::seconds(30),
                                    .shared_cache = shared ? shared_cache_ : nullptr,
                                    .shared_cache_stop = shared_cache_stop_.get_token(),
                                    .clock = opts_.clock,
                                    .log = [log, n = c->name](const std::string& line) { log(n + ": " + line); }});
  if (name == "controller-manager") {
    add_deployment_controller(*c->mgr, opts_.deployment);
    add_replicaset_controller(*c->mgr, opts_.replicaset);
    add_garbage_collector(*c->mgr, opts_.garbage_collector);
    for (const auto& setup : opts_.controllers) setup(*c->mgr);
  } else if (name == "scheduler") {
    add_scheduler(*c->mgr, opts_.scheduler);
  } else {
    c->kubelet = add_kubelet(*c->mgr, opts_.kubelet);
    for (const auto& n : failed_nodes_) c->kubelet->fail_node(n);
  }
  return c;
}

client::result<void> control_plane::launch(component& c) {
  c.thread = std::jthread([&c](std::stop_token) {
    auto r = c.mgr->start(c.stop.get_token());
    std::lock_guard lock(c.mu);
    if (!r) c.failed = r.error();
    c.returned = true;
  });
  // Ready once every controller runs its workers, which happens after its caches synced.
  auto deadline = std::chrono::steady_clock::now() + opts_.sync_timeout;
  for (;;) {
    {
      std::lock_guard lock(c.mu);
      if (c.returned) {
        return core::api_error::internal("sim: " + c.name + " stopped while starting" +
                                         (c.failed ? ": " + c.failed->message() : std::string()));
      }
    }
    auto ctrls = c.mgr->controllers();
    if (std::all_of(ctrls.begin(), ctrls.end(), [](const auto& x) { return x->started(); })) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return core::api_error::internal("sim: " + c.name + " did not sync its caches in " +
                                       std::to_string(opts_.sync_timeout.count()) + "ms");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

client::result<void> control_plane::start() {
  std::lock_guard lock(mu_);
  if (!running_.empty()) return {};
  if (opts_.share_caches) {
    shared_cache_stop_ = std::stop_source();
    shared_cache_ = std::make_shared<client::cache::shared_informer_factory>(
        client_, client::cache::informer_options{.clock = opts_.clock});
  }
  for (const auto& name : components()) {
    running_.push_back(make(name, opts_.share_caches));
    if (auto r = launch(*running_.back()); !r) {
      running_.clear();
      drop_shared_cache();
      return r.error();
    }
  }
  return {};
}

void control_plane::drop_shared_cache() {
  if (!shared_cache_) return;
  shared_cache_stop_.request_stop();
  shared_cache_->shutdown();  // joins its informers
  shared_cache_.reset();
}

void control_plane::stop() {
  std::vector<std::unique_ptr<component>> going;
  {
    std::lock_guard lock(mu_);
    going.swap(running_);
  }
  for (auto& c : going) c->stop.request_stop();
  going.clear();  // joins; their handlers leave the shared informers
  std::lock_guard lock(mu_);
  drop_shared_cache();
}

client::result<void> control_plane::restart(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(running_.begin(), running_.end(), [&](const auto& c) { return c->name == name; });
  if (it == running_.end()) {
    return core::api_error::bad_request("sim: no component " + core::quote(std::string(name)) +
                                        " (controller-manager, scheduler, kubelet)");
  }
  (*it)->stop.request_stop();
  it->reset();  // joins: the old one is gone before the new one starts
  *it = make(name, false);
  return launch(**it);
}

void control_plane::fail_node(const std::string& name) {
  std::lock_guard lock(mu_);
  for (auto& c : running_) {
    if (c->kubelet) c->kubelet->fail_node(name);  // std::invalid_argument for a Node it does not run
  }
  if (std::find(failed_nodes_.begin(), failed_nodes_.end(), name) == failed_nodes_.end()) failed_nodes_.push_back(name);
}

void control_plane::recover_node(const std::string& name) {
  std::lock_guard lock(mu_);
  std::erase(failed_nodes_, name);
  for (auto& c : running_) {
    if (c->kubelet) c->kubelet->recover_node(name);
  }
}

control_plane_activity control_plane::activity() const {
  control_plane_activity a;
  const auto now = opts_.clock ? opts_.clock->now() : core::real_clock::instance().now();
  std::lock_guard lock(mu_);
  for (const auto& c : running_) {
    for (const auto& ctrl : c->mgr->controllers()) {
      auto q = ctrl->queue().activity();
      if (q.queued > 0 || q.processing > 0) a.idle = false;
      if (q.next_ready_at) {
        if (*q.next_ready_at <= now) a.idle = false;
        if (!a.next_ready_at || *q.next_ready_at < *a.next_ready_at) a.next_ready_at = q.next_ready_at;
      }
    }
    for (const auto& [key, inf] : c->mgr->get_cache().informers()) {
      if (!inf->handlers_idle()) a.idle = false;
      a.informers.emplace_back(key.kind, inf->last_sync_resource_version());
    }
  }
  return a;
}

}  // namespace ktk::sim
