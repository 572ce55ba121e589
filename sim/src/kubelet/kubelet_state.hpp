// kubelet_state.hpp — what the kubelet simulator's controllers share: its Nodes (spec,
// address, failure, heartbeat times), the Pod addresses handed out, and per-Pod
// memory of exact transition times and of our own last write.
//
// Memory holds what the objects cannot: times with sub-second precision (metav1.Time
// has seconds) and the object our last status write returned, which is newer than a
// cache that has not caught up. Everything in it can be rebuilt from the objects, so
// a restarted simulator resumes where the objects say.
//
//   kubelet_state st(opts, clock);
//   st.with_node("node-0", [](node_state& n) { n.failed = true; });
//   st.with_pod("default/web-0", [&](pod_memory& m) { m.running_at = now; });
//
// Thread-safe: one mutex guards the mutable parts; names and the timing table are
// immutable after construction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ktk/client/controller/controller.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/sim/kubelet.hpp"
#include "addressing.hpp"
#include "timing.hpp"

namespace ktk::sim::detail {

// The index on the Pod informer by spec.nodeName.
inline constexpr const char* pods_by_node_index = "ktk.sim/kubelet-node";
inline constexpr const char* node_lease_namespace = "kube-node-lease";

struct node_state {
  node_spec spec;
  std::size_t index = 0;
  std::string ip;        // InternalIP: .1 of its /24
  std::string pod_cidr;  // "10.244.3.0/24"
  bool failed = false;
  core::clock::time_point failed_at{};
  bool evicted = false;  // this failure's Pods were queued for deletion
  bool status_posted = false;  // the healthy status was written since start / recovery
  bool lost_posted = false;    // the Unknown conditions and taints were written for this failure
  std::optional<core::clock::time_point> last_renew;   // of the Lease
  std::optional<core::clock::time_point> last_status;  // the Node status heartbeat
  ip_pool pool;
  bool pool_loaded = false;  // the addresses Pods already report are held
};

struct pod_memory {
  std::string uid;
  std::string node;  // where its address came from
  std::optional<core::clock::time_point> bound_at;
  std::optional<core::clock::time_point> running_at;   // the current container start
  std::optional<core::clock::time_point> finished_at;  // the last container exit
  std::optional<core::clock::time_point> deleting_at;  // first seen being deleted
  core::object_ptr written;                            // what our last status write returned
};

class kubelet_state {
 public:
  // std::invalid_argument for a bad selector or pod_cidr, too many or duplicate nodes.
  kubelet_state(kubelet_options opts, core::clock& clk);

  const kubelet_options& options() const { return opts_; }
  core::clock& clock() const { return clock_; }
  const timing_table& timings() const { return timings_; }
  const std::set<std::string, std::less<>>& names() const { return names_; }
  bool owns(std::string_view node) const { return names_.find(node) != names_.end(); }

  // Runs f on the Node's state under the lock (the name must be one of names()).
  template <class F>
  auto with_node(std::string_view name, F&& f) {
    std::lock_guard lock(mu_);
    return f(nodes_.find(name)->second);
  }
  // Runs f on the Pod's memory under the lock, creating it (empty) when absent.
  template <class F>
  auto with_pod(const std::string& key, F&& f) {
    std::lock_guard lock(mu_);
    return f(pods_[key]);
  }
  // key's memory as the cache shows the Pod (uid, resourceVersion): another uid
  // starts afresh (the old Pod's address is given back); `written` is dropped once the
  // cache has caught up with it.
  pod_memory recall_pod(const std::string& key, std::string_view uid, std::string_view cached_rv);
  // Drops key's memory and gives back its address.
  void forget_pod(const std::string& key);
  // Gives back key's address (the Pod ended) and keeps the rest.
  void release_ip(const std::string& key);
  // key's address on node; `held` lists (key, podIP) of the Pods the Node already
  // runs, read once per Node (it is called only the first time).
  std::string acquire_ip(const std::string& node, const std::string& key,
                         const std::function<std::vector<std::pair<std::string, std::string>>()>& held);

  // The Pod controller, which the Node controller queues evicted Pods on. Set by
  // add_kubelet before the Node controller exists; not guarded. Weak: the
  // controllers' reconcilers hold this state (the manager and the kubelet_sim own them).
  std::weak_ptr<client::controller::controller> pod_controller;

 private:
  kubelet_options opts_;
  core::clock& clock_;
  timing_table timings_;
  std::set<std::string, std::less<>> names_;

  std::mutex mu_;
  std::map<std::string, node_state, std::less<>> nodes_;  // guarded by mu_
  std::unordered_map<std::string, pod_memory> pods_;      // guarded by mu_; by "ns/name"
};

}  // namespace ktk::sim::detail
