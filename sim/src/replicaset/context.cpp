#include "replicaset/context.hpp"

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "ktk/client/cache/store.hpp"
#include "ktk/sim/kinds.hpp"

namespace ktk::sim::detail {

std::string orphan_index_key(std::string_view ns) {
  std::string k = "_ORPHAN_POD/";
  k += ns;
  return k;
}

std::string key_of(const core::object& o) { return client::cache::meta_namespace_key(o); }

core::owner_reference controller_ref_to(const core::object& rs) {
  return {.api_version = "apps/v1",
          .kind = "ReplicaSet",
          .name = std::string(rs.name()),
          .uid = std::string(rs.uid()),
          .controller = true,
          .block_owner_deletion = true};
}

std::int64_t spec_replicas(const core::object& rs) {
  const core::json* r = rs.at_path("spec.replicas");
  return r && r->is_number_integer() ? r->get<std::int64_t>() : 1;
}

std::int32_t min_ready_seconds(const core::object& rs) {
  const core::json* r = rs.at_path("spec.minReadySeconds");
  return r && r->is_number_integer() ? r->get<std::int32_t>() : 0;
}

core::result<core::label_selector> selector_of(const core::object& rs) {
  const core::json* s = rs.at_path("spec.selector");
  if (!s) return core::label_selector::nothing();
  return core::label_selector::from_json(*s);
}

core::object_ptr rs_context::resolve_controller_ref(std::string_view ns, const core::owner_reference& ref) const {
  if (ref.kind != "ReplicaSet" || ref.api_version.rfind("apps/", 0) != 0) return nullptr;
  std::string key(ns);
  key += '/';
  key += ref.name;
  auto rs = replicasets->get_indexer().get_by_key(key);
  if (!rs || rs->uid() != ref.uid) return nullptr;
  return rs;
}

std::vector<core::object_ptr> rs_context::replicasets_matching(const core::object& pod) const {
  std::vector<core::object_ptr> out;
  for (auto& rs : replicasets->get_indexer().by_index(client::cache::namespace_index, pod.namespace_())) {
    auto sel = selector_of(*rs);
    // An empty selector matches nothing here, as kube's getPodReplicaSets has it.
    if (!sel || sel->empty() || !sel->matches(pod.labels_json())) continue;
    out.push_back(std::move(rs));
  }
  return out;
}

std::vector<core::object_ptr> rs_context::pods_of(const core::object& rs) const {
  const auto& idx = pods->get_indexer();
  auto out = idx.by_index(pod_controller_index, rs.uid());
  auto orphans = idx.by_index(pod_controller_index, orphan_index_key(rs.namespace_()));
  out.insert(out.end(), std::make_move_iterator(orphans.begin()), std::make_move_iterator(orphans.end()));
  return out;
}

std::vector<core::object_ptr> rs_context::related_pods(const core::object& rs) const {
  auto owner = rs.controller_ref();
  if (!owner) return {};
  std::vector<core::object_ptr> out;
  std::unordered_set<std::string_view> seen;
  for (const auto& sibling : replicasets->get_indexer().by_index(rs_controller_index, owner->uid)) {
    if (sibling->namespace_() != rs.namespace_()) continue;
    for (auto& p : pods->get_indexer().by_index(pod_controller_index, sibling->uid())) {
      if (seen.insert(p->uid()).second) out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace ktk::sim::detail
