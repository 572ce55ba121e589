// kube's rollback.go, for the annotation `deprecated.deployment.rollback.to`: copy
// the template of the ReplicaSet with the target revision (0: the one before the
// newest) into the Deployment and drop the annotation. The rollout that follows is an
// ordinary template change. (`kubectl rollout undo` patches the template itself and
// needs none of this.)
#include <nlohmann/json.hpp>

#include "deployment/reconciler.hpp"

namespace ktk::sim::deployment_detail {

result<void> deployment_reconciler::rollback(sync_state& s, const rs_list& rss, std::int64_t to) {
  auto split = get_all_and_sync_revision(s, rss, true);
  if (!split) return split.error();
  rs_list all = split->all();
  if (to == 0) {
    to = last_revision(all);
    if (to == 0) return update_and_clear_rollback_to(s);  // no previous revision: give up
  }
  for (const auto& rs : all) {
    auto rev = revision_of(*rs);
    if (!rev || *rev != to) continue;
    if (!equal_ignore_hash(pod_template(s.d), pod_template(*rs))) {
      core::json tmpl = pod_template(*rs);
      if (auto md = tmpl.find("metadata"); md != tmpl.end() && md->is_object()) {
        if (auto l = md->find("labels"); l != md->end() && l->is_object()) l->erase(std::string(hash_label));
      }
      s.d.data()["spec"]["template"] = std::move(tmpl);
      // The annotations of the revision rolled back to, so that they are not
      // overwritten by the current ones when the ReplicaSet is synced.
      std::map<std::string, std::string> ann;
      for (const auto& [k, v] : s.d.annotations()) {
        if (skip_copy_annotation(k)) ann[k] = v;
      }
      for (const auto& [k, v] : rs->annotations()) {
        if (!skip_copy_annotation(k)) ann[k] = v;
      }
      s.d.set_annotations(ann);
    }
    return update_and_clear_rollback_to(s);
  }
  return update_and_clear_rollback_to(s);  // revision not found: give up
}

result<void> deployment_reconciler::update_and_clear_rollback_to(sync_state& s) {
  core::object copy = s.d;
  copy.remove_annotation(rollback_to_annotation);
  auto u = client_.update(std::move(copy));
  if (!u) return u.error();
  s.d = **u;
  return {};
}

}  // namespace ktk::sim::deployment_detail
