// ktk/sim/replicaset_controller.hpp — kube-controller-manager's ReplicaSet controller.
//
// Creates and deletes Pods to match spec.replicas, each with a controller
// ownerReference (blockOwnerDeletion) to its ReplicaSet; remembers what it asked for
// (expectations) so that a cache that has not caught up never causes a second round
// of creates; deletes the least useful Pods first (unscheduled, then pending, then not
// ready, then the youngest); adopts and releases Pods by selector; writes status
// (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
// observedGeneration, the ReplicaFailure condition).
//
// It adds two indexes to the manager's shared informers ("sim.replicaset/pod-controller-uid"
// on Pods, "sim.replicaset/rs-controller-uid" on ReplicaSets), so that a reconcile
// reads only its own Pods and the orphans of its namespace. Time-based work (Pods
// becoming available after minReadySeconds, expectations expiring after 5 minutes)
// is a delayed requeue on the manager's clock. Writes go through mgr.get_client();
// the adoption recheck reads through mgr.get_api_reader().
//
//   ktk::sim::add_replicaset_controller(mgr, {.burst_replicas = 500});
#pragma once

#include <memory>

#include "ktk/client/controller/manager.hpp"

namespace ktk::sim {

struct replicaset_controller_options {
  int workers = 1;
  // Pods created or deleted per reconcile at most (kube's burstReplicas, 500).
  int burst_replicas = 500;
};

// Adds the controller (named "replicaset") to mgr and returns it. Call before
// mgr.start() (or while it runs); once per manager (the name is unique).
std::shared_ptr<client::controller::controller> add_replicaset_controller(client::controller::manager& mgr,
                                                                          replicaset_controller_options opts = {});

}  // namespace ktk::sim
