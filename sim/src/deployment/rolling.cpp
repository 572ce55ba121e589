// kube's rolling.go: scale the new ReplicaSet up within maxSurge, the old ones down
// within maxUnavailable (unhealthy replicas first), then clean up and report.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"

namespace ktk::sim::deployment_detail {

result<void> deployment_reconciler::rollout_rolling(sync_state& s, const rs_list& rss) {
  auto split = get_all_and_sync_revision(s, rss, true);
  if (!split) return split.error();
  rs_list all = split->all();

  auto up = reconcile_new_rs(s, all, split->new_rs);
  if (!up) return up.error();
  if (*up) return sync_rollout_status(s, all, split->new_rs);

  auto down = reconcile_old_rss(s, all, filter_active(split->old), split->new_rs);
  if (!down) return down.error();
  if (*down) return sync_rollout_status(s, all, split->new_rs);

  // As kube: "complete" by the status as it was when this sync began.
  core::json st = status_copy(s.d);
  std::int32_t want = spec_replicas(s.d);
  auto at = [&](const char* k) { return st.contains(k) && st[k].is_number_integer() ? st[k].get<std::int64_t>() : 0; };
  if (at("updatedReplicas") == want && at("replicas") == want && at("availableReplicas") == want &&
      at("observedGeneration") >= s.d.generation()) {
    if (auto r = cleanup(s, split->old); !r) return r;
  }
  return sync_rollout_status(s, all, split->new_rs);
}

result<bool> deployment_reconciler::reconcile_new_rs(sync_state& s, const rs_list& all,
                                                     const core::object_ptr& new_rs) {
  std::int32_t want = spec_replicas(s.d);
  if (!new_rs || spec_replicas(*new_rs) == want) return false;
  std::int32_t target = spec_replicas(*new_rs) > want ? want : new_rs_new_replicas(s.d, all, *new_rs);
  auto r = scale_rs_and_record(s, new_rs, target);
  if (!r) return r.error();
  return r->first;
}

result<bool> deployment_reconciler::reconcile_old_rss(sync_state& s, const rs_list& all, rs_list old,
                                                      const core::object_ptr& new_rs) {
  if (sum_spec_replicas(old) == 0) return false;  // nothing left to scale down
  std::int32_t min_available = spec_replicas(s.d) - max_unavailable(s.d);
  std::int32_t new_unavailable =
      new_rs ? spec_replicas(*new_rs) - status_int(*new_rs, "availableReplicas") : 0;
  // What can go without dropping below minAvailable, counting the new ReplicaSet's
  // unavailable Pods as already missing.
  std::int32_t max_scaled_down = sum_spec_replicas(all) - min_available - new_unavailable;
  if (max_scaled_down <= 0) return false;

  auto cleaned = cleanup_unhealthy(s, old, max_scaled_down);
  if (!cleaned) return cleaned.error();
  rs_list now = old;
  if (new_rs) now.push_back(new_rs);
  auto scaled = scale_down_old_for_rolling(s, now, old);
  if (!scaled) return scaled.error();
  return *cleaned + *scaled > 0;
}

result<std::int32_t> deployment_reconciler::cleanup_unhealthy(sync_state& s, rs_list& old,
                                                              std::int32_t max_cleanup) {
  // Unavailable replicas of old ReplicaSets go first: removing them costs no
  // availability (the ReplicaSet controller deletes not-ready Pods first).
  sort_by_creation(old);
  std::int32_t total = 0;
  for (auto& rs : old) {
    if (total >= max_cleanup) break;
    std::int32_t replicas = spec_replicas(*rs), available = status_int(*rs, "availableReplicas");
    if (replicas == 0 || replicas == available) continue;
    std::int32_t down = std::min(max_cleanup - total, replicas - available);
    if (down <= 0) continue;  // more available than wanted: nothing unhealthy to drop
    auto r = scale_rs_and_record(s, rs, replicas - down);
    if (!r) return r.error();
    total += down;
    rs = r->second;
  }
  return total;
}

result<std::int32_t> deployment_reconciler::scale_down_old_for_rolling(sync_state& s, const rs_list& all,
                                                                       rs_list old) {
  std::int32_t min_available = spec_replicas(s.d) - max_unavailable(s.d);
  std::int32_t available = sum_status(all, "availableReplicas");
  if (available <= min_available) return 0;
  sort_by_creation(old);
  std::int32_t total = 0, budget = available - min_available;
  for (const auto& rs : old) {
    if (total >= budget) break;
    std::int32_t replicas = spec_replicas(*rs);
    if (replicas == 0) continue;
    std::int32_t down = std::min(replicas, budget - total);
    auto r = scale_rs_and_record(s, rs, replicas - down);
    if (!r) return r.error();
    total += down;
  }
  return total;
}

}  // namespace ktk::sim::deployment_detail
