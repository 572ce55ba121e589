// Static validation of apiextensions.k8s.io/v1 CustomResourceDefinitions, after
// pkg/apis/apiextensions/validation/validation.go. Bad values that kube prints as Go
// structs (whole version lists, whole schemas) are printed here as JSON.
#include "ktk/apiserver/crd_schema.hpp"

#include <cctype>
#include <set>

#include "../builtin/checks.hpp"
#include "ktk/core/field_error.hpp"
#include "ktk/core/strings.hpp"
#include "schema_node.hpp"

namespace ktk::apiserver::crd {
namespace {

using core::field_error;
using core::quote;
namespace checks = ktk::apiserver::detail;

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
const json& member(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}
std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}
bool is_set(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return true;
}

void validate_names(const json& names, field_errors& errs) {
  const std::string p = "spec.names";
  const std::string kind = str(names, "kind");
  std::string singular = str(names, "singular"), list_kind = str(names, "listKind");
  if (singular.empty()) singular = core::ascii_lower(kind);  // defaulted by kube-apiserver
  if (list_kind.empty() && !kind.empty()) list_kind = kind + "List";
  const std::string plural = str(names, "plural");
  if (plural.empty()) errs.push_back(field_error::required(p + ".plural"));
  if (singular.empty()) errs.push_back(field_error::required(p + ".singular"));
  if (kind.empty()) errs.push_back(field_error::required(p + ".kind"));
  if (list_kind.empty()) errs.push_back(field_error::required(p + ".listKind"));
  if (auto m = checks::dns1035_label(plural); !plural.empty() && !m.empty())
    errs.push_back(field_error::invalid(p + ".plural", quote(plural), join(m, ",")));
  if (auto m = checks::dns1035_label(singular); !singular.empty() && !m.empty())
    errs.push_back(field_error::invalid(p + ".singular", quote(singular), join(m, ",")));
  if (auto m = checks::dns1035_label(core::ascii_lower(kind)); !kind.empty() && !m.empty())
    errs.push_back(field_error::invalid(p + ".kind", quote(kind), "may have mixed case, but should otherwise match: " + join(m, ",")));
  if (auto m = checks::dns1035_label(core::ascii_lower(list_kind)); !list_kind.empty() && !m.empty())
    errs.push_back(field_error::invalid(p + ".listKind", quote(list_kind), "may have mixed case, but should otherwise match: " + join(m, ",")));
  for (const char* list : {"shortNames", "categories"}) {
    const json& items = member(names, list);
    if (!items.is_array()) continue;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string v = items[i].is_string() ? items[i].get<std::string>() : items[i].dump();
      if (auto m = checks::dns1035_label(v); !m.empty())
        errs.push_back(field_error::invalid(p + "." + list + "[" + std::to_string(i) + "]", quote(v), join(m, ",")));
    }
  }
  if (!kind.empty() && kind == list_kind)
    errs.push_back(field_error::invalid(p + ".listKind", quote(list_kind), "kind and listKind may not be the same"));
}

// validateSimpleJSONPath
bool simple_json_path(const std::string& s, const std::string& path, field_errors& errs) {
  if (s.empty()) {
    errs.push_back(field_error::invalid(path, "\"\"", "must not be empty"));
    return false;
  }
  if (s[0] != '.') {
    errs.push_back(field_error::invalid(path, quote(s), "must be a simple json path starting with ."));
    return false;
  }
  return true;
}

void validate_subresources(const json& sub, const std::string& p, field_errors& errs) {
  if (!sub.is_object()) return;
  const json& scale = member(sub, "scale");
  if (!scale.is_object()) return;
  struct rule {
    const char* key;
    const char* prefix;
    const char* msg;
  };
  for (const auto& r : {rule{"specReplicasPath", ".spec.", "should be a json path under .spec"},
                        rule{"statusReplicasPath", ".status.", "should be a json path under .status"}}) {
    const std::string fp = p + ".scale." + r.key;
    const std::string v = str(scale, r.key);
    if (v.empty()) {
      errs.push_back(field_error::required(fp));
    } else if (simple_json_path(v, fp, errs) && v.rfind(r.prefix, 0) != 0) {
      errs.push_back(field_error::invalid(fp, quote(v), r.msg));
    }
  }
  const std::string sel = str(scale, "labelSelectorPath");
  const std::string fp = p + ".scale.labelSelectorPath";
  if (!sel.empty() && simple_json_path(sel, fp, errs) && sel.rfind(".spec.", 0) != 0 && sel.rfind(".status.", 0) != 0) {
    errs.push_back(field_error::invalid(fp, quote(sel), "should be a json path under either .spec or .status"));
  }
}

