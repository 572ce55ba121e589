// ktk/sim/scheduler.hpp — kube-scheduler, simulated: binds pending Pods to Nodes.
//
// For each Pod without spec.nodeName whose schedulerName is this scheduler's, picks a
// Node that is Ready, not unschedulable, matches nodeSelector, whose NoSchedule /
// NoExecute taints the Pod tolerates, and has room for the Pod's requests (cpu,
// memory, and the pods count) next to the Pods already bound to it; among those, the
// least requested (ties by name), and POSTs a Binding (pods/binding). When nothing
// fits, the Pod gets PodScheduled=False, reason Unschedulable, with kube's message
// ("0/3 nodes are available: ..."), and is tried again when Nodes or Pods change.
//
//   ktk::sim::add_scheduler(mgr);
#pragma once

#include <memory>
#include <string>

#include "ktk/client/controller/manager.hpp"

namespace ktk::sim {

struct scheduler_options {
  std::string scheduler_name = "default-scheduler";
  int workers = 1;
};

// Adds the scheduler (named "scheduler") to mgr and returns it.
std::shared_ptr<client::controller::controller> add_scheduler(client::controller::manager& mgr,
                                                              scheduler_options opts = {});

}  // namespace ktk::sim
