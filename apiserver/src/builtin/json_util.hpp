// Internal: small helpers the built-in strategies share — reading and defaulting JSON
// fields, rendering bad values as Go's %#v does, label selectors, resource quantities.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/field_error.hpp"

namespace ktk::apiserver::detail {

using core::field_error;
using core::field_errors;
using json = nlohmann::json;

// The member `key` of `j`, or nullptr when `j` is not an object, lacks it, or it is null.
const json* get(const json& j, std::string_view key);
json* get(json& j, std::string_view key);
// The member `key` of `j`; a shared empty object when get() finds none.
const json& member(const json& j, std::string_view key);
// `path[i]`: the field path of a list element.
std::string idx(const std::string& path, std::size_t i);
// The member as a string; "" when absent or not a string.
std::string get_string(const json& j, std::string_view key);
// The member as an integer, when it is one.
std::optional<long long> get_int(const json& j, std::string_view key);
// The member as an array; an empty shared array when absent or not an array.
const json& get_array(const json& j, std::string_view key);
// `j[key]`, made an object first when absent or null (j itself must be an object).
json& ensure_object(json& j, std::string_view key);
// Sets j[key] = value when j is an object and the member is absent or null.
void set_default(json& j, std::string_view key, json value);

// A JSON value as a field_error bad value: strings Go-quoted, numbers and booleans as is,
// anything else compact JSON.
std::string bad_value(const json& v);
// Go's %#v of a map[string]string: map[string]string{"a":"b", "c":"d"}; nil when absent.
std::string go_string_map(const json* m);
// Go's %#v of a v1.LabelSelector value, as kube-apiserver prints it in "field is immutable".
std::string go_label_selector(const json* sel);

// A field_error whose bad value is already rendered.
field_error invalid_rendered(std::string path, std::string rendered, std::string detail);
// A NotSupported error for a JSON value, listing the supported ones.
field_error not_supported(std::string path, const json& value, const std::vector<std::string>& valid);
// One Invalid error per message, the bad value a quoted string.
void add_invalid(field_errors& errs, const std::string& path, const std::string& value,
                 const std::vector<std::string>& msgs);
// Adds "must be greater than or equal to 0" when the integer field is negative.
void check_non_negative(field_errors& errs, const json& parent, std::string_view key, const std::string& path);

// metav1.LabelSelector validation (matchLabels, matchExpressions) under `path`.
field_errors validate_label_selector(const json& sel, const std::string& path);
// Whether a label selector (JSON) matches the labels; an empty selector matches everything.
bool selector_matches(const json& sel, const json* labels);
// Whether the selector has neither matchLabels nor matchExpressions.
bool selector_empty(const json& sel);
// Label keys and values of a labels map under `path` ("metadata.labels").
field_errors validate_labels(const json* labels, const std::string& path);
// Annotation keys and total size under `path` ("metadata.annotations").
field_errors validate_annotations(const json* annotations, const std::string& path);

// A resource quantity ("100m", "1Gi", "2e3") as a number; nullopt where
// resource.ParseQuantity refuses it (core::go_quantity_value).
std::optional<double> parse_quantity(std::string_view q);

}  // namespace ktk::apiserver::detail
