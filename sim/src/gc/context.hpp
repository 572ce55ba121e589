// context.hpp — what the garbage collector's pieces share: the watched kinds with
// their informers, the owner-uid index over them, the clients, and the steps of a
// collection (kube's attemptToDeleteItem, processDeletingDependentsItem,
// attemptToOrphanWorker).
//
// Work items are requests whose name carries the kind: {namespace, "Kind.group/name"}
// ("ReplicaSet.apps/web-5d9", "Pod/web-5d9-x7k2q").
//
// Thread-safe: the informers and clients are, and the context is read-only after setup.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/client.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim::detail {

// Objects of a watched kind by the uid of each of their owners.
inline constexpr const char* gc_owner_index = "sim.gc/owner-uid";
inline constexpr const char* foreground_finalizer = "foregroundDeletion";
inline constexpr const char* orphan_finalizer = "orphan";

struct gc_kind {
  core::gvk kind;
  bool namespaced = true;
  std::string token;  // "Kind.group", or "Kind" for the core group
  std::shared_ptr<client::cache::shared_informer> informer;
};

// An object of a watched kind, as the index hands it out.
struct gc_item {
  const gc_kind* kind = nullptr;
  core::object_ptr object;
};

struct gc_context {
  client::client& writer;      // deletes and patches
  client::client& api_reader;  // live reads before acting
  std::vector<gc_kind> kinds;

  // The watched kind an owner reference names (any version), or null.
  const gc_kind* watched(const core::owner_reference& ref) const;
  // The work item for obj of kind k, and back (null kind when the token is unknown).
  client::controller::request request_for(const gc_kind& k, const core::object& obj) const;
  std::pair<const gc_kind*, core::object_key> parse(const client::controller::request& r) const;
  // Cached objects of every watched kind that name uid as an owner.
  std::vector<gc_item> dependents_of(std::string_view uid) const;
  // The cached owner a reference of an object in dependent_ns names, whatever its uid
  // (null when not cached or its kind is not watched).
  core::object_ptr cached_owner(const core::owner_reference& ref, std::string_view dependent_ns) const;
  // Whether obj may need the collector: it is being deleted with the orphan or
  // foregroundDeletion finalizer, or an owner is missing from the cache (or has
  // another uid), or an owner waits for its dependents. Owners of kinds not watched
  // count only when check_unwatched.
  bool needs_attention(const core::object& obj, bool check_unwatched) const;
};

// An owner's GVK and scope from the client's mapper (400 BadRequest when unknown).
core::result<std::pair<core::gvk, bool>> owner_kind(client::client& c, const core::owner_reference& ref);
// Being deleted and waiting for its dependents (foreground).
bool waits_for_dependents(const core::object& obj);

// A dependent none of whose owners remains is deleted (background, or foreground when
// an owner waits for it and it has dependents of its own); references to owners gone
// or waiting are removed from a dependent that keeps a live owner.
core::result<void> attempt_to_delete(gc_context& ctx, const gc_kind& k, const core::object& item);
// An owner in foreground deletion: deletes its dependents, then drops the finalizer
// once no dependent with blockOwnerDeletion is left.
core::result<void> process_foreground(gc_context& ctx, const gc_kind& k, const core::object& owner);
// An owner with the orphan finalizer: removes its references from the dependents,
// then the finalizer.
core::result<void> process_orphan(gc_context& ctx, const gc_kind& k, const core::object& owner);

}  // namespace ktk::sim::detail