void validate_column(const json& col, const std::string& p, field_errors& errs) {
  static const std::vector<std::string> types = {"boolean", "date", "integer", "number", "string"};
  static const std::vector<std::string> formats = {"byte", "date", "date-time", "double", "float", "int32", "int64", "password"};
  if (str(col, "name").empty()) errs.push_back(field_error::required(p + ".name"));
  const std::string type = str(col, "type");
  if (type.empty()) {
    errs.push_back(field_error::required(p + ".type", "must be one of " + join(types, ",")));
  } else if (std::find(types.begin(), types.end(), type) == types.end()) {
    errs.push_back(field_error::invalid(p + ".type", quote(type), "must be one of " + join(types, ",")));
  }
  const std::string format = str(col, "format");
  if (!format.empty() && std::find(formats.begin(), formats.end(), format) == formats.end()) {
    errs.push_back(field_error::invalid(p + ".format", quote(format), "must be one of " + join(formats, ",")));
  }
  const std::string path = str(col, "jsonPath");
  if (path.empty()) {
    errs.push_back(field_error::required(p + ".JSONPath"));
  } else {
    simple_json_path(path, p + ".JSONPath", errs);
  }
}

// uniqueItems is accepted by compile() but forbidden in CRDs.
void forbid_unique_items(const json& s, const std::string& p, int depth, field_errors& errs) {
  if (!s.is_object() || depth > max_nesting_depth) return;
  if (member(s, "uniqueItems") == true) {
    errs.push_back(field_error::forbidden(p + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
  }
  for (const char* k : {"properties"}) {
    const json& props = member(s, k);
    if (props.is_object())
      for (auto it = props.begin(); it != props.end(); ++it)
        forbid_unique_items(it.value(), p + "." + k + "[" + it.key() + "]", depth + 1, errs);
  }
  for (const char* k : {"items", "additionalProperties", "not"}) forbid_unique_items(member(s, k), p + "." + k, depth + 1, errs);
  for (const char* k : {"allOf", "anyOf", "oneOf"}) {
    const json& alts = member(s, k);
    if (alts.is_array())
      for (std::size_t i = 0; i < alts.size(); ++i)
        forbid_unique_items(alts[i], p + "." + k + "[" + std::to_string(i) + "]", depth + 1, errs);
  }
}

void validate_status_root(const json& schema, const std::string& p, field_errors& errs) {
  static const std::set<std::string> allowed = {
      "description", "type",      "format",    "title",       "maximum", "exclusiveMaximum", "minimum",
      "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems",
      "multipleOf",  "required",  "items",     "properties",  "externalDocs", "example",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations"};
  for (auto it = schema.begin(); it != schema.end(); ++it) {
    if (!is_set(it.value())) continue;
    if (it.key() == "type") {
      if (it.value() != "object") {
        errs.push_back(field_error::invalid(p + ".type", it.value().dump(),
                                            "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled"));
        return;
      }
      continue;
    }
    if (!allowed.count(it.key())) {
      errs.push_back(field_error::invalid(
          p, schema.dump(),
          "only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength "
          "Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example "
          "XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled"));
      return;
    }
  }
}

void validate_version(const json& v, const std::string& p, field_errors& errs) {
  const std::string name = str(v, "name");
  if (auto m = checks::dns1035_label(name); !m.empty()) errs.push_back(field_error::invalid(p + ".name", quote(name), join(m, ",")));
  const json& schema = member(member(v, "schema"), "openAPIV3Schema");
  const std::string sp = p + ".schema.openAPIV3Schema";
  if (schema.is_null()) {
    errs.push_back(field_error::required(sp));
  } else {
    const json& sub = member(v, "subresources");
    if (sub.is_object() && sub.contains("status") && schema.is_object()) validate_status_root(schema, sp, errs);
    detail::compile_node(schema, sp, detail::level::root, false, false, 0, errs);
    forbid_unique_items(schema, sp, 0, errs);
  }
  validate_subresources(member(v, "subresources"), p + ".subresources", errs);
  const json& cols = member(v, "additionalPrinterColumns");
  if (cols.is_array())
    for (std::size_t i = 0; i < cols.size(); ++i)
      validate_column(cols[i], p + ".additionalPrinterColumns[" + std::to_string(i) + "]", errs);
}

void validate_conversion(const json& conv, field_errors& errs) {
  if (!conv.is_object()) return;
  const std::string p = "spec.conversion";
  const std::string strategy = str(conv, "strategy");
  if (strategy.empty()) {
    errs.push_back(field_error::required(p + ".strategy"));
  } else if (strategy != "None" && strategy != "Webhook") {
    errs.push_back(field_error::not_supported(p + ".strategy", quote(strategy), {"None", "Webhook"}));
  }
  const json& webhook = member(conv, "webhook");
  if (strategy == "Webhook") {
    const json& cc = member(webhook, "clientConfig");
    if (!cc.is_object()) {
      errs.push_back(field_error::required(p + ".webhookClientConfig", "required when strategy is set to Webhook"));
    } else if (cc.contains("url") == cc.contains("service")) {
      errs.push_back(field_error::required(p + ".webhookClientConfig", "exactly one of url or service is required"));
    }
    const json& versions = member(webhook, "conversionReviewVersions");
    if (!versions.is_array() || versions.empty()) errs.push_back(field_error::required(p + ".conversionReviewVersions"));
  } else if (webhook.is_object()) {
    if (webhook.contains("clientConfig"))
      errs.push_back(field_error::forbidden(p + ".webhookClientConfig", "should not be set when strategy is not set to Webhook"));
    if (is_set(member(webhook, "conversionReviewVersions")))
      errs.push_back(field_error::forbidden(p + ".conversionReviewVersions", "should not be set when strategy is not set to Webhook"));
  }
}

}  // namespace

void default_crd(json& crd) {
  if (!crd.is_object() || !crd.contains("spec") || !crd["spec"].is_object()) return;
  json& spec = crd["spec"];
  if (spec.contains("names") && spec["names"].is_object()) {
    json& names = spec["names"];
    const std::string kind = str(names, "kind");
    if (str(names, "singular").empty() && !kind.empty()) names["singular"] = core::ascii_lower(kind);
    if (str(names, "listKind").empty() && !kind.empty()) names["listKind"] = kind + "List";
  }
  if (!spec.contains("conversion") || !spec["conversion"].is_object()) spec["conversion"] = json{{"strategy", "None"}};
}

field_errors validate_crd(const json& crd) {
  field_errors errs;
  const json& spec = member(crd, "spec");
  const std::string group = str(spec, "group");
  const std::string plural = str(member(spec, "names"), "plural");

  const std::string name = str(member(crd, "metadata"), "name");
  if (name.empty()) {
    errs.push_back(field_error::required("metadata.name", "name or generateName is required"));
  } else {
    for (const auto& m : checks::dns1123_subdomain(name)) errs.push_back(field_error::invalid("metadata.name", quote(name), m));
    if (name != plural + "." + group)
      errs.push_back(field_error::invalid("metadata.name", quote(name), "must be spec.names.plural+\".\"+spec.group"));
  }

  if (group.empty()) {
    errs.push_back(field_error::required("spec.group"));
  } else if (auto m = checks::dns1123_subdomain(group); !m.empty()) {
    errs.push_back(field_error::invalid("spec.group", quote(group), join(m, ",")));
  } else if (group.find('.') == std::string::npos) {
    errs.push_back(field_error::invalid("spec.group", quote(group), "should be a domain with at least one dot"));
  }

  const std::string scope = str(spec, "scope");
  if (scope.empty()) {
    errs.push_back(field_error::required("spec.scope"));
  } else if (scope != "Cluster" && scope != "Namespaced") {
    errs.push_back(field_error::not_supported("spec.scope", quote(scope), {"Cluster", "Namespaced"}));
  }

  const json& versions = member(spec, "versions");
  int storage = 0;
  bool unique = true;
  std::set<std::string> seen;
  if (versions.is_array()) {
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const json& v = versions[i];
      if (member(v, "storage") == true) ++storage;
      if (!seen.insert(str(v, "name")).second) unique = false;
      validate_version(v, "spec.versions[" + std::to_string(i) + "]", errs);
    }
  }
  const std::string versions_value = versions.is_null() ? "null" : versions.dump();
  if (!unique) errs.push_back(field_error::invalid("spec.versions", versions_value, "must contain unique version names"));
  if (storage != 1)
    errs.push_back(field_error::invalid("spec.versions", versions_value, "must have exactly one version marked as storage version"));

  validate_names(member(spec, "names"), errs);
  validate_conversion(member(spec, "conversion"), errs);
  if (member(spec, "preserveUnknownFields") == true) {
    errs.push_back(field_error::invalid("spec.preserveUnknownFields", "true",
                                        "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
  }
  return errs;
}

}  // namespace ktk::apiserver::crd
