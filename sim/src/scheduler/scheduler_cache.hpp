// scheduler_cache.hpp — the scheduler's view of the cluster: Nodes, what is bound to
// each, the Pods it has assumed, and the Pods waiting for room.
//
// kube-scheduler's cache in small: Node and Pod events keep per-Node usage up to date
// (so a decision costs O(nodes), not O(pods)); a Pod the scheduler binds is "assumed"
// at once, counted on its Node before the informer shows it bound, so consecutive
// decisions never overcommit; a Pod that fits nowhere joins the unschedulable set,
// whose members are tried again when a Node changes or a bound Pod goes away.
//
//   scheduler_cache c;
//   c.upsert_node(node);                        // from the Node informer
//   c.upsert_pod(pod);                          // from the Pod informer
//   auto d = c.schedule(key, uid, constraints, demand);  // assumes on success
//
// Thread-safe: one mutex guards everything; a decision and the assumption it makes
// are one critical section.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"
#include "node_filter.hpp"

namespace ktk::sim::detail {

// A decision: the Node chosen, or kube's FitError message when none fits.
struct schedule_result {
  std::string node;
  std::string message;
};

class scheduler_cache {
 public:
  // A Node appeared or changed; true when something scheduling looks at changed
  // (the unschedulable Pods should be tried again).
  bool upsert_node(const core::object& node);
  void remove_node(std::string_view name);

  // A Pod appeared or changed / went away; true when it gave resources back (it
  // ended, was unbound or moved), so that waiting Pods may now fit.
  bool upsert_pod(const core::object& pod);
  bool remove_pod(const core::object& pod);

  // Picks the least allocated Node that passes every filter (ties: by name) and
  // assumes the Pod on it; else records it as unschedulable and returns the message.
  schedule_result schedule(const core::object_key& key, std::string_view uid, const pod_constraints& pod,
                           const pod_demand& demand);
  // Drops the assumption made for key (its binding failed).
  void forget(const core::object_key& key, std::string_view uid);
  // key (with this uid) was bound by us and the informer has not shown it yet.
  bool is_assumed(const core::object_key& key, std::string_view uid) const;

  // The Pods waiting for room.
  std::vector<core::object_key> unschedulable() const;
  void clear_unschedulable(const core::object_key& key);

  // For tests: what the scheduler counts on a Node.
  node_usage usage(std::string_view node) const;

 private:
  struct charge {
    std::string uid;
    std::string node;
    pod_demand demand;
    bool assumed = false;
  };

  void add_charge(const std::string& key, charge c);  // under mu_
  bool release(const std::string& key);                // under mu_; true when there was a charge

  mutable std::mutex mu_;
  std::map<std::string, node_info, std::less<>> nodes_;                // guarded by mu_
  std::unordered_map<std::string, node_usage> usage_;                   // guarded by mu_; by Node name
  std::unordered_map<std::string, charge> charges_;                     // guarded by mu_; by "ns/name"
  std::set<core::object_key> unschedulable_;                            // guarded by mu_
};

}  // namespace ktk::sim::detail
