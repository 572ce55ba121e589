// ktk/core/apply.hpp — server-side apply and managedFields.
//
// Field ownership as kube-apiserver tracks it: each manager owns a set of fields
// (FieldsV1, "f:spec": {"f:replicas": {}}) per operation (Apply or Update). An apply
// sets the fields the applied configuration names, removes the ones the same
// manager applied before and no longer names, and fails with 409 Conflict when
// another manager owns a field it would change — unless forced, which takes
// ownership. Update-style writes (create, update, patch) record ownership of what
// they changed.
//
//   auto r = ktk::core::server_side_apply(live, applied, {.manager = "kubectl", .force = false});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::core {

struct apply_options {
  std::string manager{};     // fieldManager; required for apply (422 Invalid PatchOptions when empty)
  bool force = false;
  std::string timestamp{};   // RFC 3339, stamped on the manager's entry (now when empty)
  group_kind gk{};           // the kind, for list merge keys of built-ins
  std::string api_version{};  // stamped on managedFields entries; an apply must match it (400)
  // A custom resource's openAPIV3Schema (borrowed for the call; may be null): its
  // x-kubernetes-list-type / -list-map-keys / -map-type decide how lists and maps
  // merge. Without it every list of a custom resource is atomic.
  const json* schema = nullptr;
  std::string subresource{};  // "status" for writes through /status; part of the entry's identity
  // Dotted paths whose ownership is not tracked (kube's reset fields), e.g. {"status"}
  // for the main resource of a kind with a status subresource.
  std::vector<std::string> reset_fields{};
};

// Applies `applied` (the user's configuration: apiVersion, kind, metadata.name and the
// fields they care about) to `live` (null when the object does not exist yet).
// Returns the new object with metadata.managedFields updated. Conflicts are 409 with
// kube-apiserver's message: `Apply failed with N conflict(s): conflict with "mgr": .spec.replicas`
// and one cause per field.
result<json> server_side_apply(const json& live, const json& applied, const apply_options& opts);

// Records an Update (or Create, which kube-apiserver also records as "Update") by
// `manager` that turned `old_obj` (null for create) into `new_obj`: the manager gains
// the fields it changed, others lose them. Returns new_obj with managedFields set.
// As kube-apiserver: managedFields sent in new_obj replace the live ones, `[]` or
// `[{}]` clears them, and an existing object without managedFields stays untracked.
// An empty manager is recorded as "unknown" (kube-apiserver first falls back to the
// user agent; callers pass that as `manager`).
json record_update(const json& old_obj, json new_obj, const apply_options& opts);

// The FieldsV1 set an apply of `obj` would own: every leaf field, minus what
// kube-apiserver never tracks (apiVersion, kind, metadata.name / namespace / uid /
// resourceVersion / generation / creationTimestamp / managedFields ...); exposed for
// tests and tools. Throws api_error (500) when an item of a keyed list lacks its key.
json fields_of(const json& obj, const group_kind& gk);

// Where the value at `segments` (object keys as strings, list indexes as numbers) sits
// in `obj`, a `gk`, as structured-merge-diff prints a field path:
// ".spec.ports[port=80,protocol=\"TCP\"].bogus" — items of keyed lists by their keys,
// of sets by value, of other lists by index. Apply's errors name fields so. `schema`:
// a custom resource's openAPIV3Schema (its list types and keys); null for built-ins.
std::string typed_path_string(const json& obj, const json& segments, const group_kind& gk,
                              const json* schema = nullptr);

}  // namespace ktk::core
