// Which resources and schemas each group-version document holds: the mapper's
// resources, with the schema of their CRD when one defines them, the built-in schema
// otherwise, and a permissive object when ktk has none.
#include <algorithm>

#include "http/openapi_schemas.hpp"
#include "ktk/core/strings.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const json& spec_of(const core::object& crd) {
  static const json empty = json::object();
  const json* s = crd.field("spec");
  return s != nullptr && s->is_object() ? *s : empty;
}

// The served version `version` of a CRD, or nullptr.
const json* served_version(const json& spec, const std::string& version) {
  auto vs = spec.find("versions");
  if (vs == spec.end() || !vs->is_array()) return nullptr;
  for (const auto& v : *vs) {
    if (v.is_object() && text(v, "name") == version && v.value("served", false)) return &v;
  }
  return nullptr;
}

struct crd_match {
  const json* spec = nullptr;
  const json* version = nullptr;
};

// The CRD serving plural `plural` in `gv`, if any.
crd_match find_crd(const std::vector<core::object_ptr>& crds, const core::group_version& gv,
                   const std::string& plural) {
  for (const auto& c : crds) {
    if (!c) continue;
    const json& spec = spec_of(*c);
    if (text(spec, "group") != gv.group || gv.group.empty()) continue;
    auto names = spec.find("names");
    if (names == spec.end() || !names->is_object() || (!plural.empty() && text(*names, "plural") != plural)) continue;
    if (const json* v = served_version(spec, gv.version)) return {&spec, v};
  }
  return {};
}

core::resource_info info_from_crd(const json& spec, const json& version) {
  const json& names = spec["names"];
  core::resource_info r;
  r.resource = {text(spec, "group"), text(version, "name"), text(names, "plural")};
  r.kind = text(names, "kind");
  r.list_kind = text(names, "listKind").empty() ? r.kind + "List" : text(names, "listKind");
  r.singular = text(names, "singular").empty() ? core::ascii_lower(r.kind) : text(names, "singular");
  r.namespaced = text(spec, "scope") != "Cluster";
  r.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  if (auto sub = version.find("subresources"); sub != version.end() && sub->is_object()) {
    if (sub->contains("status")) r.subresources.push_back("status");
    if (sub->contains("scale")) r.subresources.push_back("scale");
  }
  return r;
}

const json* crd_schema(const json& version) {
  auto s = version.find("schema");
  if (s == version.end() || !s->is_object()) return nullptr;
  auto o = s->find("openAPIV3Schema");
  return o != s->end() && o->is_object() ? &*o : nullptr;
}

}  // namespace

std::vector<core::group_version> served_group_versions(const core::rest_mapper& m,
                                                       const std::vector<core::object_ptr>& crds) {
  std::vector<core::group_version> out;
  auto add = [&](core::group_version gv) {
    if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(std::move(gv));
  };
  for (const auto& [group, versions] : m.groups()) {
    for (const auto& v : versions) add({group, v});
  }
  for (const auto& c : crds) {
    if (!c) continue;
    const json& spec = spec_of(*c);
    std::string group = text(spec, "group");
    auto vs = spec.find("versions");
    if (group.empty() || vs == spec.end() || !vs->is_array()) continue;
    for (const auto& v : *vs) {
      if (v.is_object() && v.value("served", false) && !text(v, "name").empty()) add({group, text(v, "name")});
    }
  }
  return out;
}

group_version_content content_of(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds,
                                 const core::group_version& gv, spec_version v) {
  group_version_content out;
  const definitions& builtins = builtin(v);
  auto add_custom = [&](core::resource_info info, const json* schema) {
    resource r{.info = std::move(info), .custom = true};
    r.schema_name = crd_model_name(r.info.group_version_kind());
    r.list_schema_name = crd_model_name({gv.group, gv.version, r.info.list_kind});
    out.defs[r.schema_name] = crd_kind_schema(schema, r.info.group_version_kind(), v);
    out.defs[r.list_schema_name] = crd_list_schema(r.schema_name, {gv.group, gv.version, r.info.list_kind}, v);
    collect_referenced(builtins, meta_v1 + "ObjectMeta", out.defs);
    collect_referenced(builtins, meta_v1 + "ListMeta", out.defs);
    out.resources.push_back(std::move(r));
  };

  for (const auto& p : m.in_group_version(gv)) {
    if (auto c = find_crd(crds, gv, p->resource.resource); c.spec != nullptr) {
      add_custom(*p, crd_schema(*c.version));
      continue;
    }
    std::string name = builtin_name(p->group_version_kind());
    if (name.empty()) {
      add_custom(*p, nullptr);  // neither built-in nor CRD-defined: accept anything
      continue;
    }
    resource r{.info = *p, .schema_name = name, .list_schema_name = name + "List"};
    collect_referenced(builtins, r.schema_name, out.defs);
    collect_referenced(builtins, r.list_schema_name, out.defs);
    out.resources.push_back(std::move(r));
  }
  // CRDs the mapper does not list (yet): publish them all the same.
  for (const auto& c : crds) {
    if (!c) continue;
    const json& spec = spec_of(*c);
    const json* version = text(spec, "group") == gv.group ? served_version(spec, gv.version) : nullptr;
    auto names = spec.find("names");
    if (version == nullptr || gv.group.empty() || names == spec.end() || !names->is_object()) continue;
    auto info = info_from_crd(spec, *version);
    if (info.kind.empty() || info.resource.resource.empty() || m.by_resource(info.resource)) continue;
    add_custom(std::move(info), crd_schema(*version));
  }
  if (!out.resources.empty()) {
    for (const char* n : {"Status", "DeleteOptions", "Patch"}) collect_referenced(builtins, meta_v1 + n, out.defs);
  }
  for (const auto& r : out.resources) {
    if (r.info.has_subresource("scale")) collect_referenced(builtins, "io.k8s.api.autoscaling.v1.Scale", out.defs);
    if (r.info.has_subresource("binding")) collect_referenced(builtins, "io.k8s.api.core.v1.Binding", out.defs);
  }
  return out;
}

}  // namespace ktk::apiserver::http::openapi::detail
