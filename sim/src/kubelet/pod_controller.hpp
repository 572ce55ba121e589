// pod_controller.hpp — "kubelet-pods": plays out the Pods bound to the simulator's Nodes.
//
// Per Pod: Pending → Running → Ready → (optionally) exit, then restart or
// Succeeded/Failed, each after its delay (a requeue_after); a Pod being deleted is
// terminated and removed with grace 0; a failed Node's Pods stand still and are
// deleted once its eviction time has come. Reacts to Pod creation, binding, deletion
// and spec changes — not to status-only updates (its own writes).
//
//   auto pods = make_pod_controller(mgr, state, pod_informer);
//
// The reconciler is safe on several workers (never the same Pod on two at once).
#pragma once

#include <memory>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/controller/manager.hpp"
#include "kubelet/kubelet_state.hpp"

namespace ktk::sim::detail {

// Builds the controller and adds it to mgr. `pods` is mgr's Pod informer with the
// pods_by_node_index.
std::shared_ptr<client::controller::controller> make_pod_controller(client::controller::manager& mgr,
                                                                    std::shared_ptr<kubelet_state> state,
                                                                    std::shared_ptr<client::cache::shared_informer> pods);

// When a failed Node's Pods are deleted: NotReady after the grace, evicted after the
// eviction timeout counted from there.
core::clock::time_point eviction_time(const kubelet_options& o, core::clock::time_point failed_at);

}  // namespace ktk::sim::detail
