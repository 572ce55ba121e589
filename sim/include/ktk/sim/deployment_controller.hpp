// ktk/sim/deployment_controller.hpp — kube-controller-manager's Deployment controller.
//
// Owns ReplicaSets named and labelled by pod-template-hash; adopts and orphans by
// selector; RollingUpdate (maxSurge / maxUnavailable as ints or percentages) and
// Recreate; revision annotations, revisionHistoryLimit cleanup, paused, rollback,
// minReadySeconds, progressDeadlineSeconds; status with Available and Progressing.
// Built on ktk's controller runtime: it reads through the manager's cache and needs
// nothing but a ktk::client::client, so it runs on the FakeClient, on `ktk serve` and
// on a cluster (with the real one stopped).
//
// Rollback: apps/v1 has no spec.rollbackTo; `kubectl rollout undo` patches
// spec.template with the template of the target revision's ReplicaSet, which this
// controller then rolls out like any template change (the ReplicaSet found again gets
// the next revision, its old ones in deployment.kubernetes.io/revision-history). The
// annotation `deprecated.deployment.rollback.to: "<revision>"` ("0": the previous one)
// asks the controller itself to copy that template into the Deployment, as kube's does.
//
// Watches: the Deployments, their ReplicaSets (the controller owner's events, and
// orphans matching a Deployment's selector, for adoption), and the deletion or end of
// Pods of a Recreate Deployment's ReplicaSets. Reads are indexed: a reconcile looks at
// the ReplicaSets its Deployment controls (an index by controller uid) and at the
// orphans of its namespace, never at the whole cluster. Conflicts and other API errors
// are returned as errors (retried with the rate limiter), as kube does.
//
//   ktk::client::controller::manager mgr(client, {.clock = &clk});
//   ktk::sim::add_deployment_controller(mgr);
//   ktk::sim::add_replicaset_controller(mgr);
//   mgr.start(stop);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ktk/client/controller/manager.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/client/workqueue/rate_limiter.hpp"
#include "ktk/core/json.hpp"

namespace ktk::sim {

struct deployment_controller_options {
  int workers = 1;
  // The queue's rate limiter for failed reconciles (conflicts, injected errors); the
  // controller runtime's default (5 ms doubling, on the manager's clock) when null.
  // The one public field without a `{}`: with it, g++ 12 at -O2 reports a false
  // -Wmaybe-uninitialized (an -Wall warning) wherever control_plane_options are built
  // with designated initialisers. Name it when you name `workers` under -Wextra.
  std::shared_ptr<client::workqueue::rate_limiter<client::controller::request>> rate_limiter;
};

// Adds the controller (named "deployment") to mgr and returns it. Time (status
// timestamps, progress deadlines, minReadySeconds requeues) is the manager's clock.
std::shared_ptr<client::controller::controller> add_deployment_controller(client::controller::manager& mgr,
                                                                          deployment_controller_options opts = {});

// The pod-template-hash of a Deployment's spec.template with a collisionCount, as
// the label and the ReplicaSet name suffix ("web-" + hash): FNV-1a 32 of the
// template's canonical JSON (and the count, when given), written with
// Kubernetes' safe alphabet (no vowels, no ambiguous characters).
std::string pod_template_hash(const core::json& pod_template, std::optional<std::int32_t> collision_count = {});

}  // namespace ktk::sim
