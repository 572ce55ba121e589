// claim.cpp — adoption and release of Pods (kube's PodControllerRefManager).
#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"
#include "replicaset/context.hpp"

namespace ktk::sim::detail {
namespace {

const core::group_resource rs_resource{"apps", "replicasets"};

// kube's RecheckDeletionTimestamp: adopt only if a live read still shows the same,
// undeleted ReplicaSet (the cache may not have seen its deletion yet).
core::result<void> can_adopt(rs_context& ctx, const core::object& rs) {
  auto fresh = ctx.api_reader.get(replicaset_kind, rs.key());
  if (!fresh) return fresh.error();
  if ((*fresh)->uid() != rs.uid()) {
    return core::api_error::conflict(rs_resource, std::string(rs.name()),
                                     "original ReplicaSet " + key_of(rs) + " is gone: got uid " +
                                         std::string((*fresh)->uid()) + ", wanted " + std::string(rs.uid()));
  }
  if (!(*fresh)->deletion_timestamp().empty()) {
    return core::api_error::conflict(rs_resource, std::string(rs.name()),
                                     "ReplicaSet " + key_of(rs) + " has just been deleted at " +
                                         std::string((*fresh)->deletion_timestamp()));
  }
  return {};
}

// Strategic merge patches on metadata.ownerReferences (merged by uid); the Pod's uid
// in the patch makes it a precondition.
core::result<core::object_ptr> adopt(rs_context& ctx, const core::object& rs, const core::object& pod) {
  core::json ref;
  core::to_json(ref, controller_ref_to(rs));
  core::json p = {{"metadata", {{"ownerReferences", core::json::array({ref})}, {"uid", pod.uid()}}}};
  return ctx.writer.patch(pod_kind, pod.key(), core::patch_type::strategic_merge, p);
}

core::result<core::object_ptr> release(rs_context& ctx, const core::object& rs, const core::object& pod) {
  core::json p = {
      {"metadata",
       {{"ownerReferences", core::json::array({{{"$patch", "delete"}, {"uid", rs.uid()}}})}, {"uid", pod.uid()}}}};
  return ctx.writer.patch(pod_kind, pod.key(), core::patch_type::strategic_merge, p);
}

}  // namespace

core::result<std::vector<core::object_ptr>> claim_pods(rs_context& ctx, const core::object& rs,
                                                       const core::label_selector& sel,
                                                       const std::vector<core::object_ptr>& pods) {
  std::vector<core::object_ptr> claimed;
  claimed.reserve(pods.size());
  std::optional<core::api_error> first_error;
  std::optional<core::result<void>> adoptable;  // checked once, on the first orphan
  const bool rs_deleting = !rs.deletion_timestamp().empty();
  for (const auto& pod : pods) {
    const bool matches = sel.matches(pod->labels_json());
    if (auto ref = pod->controller_ref()) {
      if (ref->uid != rs.uid()) continue;  // someone else's
      if (matches) {
        claimed.push_back(pod);
        continue;
      }
      if (rs_deleting) continue;
      auto r = release(ctx, rs, *pod);
      if (!r && !core::is_not_found(r.error()) && !first_error) first_error = r.error();
      continue;
    }
    // An orphan.
    if (rs_deleting || !matches || !pod->deletion_timestamp().empty()) continue;
    if (pod->namespace_() != rs.namespace_()) continue;
    if (!adoptable) adoptable = can_adopt(ctx, rs);
    if (!*adoptable) {
      if (!first_error) first_error = adoptable->error();
      continue;
    }
    auto r = adopt(ctx, rs, *pod);
    if (!r) {
      if (!core::is_not_found(r.error()) && !first_error) first_error = r.error();
      continue;
    }
    claimed.push_back(*r);
  }
  if (first_error) return *first_error;
  return claimed;
}

}  // namespace ktk::sim::detail
