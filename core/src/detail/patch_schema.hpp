// Internal: how strategic merge patch and server-side apply treat each field of a
// kind — the patchStrategy / patchMergeKey tags of the built-in Go types and the
// +listType / +listMapKey / +structType markers that structured-merge-diff reads.
// One table serves both: a `shape` describes one value and walks to its children.
// Custom resources get their list types from the CRD's OpenAPI schema
// (x-kubernetes-list-type, x-kubernetes-list-map-keys, x-kubernetes-map-type).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"

namespace ktk::core::detail {

// structured-merge-diff's list element relationship.
enum class list_type { atomic, set, map };

struct field_spec;
using type_spec = std::map<std::string, field_spec, std::less<>>;

// One field of a built-in struct type.
struct field_spec {
  std::string type{};               // struct type of the value (of the elements for lists)
  bool smp_merge = false;           // patchStrategy:"merge"
  bool smp_replace = false;         // patchStrategy:"replace" on a map
  std::string smp_key{};            // patchMergeKey
  list_type ssa = list_type::atomic;  // for lists
  std::vector<std::pair<std::string, json>> ssa_keys{};  // listMapKeys, with their defaults (null: none)
  bool atomic = false;              // +structType=atomic / +mapType=atomic
  bool elem_atomic = false;         // list elements are atomic structs
  const type_spec* resolved = nullptr;  // `type` looked up once the table is built
};

// How one value is merged and tracked. Cheap to copy: built-in shapes point into a
// static table; only a custom resource's list-map keys are held by value.
class shape {
 public:
  shape() = default;

  // The root of an object of kind gk; `openapi` (may be null) is a custom resource's
  // openAPIV3Schema. Unknown kinds get metadata rules only.
  static shape root(const group_kind& gk, const json* openapi);

  shape field(std::string_view name) const;  // the value of a map field
  shape elem() const;                        // an element of this list

  bool smp_merge_list() const { return spec_ != nullptr && spec_->smp_merge; }
  bool smp_replace() const { return spec_ != nullptr && spec_->smp_replace; }
  const std::string& smp_key() const;
  list_type ssa_list() const { return ssa_; }
  const std::vector<std::pair<std::string, json>>& ssa_keys() const {
    return spec_ != nullptr ? spec_->ssa_keys : oa_keys_;
  }
  bool atomic() const { return atomic_; }

 private:
  static shape from_openapi(const json* s);

  const type_spec* type_ = nullptr;   // fields of this map (of the elements, for a list)
  const json* oa_ = nullptr;          // OpenAPI schema of this value
  const field_spec* spec_ = nullptr;  // the built-in field this value is, if any
  list_type ssa_ = list_type::atomic;
  std::vector<std::pair<std::string, json>> oa_keys_;  // x-kubernetes-list-map-keys
  bool atomic_ = false;
  bool elem_atomic_ = false;
};

// Whether the group is served by kube-apiserver itself (strategic merge applies).
bool is_builtin_group(std::string_view group);

// Go's %v rendering of decoded JSON (map[a:1 b:x], [1 2], <nil>), for messages that
// quote kube-apiserver's.
std::string go_format(const json& v);

}  // namespace ktk::core::detail
