// manage.cpp — creating and deleting Pods to match spec.replicas (kube's
// manageReplicas, slowStartBatch and GetPodFromTemplate).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"
#include "replicaset/context.hpp"
#include "replicaset/pod_ranking.hpp"

namespace ktk::sim::detail {
namespace {

// kube's SlowStartInitialBatchSize.
constexpr int slow_start_initial_batch = 1;

// Runs `create` count times in batches of 1, 2, 4, ...; a batch with a failure ends
// the run, so that a create that fails (a quota, say) is not tried hundreds of times.
// Returns how many succeeded and the first error.
template <class F>
std::pair<int, std::optional<core::api_error>> slow_start(int count, F&& create) {
  int successes = 0;
  std::optional<core::api_error> first;
  int remaining = count;
  for (int batch = std::min(remaining, slow_start_initial_batch); batch > 0; batch = std::min(2 * batch, remaining)) {
    int failed = 0;
    for (int i = 0; i < batch; ++i) {
      auto r = create();
      if (r) {
        ++successes;
      } else {
        ++failed;
        if (!first) first = r.error();
      }
    }
    if (failed > 0) break;
    remaining -= batch;
  }
  return {successes, std::move(first)};
}

void copy_map(const core::json* from, core::json& meta, const char* field) {
  if (from && from->is_object() && !from->empty()) meta[field] = *from;
}

}  // namespace

core::result<core::object> pod_from_template(const core::object& rs) {
  const core::json* tmpl_meta = rs.at_path("spec.template.metadata");
  const core::json* tmpl_spec = rs.at_path("spec.template.spec");
  core::object pod("v1", "Pod");
  pod.set_namespace(rs.namespace_());
  std::string prefix(rs.name());
  prefix += '-';
  if (prefix.size() > 253) prefix = std::string(rs.name());  // kube's getPodsPrefix
  pod.set_generate_name(prefix);
  core::json& meta = pod.metadata();
  if (tmpl_meta && tmpl_meta->is_object()) {
    copy_map(tmpl_meta->contains("labels") ? &(*tmpl_meta)["labels"] : nullptr, meta, "labels");
    copy_map(tmpl_meta->contains("annotations") ? &(*tmpl_meta)["annotations"] : nullptr, meta, "annotations");
    if (auto f = tmpl_meta->find("finalizers"); f != tmpl_meta->end() && f->is_array() && !f->empty()) {
      meta["finalizers"] = *f;
    }
  }
  if (!meta.contains("labels")) return core::api_error::bad_request("unable to create pods, no labels");
  pod.set_owner_references({controller_ref_to(rs)});
  pod.data()["spec"] = tmpl_spec && tmpl_spec->is_object() ? *tmpl_spec : core::json::object();
  return pod;
}

core::result<void> manage_replicas(rs_context& ctx, const core::object& rs, const std::vector<core::object_ptr>& pods) {
  const std::string key = key_of(rs);
  const std::string_view uid = rs.uid();
  const std::int64_t diff = static_cast<std::int64_t>(pods.size()) - spec_replicas(rs);
  const std::int64_t burst = std::max(1, ctx.opts.burst_replicas);

  if (diff < 0) {
    auto pod = pod_from_template(rs);
    if (!pod) return pod.error();
    const int n = static_cast<int>(std::min(-diff, burst));
    // Recorded before the first create: the informer may report a new Pod before
    // create() returns.
    ctx.exp.expect_creations(key, uid, n, ctx.clock.now());
    auto [created, err] = slow_start(n, [&] { return ctx.writer.create(core::object(*pod)); });
    // Pods that failed or were never tried will never be observed.
    for (int i = created; i < n; ++i) ctx.exp.creation_observed(key, uid);
    if (err) return *err;
    return {};
  }
  if (diff > 0) {
    const auto n = static_cast<std::size_t>(std::min(diff, burst));
    auto victims = pods_to_delete(pods, ctx.related_pods(rs), n);
    std::vector<std::string> keys;
    keys.reserve(victims.size());
    for (const auto& p : victims) keys.push_back(key_of(*p));
    ctx.exp.expect_deletions(key, uid, keys, ctx.clock.now());
    std::optional<core::api_error> first;
    for (std::size_t i = 0; i < victims.size(); ++i) {
      auto r = ctx.writer.remove(pod_kind, victims[i]->key());
      if (r) continue;
      // The informer will not report this deletion.
      ctx.exp.deletion_observed(key, uid, keys[i]);
      if (!core::is_not_found(r.error()) && !first) first = r.error();
    }
    if (first) return *first;
  }
  return {};
}

}  // namespace ktk::sim::detail
