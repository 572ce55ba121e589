// deployment/util.hpp — the Deployment controller's helpers on unstructured objects
// (kube's pkg/controller/deployment/util): annotation and label keys, condition
// reasons, spec accessors with apps/v1 defaults, maxSurge / maxUnavailable
// fenceposts, replica sums, revisions, ReplicaSet orderings, template comparison and
// Deployment conditions (which, unlike core/v1 ones, carry lastUpdateTime).
//
//   auto [surge, unavailable] = resolve_fenceposts(d);
//   if (equal_ignore_hash(rs_template(*rs), d_template(d))) ...
//
// Plain functions; no state, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/clock.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim::deployment_detail {

using rs_list = std::vector<core::object_ptr>;

// ---- keys ----
inline constexpr std::string_view hash_label = "pod-template-hash";
inline constexpr std::string_view revision_annotation = "deployment.kubernetes.io/revision";
inline constexpr std::string_view revision_history_annotation = "deployment.kubernetes.io/revision-history";
inline constexpr std::string_view desired_replicas_annotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr std::string_view max_replicas_annotation = "deployment.kubernetes.io/max-replicas";
inline constexpr std::string_view rollback_to_annotation = "deprecated.deployment.rollback.to";
inline constexpr std::string_view last_applied_annotation = "kubectl.kubernetes.io/last-applied-configuration";
// kube's maxRevHistoryLengthInChars.
inline constexpr std::size_t max_revision_history_chars = 2000;

// ---- condition types and reasons (kube's util constants) ----
inline constexpr std::string_view cond_available = "Available";
inline constexpr std::string_view cond_progressing = "Progressing";
inline constexpr std::string_view cond_replica_failure = "ReplicaFailure";
inline constexpr std::string_view reason_min_available = "MinimumReplicasAvailable";
inline constexpr std::string_view reason_min_unavailable = "MinimumReplicasUnavailable";
inline constexpr std::string_view reason_new_rs_created = "NewReplicaSetCreated";
inline constexpr std::string_view reason_found_new_rs = "FoundNewReplicaSet";
inline constexpr std::string_view reason_rs_updated = "ReplicaSetUpdated";
inline constexpr std::string_view reason_new_rs_available = "NewReplicaSetAvailable";
inline constexpr std::string_view reason_timed_out = "ProgressDeadlineExceeded";
inline constexpr std::string_view reason_paused = "DeploymentPaused";
inline constexpr std::string_view reason_resumed = "DeploymentResumed";
inline constexpr std::string_view reason_rs_create_error = "ReplicaSetCreateError";

// ---- spec accessors (apps/v1 defaults when a field is absent) ----
// An integer at a dotted path, or `def` when absent or not an integer.
std::int64_t int_at(const core::object& o, std::string_view path, std::int64_t def = 0);
// spec.replicas (default 1) of a Deployment or ReplicaSet.
std::int32_t spec_replicas(const core::object& o);
// status.<field> of a ReplicaSet or Deployment (0 when absent).
std::int32_t status_int(const core::object& o, std::string_view field);
bool is_recreate(const core::object& d);
bool is_rolling_update(const core::object& d);
bool is_paused(const core::object& d);
std::int32_t min_ready_seconds(const core::object& d);
// spec.revisionHistoryLimit (default 10); nullopt means keep everything.
std::optional<std::int32_t> revision_history_limit(const core::object& d);
// spec.progressDeadlineSeconds (default 600); nullopt when MaxInt32 (no deadline).
std::optional<std::int32_t> progress_deadline_seconds(const core::object& d);
// A copy of status (an empty object when absent or not an object).
core::json status_copy(const core::object& o);
// spec.template (null JSON when absent).
const core::json& pod_template(const core::object& o);

// ---- fenceposts ----
// An IntOrString scaled against total: ints as they are, "N%" of total rounded up or
// down; nullopt for anything else.
std::optional<std::int32_t> scaled_value(const core::json* v, std::int32_t total, bool round_up);
struct fenceposts {
  std::int32_t surge = 0;
  std::int32_t unavailable = 0;
};
// maxSurge (rounded up) and maxUnavailable (rounded down) against spec.replicas,
// defaults 25%; when both come to 0, unavailable is 1 (kube's ResolveFenceposts).
fenceposts resolve_fenceposts(const core::object& d);
// 0 unless RollingUpdate.
std::int32_t max_surge(const core::object& d);
// 0 unless RollingUpdate with replicas > 0; at most spec.replicas.
std::int32_t max_unavailable(const core::object& d);

// The size a rollout may give the new ReplicaSet now (kube's NewRSNewReplicas): up to
// spec.replicas + maxSurge pods in all for RollingUpdate, spec.replicas for Recreate.
std::int32_t new_rs_new_replicas(const core::object& d, const rs_list& all, const core::object& new_rs);

// ---- replica sums (null entries skipped) ----
std::int32_t sum_spec_replicas(const rs_list& rss);
std::int32_t sum_status(const rs_list& rss, std::string_view field);
// Entries with spec.replicas > 0.
rs_list filter_active(const rs_list& rss);

// ---- revisions ----
// The revision annotation: 0 when absent, nullopt when not a number.
std::optional<std::int64_t> revision_of(const core::object& o);
std::int64_t max_revision(const rs_list& rss);
// The second largest revision (kube's LastRevision: the one before the newest).
std::int64_t last_revision(const rs_list& rss);

// ---- orderings ----
// Oldest first, ties by name (kube's ReplicaSetsByCreationTimestamp).
bool older(const core::object& a, const core::object& b);
void sort_by_creation(rs_list& rss);
// Largest first; ties newer first (scaling up) or older first (scaling down).
void sort_by_size_newer(rs_list& rss);
void sort_by_size_older(rs_list& rss);
// Lowest revision first; ties by creation (kube's ReplicaSetsByRevision).
void sort_by_revision(rs_list& rss);

// ---- templates ----
// Equal once the pod-template-hash label is dropped from both (an empty label map
// equals none).
bool equal_ignore_hash(const core::json& t1, const core::json& t2);

// ---- annotations ----
// Whether the Deployment annotation k is one a ReplicaSet never copies.
bool skip_copy_annotation(std::string_view k);
// Sets desired-replicas and max-replicas; returns whether they changed.
bool set_replicas_annotations(core::object& rs, std::int32_t desired, std::int32_t max);
bool replicas_annotations_need_update(const core::object& rs, std::int32_t desired, std::int32_t max);
// kube's SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the
// revision to new_revision (keeping the history when it had one), and on a new
// ReplicaSet sets the replicas annotations. Returns whether anything changed.
bool set_new_rs_annotations(const core::object& d, core::object& rs, std::int64_t new_revision, bool exists);
// The desired-replicas annotation, when present and a number.
std::optional<std::int32_t> desired_replicas_annotation_of(const core::object& rs);
std::optional<std::int32_t> max_replicas_annotation_of(const core::object& rs);

// ---- Deployment conditions (in a status JSON object) ----
const core::json* find_condition(const core::json& status, std::string_view type);
core::json new_condition(std::string_view type, std::string_view status, std::string_view reason,
                         std::string_view message, core::clock::time_point now);
// kube's SetDeploymentCondition: nothing when status and reason are unchanged; keeps
// lastTransitionTime when the status is; otherwise the condition moves to the end.
void set_condition(core::json& status, core::json cond);
void remove_condition(core::json& status, std::string_view type);

}  // namespace ktk::sim::deployment_detail
