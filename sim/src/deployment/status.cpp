// kube's progress.go and calculateStatus: the status counts, the Available and
// Progressing conditions, the progress deadline, and when to look again.
#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"
#include "ktk/core/field_error.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::deployment_detail {

namespace {

using namespace std::chrono_literals;

constexpr std::array<const char*, 6> count_fields = {"observedGeneration", "replicas",          "updatedReplicas",
                                                     "readyReplicas",      "availableReplicas", "unavailableReplicas"};

std::int64_t json_int(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string json_str(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The status as kube serialises it (zero counts and no conditions left out), so that
// a status read back compares equal to the one written.
core::json canonical(core::json st) {
  if (!st.is_object()) st = core::json::object();
  for (const char* f : count_fields) {
    if (json_int(st, f) == 0) st.erase(f);
  }
  if (auto c = st.find("conditions"); c != st.end() && (!c->is_array() || c->empty())) st.erase(c);
  return st;
}

// kube's DeploymentComplete.
bool complete(const core::object& d, const core::json& st) {
  std::int64_t want = spec_replicas(d);
  return json_int(st, "updatedReplicas") == want && json_int(st, "replicas") == want &&
         json_int(st, "availableReplicas") == want && json_int(st, "observedGeneration") >= d.generation();
}

// kube's DeploymentProgressing: more updated, ready or available Pods, or fewer old ones.
bool progressing(const core::object& d, const core::json& st) {
  core::json old = status_copy(d);
  std::int64_t old_old = json_int(old, "replicas") - json_int(old, "updatedReplicas");
  std::int64_t new_old = json_int(st, "replicas") - json_int(st, "updatedReplicas");
  return json_int(st, "updatedReplicas") > json_int(old, "updatedReplicas") || new_old < old_old ||
         json_int(st, "readyReplicas") > json_int(old, "readyReplicas") ||
         json_int(st, "availableReplicas") > json_int(old, "availableReplicas");
}

// kube's DeploymentTimedOut: the Progressing condition was last updated longer than
// the deadline ago.
bool timed_out(const core::object& d, const core::json& st, core::clock::time_point now) {
  auto deadline = progress_deadline_seconds(d);
  const core::json* cond = find_condition(st, cond_progressing);
  if (!deadline || !cond) return false;
  std::string reason = json_str(*cond, "reason");
  if (reason == reason_new_rs_available) return false;
  if (reason == reason_timed_out) return true;
  auto from = core::parse_rfc3339(json_str(*cond, "lastUpdateTime"));
  if (!from) return false;
  return *from + std::chrono::seconds(*deadline) < now;
}

// The ReplicaFailure conditions of the new ReplicaSet, else of the others.
core::json replica_failure(const rs_list& all, const core::object_ptr& new_rs) {
  auto of = [](const core::object& rs) -> core::json {
    const core::json st = status_copy(rs);  // find_condition points into it
    const core::json* c = find_condition(st, cond_replica_failure);
    if (!c) return nullptr;
    return core::json{{"type", cond_replica_failure},
                      {"status", json_str(*c, "status")},
                      {"reason", json_str(*c, "reason")},
                      {"message", json_str(*c, "message")},
                      {"lastUpdateTime", json_str(*c, "lastTransitionTime")},
                      {"lastTransitionTime", json_str(*c, "lastTransitionTime")}};
  };
  if (new_rs) {
    if (auto c = of(*new_rs); !c.is_null()) return c;
  }
  for (const auto& rs : all) {
    if (auto c = of(*rs); !c.is_null()) return c;
  }
  return nullptr;
}

}  // namespace

core::json deployment_reconciler::calculate_status(const sync_state& s, const rs_list& all,
                                                   const core::object_ptr& new_rs) const {
  std::int32_t available = sum_status(all, "availableReplicas");
  std::int32_t unavailable = std::max(0, sum_spec_replicas(all) - available);
  core::json old = status_copy(s.d);
  core::json st = {{"observedGeneration", s.d.generation()},
                   {"replicas", sum_status(all, "replicas")},
                   {"updatedReplicas", new_rs ? status_int(*new_rs, "replicas") : 0},
                   {"readyReplicas", sum_status(all, "readyReplicas")},
                   {"availableReplicas", available},
                   {"unavailableReplicas", unavailable}};
  if (auto cc = old.find("collisionCount"); cc != old.end()) st["collisionCount"] = *cc;
  if (auto c = old.find("conditions"); c != old.end() && c->is_array()) st["conditions"] = *c;
  if (available >= spec_replicas(s.d) - max_unavailable(s.d)) {
    set_condition(st, new_condition(cond_available, "True", reason_min_available, "Deployment has minimum availability.",
                                    s.now));
  } else {
    set_condition(st, new_condition(cond_available, "False", reason_min_unavailable,
                                    "Deployment does not have minimum availability.", s.now));
  }
  return st;
}

result<void> deployment_reconciler::sync_deployment_status(sync_state& s, const rs_list& all,
                                                           const core::object_ptr& new_rs) {
  set_status(s, calculate_status(s, all, new_rs));
  requeue_for_time(s, all);
  return {};
}

result<void> deployment_reconciler::sync_rollout_status(sync_state& s, const rs_list& all,
                                                        const core::object_ptr& new_rs) {
  core::json st = calculate_status(s, all, new_rs);
  auto deadline = progress_deadline_seconds(s.d);
  if (!deadline) remove_condition(st, cond_progressing);
  core::json cur_status = status_copy(s.d);
  const core::json* cur = find_condition(cur_status, cond_progressing);
  bool rollout_done = json_int(st, "replicas") == json_int(st, "updatedReplicas") && cur &&
                      json_str(*cur, "reason") == reason_new_rs_available;
  if (deadline && !rollout_done) {
    std::string who = new_rs ? "ReplicaSet " + core::quote(std::string(new_rs->name()))
                             : "Deployment " + core::quote(std::string(s.d.name()));
    if (complete(s.d, st)) {
      set_condition(st, new_condition(cond_progressing, "True", reason_new_rs_available,
                                      who + " has successfully progressed.", s.now));
    } else if (progressing(s.d, st)) {
      // Progress moves lastUpdateTime even with the same reason (and keeps the
      // transition time while the status stays True).
      core::json c = new_condition(cond_progressing, "True", reason_rs_updated, who + " is progressing.", s.now);
      if (cur && json_str(*cur, "status") == "True") c["lastTransitionTime"] = json_str(*cur, "lastTransitionTime");
      remove_condition(st, cond_progressing);
      set_condition(st, std::move(c));
    } else if (timed_out(s.d, st, s.now)) {
      set_condition(st, new_condition(cond_progressing, "False", reason_timed_out,
                                      who + " has timed out progressing.", s.now));
    }
  }
  if (auto f = replica_failure(all, new_rs); !f.is_null()) {
    set_condition(st, std::move(f));
  } else {
    remove_condition(st, cond_replica_failure);
  }
  set_status(s, st);
  requeue_for_time(s, all);
  return {};
}

void deployment_reconciler::requeue_for_time(sync_state& s, const rs_list& all) const {
  // The progress deadline (kube's requeueStuckDeployment), one second past it: the
  // timestamps have second precision and the deadline must have passed. Unlike kube,
  // not for a finished rollout that lost Pods (NewReplicaSetAvailable never times out,
  // kube would only spin on it) nor while paused.
  core::json st = status_copy(s.d);
  auto deadline = progress_deadline_seconds(s.d);
  const core::json* cur = find_condition(st, cond_progressing);
  std::string reason = cur ? json_str(*cur, "reason") : "";
  if (deadline && cur && !complete(s.d, st) && reason != reason_timed_out && reason != reason_new_rs_available &&
      reason != reason_paused && !is_paused(s.d)) {
    if (auto from = core::parse_rfc3339(json_str(*cur, "lastUpdateTime"))) {
      auto after = *from + std::chrono::seconds(*deadline) - s.now;
      s.requeue_after(std::max<std::chrono::nanoseconds>(after, 0s) + 1s);
    }
  }
  // Pods ready but not yet available for minReadySeconds: the ReplicaSet controller
  // will report them available by then; look again rather than wait for an event.
  if (std::int32_t mrs = min_ready_seconds(s.d); mrs > 0) {
    for (const auto& rs : all) {
      if (status_int(*rs, "readyReplicas") > status_int(*rs, "availableReplicas")) {
        s.requeue_after(std::chrono::seconds(mrs));
        break;
      }
    }
  }
}

void deployment_reconciler::set_status(sync_state& s, const core::json& status) const {
  s.d.data()["status"] = canonical(status);
}

result<void> deployment_reconciler::flush_status(sync_state& s) {
  core::json want = canonical(status_copy(s.d));
  if (want == canonical(s.written)) return {};
  // The sync's last step: s.d is not read again if the write fails.
  auto u = client_.status().update(std::move(s.d));
  if (!u) return u.error();
  s.d = **u;
  s.written = status_copy(s.d);
  return {};
}

result<void> deployment_reconciler::write_revision(sync_state& s, std::string_view revision) {
  if (s.d.annotation(revision_annotation) == revision) return {};
  // The resourceVersion makes the patch conditional: from a stale copy it is a conflict,
  // not an annotation written over newer state this sync would then build on.
  core::json patch = {{"metadata",
                       {{"resourceVersion", s.d.resource_version()},
                        {"annotations", {{std::string(revision_annotation), revision}}}}}};
  auto u = client_.patch(deployment_kind, s.d.key(), core::patch_type::merge_patch, patch);
  if (!u) return u.error();
  core::json working = status_copy(s.d);  // not written yet
  s.d = **u;
  s.d.data()["status"] = std::move(working);
  return {};
}

}  // namespace ktk::sim::deployment_detail
