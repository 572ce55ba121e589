// ktk/sim/kubelet.hpp — simulated Nodes and the kubelets on them (what kwok does).
//
// The kubelet simulator creates its Nodes (capacity, allocatable, Ready condition,
// addresses) and keeps them alive with Lease heartbeats in kube-node-lease. Pods bound
// to its Nodes go Pending → Running (container statuses, podIP, hostIP, Ready) after
// delays chosen per Pod label, like kwok's Stages, with jitter drawn from the seed (the
// same seed, the same delays); optionally they complete (Succeeded / Failed with an
// exit code; restartPolicy decides whether the container restarts instead). A Pod
// being deleted is terminated and removed (grace 0) after `termination_delay`. A
// failed Node stops heartbeating and reporting; `node_monitor_grace` after the failure
// it turns NotReady (conditions Unknown) and gets the node.kubernetes.io/unreachable
// taints, and `pod_eviction_timeout` after that its Pods are deleted, as the node
// lifecycle controller's taint-based eviction does (tolerationSeconds 300).
//
// Timing. Every delay is measured from a time the Pod carries — bound (PodScheduled),
// container started, container finished — remembered exactly in memory and read back
// from the object after a restart, and every wait is a requeue_after on the manager's
// clock. One status write per transition; transitions already due (Running and Ready
// with ready_delay 0) go in one write.
//
//   ktk::sim::kubelet_options o{.nodes = ktk::sim::make_nodes("node-", 3)};
//   o.timings.push_back({.selector = "app=batch", .start_delay = 2s, .complete_after = 10s});
//   auto kubelets = ktk::sim::add_kubelet(mgr, o);
//   kubelets->fail_node("node-1");
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktk/client/controller/manager.hpp"
#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"

namespace ktk::sim {

struct node_spec {
  std::string name{};
  std::map<std::string, std::string> labels{};  // kubernetes.io/hostname is added
  std::string cpu = "4";
  std::string memory = "16Gi";
  std::int64_t pods = 110;
  core::json taints = core::json::array();  // v1 Taint objects
  bool unschedulable = false;
};

// count Nodes named prefix0, prefix1, ... with the default capacity.
std::vector<node_spec> make_nodes(const std::string& prefix, int count);

// How Pods matching `selector` play out (first match wins; a Pod matching none gets
// kubelet_options::default_timing).
struct pod_timing {
  std::string selector{};                             // a label selector; "" matches every Pod
  std::chrono::milliseconds start_delay{1000};         // bound → Running
  std::chrono::milliseconds ready_delay{0};            // Running → Ready
  std::chrono::milliseconds jitter{0};                 // each delay + [0, jitter), from the seed
  std::optional<std::chrono::milliseconds> complete_after{};  // Running → the container exits
  int exit_code = 0;                                   // 0: Succeeded; else Failed (or restarted)
};

struct kubelet_options {
  std::vector<node_spec> nodes{};  // created at start (an existing Node of that name is taken over)
  std::vector<pod_timing> timings{};
  pod_timing default_timing{};
  std::chrono::seconds lease_duration{40};   // spec.leaseDurationSeconds
  std::chrono::seconds heartbeat{10};        // Lease renewal interval
  std::chrono::seconds node_status_update{60};
  std::chrono::seconds pod_eviction_timeout{300};  // a NotReady Node's Pods are deleted after this
  std::chrono::seconds node_monitor_grace{40};     // a failed Node turns NotReady after this
  std::uint64_t seed = 1;
  // Each Node a /24 of it, in order (InternalIP .1, Pods .2-.254); Nodes past its room
  // continue past its end (the 257th of a /16 gets the next /16's first /24).
  std::string pod_cidr = "10.244.0.0/16";
  std::chrono::milliseconds termination_delay{0};  // a deleted Pod's containers stop after this
  int workers = 2;                           // Pod reconciles at once
};

// The running simulator: add_kubelet() returns it for failures and inspection.
class kubelet_sim {
 public:
  virtual ~kubelet_sim() = default;
  // The Node stops heartbeating and reporting, its Pods stop advancing; after
  // node_monitor_grace it is NotReady (Unknown) and tainted unreachable, and
  // pod_eviction_timeout after that its Pods are deleted. Thread-safe.
  virtual void fail_node(const std::string& name) = 0;
  // The Node comes back: heartbeats resume, Ready again. Thread-safe.
  virtual void recover_node(const std::string& name) = 0;
  virtual std::vector<std::string> node_names() const = 0;
  // The Node and Pod controllers ("kubelet-nodes", "kubelet-pods"), e.g. to wait
  // until their queues are idle.
  virtual std::vector<std::shared_ptr<client::controller::controller>> controllers() const = 0;
};

// Adds the Node (and Lease) and Pod controllers (named "kubelet-nodes",
// "kubelet-pods") to mgr; the Nodes are created once the manager starts. Throws
// std::invalid_argument for a bad timing selector, a bad pod_cidr (or one with a
// prefix longer than /24), duplicate node names, or controller names already taken
// (one kubelet_sim per manager).
std::shared_ptr<kubelet_sim> add_kubelet(client::controller::manager& mgr, kubelet_options opts);

}  // namespace ktk::sim
