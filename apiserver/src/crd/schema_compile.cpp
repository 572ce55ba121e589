// Compiling an openAPIV3Schema into structural_schema::node, with the structural rules
// of apiextensions-apiserver (pkg/apiserver/schema/validation.go) and the per-keyword
// checks of pkg/apis/apiextensions/validation.
#include "schema_node.hpp"

#include <set>

namespace ktk::apiserver::crd::detail {
namespace {

using node = structural_schema::node;
using core::field_error;

const std::vector<std::string> openapi_types = {"array", "boolean", "integer", "number", "object", "string"};

std::string key_path(const std::string& path, const std::string& kw, const std::string& key) {
  return path + "." + kw + "[" + key + "]";
}

bool is_plain_type_schema(const json& j, const char* type) {
  return j.is_object() && j.size() == 1 && j.contains("type") && j["type"] == type;
}

// anyOf: [{type: integer}, {type: string}] — the int-or-string shape kube allows types in.
bool is_int_or_string_any_of(const json& any_of) {
  return any_of.is_array() && any_of.size() == 2 && is_plain_type_schema(any_of[0], "integer") &&
         is_plain_type_schema(any_of[1], "string");
}

struct parser {
  const json& j;
  const std::string& path;
  field_errors& errs;

  std::optional<bool> boolean(const char* kw) {
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be a boolean"));
      return std::nullopt;
    }
    return it->get<bool>();
  }
  std::optional<double> number(const char* kw) {
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be a number"));
      return std::nullopt;
    }
    return it->get<double>();
  }
  std::optional<std::int64_t> count(const char* kw) {
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be a non-negative integer"));
      return std::nullopt;
    }
    return it->get<std::int64_t>();
  }
  std::string string(const char* kw) {
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be a string"));
      return {};
    }
    return it->get<std::string>();
  }
  std::vector<std::string> strings(const char* kw) {
    std::vector<std::string> out;
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return out;
    if (!it->is_array()) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be an array of strings"));
      return out;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      if ((*it)[i].is_string()) {
        out.push_back((*it)[i].get<std::string>());
      } else {
        errs.push_back(field_error::invalid(index_path(path + "." + kw, i), (*it)[i].dump(), "must be a string"));
      }
    }
    return out;
  }
};

// Whether `re` has a counted repetition ({n}, {n,}, {n,m}) over 1000. Go's regexp (what
// kube-apiserver compiles patterns with) rejects those with "invalid repeat count";
// libstdc++'s <regex> overflows a long on large counts (undefined behaviour, found by
// tests/fuzz) or builds an automaton too big to run.
bool repeat_count_too_large(std::string_view re) {
  constexpr unsigned long long max_repeat = 1000;
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      continue;
    }
    if (c != '{') continue;
    unsigned long long value = 0;
    bool digits = false;
    for (std::size_t k = i + 1; k < re.size(); ++k) {
      char d = re[k];
      if (d >= '0' && d <= '9') {
        digits = true;
        value = value * 10 + static_cast<unsigned long long>(d - '0');
        if (value > max_repeat) return true;
      } else if (d == ',' && digits) {
        value = 0;
      } else {
        break;
      }
    }
  }
  return false;
}

void compile_pattern(node& n, const std::string& path, field_errors& errs) {
  if (n.pattern.empty()) return;
  if (repeat_count_too_large(n.pattern)) {
    errs.push_back(field_error::invalid(path + ".pattern", json(n.pattern).dump(),
                                        "must be a valid regular expression, but isn't: invalid repeat count"));
    return;
  }
  std::string re = n.pattern;
  auto flags = std::regex::ECMAScript;
  if (re.rfind("(?i)", 0) == 0) {  // Go's case-insensitive flag; ECMAScript has no inline flags
    re.erase(0, 4);
    flags |= std::regex::icase;
  }
  try {
    n.pattern_re = std::make_shared<const std::regex>(re, flags);
  } catch (const std::regex_error& e) {
    errs.push_back(field_error::invalid(path + ".pattern", json(n.pattern).dump(),
                                        std::string("must be a valid regular expression, but isn't: ") + e.what()));
  }
}

