// ktk/core/patch.hpp — the patch types of the Kubernetes API.
//
// JSON merge patch (RFC 7386), JSON patch (RFC 6902), and strategic merge patch for
// built-in kinds. Failures are api_errors worded as kube-apiserver words them.
// Server-side apply lives in ktk/core/apply.hpp.
//
//   auto merged = ktk::core::apply_merge_patch(live.data(), R"({"spec":{"replicas":3}})"_json);
//   auto smp = ktk::core::apply_strategic_merge_patch(live.data(), patch, {"apps", "Deployment"});
#pragma once

#include <string_view>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/result.hpp"

namespace ktk::core {

enum class patch_type {
  json_patch,       // application/json-patch+json
  merge_patch,      // application/merge-patch+json
  strategic_merge,  // application/strategic-merge-patch+json
  apply_yaml,       // application/apply-patch+yaml (server-side apply)
  apply_cbor,       // application/apply-patch+cbor (not supported; 415)
};

// The content type → patch type; nullopt for anything else.
std::optional<patch_type> patch_type_from_content_type(std::string_view content_type);
std::string_view content_type_of(patch_type t);

// RFC 7386. `patch` must be a JSON object for a Kubernetes object (400 otherwise).
// The target is patched in place: move it in when it is not needed afterwards.
result<json> apply_merge_patch(json target, const json& patch);

// RFC 6902: add, remove, replace, move, copy, test; `~0`/`~1` pointer escapes; "-"
// appends. A failed `test` or a missing path fails the whole patch with 422 Invalid
// and kube-apiserver's generic message ("the server rejected our request due to an
// error in our request"); a document that is not an array of objects is 400; more
// than 10000 operations is 413. Like the merge patch, works on the target it is given.
result<json> apply_json_patch(json target, const json& operations);

// The RFC 6902 operations that turn `from` into `to`: object members added, removed
// or replaced one by one, arrays compared element-wise (a changed length adds or
// removes from the end). apply_json_patch(from, create_json_patch(from, to)) == to.
// What an admission webhook returns as its patch.
json create_json_patch(const json& from, const json& to);

// Whether strategic merge patch knows this kind (built-ins do; custom resources are
// rejected with 415 UnsupportedMediaType as kube-apiserver does).
bool supports_strategic_merge(const group_kind& gk);

// Strategic merge patch for a built-in kind: lists with merge keys (containers by
// name, ports by containerPort, env by name, conditions by type, ...) merge by key,
// other lists replace; directives `$patch: replace|delete|merge`, `$retainKeys`,
// `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`; null deletes.
result<json> apply_strategic_merge_patch(const json& original, const json& patch, const group_kind& gk);

}  // namespace ktk::core
