// Internal: sets of field paths (structured-merge-diff's fieldpath.Set) and the
// value walks server-side apply needs — the set of fields a value names, the
// comparison of two values, the apply merge, and removal of fields.
//
// A set is a tree keyed by FieldsV1 path elements: "f:<field>", "k:<json key object>"
// (list item by its map keys), "v:<json value>" (set item), "i:<index>". `member`
// marks a path that is in the set itself (FieldsV1's ".").
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "patch_schema.hpp"
#include "ktk/core/json.hpp"

namespace ktk::core::detail {

using field_path = std::vector<std::string>;

struct field_set {
  bool member = false;
  std::map<std::string, field_set> children;

  bool empty() const;
  void insert(const field_path& p);
  void insert_all(const field_set& other);       // union
  void remove_members(const field_set& other);   // difference of members; empty nodes pruned
  field_set intersect(const field_set& other) const;
  void exclude(const field_path& prefix);        // drops the path and everything under it
  // Every "f:" node with members under it becomes a member (EnsureNamedFieldsAreMembers).
  field_set with_named_fields_as_members() const;
  // Members in structured-merge-diff's iteration order (a node's own members first).
  void for_each(const std::function<void(const field_path&)>& fn) const;

  json to_fields_v1() const;
  // nullopt when `v` is not a FieldsV1 object.
  static std::optional<field_set> from_fields_v1(const json& v);
};

// ".spec.template.spec.containers[name=\"c\"].image", as fieldpath.Path.String().
std::string path_string(const field_path& p);

// The path element of item `index` of a granular list: "k:{...}" by its map keys,
// "v:<json>" for a set, "i:<index>" when the item has no usable key.
std::string item_path_element(const json& item, const shape& list, std::size_t index);

// Items of a granular list indexed by path element, in first-seen order.
struct indexed_items {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const json*>> items;
};
indexed_items index_items(const json* list, const shape& s);  // null: no items

// The fields a value names (typed.ToFieldSet); throws api_error (500, as the
// apiserver's "failed to create typed patch object") for a list-map item without a key.
field_set fields_of_value(const json& v, const shape& s);

struct comparison {
  field_set added, modified, removed;
};
// typed.Compare of two whole objects. With `ignore_live_managed_fields`, lhs's
// metadata.managedFields is treated as absent (rhs must not have any).
comparison compare_values(const json& lhs, const json& rhs, const shape& s, bool ignore_live_managed_fields = false);

// typed.Merge: `config` merged into `live` (maps and keyed lists merge; atomic values
// and scalars are replaced; null removes).
json merge_values(const json& live, const json& config, const shape& s);

// Removes every member of `set` (with what is under it) from `v`.
void remove_fields(json& v, const field_set& set, const shape& s);

}  // namespace ktk::core::detail
