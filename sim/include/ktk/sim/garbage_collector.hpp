// ktk/sim/garbage_collector.hpp — ownerReference cascading deletion, as
// kube-controller-manager's garbage collector does it.
//
// Background: a dependent whose owners are all gone (absent, or present with another
// uid) is deleted. Foreground: an owner with deletionTimestamp and the
// `foregroundDeletion` finalizer has its dependents deleted (in foreground those that
// have dependents of their own), and loses the finalizer once no dependent with
// blockOwnerDeletion is left. Orphan: an
// owner with the `orphan` finalizer has its ownerReference removed from every
// dependent, then loses the finalizer.
//
// Dependents are found through an index ("sim.gc/owner-uid") it adds to the manager's
// informer of each kind. Before deleting or un-owning anything it reads the object
// and its owners live (mgr.get_api_reader()), so a stale cache never makes it act.
// An owner whose kind the server does not know is never taken for gone (the item is
// retried with backoff). Work items are {namespace, "Kind.group/name"}.
//
//   ktk::sim::add_garbage_collector(mgr, {.kinds = {ktk::sim::deployment_kind, ...}});
#pragma once

#include <memory>
#include <vector>

#include "ktk/client/controller/manager.hpp"
#include "ktk/core/gvk.hpp"

namespace ktk::sim {

struct garbage_collector_options {
  // The kinds it watches, as owners and as dependents (kube watches every deletable
  // resource; the simulator, these). Custom resources may be added.
  std::vector<core::gvk> kinds = {
      {"apps", "v1", "Deployment"}, {"apps", "v1", "ReplicaSet"}, {"", "v1", "Pod"},
      {"", "v1", "ConfigMap"},      {"", "v1", "Secret"},         {"", "v1", "Service"},
  };
  int workers = 1;
};

// Adds the collector (named "garbage-collector") to mgr and returns it. Kinds the
// server does not know are skipped (and logged).
std::shared_ptr<client::controller::controller> add_garbage_collector(client::controller::manager& mgr,
                                                                      garbage_collector_options opts = {});

}  // namespace ktk::sim
