// The neutral schema DSL, its conversion to v2 / v3, and reference walking.
#include <algorithm>

#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

json described(json s, std::string desc) {
  if (!desc.empty()) s["description"] = std::move(desc);
  return s;
}

json neutral_ref(std::string type) { return json{{"$ref", std::move(type)}}; }

bool is_neutral_ref(const json& s) {
  auto it = s.find("$ref");
  return it != s.end() && it->is_string() && !it->get_ref<const std::string&>().starts_with("#");
}

void walk_refs(const json& s, std::vector<std::string>& out) {
  if (s.is_object()) {
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() == "$ref" && it->is_string()) {
        const auto& r = it->get_ref<const std::string&>();
        out.push_back(r.substr(r.rfind('/') + 1));
      } else {
        walk_refs(*it, out);
      }
    }
  } else if (s.is_array()) {
    for (const auto& e : s) walk_refs(e, out);
  }
}

}  // namespace

field str(std::string name, std::string desc) {
  return {std::move(name), described({{"type", "string"}}, std::move(desc))};
}

field str_enum(std::string name, std::string desc, std::vector<std::string> values) {
  json s = described({{"type", "string"}}, std::move(desc));
  s["enum"] = std::move(values);
  return {std::move(name), std::move(s)};
}

field i32(std::string name, std::string desc) {
  return {std::move(name), described({{"type", "integer"}, {"format", "int32"}}, std::move(desc))};
}

field i64(std::string name, std::string desc) {
  return {std::move(name), described({{"type", "integer"}, {"format", "int64"}}, std::move(desc))};
}

field boolean(std::string name, std::string desc) {
  return {std::move(name), described({{"type", "boolean"}}, std::move(desc))};
}

field time(std::string name, std::string desc) { return ref(std::move(name), meta_v1 + "Time", std::move(desc)); }

field ref(std::string name, std::string type, std::string desc) {
  return {std::move(name), described(neutral_ref(std::move(type)), std::move(desc))};
}

field int_or_string(std::string name, std::string desc) {
  return ref(std::move(name), "io.k8s.apimachinery.pkg.util.intstr.IntOrString", std::move(desc));
}

field quantity(std::string name, std::string desc) {
  return ref(std::move(name), "io.k8s.apimachinery.pkg.api.resource.Quantity", std::move(desc));
}

field str_list(std::string name, std::string desc) {
  return {std::move(name), described({{"type", "array"}, {"items", {{"type", "string"}}}}, std::move(desc))};
}

field str_map(std::string name, std::string desc) {
  return {std::move(name),
          described({{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}, std::move(desc))};
}

field quantity_map(std::string name, std::string desc) {
  return {std::move(name),
          described({{"type", "object"},
                     {"additionalProperties", neutral_ref("io.k8s.apimachinery.pkg.api.resource.Quantity")}},
                    std::move(desc))};
}

field free_object(std::string name, std::string desc) {
  return {std::move(name),
          described({{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}, std::move(desc))};
}

field list(std::string name, std::string type, std::string desc, std::string merge_key, std::string strategy) {
  json s = described({{"type", "array"}, {"items", neutral_ref(std::move(type))}}, std::move(desc));
  if (!merge_key.empty()) {
    s["x-kubernetes-patch-merge-key"] = merge_key;
    s["x-kubernetes-patch-strategy"] = strategy.empty() ? "merge" : strategy;
    s["x-kubernetes-list-type"] = "map";
    s["x-kubernetes-list-map-keys"] = json::array({merge_key});
  }
  return {std::move(name), std::move(s)};
}

void def(definitions& d, const std::string& name, std::string desc, std::vector<field> fields,
         std::vector<std::string> required) {
  json s = described({{"type", "object"}}, std::move(desc));
  json props = json::object();
  for (auto& [k, v] : fields) props[k] = std::move(v);
  s["properties"] = std::move(props);
  if (!required.empty()) s["required"] = std::move(required);
  d[name] = std::move(s);
}

void kind_def(definitions& d, const std::string& name, const core::gvk& k, std::string desc, std::vector<field> fields,
              std::vector<std::string> required) {
  std::vector<field> all = {
      str("apiVersion", "The versioned schema of this object, such as \"" + k.api_version() + "\"."),
      str("kind", "The type of this object, here \"" + k.kind + "\"."),
      ref("metadata", meta_v1 + "ObjectMeta", "Name, namespace, labels and other metadata of the object."),
  };
  for (auto& f : fields) all.push_back(std::move(f));
  def(d, name, std::move(desc), std::move(all), std::move(required));
  d[name]["x-kubernetes-group-version-kind"] = gvk_extension(k);
}

void list_def(definitions& d, const std::string& item_name, const core::gvk& list_gvk) {
  std::string item_kind = item_name.substr(item_name.rfind('.') + 1);
  def(d, item_name + "List", "A list of " + item_kind + " objects.",
      {
          str("apiVersion", "The versioned schema of this list, such as \"" + list_gvk.api_version() + "\"."),
          list("items", item_name, "The " + item_kind + " objects."),
          str("kind", "The type of this list, here \"" + list_gvk.kind + "\"."),
          ref("metadata", meta_v1 + "ListMeta", "resourceVersion and continue token of the list."),
      },
      {"items"});
  d[item_name + "List"]["x-kubernetes-group-version-kind"] = gvk_extension(list_gvk);
}

json gvk_extension(const core::gvk& k) {
  return json::array({{{"group", k.group}, {"kind", k.kind}, {"version", k.version}}});
}

std::string ref_to(std::string_view name, spec_version v) {
  return std::string(v == spec_version::v3 ? "#/components/schemas/" : "#/definitions/") + std::string(name);
}

json convert(const json& s, spec_version v) {
  if (s.is_array()) {
    json out = json::array();
    for (const auto& e : s) out.push_back(convert(e, v));
    return out;
  }
  if (!s.is_object()) return s;
  if (is_neutral_ref(s)) {
    std::string target = ref_to(s["$ref"].get<std::string>(), v);
    if (v == spec_version::v2 || s.size() == 1) {
      json out = s;
      out["$ref"] = std::move(target);
      return out;
    }
    // OpenAPI 3.0 ignores siblings of $ref: kube wraps the reference in allOf.
    json out = s;
    out.erase("$ref");
    out["allOf"] = json::array({{{"$ref", std::move(target)}}});
    return out;
  }
  json out = json::object();
  for (auto it = s.begin(); it != s.end(); ++it) {
    // enum values and extensions are data, not schemas.
    if (it.key() == "enum" || it.key().starts_with("x-kubernetes")) {
      out[it.key()] = *it;
    } else {
      out[it.key()] = convert(*it, v);
    }
  }
  return out;
}

void collect_referenced(const definitions& all, const std::string& name, definitions& out) {
  std::vector<std::string> todo = {name};
  while (!todo.empty()) {
    std::string n = std::move(todo.back());
    todo.pop_back();
    if (out.contains(n)) continue;
    auto it = all.find(n);
    if (it == all.end()) continue;
    out[n] = it->second;
    walk_refs(it->second, todo);
  }
}

std::string crd_model_name(const core::gvk& k) {
  std::vector<std::string_view> parts;
  std::string_view g = k.group;
  while (!g.empty()) {
    auto dot = g.find('.');
    parts.push_back(g.substr(0, dot));
    if (dot == std::string_view::npos) break;
    g.remove_prefix(dot + 1);
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    out += *it;
    out += '.';
  }
  return out + k.version + "." + k.kind;
}

}  // namespace ktk::apiserver::http::openapi::detail