void check_forbidden_keywords(const json& j, const std::string& path, field_errors& errs) {
  static const std::vector<std::pair<const char*, const char*>> unsupported = {
      {"id", "id is not supported"},
      {"additionalItems", "additionalItems is not supported"},
      {"patternProperties", "patternProperties is not supported"},
      {"definitions", "definitions is not supported"},
      {"dependencies", "dependencies is not supported"},
      {"$ref", "$ref is not supported"},
  };
  for (const auto& [kw, msg] : unsupported) {
    if (j.contains(kw)) errs.push_back(field_error::forbidden(path + "." + kw, msg));
  }
}

// Rules for nodes under allOf/anyOf/oneOf/not ("must be ... to be structural").
void check_nested(const json& j, const node& n, const std::string& path, bool allow_type, field_errors& errs) {
  if (!n.type.empty() && !allow_type) errs.push_back(field_error::forbidden(path + ".type", "must be empty to be structural"));
  if (j.contains("additionalProperties"))
    errs.push_back(field_error::forbidden(path + ".additionalProperties", "must be undefined to be structural"));
  if (n.default_value) errs.push_back(field_error::forbidden(path + ".default", "must be undefined to be structural"));
  if (j.contains("title") && j["title"].is_string() && !j["title"].get<std::string>().empty())
    errs.push_back(field_error::forbidden(path + ".title", "must be empty to be structural"));
  if (j.contains("description") && j["description"].is_string() && !j["description"].get<std::string>().empty())
    errs.push_back(field_error::forbidden(path + ".description", "must be empty to be structural"));
  if (n.nullable) errs.push_back(field_error::forbidden(path + ".nullable", "must be false to be structural"));
  if (n.preserve_unknown_fields)
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-preserve-unknown-fields", "must be false to be structural"));
  if (n.embedded_resource)
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-embedded-resource", "must be false to be structural"));
  if (n.int_or_string)
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-int-or-string", "must be false to be structural"));
  if (!n.list_map_keys.empty())
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-list-map-keys", "must be empty to be structural"));
  if (j.contains("x-kubernetes-list-type"))
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-list-type", "must be undefined to be structural"));
  if (j.contains("x-kubernetes-map-type"))
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-map-type", "must be undefined to be structural"));
  if (n.properties.count("metadata"))
    errs.push_back(field_error::forbidden(key_path(path, "properties", "metadata"), "must not be specified in a nested context"));
}

