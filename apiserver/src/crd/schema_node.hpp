// Internal: the compiled form of an openAPIV3Schema node, shared by compiling,
// validation, defaulting and pruning (ktk/apiserver/crd_schema.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/apiserver/crd_schema.hpp"

namespace ktk::apiserver::crd {

// Deepest nesting compile(), validate(), apply_defaults() and prune() follow; past it
// they stop and report (schemas: a compile error; objects: a field error). Real CRD
// schemas nest a few dozen levels; 128 keeps the recursive walks well inside the
// stack even with AddressSanitizer's larger frames.
inline constexpr int max_nesting_depth = 128;

struct structural_schema::node {
  using ptr = std::shared_ptr<const node>;

  // Generic
  std::string type;  // "" when unset
  bool nullable = false;
  std::optional<json> default_value;
  std::string format;  // as written; "" when unset

  // Structure
  std::map<std::string, ptr> properties;
  ptr items;
  bool has_additional_properties = false;  // additionalProperties: <schema> or true
  ptr additional_properties;                // null for `true`
  bool additional_properties_forbidden = false;  // additionalProperties: false

  // Value validation
  std::optional<double> maximum;
  bool exclusive_maximum = false;
  std::optional<double> minimum;
  bool exclusive_minimum = false;
  std::optional<double> multiple_of;
  std::optional<std::int64_t> max_length, min_length;
  std::optional<std::int64_t> max_items, min_items;
  std::optional<std::int64_t> max_properties, min_properties;
  bool unique_items = false;
  std::string pattern;
  std::shared_ptr<const std::regex> pattern_re;
  std::optional<std::vector<json>> enum_values;
  std::vector<std::string> required;
  std::vector<ptr> all_of, any_of, one_of;
  ptr not_;

  // Kubernetes extensions
  bool int_or_string = false;
  bool preserve_unknown_fields = false;
  bool embedded_resource = false;
  std::string list_type;  // "", "atomic", "set", "map"
  std::vector<std::string> list_map_keys;

  // The schema of member `key`: a declared property, else additionalProperties
  // (nullptr when neither, or additionalProperties is `true`).
  const node* member(const std::string& key) const {
    if (auto it = properties.find(key); it != properties.end()) return it->second.get();
    return has_additional_properties ? additional_properties.get() : nullptr;
  }
};

namespace detail {

// Go's %v of a float64 ("10", "1.5", "1e+06"), as kube-openapi prints bounds.
std::string go_float(double v);
// Go's %v of a JSON number or other scalar as kube-openapi prints a value.
std::string go_value(const json& v);
// The JSON type name kube-openapi infers for a value: "object", "array", "string",
// "integer", "number", "boolean", "null".
std::string json_type_name(const json& v);
// A child path: "spec" + "replicas" → "spec.replicas"; "" + "spec" → "spec".
inline std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
inline std::string index_path(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

// True when `data` satisfies kube's strfmt format `format`; formats the registry does
// not know are accepted (kube strips them).
bool format_known(const std::string& format);
bool format_valid(const std::string& format, const std::string& data);

// Validates value `v` at `path` against `n` (kube-openapi's SchemaValidator, errors
// converted as apiextensions-apiserver converts them).
void validate_value(const structural_schema::node& n, const json& v, const std::string& path, int depth,
                    field_errors& out);
// The same for a whole custom resource: apiVersion, kind and metadata are skipped.
void validate_resource(const structural_schema::node& n, const json& obj, field_errors& out);
// apiextensions' second and third passes: embedded resources' apiVersion/kind/metadata,
// and the uniqueness of x-kubernetes-list-type set and map lists.
void validate_embedded_resources(const structural_schema::node& n, const json& v, const std::string& path, int depth,
                                 field_errors& out);
void validate_list_types(const structural_schema::node& n, const json& v, const std::string& path, int depth,
                         field_errors& out);
// Prunes `v` against `n` as structural_schema::prune does (without dropping nulls);
// `resource_root` keeps apiVersion, kind and metadata. Returns the removed paths.
std::vector<std::string> prune_value(json& v, const structural_schema::node& n, bool resource_root);
// The path of the first value nested deeper than max_nesting_depth, if any (iterative).
std::optional<std::string> too_deep(const json& v);

}  // namespace detail
}  // namespace ktk::apiserver::crd

namespace ktk::apiserver::crd::detail {

// Where a schema node sits, for the "type must not be empty ..." rules.
enum class level { root, item, field };

// Builds the node for schema `j` at field path `path`, appending kube's structural
// errors to `errs`. `nested` is true inside allOf/anyOf/oneOf/not.
structural_schema::node::ptr compile_node(const json& j, const std::string& path, level lvl, bool nested,
                                          bool in_embedded_meta, int depth, field_errors& errs);

}  // namespace ktk::apiserver::crd::detail
