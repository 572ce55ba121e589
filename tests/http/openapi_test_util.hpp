// Helpers of the openapi tests: a sample CRD, and kubectl's ways of reading the
// documents (explain's template in kubectl pkg/explain/v2/templates/plaintext.tmpl,
// cli-runtime's queryParamVerifierV3), re-done over nlohmann::json.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/object.hpp"

namespace ktk::apiserver::http::openapi_test {

using core::json;

inline core::object_ptr crontab_crd(const std::string& scope = "Namespaced", bool with_schema = true) {
  json crd = json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {
      "group": "stable.example.com",
      "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "listKind": "CronTabList"},
      "versions": [
        {"name": "v1", "served": true, "storage": true,
         "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
         "schema": {"openAPIV3Schema": {
           "type": "object", "description": "A cron tab.",
           "properties": {
             "spec": {"type": "object", "description": "What to run and when.",
               "required": ["cronSpec"],
               "properties": {
                 "cronSpec": {"type": "string", "description": "The schedule."},
                 "image": {"type": "string", "nullable": true, "default": "busybox"},
                 "replicas": {"type": "integer", "minimum": 0},
                 "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                 "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                           "properties": {"a": {"type": "string"}}}}},
             "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}}}},
        {"name": "v2", "served": false, "storage": false}
      ]}})");
  crd["spec"]["scope"] = scope;
  if (!with_schema) crd["spec"]["versions"][0].erase("schema");
  return core::make_object_ptr(core::object(std::move(crd)));
}

// Every "$ref" of `doc` that does not name an entry of `schemas` under `prefix`.
inline void collect_unresolved(const json& j, const std::string& prefix, const json& schemas,
                               std::vector<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "$ref" && it->is_string()) {
        std::string r = *it;
        if (!r.starts_with(prefix) || !schemas.contains(r.substr(prefix.size()))) out.push_back(r);
      } else {
        collect_unresolved(*it, prefix, schemas, out);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) collect_unresolved(e, prefix, schemas, out);
  }
}
inline std::vector<std::string> unresolved_refs(const json& doc, const std::string& prefix, const json& schemas) {
  std::vector<std::string> out;
  collect_unresolved(doc, prefix, schemas, out);
  return out;
}

inline json gvk_object(const core::gvk& k) { return {{"group", k.group}, {"kind", k.kind}, {"version", k.version}}; }

inline std::vector<std::string> param_names(const json& op) {
  std::vector<std::string> out;
  if (op.contains("parameters")) {
    for (const auto& p : op["parameters"]) out.push_back(p["name"]);
  }
  return out;
}

// PATCH operations tagged with `k` that list (or lack) query parameter `name`.
inline int patch_ops_counting(const json& doc, const core::gvk& k, const std::string& name, bool with) {
  int n = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!item.contains("patch") || item["patch"]["x-kubernetes-group-version-kind"] != gvk_object(k)) continue;
    auto names = param_names(item["patch"]);
    bool has = std::find(names.begin(), names.end(), name) != names.end();
    if (has == with) ++n;
  }
  return n;
}
inline int patch_ops_with_param(const json& doc, const core::gvk& k, const std::string& name) {
  return patch_ops_counting(doc, k, name, true);
}
inline int patch_ops_without_param(const json& doc, const core::gvk& k, const std::string& name) {
  return patch_ops_counting(doc, k, name, false);
}

// explain: the GVK from the operations of the resource's collection and item paths.
inline std::optional<core::gvk> explain_gvk(const json& doc, const core::gvr& r) {
  std::string prefix = r.group.empty() ? "/api" : "/apis/" + r.group;
  for (const auto& p :
       {prefix + "/" + r.version + "/" + r.resource, prefix + "/" + r.version + "/" + r.resource + "/{name}",
        prefix + "/" + r.version + "/namespaces/{namespace}/" + r.resource,
        prefix + "/" + r.version + "/namespaces/{namespace}/" + r.resource + "/{name}"}) {
    if (!doc["paths"].contains(p)) continue;
    for (const char* m : {"get", "post", "put", "patch", "delete"}) {
      const json& item = doc["paths"][p];
      if (item.contains(m) && item[m].contains("x-kubernetes-group-version-kind")) {
        const json& g = item[m]["x-kubernetes-group-version-kind"];
        return core::gvk{g["group"], g["version"], g["kind"]};
      }
    }
  }
  return std::nullopt;
}

// explain: the schema whose x-kubernetes-group-version-kind list holds exactly that GVK.
inline const json* explain_schema(const json& doc, const core::gvk& k) {
  for (const auto& [name, s] : doc["components"]["schemas"].items()) {
    if (!s.contains("x-kubernetes-group-version-kind")) continue;
    for (const auto& g : s["x-kubernetes-group-version-kind"]) {
      if (g == gvk_object(k)) return &s;
    }
  }
  return nullptr;
}

inline const json* resolve_ref(const json& doc, const json& s) {
  if (!s.contains("$ref")) return &s;
  std::string r = s["$ref"];
  std::string name = r.substr(r.rfind('/') + 1);
  const json& schemas = doc["components"]["schemas"];
  return schemas.contains(name) ? &schemas[name] : nullptr;
}

// explain's "output" template: follows a field path through $ref, allOf, items and maps.
inline const json* explain_field(const json& doc, const json& schema, std::vector<std::string> path) {
  if (path.empty()) return &schema;
  const json* r = resolve_ref(doc, schema);
  if (r == nullptr) return nullptr;
  if (r->contains("properties") && (*r)["properties"].contains(path.front())) {
    const json& sub = (*r)["properties"][path.front()];
    path.erase(path.begin());
    return explain_field(doc, sub, path);
  }
  if (r->contains("items")) return explain_field(doc, (*r)["items"], path);
  if (r->contains("additionalProperties") && (*r)["additionalProperties"].is_object()) {
    return explain_field(doc, (*r)["additionalProperties"], path);
  }
  if (r->contains("allOf")) {
    for (const auto& sub : (*r)["allOf"]) {
      if (const json* f = explain_field(doc, sub, path)) return f;
    }
  }
  return nullptr;
}

}  // namespace ktk::apiserver::http::openapi_test
