// collect.cpp — the collector's decisions, each checked against a live read first
// (kube's attemptToDeleteItem, classifyReferences, processDeletingDependentsItem,
// orphanDependents and removeFinalizer).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "gc/context.hpp"
#include "ktk/core/patch.hpp"

namespace ktk::sim::detail {
namespace {

constexpr int finalizer_retries = 5;

bool gone_or_moved(const core::api_error& e) { return core::is_not_found(e) || core::is_conflict(e); }

// Removes the references to the owners in `uids` from obj: a strategic merge patch
// on the uid merge key for built-in kinds, else a merge patch of the whole list with
// resourceVersion as a precondition. The dependent's uid guards both.
core::result<void> remove_owner_refs(gc_context& ctx, const gc_kind& k, const core::object& obj,
                                     const std::vector<std::string>& uids) {
  core::json patch;
  core::patch_type type = core::patch_type::strategic_merge;
  if (core::supports_strategic_merge({k.kind.group, k.kind.kind})) {
    core::json refs = core::json::array();
    for (const auto& u : uids) refs.push_back({{"$patch", "delete"}, {"uid", u}});
    patch = {{"metadata", {{"ownerReferences", std::move(refs)}, {"uid", obj.uid()}}}};
  } else {
    core::json kept = core::json::array();
    for (const auto& ref : obj.owner_references()) {
      if (std::find(uids.begin(), uids.end(), ref.uid) != uids.end()) continue;
      core::json j;
      core::to_json(j, ref);
      kept.push_back(std::move(j));
    }
    patch = {{"metadata",
              {{"ownerReferences", std::move(kept)}, {"uid", obj.uid()}, {"resourceVersion", obj.resource_version()}}}};
    type = core::patch_type::merge_patch;
  }
  auto r = ctx.writer.patch(k.kind, obj.key(), type, patch);
  if (!r && !core::is_not_found(r.error())) return r.error();
  return {};
}

core::result<void> delete_object(gc_context& ctx, const gc_kind& k, const core::object& obj, std::string policy) {
  auto r = ctx.writer.remove(k.kind, obj.key(),
                             {.propagation_policy = std::move(policy), .precondition_uid = std::string(obj.uid())});
  // Gone already, or replaced by an object of the same name (the uid precondition).
  if (!r && !gone_or_moved(r.error())) return r.error();
  return {};
}

core::result<void> remove_finalizer(gc_context& ctx, const gc_kind& k, const core::object& owner,
                                    std::string_view finalizer) {
  for (int attempt = 0; attempt < finalizer_retries; ++attempt) {
    auto live = ctx.api_reader.get(k.kind, owner.key());
    if (!live) return core::is_not_found(live.error()) ? core::result<void>{} : core::result<void>{live.error()};
    if ((*live)->uid() != owner.uid() || !(*live)->has_finalizer(finalizer)) return {};
    core::object next = **live;
    next.remove_finalizer(finalizer);
    auto r = ctx.writer.update(std::move(next));
    if (r || core::is_not_found(r.error())) return {};
    if (!core::is_conflict(r.error())) return r.error();
  }
  return core::api_error::conflict({k.kind.group, k.kind.kind}, std::string(owner.name()),
                                   "could not remove finalizer " + std::string(finalizer) + " after retries");
}

enum class owner_state { solid, dangling, waiting };

// kube's isDangling + the waiting check, on a live read of the owner.
core::result<owner_state> classify(gc_context& ctx, const core::owner_reference& ref, std::string_view ns) {
  auto kind = owner_kind(ctx.api_reader, ref);
  if (!kind) return kind.error();
  auto live = ctx.api_reader.get(kind->first, {kind->second ? std::string(ns) : std::string(), ref.name});
  if (!live) {
    if (core::is_not_found(live.error())) return owner_state::dangling;
    return live.error();
  }
  if ((*live)->uid() != ref.uid) return owner_state::dangling;
  return waits_for_dependents(**live) ? owner_state::waiting : owner_state::solid;
}

}  // namespace

core::result<void> attempt_to_delete(gc_context& ctx, const gc_kind& k, const core::object& item) {
  auto latest = ctx.api_reader.get(k.kind, item.key());
  if (!latest) return core::is_not_found(latest.error()) ? core::result<void>{} : core::result<void>{latest.error()};
  const core::object& obj = **latest;
  // Replaced by another object of the same name, or already on its way out.
  if (obj.uid() != item.uid() || !obj.deletion_timestamp().empty()) return {};
  const auto refs = obj.owner_references();
  if (refs.empty()) return {};

  int solid = 0;
  std::vector<std::string> dangling_or_waiting;
  bool waiting = false;
  for (const auto& ref : refs) {
    auto state = classify(ctx, ref, obj.namespace_());
    if (!state) return state.error();
    switch (*state) {
      case owner_state::solid: ++solid; break;
      case owner_state::waiting:
        waiting = true;
        dangling_or_waiting.push_back(ref.uid);
        break;
      case owner_state::dangling: dangling_or_waiting.push_back(ref.uid); break;
    }
  }
  if (solid > 0) {
    // A live owner keeps it; references to owners gone or waiting go.
    if (dangling_or_waiting.empty()) return {};
    return remove_owner_refs(ctx, k, obj, dangling_or_waiting);
  }
  if (waiting && !ctx.dependents_of(obj.uid()).empty()) {
    // An owner waits for it and it has dependents of its own: delete in foreground.
    return delete_object(ctx, k, obj, "Foreground");
  }
  std::string policy = "Background";
  if (obj.has_finalizer(orphan_finalizer)) {
    policy = "Orphan";
  } else if (obj.has_finalizer(foreground_finalizer)) {
    policy = "Foreground";
  }
  return delete_object(ctx, k, obj, std::move(policy));
}

core::result<void> process_foreground(gc_context& ctx, const gc_kind& k, const core::object& owner) {
  auto deps = ctx.dependents_of(owner.uid());
  bool blocked = false;
  for (const auto& d : deps) {
    for (const auto& ref : d.object->owner_references()) {
      if (ref.uid == owner.uid() && ref.block_owner_deletion.value_or(false)) blocked = true;
    }
  }
  if (!blocked) return remove_finalizer(ctx, k, owner, foreground_finalizer);
  // Their deletions come back as events that queue this owner again.
  std::optional<core::api_error> first;
  for (const auto& d : deps) {
    if (!d.object->deletion_timestamp().empty()) continue;
    auto r = attempt_to_delete(ctx, *d.kind, *d.object);
    if (!r && !first) first = r.error();
  }
  if (first) return *first;
  return {};
}

core::result<void> process_orphan(gc_context& ctx, const gc_kind& k, const core::object& owner) {
  std::optional<core::api_error> first;
  const std::vector<std::string> uid{std::string(owner.uid())};
  for (const auto& d : ctx.dependents_of(owner.uid())) {
    auto r = remove_owner_refs(ctx, *d.kind, *d.object, uid);
    if (!r && !first) first = r.error();
  }
  if (first) return *first;
  return remove_finalizer(ctx, k, owner, orphan_finalizer);
}

}  // namespace ktk::sim::detail
