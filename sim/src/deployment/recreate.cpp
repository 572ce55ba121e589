// kube's recreate.go: every old ReplicaSet to 0, wait until none of their Pods
// runs, then the new ReplicaSet (created only now) to full size.
#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::deployment_detail {

result<void> deployment_reconciler::rollout_recreate(sync_state& s, const rs_list& rss) {
  // No new ReplicaSet yet: it must not scale up before the old ones are down.
  auto split = get_all_and_sync_revision(s, rss, false);
  if (!split) return split.error();
  rs_list all = split->all();

  bool scaled_down = false;
  for (const auto& rs : filter_active(split->old)) {
    auto r = scale_rs_and_record(s, rs, 0);
    if (!r) return r.error();
    scaled_down = scaled_down || r->first;
  }
  if (scaled_down) return sync_rollout_status(s, all, split->new_rs);
  if (old_pods_running(split->new_rs, split->old)) return sync_rollout_status(s, all, split->new_rs);

  if (!split->new_rs) {
    split = get_all_and_sync_revision(s, rss, true);
    if (!split) return split.error();
    all = split->all();
  }
  if (split->new_rs) {
    auto r = scale_rs_and_record(s, split->new_rs, spec_replicas(s.d));
    if (!r) return r.error();
  }
  core::json st = status_copy(s.d);
  std::int64_t want = spec_replicas(s.d);
  auto at = [&](const char* k) { return st.contains(k) && st[k].is_number_integer() ? st[k].get<std::int64_t>() : 0; };
  if (at("updatedReplicas") == want && at("replicas") == want && at("availableReplicas") == want &&
      at("observedGeneration") >= s.d.generation()) {
    if (auto r = cleanup(s, split->old); !r) return r;
  }
  return sync_rollout_status(s, all, split->new_rs);
}

bool deployment_reconciler::old_pods_running(const core::object_ptr& new_rs, const rs_list& old) const {
  if (sum_status(old, "replicas") > 0) return true;
  const auto& pods = pods_->get_indexer();
  for (const auto& rs : old) {
    if (new_rs && rs->uid() == new_rs->uid()) continue;
    for (const auto& pod : pods.by_index(controller_uid_index, rs->uid())) {
      // Terminal Pods run no more; anything else (Unknown included) may still run.
      if (!is_pod_terminal(*pod)) return true;
    }
  }
  return false;
}

}  // namespace ktk::sim::deployment_detail
