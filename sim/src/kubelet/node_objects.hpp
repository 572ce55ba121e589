// node_objects.hpp — the Node and Lease objects a kubelet posts, as JSON.
//
//   core::object node = new_node(st, opts, now);            // spec, labels and full status
//   core::json status = healthy_status(st, node.data()["status"], now);
//   core::object lease = new_lease(name, node_uid, opts.lease_duration, now);
//
// Plain functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"
#include "kubelet/kubelet_state.hpp"

namespace ktk::sim::detail {

inline constexpr const char* kubelet_version = "v1.31.0-ktk";
inline constexpr const char* unreachable_taint = "node.kubernetes.io/unreachable";
inline constexpr const char* not_ready_taint = "node.kubernetes.io/not-ready";

// A new Node: labels (hostname, os, arch), spec (podCIDR, taints, unschedulable) and
// the status healthy_status gives.
core::object new_node(const node_state& n, core::clock::time_point now);

// The status a running kubelet posts: capacity, allocatable, addresses, nodeInfo and
// the conditions Ready=True plus the three pressures False, heartbeat `now`
// (lastTransitionTime kept from `current` where the status did not change).
core::json healthy_status(const node_state& n, const core::json& current, core::clock::time_point now);

// `current` conditions with every condition Unknown, reason NodeStatusUnknown, as the
// node lifecycle controller writes them for a Node that stopped posting.
core::json unknown_conditions(const core::json& current, core::clock::time_point now);

// The status of the Ready condition in a Node's status.conditions ("" when absent).
std::string ready_status(const core::object& node);
// The lastHeartbeatTime of the Ready condition, when there is one.
std::optional<core::clock::time_point> ready_heartbeat(const core::object& node);

// The Node's taints with the unreachable NoSchedule and NoExecute taints added
// (NoExecute with timeAdded); nullopt when both are there already.
std::optional<core::json> with_unreachable_taints(const core::object& node, core::clock::time_point now);
// The Node's taints without the unreachable / not-ready ones; nullopt when it has none.
std::optional<core::json> without_unreachable_taints(const core::object& node);

// A Lease in kube-node-lease held by the Node (owned by it when node_uid is set).
core::object new_lease(const std::string& node, std::string_view node_uid, std::chrono::seconds duration,
                       core::clock::time_point now);

}  // namespace ktk::sim::detail
