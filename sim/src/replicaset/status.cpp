// status.cpp — a ReplicaSet's status from its Pods (kube's calculateStatus and
// updateReplicaSetStatus).
#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"
#include "replicaset/context.hpp"
#include "replicaset/pod_ranking.hpp"

namespace ktk::sim::detail {
namespace {

constexpr const char* replica_failure = "ReplicaFailure";

std::int64_t int_at(const core::json& status, const char* field) {
  auto it = status.find(field);
  return it != status.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// Zero counts are left out, as Go's omitempty writes them (replicas is always there).
void put(core::json& status, const char* field, std::int64_t v, bool omit_zero = true) {
  if (v == 0 && omit_zero) {
    status.erase(field);
  } else {
    status[field] = v;
  }
}

const core::json& conditions_of(const core::json& status) {
  static const core::json empty = core::json::array();
  auto it = status.find("conditions");
  return it != status.end() && it->is_array() ? *it : empty;
}

// Every label of the template is on the Pod (kube's fullyLabeledReplicas).
bool fully_labeled(const core::object& pod, const core::json* template_labels) {
  if (!template_labels || !template_labels->is_object()) return true;
  const core::json& labels = pod.labels_json();
  for (const auto& [k, v] : template_labels->items()) {
    if (!labels.is_object()) return false;
    auto it = labels.find(k);
    if (it == labels.end() || *it != v) return false;
  }
  return true;
}

void remove_condition(core::json& status, std::string_view type) {
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return;
  core::json kept = core::json::array();
  for (auto& c : *it) {
    auto t = c.find("type");
    if (t != c.end() && t->is_string() && t->get_ref<const std::string&>() == type) continue;
    kept.push_back(std::move(c));
  }
  if (kept.empty()) {
    status.erase(it);
  } else {
    *it = std::move(kept);
  }
}

}  // namespace

core::result<std::optional<core::clock::duration>> update_status(rs_context& ctx, const core::object& rs,
                                                                 const std::vector<core::object_ptr>& pods,
                                                                 bool managed,
                                                                 const std::optional<core::api_error>& manage_error) {
  const auto now = ctx.clock.now();
  const std::int32_t min_ready = min_ready_seconds(rs);
  const core::json* template_labels = rs.at_path("spec.template.metadata.labels");
  std::int64_t labeled = 0, ready = 0, available = 0;
  std::optional<core::clock::duration> next_available;
  for (const auto& p : pods) {
    if (fully_labeled(*p, template_labels)) ++labeled;
    if (!is_pod_ready(*p)) continue;
    ++ready;
    if (is_pod_available(*p, min_ready, now)) {
      ++available;
    } else if (auto since = pod_ready_since(*p)) {
      auto in = *since + std::chrono::seconds(min_ready) - now;
      if (!next_available || in < *next_available) next_available = in;
    }
  }

  // The new status is worked out on a copy of the status alone: most syncs change
  // nothing, and the whole ReplicaSet is copied only for a write.
  const core::json* current = rs.field("status");
  core::object next(core::json{{"status", current && current->is_object() ? *current : core::json::object()}});
  const core::json old_status = next.data()["status"];

  const bool has_failure = !condition_status(rs, replica_failure).empty();
  if (manage_error && !has_failure) {
    const std::int64_t diff = static_cast<std::int64_t>(pods.size()) - spec_replicas(rs);
    const char* reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    set_condition(next, replica_failure, "True", reason, manage_error->message(), now);
  } else if (managed && !manage_error && has_failure) {
    remove_condition(next.data()["status"], replica_failure);
  }
  core::json& st = next.data()["status"];
  put(st, "replicas", static_cast<std::int64_t>(pods.size()), false);
  put(st, "fullyLabeledReplicas", labeled);
  put(st, "readyReplicas", ready);
  put(st, "availableReplicas", available);

  const bool same = int_at(old_status, "replicas") == int_at(st, "replicas") && old_status.contains("replicas") &&
                    int_at(old_status, "fullyLabeledReplicas") == labeled &&
                    int_at(old_status, "readyReplicas") == ready &&
                    int_at(old_status, "availableReplicas") == available &&
                    int_at(old_status, "observedGeneration") == rs.generation() &&
                    conditions_of(old_status) == conditions_of(st);
  if (same) return next_available;
  put(st, "observedGeneration", rs.generation());
  core::object out = rs;
  out.data()["status"] = std::move(st);
  auto r = ctx.writer.status().update(std::move(out));
  if (!r) return r.error();
  return next_available;
}

}  // namespace ktk::sim::detail
