// Internal: metadata.managedFields — decoded into field sets (for apply), and edited
// as JSON so that record_update touches only the entries and paths a write changes
// instead of decoding every entry and encoding it back.
//
// "Canonical" means exactly what encoding a field_set produces: a FieldsV1 node is
// `{}` (a member without children), or its children ("f:", "k:", "v:", "i:" keys,
// each canonical) plus `".": {}` when the node is itself a member. Every canonical
// node holds at least one member. A canonical managedFields list has canonical
// entries with distinct identities, sorted as kube-apiserver sorts them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "field_set.hpp"
#include "patch_schema.hpp"
#include "ktk/core/json.hpp"

namespace ktk::core::detail {

// One managedFields entry, decoded.
struct managed_entry {
  std::string manager, operation, api_version, subresource, time;
  field_set fields{};

  // BuildManagerIdentifier: the JSON of the entry without time and fields; appliers
  // are one manager whatever apiVersion they use.
  std::string id() const;
  bool same_id(const managed_entry& o) const;  // id() == o.id()
  std::string printed() const;                 // printManager, for conflict messages
};
using managed_entries = std::vector<managed_entry>;

// Entries of the same identity merge; nullopt when `mf` is not a list of entries with
// valid FieldsV1. Null or absent: no entries.
std::optional<managed_entries> decode_managed_fields(const json* mf);
// Drops entries without fields; sorted as sort_managed_fields sorts.
json encode_managed_fields(managed_entries es);

// The paths a write by any manager never owns, by field name from the root.
struct field_mask {
  // A named child. Not std::pair<std::string, field_mask>: a pair of an incomplete
  // type is undefined, and clang's libstdc++ instantiation rejects it.
  struct entry;
  bool strip = false;    // the node is never a member (stripMetaManager)
  bool exclude = false;  // the node and everything under it are not tracked (reset fields)
  // No default member initialiser: clang would need `entry` complete here. So no
  // designated initialisers for field_mask either (they would leave this one out).
  std::vector<entry> children;

  const field_mask* child(std::string_view name) const;
};
struct field_mask::entry {
  std::string first{};  // the field name
  field_mask second{};
};

// strip_meta's paths plus `reset_fields` (dotted, e.g. "status").
const field_mask& tracking_mask(const std::vector<std::string>& reset_fields);

// The FieldsV1 a create of `obj` gives its manager: every field of obj (maps and
// granular lists are members too) minus what `mask` removes. Null when empty.
json created_fields_v1(const json& obj, const shape& root, const field_mask& mask);

bool is_canonical_fields_v1(const json& v);
bool is_canonical_managed_fields(const json& mf);

// Canonical FieldsV1 edits. remove_members_v1 returns true when nothing is left
// (the caller drops the node); insert_v1 treats a null `fields` as empty.
bool remove_members_v1(json& fields, const field_set& set);
void insert_v1(json& fields, const field_set& set);

// The identity fields of a managedFields entry ("" when absent or not a string).
std::string_view entry_string(const json& entry, const char* key);
// Sorted as kube-apiserver sorts entries: operation, time, manager, apiVersion, subresource.
void sort_managed_fields(json& mf);

}  // namespace ktk::core::detail
