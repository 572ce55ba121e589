// Kind schemas built from a CRD version, as apiextensions-apiserver's openapi builder
// makes them: the openAPIV3Schema with apiVersion, kind and metadata added, tagged with
// the GVK; in v2 without what kubectl's v2 parser cannot take (junctors, nullable,
// properties under x-kubernetes-preserve-unknown-fields, defaults).
#include <algorithm>

#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

bool flag(const json& s, const char* key) {
  auto it = s.find(key);
  return it != s.end() && it->is_boolean() && it->get<bool>();
}

// kube's ToStructuralOpenAPIV2, plus the removal of defaults (PruneDefaults).
void to_v2(json& s) {
  if (!s.is_object()) return;
  std::vector<std::string> nullable_props;
  if (auto p = s.find("properties"); p != s.end() && p->is_object()) {
    for (auto it = p->begin(); it != p->end(); ++it) {
      if (flag(*it, "nullable")) nullable_props.push_back(it.key());
      to_v2(*it);
    }
  }
  if (auto it = s.find("items"); it != s.end()) to_v2(*it);
  bool nullable_values = false;
  if (auto it = s.find("additionalProperties"); it != s.end() && it->is_object()) {
    nullable_values = flag(*it, "nullable");
    to_v2(*it);
  }
  for (const char* k : {"allOf", "oneOf", "anyOf", "not", "default"}) s.erase(k);
  if (flag(s, "nullable")) {
    for (const char* k : {"type", "items", "properties", "nullable"}) s.erase(k);
  }
  if (flag(s, "x-kubernetes-preserve-unknown-fields")) {
    s.erase("items");
    s.erase("properties");
    if (s.value("type", "") == "object") s.erase("type");
  }
  if (s.value("type", "") == "array" && !s.contains("items")) s.erase("type");
  if (auto r = s.find("required"); r != s.end() && r->is_array()) {
    json kept = json::array();
    for (const auto& n : *r) {
      if (nullable_values) break;
      if (!n.is_string() ||
          std::find(nullable_props.begin(), nullable_props.end(), n.get<std::string>()) == nullable_props.end()) {
        kept.push_back(n);
      }
    }
    if (kept.empty()) {
      s.erase("required");
    } else {
      *r = std::move(kept);
    }
  }
}

json type_meta_field(const char* what) { return {{"type", "string"}, {"description", what}}; }

json meta_ref(const std::string& type, const char* desc, spec_version v) {
  return convert({{"$ref", type}, {"description", desc}}, v);
}

}  // namespace

json crd_kind_schema(const json* openapi_v3_schema, const core::gvk& k, spec_version v) {
  json s;
  bool have = openapi_v3_schema != nullptr && openapi_v3_schema->is_object();
  if (!have) {
    // No schema: anything goes. kube publishes a bare object; the flag says so explicitly.
    s = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  } else if (v == spec_version::v2 && flag(*openapi_v3_schema, "x-kubernetes-preserve-unknown-fields")) {
    // kube adds no properties here: old kubectl would then reject every other field.
    s = {{"type", "object"}};
  } else {
    s = *openapi_v3_schema;
    if (v == spec_version::v2) to_v2(s);
    if (!s.contains("type")) s["type"] = "object";
    s["properties"]["apiVersion"] = type_meta_field(
        "The versioned schema of this object; the server converts known versions to the one it stores.");
    s["properties"]["kind"] = type_meta_field("The kind of this object, in CamelCase.");
    s["properties"]["metadata"] = meta_ref(meta_v1 + "ObjectMeta", "Standard object metadata.", v);
  }
  s["x-kubernetes-group-version-kind"] = gvk_extension(k);
  return s;
}

json crd_list_schema(const std::string& item_name, const core::gvk& list_gvk, spec_version v) {
  json s = {{"type", "object"},
            {"description", list_gvk.kind + " is a list of " + item_name.substr(item_name.rfind('.') + 1)},
            {"required", json::array({"items"})}};
  s["properties"]["apiVersion"] = type_meta_field("The versioned schema of this list.");
  s["properties"]["kind"] = type_meta_field("The kind of this list.");
  s["properties"]["items"] = {
      {"type", "array"}, {"description", "The objects of the list."}, {"items", {{"$ref", ref_to(item_name, v)}}}};
  s["properties"]["metadata"] = meta_ref(meta_v1 + "ListMeta", "Standard list metadata.", v);
  s["x-kubernetes-group-version-kind"] = gvk_extension(list_gvk);
  return s;
}

}  // namespace ktk::apiserver::http::openapi::detail
