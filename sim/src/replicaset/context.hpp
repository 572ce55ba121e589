// context.hpp — what the ReplicaSet controller's pieces share: the manager's
// informers and clients, the expectations, and lookups over the informers' indexes.
//
// Everything here is thread-safe: the informers and clients are, and expectations
// guard themselves. Reconciles of one ReplicaSet never overlap (the work queue).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/client.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/core/label_selector.hpp"
#include "ktk/sim/replicaset_controller.hpp"
#include "replicaset/expectations.hpp"

namespace ktk::sim::detail {

// Pods by the uid of their controller; Pods without a controller under
// orphan_index_key(namespace) (kube's PodControllerUIDIndex).
inline constexpr const char* pod_controller_index = "sim.replicaset/pod-controller-uid";
// ReplicaSets by the uid of their controller (a Deployment).
inline constexpr const char* rs_controller_index = "sim.replicaset/rs-controller-uid";
std::string orphan_index_key(std::string_view ns);

struct rs_context {
  client::client& writer;      // writes go to the server (the manager's client)
  client::client& api_reader;  // live reads (the adoption recheck)
  std::shared_ptr<client::cache::shared_informer> replicasets;
  std::shared_ptr<client::cache::shared_informer> pods;
  core::clock& clock;
  replicaset_controller_options opts;
  expectations exp;

  // The ReplicaSet a controller reference of a Pod in ns names, when it is in the
  // cache with that uid (kube's resolveControllerRef).
  core::object_ptr resolve_controller_ref(std::string_view ns, const core::owner_reference& ref) const;
  // The cached ReplicaSets of pod's namespace whose selector matches its labels
  // (kube's getPodReplicaSets, for orphans).
  std::vector<core::object_ptr> replicasets_matching(const core::object& pod) const;
  // Pods controlled by rs, then the orphans of its namespace (kube's FilterPodsByOwner).
  std::vector<core::object_ptr> pods_of(const core::object& rs) const;
  // Pods controlled by the ReplicaSets that share rs's controller (rs included); empty
  // when rs has no controller (kube's getIndirectlyRelatedPods).
  std::vector<core::object_ptr> related_pods(const core::object& rs) const;
};

// "ns/name" of an object (the cache key and the expectations key).
std::string key_of(const core::object& o);
// The controller reference a ReplicaSet puts on its Pods.
core::owner_reference controller_ref_to(const core::object& rs);
// spec.replicas (1 when absent), spec.minReadySeconds (0 when absent).
std::int64_t spec_replicas(const core::object& rs);
std::int32_t min_ready_seconds(const core::object& rs);
// The selector of rs (spec.selector as metav1.LabelSelector).
core::result<core::label_selector> selector_of(const core::object& rs);

// Claims pods for rs as kube's PodControllerRefManager.ClaimPods does: keeps those it
// controls that match, adopts matching orphans (after a live recheck that rs is not
// being deleted), releases those it controls that no longer match. Returns the Pods
// it now controls; an error when an adoption or release failed.
core::result<std::vector<core::object_ptr>> claim_pods(rs_context& ctx, const core::object& rs,
                                                       const core::label_selector& sel,
                                                       const std::vector<core::object_ptr>& pods);

// Creates or deletes Pods to bring `pods` (active, claimed) to spec.replicas, at most
// opts.burst_replicas, recording expectations first. The error of the first failed write.
core::result<void> manage_replicas(rs_context& ctx, const core::object& rs, const std::vector<core::object_ptr>& pods);

// The Pod a ReplicaSet creates from its template (kube's GetPodFromTemplate).
core::result<core::object> pod_from_template(const core::object& rs);

// Status: computes it from the claimed Pods and writes it through /status when it
// differs. `manage_error` sets the ReplicaFailure condition; a manage_replicas that
// ran (`managed`) without error clears it (kube also clears it on a sync that waited
// for expectations; here it stays until creates succeed again). Returns the time
// until the next Pod becomes available (when one is ready but not yet for
// minReadySeconds), or an error from the write.
core::result<std::optional<core::clock::duration>> update_status(rs_context& ctx, const core::object& rs,
                                                                 const std::vector<core::object_ptr>& pods,
                                                                 bool managed,
                                                                 const std::optional<core::api_error>& manage_error);

}  // namespace ktk::sim::detail
