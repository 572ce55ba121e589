// ktk/sim/scheduler.hpp — kube-scheduler, simulated: binds pending Pods to Nodes.
//
// For each Pod without spec.nodeName whose schedulerName is this scheduler's (and that
// is not being deleted, terminal or gated), picks a Node that passes kube's filters in
// kube's order — not spec.unschedulable (unless tolerated), NoSchedule / NoExecute
// taints tolerated, Ready, nodeSelector and required node affinity matched, room for
// the Pod's requests (cpu, memory, pods) next to the Pods already bound to it — and
// among those the least allocated (kube's LeastAllocated on non-zero requests; ties by
// name), and POSTs a v1 Binding (pods/binding). When nothing fits, the Pod gets
// PodScheduled=False, reason Unschedulable, with kube's message ("0/3 nodes are
// available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.
// preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod,
// 2 Preemption is not helpful for scheduling."), written to /status, and is tried again
// when a Node appears or changes in a way that matters, or a bound Pod ends or goes.
//
// Usage per Node is kept from Pod events (a decision costs O(nodes)), and a Pod it binds
// is counted at once ("assumed"), so that decisions made before the informer shows the
// binding never overcommit a Node.
//
//   auto sched = ktk::sim::add_scheduler(mgr);   // a controller named "scheduler"
#pragma once

#include <memory>
#include <string>

#include "ktk/client/controller/manager.hpp"

namespace ktk::sim {

struct scheduler_options {
  std::string scheduler_name = "default-scheduler";
  int workers = 1;
};

// Adds the scheduler (named "scheduler") to mgr and returns it. With several workers
// decisions stay consistent (one lock covers a decision and its assumption).
std::shared_ptr<client::controller::controller> add_scheduler(client::controller::manager& mgr,
                                                              scheduler_options opts = {});

}  // namespace ktk::sim
