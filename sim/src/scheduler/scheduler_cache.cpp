#include "scheduler/scheduler_cache.hpp"

#include <algorithm>

#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {
namespace {

std::string key_of(const core::object& o) { return std::string(o.namespace_()) + "/" + std::string(o.name()); }
std::string key_of(const core::object_key& k) { return k.namespace_ + "/" + k.name; }

// "3 Insufficient cpu, 1 node(s) were unschedulable", sorted as kube sorts them
// (as strings, counts included).
std::string histogram(const std::map<std::string, int>& counts) {
  std::vector<std::string> parts;
  for (const auto& [reason, n] : counts) parts.push_back(std::to_string(n) + " " + reason);
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// kube's FitError.Error(), with the default preemption plugin's post-filter message
// (every Pod has the same priority here, so preemption finds no victims).
std::string fit_error(std::size_t nodes, const std::map<std::string, int>& reasons,
                      const std::map<std::string, int>& preemption) {
  if (nodes == 0) return "no nodes available to schedule pods";
  std::string all = "0/" + std::to_string(nodes) + " nodes are available";
  return all + ": " + histogram(reasons) + ". preemption: " + all + ": " + histogram(preemption) + ".";
}

}  // namespace

bool scheduler_cache::upsert_node(const core::object& node) {
  node_info info = parse_node(node);
  std::lock_guard lock(mu_);
  auto it = nodes_.find(info.name);
  if (it != nodes_.end() && it->second == info) return false;
  if (it == nodes_.end()) {
    nodes_.emplace(info.name, std::move(info));
  } else {
    it->second = std::move(info);
  }
  return true;
}

void scheduler_cache::remove_node(std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto it = nodes_.find(name); it != nodes_.end()) nodes_.erase(it);
}

void scheduler_cache::add_charge(const std::string& key, charge c) {
  node_usage& u = usage_[c.node];
  u.fit += c.demand.fit;
  u.score += c.demand.score;
  charges_[key] = std::move(c);
}

bool scheduler_cache::release(const std::string& key) {
  auto it = charges_.find(key);
  if (it == charges_.end()) return false;
  auto u = usage_.find(it->second.node);
  if (u != usage_.end()) {
    u->second.fit -= it->second.demand.fit;
    u->second.score -= it->second.demand.score;
    if (u->second.fit == resources{} && u->second.score == resources{}) usage_.erase(u);
  }
  charges_.erase(it);
  return true;
}

bool scheduler_cache::upsert_pod(const core::object& pod) {
  const std::string key = key_of(pod);
  const std::string_view node = pod_node_name(pod);
  const bool terminal = is_pod_terminal(pod);
  std::lock_guard lock(mu_);
  auto it = charges_.find(key);
  if (it != charges_.end() && it->second.uid != pod.uid()) {
    release(key);  // another Pod of the same name: the old one is gone
    it = charges_.end();
  }
  if (terminal) return release(key);
  if (node.empty()) {
    // Unbound. An assumed Pod stays counted: this event predates our binding.
    if (it != charges_.end() && !it->second.assumed) return release(key);
    return false;
  }
  if (it != charges_.end() && it->second.node == node) {
    it->second.assumed = false;  // the informer caught up with the binding
    return false;
  }
  bool released = release(key);
  add_charge(key, {std::string(pod.uid()), std::string(node), pod_requests(pod), false});
  return released;
}

bool scheduler_cache::remove_pod(const core::object& pod) {
  std::lock_guard lock(mu_);
  unschedulable_.erase(pod.key());
  return release(key_of(pod));
}

schedule_result scheduler_cache::schedule(const core::object_key& key, std::string_view uid,
                                          const pod_constraints& pod, const pod_demand& demand) {
  static const node_usage idle;
  std::lock_guard lock(mu_);
  const node_info* best = nullptr;
  double best_score = -1;
  std::map<std::string, int> reasons, preemption;
  for (const auto& [name, info] : nodes_) {
    auto u = usage_.find(name);
    const node_usage& used = u == usage_.end() ? idle : u->second;
    auto why = filter(pod, demand, info, used);
    if (why.empty()) {
      double s = least_allocated_score(demand, info, used);
      if (s > best_score) {  // strictly greater: ties keep the first name
        best = &info;
        best_score = s;
      }
      continue;
    }
    bool helps = false;
    for (const auto& w : why) {
      ++reasons[w];
      helps = helps || preemption_might_help(w);
    }
    ++preemption[helps ? "No preemption victims found for incoming pod" : "Preemption is not helpful for scheduling"];
  }
  if (!best) {
    unschedulable_.insert(key);
    return {"", fit_error(nodes_.size(), reasons, preemption)};
  }
  unschedulable_.erase(key);
  const std::string k = key_of(key);
  release(k);
  add_charge(k, {std::string(uid), best->name, demand, true});
  return {best->name, ""};
}

void scheduler_cache::forget(const core::object_key& key, std::string_view uid) {
  std::lock_guard lock(mu_);
  const std::string k = key_of(key);
  auto it = charges_.find(k);
  if (it != charges_.end() && it->second.assumed && it->second.uid == uid) release(k);
}

bool scheduler_cache::is_assumed(const core::object_key& key, std::string_view uid) const {
  std::lock_guard lock(mu_);
  auto it = charges_.find(key_of(key));
  return it != charges_.end() && it->second.assumed && it->second.uid == uid;
}

std::vector<core::object_key> scheduler_cache::unschedulable() const {
  std::lock_guard lock(mu_);
  return {unschedulable_.begin(), unschedulable_.end()};
}

void scheduler_cache::clear_unschedulable(const core::object_key& key) {
  std::lock_guard lock(mu_);
  unschedulable_.erase(key);
}

node_usage scheduler_cache::usage(std::string_view node) const {
  std::lock_guard lock(mu_);
  auto it = usage_.find(std::string(node));
  return it == usage_.end() ? node_usage{} : it->second;
}

}  // namespace ktk::sim::detail
