// ktk/sim/kinds.hpp — the types the simulated control plane works on, and small
// helpers about Pods that several of its controllers share.
//
//   if (ktk::sim::is_pod_available(pod, deploy_min_ready_seconds, clk.now())) ++available;
//
// Plain functions on unstructured objects; no state, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ktk/core/clock.hpp"
#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim {

inline const core::gvk deployment_kind{"apps", "v1", "Deployment"};
inline const core::gvk replicaset_kind{"apps", "v1", "ReplicaSet"};
inline const core::gvk pod_kind{"", "v1", "Pod"};
inline const core::gvk node_kind{"", "v1", "Node"};
inline const core::gvk lease_kind{"coordination.k8s.io", "v1", "Lease"};
inline const core::gvk namespace_kind{"", "v1", "Namespace"};

// status.phase ("Pending" when unset, as the kubelet reports a new Pod).
std::string_view pod_phase(const core::object& pod);
// Succeeded or Failed: the Pod will not run again.
bool is_pod_terminal(const core::object& pod);
// Not terminal and not being deleted (the ReplicaSet controller's "active" Pod).
bool is_pod_active(const core::object& pod);
// The Pod's Ready condition is True.
bool is_pod_ready(const core::object& pod);
// Ready for at least min_ready_seconds at `now` (by the Ready condition's
// lastTransitionTime), as the Deployment and ReplicaSet controllers count availability.
bool is_pod_available(const core::object& pod, std::int32_t min_ready_seconds, core::clock::time_point now);
// spec.nodeName, "" when not scheduled.
std::string_view pod_node_name(const core::object& pod);
// The status of a condition in status.conditions ("" when absent).
std::string_view condition_status(const core::object& obj, std::string_view type);

// Sets (or adds) a core/v1-style condition in obj's status.conditions — type, status,
// reason, message, lastTransitionTime (moved only when the status changes),
// lastProbeTime/lastHeartbeatTime left alone. Returns whether anything changed.
bool set_condition(core::object& obj, std::string_view type, std::string_view status, std::string_view reason,
                   std::string_view message, core::clock::time_point now);

}  // namespace ktk::sim
