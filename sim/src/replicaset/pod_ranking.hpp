// pod_ranking.hpp — which Pods a ReplicaSet deletes first when it scales down
// (kube's ActivePodsWithRanks and getPodsToDelete).
//
// Order, most deletable first: unscheduled before scheduled; Pending before Unknown
// before Running; not ready before ready; lower pod-deletion-cost annotation first;
// more related active Pods on the same node first (a node doubled up); ready for a
// shorter time first; more container restarts first; newer first.
//
//   auto victims = ktk::sim::detail::pods_to_delete(active_pods, related_pods, 2);
//
// Plain functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim::detail {

// The annotation that orders Pods of equal standing (an int32; invalid counts as 0).
inline constexpr const char* pod_deletion_cost_annotation = "controller.kubernetes.io/pod-deletion-cost";

// When the Pod's Ready condition last became True (nullopt when not ready or unknown).
std::optional<core::clock::time_point> pod_ready_since(const core::object& pod);

// Whether a should be deleted before b. rank_*: the number of related active Pods on
// the node of each (more = deleted first).
bool delete_before(const core::object& a, int rank_a, const core::object& b, int rank_b);

// The first n Pods of `pods` in deletion order (all of them, in their order, when n
// covers them). `related`: the active Pods of the ReplicaSets that share this one's
// controller, used for the per-node rank.
std::vector<core::object_ptr> pods_to_delete(std::vector<core::object_ptr> pods,
                                             const std::vector<core::object_ptr>& related, std::size_t n);

}  // namespace ktk::sim::detail
