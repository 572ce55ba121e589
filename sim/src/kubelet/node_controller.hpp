// node_controller.hpp — "kubelet-nodes": the simulator's Nodes and their Leases.
//
// A healthy Node is created when missing, posts its status (Ready) when it was not
// posted yet and every node_status_update, renews its Lease every heartbeat, and
// loses the unreachable taints after a recovery. A failed Node does none of that:
// node_monitor_grace after the failure its conditions turn Unknown and it is tainted
// unreachable (NoSchedule, NoExecute), as the node lifecycle controller does, and at
// its eviction time its Pods are queued on the Pod controller to be deleted. Every
// wait is a requeue_after on the manager's clock.
//
//   auto nodes = make_node_controller(mgr, state, pod_informer);
#pragma once

#include <memory>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/controller/manager.hpp"
#include "kubelet/kubelet_state.hpp"

namespace ktk::sim::detail {

// Builds the controller, adds it to mgr and queues every Node of the state.
// state->pod_controller must be set.
std::shared_ptr<client::controller::controller> make_node_controller(client::controller::manager& mgr,
                                                                     std::shared_ptr<kubelet_state> state,
                                                                     std::shared_ptr<client::cache::shared_informer> pods);

}  // namespace ktk::sim::detail