// The root's metadata may only restrict name and generateName.
void check_root_metadata(const json& meta, const std::string& path, field_errors& errs) {
  bool ok = meta.is_object();
  if (ok) {
    for (const auto& [k, v] : meta.items()) {
      if (k == "type") continue;
      if (k == "properties" && v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it)
          if (it.key() != "name" && it.key() != "generateName") ok = false;
        continue;
      }
      ok = false;
    }
  }
  if (!ok)
    errs.push_back(field_error::forbidden(
        path, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
}

void check_list_type(const json& j, const node& n, const std::string& path, field_errors& errs) {
  if (!n.list_type.empty()) {
    if (n.list_type != "atomic" && n.list_type != "set" && n.list_type != "map") {
      errs.push_back(field_error::not_supported(path + ".x-kubernetes-list-type", json(n.list_type).dump(),
                                                {"atomic", "set", "map"}));
    }
    if (n.type.empty()) {
      errs.push_back(field_error::required(path + ".type", "must be array if x-kubernetes-list-type is specified"));
    } else if (n.type != "array") {
      errs.push_back(field_error::invalid(path + ".type", json(n.type).dump(),
                                          "must be array if x-kubernetes-list-type is specified"));
    }
  }
  if (!n.list_map_keys.empty() && n.list_type != "map") {
    if (n.list_type.empty()) {
      errs.push_back(field_error::required(path + ".x-kubernetes-list-type",
                                           "must be map if x-kubernetes-list-map-keys is non-empty"));
    } else {
      errs.push_back(field_error::invalid(path + ".x-kubernetes-list-type", json(n.list_type).dump(),
                                          "must be map if x-kubernetes-list-map-keys is non-empty"));
    }
  }
  if (n.list_type == "set" && n.items && (n.items->type == "object" || n.items->type == "array")) {
    const json& items = j["items"];
    bool atomic = n.items->type == "array" ? n.items->list_type == "atomic"
                                           : items.value("x-kubernetes-map-type", std::string()) == "atomic";
    if (!atomic) {
      errs.push_back(field_error::invalid(path + ".items.x-kubernetes-" + (n.items->type == "array" ? "list" : "map") + "-type",
                                          "null", "must be atomic as item of a list with x-kubernetes-list-type=set"));
    }
  }
  if (n.list_type != "map") return;
  if (n.list_map_keys.empty()) {
    errs.push_back(field_error::required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
  }
  if (!n.items) {
    errs.push_back(field_error::required(path + ".items", "must have a schema if x-kubernetes-list-type is map"));
    return;
  }
  if (n.items->type != "object") {
    errs.push_back(field_error::invalid(path + ".items.type", json(n.items->type).dump(),
                                        "must be object if parent array's x-kubernetes-list-type is map"));
    return;
  }
  std::set<std::string> seen;
  json keys = n.list_map_keys;
  for (const auto& k : n.list_map_keys) {
    if (!seen.insert(k).second) {
      errs.push_back(field_error::invalid(path + ".x-kubernetes-list-map-keys", keys.dump(), "must not contain duplicate entries"));
    }
    auto it = n.items->properties.find(k);
    if (it == n.items->properties.end()) {
      errs.push_back(field_error::invalid(path + ".x-kubernetes-list-map-keys", keys.dump(), "entries must all be names of item properties"));
      continue;
    }
    const node& key = *it->second;
    if (key.type == "object" || key.type == "array") {
      errs.push_back(field_error::invalid(key_path(path + ".items", "properties", k) + ".type", json(key.type).dump(),
                                          "must be a scalar type if parent array's x-kubernetes-list-type is map"));
    }
    bool required = std::find(n.items->required.begin(), n.items->required.end(), k) != n.items->required.end();
    if (!required && !key.default_value) {
      errs.push_back(field_error::required(key_path(path + ".items", "properties", k) + ".default",
                                           "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
    }
    if (key.nullable) {
      errs.push_back(field_error::forbidden(key_path(path + ".items", "properties", k) + ".nullable",
                                            "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
    }
  }
}

void check_default(const node& n, const std::string& path, int depth, field_errors& errs) {
  if (!n.default_value) return;
  json pruned = *n.default_value;
  if (!prune_value(pruned, n, n.embedded_resource).empty()) {
    errs.push_back(field_error::invalid(path + ".default", n.default_value->dump(), "must not have unknown fields"));
  }
  field_errors verrs;
  validate_value(n, *n.default_value, "", depth, verrs);
  for (auto& e : verrs) {
    e.field = (e.field.empty() || e.field == "<nil>") ? path + ".default" : path + ".default." + e.field;
    errs.push_back(std::move(e));
  }
}

}  // namespace

node::ptr compile_node(const json& j, const std::string& path, level lvl, bool nested, bool in_embedded_meta,
                       int depth, field_errors& errs) {
  auto out = std::make_shared<node>();
  node& n = *out;
  if (depth > max_nesting_depth) {
    errs.push_back(field_error::forbidden(path, "schema nesting exceeds the maximum depth of " +
                                                    std::to_string(max_nesting_depth)));
    return out;
  }
  if (!j.is_object()) {
    errs.push_back(field_error::invalid(path, j.dump(), "must be a schema object"));
    return out;
  }
  parser p{j, path, errs};
  check_forbidden_keywords(j, path, errs);

  n.type = p.string("type");
  if (n.type == "null") {
    errs.push_back(field_error::forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative"));
  } else if (!n.type.empty() && std::find(openapi_types.begin(), openapi_types.end(), n.type) == openapi_types.end()) {
    errs.push_back(field_error::not_supported(path + ".type", json(n.type).dump(), openapi_types));
  }
  n.nullable = p.boolean("nullable").value_or(false);
  n.format = p.string("format");
  if (auto it = j.find("default"); it != j.end() && !it->is_null()) n.default_value = *it;
  n.maximum = p.number("maximum");
  n.exclusive_maximum = p.boolean("exclusiveMaximum").value_or(false);
  n.minimum = p.number("minimum");
  n.exclusive_minimum = p.boolean("exclusiveMinimum").value_or(false);
  n.multiple_of = p.number("multipleOf");
  n.max_length = p.count("maxLength");
  n.min_length = p.count("minLength");
  n.max_items = p.count("maxItems");
  n.min_items = p.count("minItems");
  n.max_properties = p.count("maxProperties");
  n.min_properties = p.count("minProperties");
  n.unique_items = p.boolean("uniqueItems").value_or(false);
  n.pattern = p.string("pattern");
  compile_pattern(n, path, errs);
  if (auto it = j.find("enum"); it != j.end() && !it->is_null()) {
    if (it->is_array()) {
      n.enum_values = std::vector<json>(it->begin(), it->end());
    } else {
      errs.push_back(field_error::invalid(path + ".enum", it->dump(), "must be an array"));
    }
  }
  n.required = p.strings("required");
  n.int_or_string = p.boolean("x-kubernetes-int-or-string").value_or(false);
  n.preserve_unknown_fields = p.boolean("x-kubernetes-preserve-unknown-fields").value_or(false);
  n.embedded_resource = p.boolean("x-kubernetes-embedded-resource").value_or(false);
  n.list_type = p.string("x-kubernetes-list-type");
  n.list_map_keys = p.strings("x-kubernetes-list-map-keys");
  if (auto v = p.boolean("x-kubernetes-preserve-unknown-fields"); v && !*v) {
    errs.push_back(field_error::invalid(path + ".x-kubernetes-preserve-unknown-fields", "false", "must be true or undefined"));
  }

  // Structure.
  bool meta_context = lvl == level::root || n.embedded_resource;
  if (auto it = j.find("properties"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      errs.push_back(field_error::invalid(path + ".properties", it->dump(), "must be an object"));
    } else {
      for (const auto& [k, v] : it->items()) {
        bool child_meta = in_embedded_meta || (meta_context && k == "metadata");
        n.properties[k] = compile_node(v, key_path(path, "properties", k), level::field, nested, child_meta, depth + 1, errs);
      }
    }
  }
  if (auto it = j.find("items"); it != j.end() && !it->is_null()) {
    if (it->is_array()) {
      errs.push_back(field_error::forbidden(path + ".items", "items must be a schema object and not an array"));
    } else {
      n.items = compile_node(*it, path + ".items", level::item, nested, in_embedded_meta, depth + 1, errs);
    }
  }
  if (auto it = j.find("additionalProperties"); it != j.end() && !it->is_null()) {
    if (it->is_boolean()) {
      n.has_additional_properties = it->get<bool>();
      n.additional_properties_forbidden = !it->get<bool>();
    } else {
      n.has_additional_properties = true;
      n.additional_properties =
          compile_node(*it, path + ".additionalProperties", level::field, nested, in_embedded_meta, depth + 1, errs);
    }
    if (!n.properties.empty() && !(it->is_boolean() && it->get<bool>())) {
      errs.push_back(field_error::forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
    }
    if (lvl == level::root && !nested) {
      errs.push_back(field_error::forbidden(path + ".additionalProperties", "must not be used at the root"));
    }
    if (n.embedded_resource) {
      errs.push_back(field_error::forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
    }
  }

  // Value validations: allOf, anyOf, oneOf, not.
  // The int-or-string shape (here, or as allOf[0].anyOf) may name types.
  bool int_or_string_any_of = j.contains("anyOf") && is_int_or_string_any_of(j["anyOf"]);
  auto junctor = [&](const char* kw, std::vector<node::ptr>& into, bool allow_types) {
    auto it = j.find(kw);
    if (it == j.end() || it->is_null()) return;
    if (!it->is_array()) {
      errs.push_back(field_error::invalid(path + "." + kw, it->dump(), "must be an array of schemas"));
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      std::string sub = index_path(path + "." + kw, i);
      auto child = compile_node((*it)[i], sub, lvl, true, in_embedded_meta, depth + 1, errs);
      if ((*it)[i].is_object()) check_nested((*it)[i], *child, sub, allow_types, errs);
      into.push_back(std::move(child));
    }
  };
  junctor("allOf", n.all_of, false);
  junctor("anyOf", n.any_of, int_or_string_any_of);
  junctor("oneOf", n.one_of, false);
  if (auto it = j.find("not"); it != j.end() && !it->is_null()) {
    n.not_ = compile_node(*it, path + ".not", lvl, true, in_embedded_meta, depth + 1, errs);
    if (it->is_object()) check_nested(*it, *n.not_, path + ".not", false, errs);
  }

  if (nested) return out;

  // Structural invariants.
  if (n.type == "array" && !n.items) errs.push_back(field_error::required(path + ".items", "must be specified"));
  if (n.int_or_string && n.preserve_unknown_fields) {
    errs.push_back(field_error::invalid(path + ".x-kubernetes-preserve-unknown-fields", "true",
                                        "must be false if x-kubernetes-int-or-string is true"));
  }
  if (n.int_or_string && n.embedded_resource) {
    errs.push_back(field_error::invalid(path + ".x-kubernetes-embedded-resource", "true",
                                        "must be false if x-kubernetes-int-or-string is true"));
  }
  if (n.embedded_resource && n.type != "object") {
    if (n.type.empty()) {
      errs.push_back(field_error::required(path + ".type", "must be object if x-kubernetes-embedded-resource is true"));
    } else {
      errs.push_back(field_error::invalid(path + ".type", json(n.type).dump(), "must be object if x-kubernetes-embedded-resource is true"));
    }
  } else if (n.type.empty() && !n.int_or_string && !n.preserve_unknown_fields) {
    const char* why = lvl == level::root   ? "must not be empty at the root"
                      : lvl == level::item ? "must not be empty for specified array items"
                                           : "must not be empty for specified object fields";
    errs.push_back(field_error::required(path + ".type", why));
  }
  if (lvl == level::root && !n.type.empty() && n.type != "object") {
    errs.push_back(field_error::invalid(path + ".type", json(n.type).dump(), "must be object at the root"));
  }
  if (lvl == level::root && n.nullable) {
    errs.push_back(field_error::forbidden(path + ".nullable", "nullable cannot be true at the root"));
  }
  if (meta_context) {
    for (const char* k : {"kind", "apiVersion"}) {
      auto it = n.properties.find(k);
      if (it != n.properties.end() && it->second->type != "string") {
        errs.push_back(field_error::invalid(key_path(path, "properties", k) + ".type", json(it->second->type).dump(), "must be string"));
      }
    }
    if (auto it = n.properties.find("metadata"); it != n.properties.end()) {
      if (it->second->type != "object") {
        errs.push_back(field_error::invalid(key_path(path, "properties", "metadata") + ".type",
                                            json(it->second->type).dump(), "must be object"));
      }
      if (lvl == level::root) check_root_metadata(j["properties"]["metadata"], key_path(path, "properties", "metadata"), errs);
    }
  }
  if (n.embedded_resource && !n.preserve_unknown_fields && n.properties.empty()) {
    errs.push_back(field_error::required(path + ".properties",
                                         "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
  }
  if (n.embedded_resource && in_embedded_meta) {
    errs.push_back(field_error::forbidden(path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta"));
  }
  check_list_type(j, n, path, errs);
  check_default(n, path, depth, errs);
  return out;
}

}  // namespace ktk::apiserver::crd::detail
