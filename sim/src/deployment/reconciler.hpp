// deployment/reconciler.hpp — the Deployment controller's reconciler (kube's
// DeploymentController), split over several files as kube's is:
//   deployment_controller.cpp  wiring, reconcile(), adoption and release
//   sync.cpp                   new / old ReplicaSets, revisions, scaling, cleanup
//   rolling.cpp, recreate.cpp  the two strategies
//   rollback.cpp               the deprecated rollback annotation
//   status.cpp                 status, conditions, progress deadline
//
// Reads come from the manager's informers (listers and indexes), writes go to the
// server through the manager's client. reconcile() is called for one Deployment at a
// time per key (the controller guarantees it); the informers are thread-safe, so
// several workers may run it for different keys.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "deployment/util.hpp"
#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/core/label_selector.hpp"

namespace ktk::sim::deployment_detail {

namespace ctl = client::controller;
template <class T>
using result = core::result<T>;

// Index of ReplicaSets and Pods by their controller's uid.
inline constexpr std::string_view controller_uid_index = "ktk.sim.deployment/controller-uid";
// Index of ReplicaSets without a controller, by namespace (adoption candidates).
inline constexpr std::string_view orphans_index = "ktk.sim.deployment/orphans";

// One sync of one Deployment: the working copy (its status edited in place, and
// written once, at the end of the sync, when it differs from what the server has),
// and the earliest requeue asked for.
struct sync_state {
  core::object d;
  core::clock::time_point now;
  std::optional<std::chrono::nanoseconds> requeue;
  core::json written;  // the status the server holds for d's resourceVersion

  void requeue_after(std::chrono::nanoseconds after) {
    if (!requeue || after < *requeue) requeue = after;
  }
};

// The Deployment's new ReplicaSet (null when there is none yet) and all the others.
struct rs_split {
  core::object_ptr new_rs;
  rs_list old;
  // old and new_rs together (no null).
  rs_list all() const {
    rs_list a = old;
    if (new_rs) a.push_back(new_rs);
    return a;
  }
};

class deployment_reconciler final : public ctl::reconciler {
 public:
  // Takes the manager's informers for Deployments, ReplicaSets and Pods and adds the
  // indexes above to the last two.
  explicit deployment_reconciler(ctl::manager& mgr);

  ctl::outcome reconcile(const ctl::request& req, std::stop_token stop) override;

  // For a ReplicaSet without a controller: the Deployments of its namespace whose
  // selector matches its labels (they may adopt it). Thread-safe.
  std::vector<ctl::request> deployments_for_orphan(const core::object& rs) const;
  // For a Pod controlled by a ReplicaSet controlled by a Recreate Deployment: that
  // Deployment (it waits for the old Pods to go). Thread-safe.
  std::vector<ctl::request> recreate_deployment_of_pod(const core::object& pod) const;

 private:
  // deployment_controller.cpp
  result<void> sync_deployment(sync_state& s, const core::label_selector& sel);
  result<rs_list> claim_replicasets(sync_state& s, const core::label_selector& sel);
  result<void> can_adopt(const sync_state& s);

  // sync.cpp
  result<rs_split> get_all_and_sync_revision(sync_state& s, const rs_list& rss, bool create);
  result<core::object_ptr> get_new_rs(sync_state& s, const rs_list& rss, const rs_list& old, bool create);
  result<core::object_ptr> create_new_rs(sync_state& s, const rs_list& old, std::int64_t revision);
  result<void> sync(sync_state& s, const rs_list& rss);
  result<void> scale(sync_state& s, const core::object_ptr& new_rs, rs_list old);
  // Whether an active ReplicaSet was sized for another spec.replicas. The new
  // ReplicaSet it may have updated replaces its stale copy in rss.
  result<bool> is_scaling_event(sync_state& s, rs_list& rss);
  result<void> check_paused_conditions(sync_state& s);
  result<void> cleanup(sync_state& s, const rs_list& old);
  // To n replicas, if it is not there already; (scaled, the ReplicaSet now).
  result<std::pair<bool, core::object_ptr>> scale_rs_and_record(sync_state& s, const core::object_ptr& rs,
                                                                std::int32_t n);
  // To n replicas with up-to-date replicas annotations, written when either changes.
  result<std::pair<bool, core::object_ptr>> scale_replica_set(sync_state& s, const core::object_ptr& rs,
                                                              std::int32_t n);

  // status.cpp
  core::json calculate_status(const sync_state& s, const rs_list& all, const core::object_ptr& new_rs) const;
  result<void> sync_deployment_status(sync_state& s, const rs_list& all, const core::object_ptr& new_rs);
  result<void> sync_rollout_status(sync_state& s, const rs_list& all, const core::object_ptr& new_rs);
  // The Deployment's status from now on in this sync (kube writes it at once; here
  // the writes of one sync are one, made by flush_status).
  void set_status(sync_state& s, const core::json& status) const;
  // Writes s.d's status through /status when it differs from s.written; s.d becomes
  // the answer.
  result<void> flush_status(sync_state& s);
  // The revision annotation of the Deployment: a merge patch conditional on s.d's
  // resourceVersion (ktk's /status keeps metadata as it was, where kube's takes
  // annotations); s.d becomes the answer.
  result<void> write_revision(sync_state& s, std::string_view revision);
  // Requeues for the progress deadline and for minReadySeconds.
  void requeue_for_time(sync_state& s, const rs_list& all) const;

  // rolling.cpp
  result<void> rollout_rolling(sync_state& s, const rs_list& rss);
  result<bool> reconcile_new_rs(sync_state& s, const rs_list& all, const core::object_ptr& new_rs);
  result<bool> reconcile_old_rss(sync_state& s, const rs_list& all, rs_list old, const core::object_ptr& new_rs);
  result<std::int32_t> cleanup_unhealthy(sync_state& s, rs_list& old, std::int32_t max_cleanup);
  result<std::int32_t> scale_down_old_for_rolling(sync_state& s, const rs_list& all, rs_list old);

  // recreate.cpp
  result<void> rollout_recreate(sync_state& s, const rs_list& rss);
  bool old_pods_running(const core::object_ptr& new_rs, const rs_list& old) const;

  // rollback.cpp
  result<void> rollback(sync_state& s, const rs_list& rss, std::int64_t to);
  result<void> update_and_clear_rollback_to(sync_state& s);

  ctl::manager& mgr_;
  client::client& client_;  // writes (to the server)
  core::clock& clock_;
  std::shared_ptr<client::cache::shared_informer> deployments_;
  std::shared_ptr<client::cache::shared_informer> replicasets_;
  std::shared_ptr<client::cache::shared_informer> pods_;
};

// The oldest ReplicaSet whose template is the Deployment's (kube's FindNewReplicaSet).
core::object_ptr find_new_rs(const core::object& d, const rs_list& rss);

}  // namespace ktk::sim::deployment_detail
