// JSON merge patch, RFC 7386, as kube-apiserver applies it (evanphx/json-patch v4
// MergePatch): null deletes a member, objects merge recursively, everything else
// replaces; nulls inside newly added objects are dropped.
#include "ktk/core/patch.hpp"

#include <nlohmann/json.hpp>

namespace ktk::core {
namespace {

// Removes null members from objects, recursively (also inside arrays, whose null
// elements stay), as json-patch's pruneNulls does for values that are added.
json pruned(json v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        *it = pruned(std::move(*it));
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (auto& e : v) {
      if (!e.is_null()) e = pruned(std::move(e));
    }
  }
  return v;
}

void merge_into(json& target, const json& patch) {
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
      continue;
    }
    auto it = target.find(key);
    if (it == target.end() || it->is_null()) {
      target[key] = pruned(value);
    } else if (it->is_object() && value.is_object()) {
      merge_into(*it, value);
    } else if (!it->is_object()) {
      *it = pruned(value);
    } else {
      *it = value;  // an object replaced by a non-object: taken as is
    }
  }
}

}  // namespace

result<json> apply_merge_patch(json target, const json& patch) {
  // kube-apiserver: a null or scalar patch is "Invalid JSON Patch" (400). A JSON array
  // would replace the object and then fail to decode (422 there); a Kubernetes object
  // can never be an array, so ktk rejects it up front with the same 400.
  if (!patch.is_object()) return api_error::bad_request("Invalid JSON Patch");
  if (!target.is_object()) target = json::object();
  merge_into(target, patch);
  return target;
}

}  // namespace ktk::core
