// apiextensions.k8s.io/v1beta1 → v1 for CustomResourceDefinitions, so the CRDs of older
// tutorials install. Beyond kube's own conversion, schemas are made structural where
// v1beta1 let them be loose (see make_structural), since v1 demands it.
#include "ktk/apiserver/crd_schema.hpp"

#include <nlohmann/json.hpp>

#include "schema_node.hpp"

namespace ktk::apiserver::crd {
namespace {

// json::value, but a member of another type gives the default instead of throwing: the
// document is not validated yet (validate_crd reports what is wrong with it).
std::string string_or(const json& j, const char* key, std::string def) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : def;
}
bool bool_or(const json& j, const char* key, bool def) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : def;
}

constexpr const char* v1_api_version = "apiextensions.k8s.io/v1";

// The type a typeless v1beta1 schema node evidently has, or "" when nothing says.
std::string inferred_type(const json& s) {
  if (s.contains("properties") || s.contains("additionalProperties") || s.contains("minProperties") ||
      s.contains("maxProperties") || s.contains("required"))
    return "object";
  if (s.contains("items")) return "array";
  if (s.contains("pattern") || s.contains("minLength") || s.contains("maxLength")) return "string";
  if (s.contains("minimum") || s.contains("maximum") || s.contains("multipleOf")) return "number";
  if (s.contains("enum") && s["enum"].is_array() && !s["enum"].empty()) {
    std::string t = detail::json_type_name(s["enum"][0]);
    return t == "null" ? "" : t;
  }
  return "";
}

// Fills in what v1 requires and v1beta1 did not: a type on every node (inferred, or
// else x-kubernetes-preserve-unknown-fields so the node accepts anything as before).
// `preserve`: v1beta1's spec.preserveUnknownFields (true by default) — nothing was
// pruned, so every object node keeps unknown fields.
void make_structural(json& s, bool root, bool preserve, int depth) {
  if (!s.is_object() || depth > max_nesting_depth) return;
  // json::value throws when a member has another type; a malformed schema is left for
  // validate_crd to report, not thrown (found by tests/fuzz, crd_schema).
  bool typeless = !s.contains("type") && !bool_or(s, "x-kubernetes-int-or-string", false) &&
                  !bool_or(s, "x-kubernetes-preserve-unknown-fields", false);
  if (typeless) {
    std::string t = root ? "object" : inferred_type(s);
    if (t.empty()) {
      s["x-kubernetes-preserve-unknown-fields"] = true;
    } else {
      s["type"] = t;
    }
  }
  if (auto t = s.find("type"); preserve && t != s.end() && *t == "object") s["x-kubernetes-preserve-unknown-fields"] = true;
  if (s.contains("properties") && s["properties"].is_object())
    for (auto& sub : s["properties"]) make_structural(sub, false, preserve, depth + 1);
  if (s.contains("items")) make_structural(s["items"], false, preserve, depth + 1);
  if (s.contains("additionalProperties")) make_structural(s["additionalProperties"], false, preserve, depth + 1);
}

json convert_columns(json cols) {
  if (!cols.is_array()) return cols;
  for (auto& c : cols) {
    if (c.is_object() && c.contains("JSONPath")) {
      c["jsonPath"] = c["JSONPath"];
      c.erase("JSONPath");
    }
  }
  return cols;
}

json schema_for(const json* validation, bool preserve_unknown) {
  json schema;
  if (validation && validation->is_object() && validation->contains("openAPIV3Schema")) {
    schema = (*validation)["openAPIV3Schema"];
  } else {
    schema = json::object();
  }
  make_structural(schema, true, preserve_unknown, 0);
  return {{"openAPIV3Schema", std::move(schema)}};
}

}  // namespace

json convert_v1beta1_crd(const json& crd) {
  if (!crd.is_object() || string_or(crd, "apiVersion", "") != "apiextensions.k8s.io/v1beta1") return crd;
  json out = crd;
  out["apiVersion"] = v1_api_version;
  if (!out.contains("spec") || !out["spec"].is_object()) return out;
  json& spec = out["spec"];

  bool preserve_unknown = bool_or(spec, "preserveUnknownFields", true);
  spec.erase("preserveUnknownFields");
  const json validation = spec.contains("validation") ? spec["validation"] : json();
  const json subresources = spec.contains("subresources") ? spec["subresources"] : json();
  const json columns = spec.contains("additionalPrinterColumns") ? spec["additionalPrinterColumns"] : json();

  json versions = spec.contains("versions") && spec["versions"].is_array() && !spec["versions"].empty()
                      ? spec["versions"]
                      : json::array({json{{"name", string_or(spec, "version", "")}, {"served", true}, {"storage", true}}});
  for (auto& v : versions) {
    if (!v.is_object()) continue;
    const json* own = v.contains("schema") ? &v["schema"] : nullptr;
    json schema = schema_for(own ? own : (validation.is_null() ? nullptr : &validation), preserve_unknown);
    v["schema"] = std::move(schema);
    if (!v.contains("subresources") && subresources.is_object()) v["subresources"] = subresources;
    if (v.contains("additionalPrinterColumns")) {
      v["additionalPrinterColumns"] = convert_columns(v["additionalPrinterColumns"]);
    } else if (columns.is_array()) {
      v["additionalPrinterColumns"] = convert_columns(columns);
    }
  }
  spec["versions"] = std::move(versions);
  for (const char* k : {"version", "validation", "subresources", "additionalPrinterColumns"}) spec.erase(k);

  if (spec.contains("conversion") && spec["conversion"].is_object()) {
    json& conv = spec["conversion"];
    json webhook = json::object();
    if (conv.contains("webhookClientConfig")) {
      webhook["clientConfig"] = conv["webhookClientConfig"];
      conv.erase("webhookClientConfig");
    }
    if (conv.contains("conversionReviewVersions")) {
      webhook["conversionReviewVersions"] = conv["conversionReviewVersions"];
      conv.erase("conversionReviewVersions");
    } else if (string_or(conv, "strategy", "") == "Webhook") {
      webhook["conversionReviewVersions"] = json::array({"v1beta1"});  // v1beta1's default
    }
    if (!webhook.empty()) conv["webhook"] = std::move(webhook);
  }
  return out;
}

}  // namespace ktk::apiserver::crd
