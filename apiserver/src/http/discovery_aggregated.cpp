// discovery_aggregated.cpp — the apidiscovery.k8s.io APIGroupDiscoveryList documents.
//
// v2 and v2beta1 have the same shape; only apiVersion differs. Built-in resources carry
// an empty responseKind group/version (kube-apiserver's installer only fills them when
// the kind lives in another group, as Scale does); CRDs carry their own group/version.
#include "discovery.hpp"

#include <string>

#include "discovery_detail.hpp"

namespace ktk::apiserver::http::discovery {
namespace {

core::json kind_ref(std::string_view group, std::string_view version, std::string_view kind) {
  return {{"group", std::string(group)}, {"version", std::string(version)}, {"kind", std::string(kind)}};
}

core::json resource_entry(const core::resource_info& r) {
  const bool builtin = detail::is_builtin(r);
  const std::string none;
  const std::string& group = builtin ? none : r.resource.group;
  const std::string& version = builtin ? none : r.resource.version;
  core::json e = {{"resource", r.resource.resource},
                  {"responseKind", kind_ref(group, version, r.kind)},
                  {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                  {"singularResource", r.singular},
                  {"verbs", core::json(r.verbs)}};
  if (!r.short_names.empty()) e["shortNames"] = core::json(r.short_names);
  if (!r.categories.empty()) e["categories"] = core::json(r.categories);
  core::json subs = core::json::array();
  for (const auto& s : detail::subresources_of(r)) {
    const bool elsewhere = !s.group.empty() || !s.version.empty();
    subs.push_back({{"subresource", s.name},
                    {"responseKind", elsewhere ? kind_ref(s.group, s.version, s.kind) : kind_ref(group, version, s.kind)},
                    {"verbs", core::json(s.verbs)}});
  }
  if (!subs.empty()) e["subresources"] = std::move(subs);
  return e;
}

core::json group_item(const core::rest_mapper& m, const detail::served_group& g) {
  // ObjectMeta as Go serializes it: name omitted when empty, creationTimestamp null.
  core::json meta = {{"creationTimestamp", nullptr}};
  if (!g.name.empty()) meta["name"] = g.name;
  core::json versions = core::json::array();
  for (const auto& v : g.versions) {
    core::json resources = core::json::array();
    for (const auto& r : detail::ordered_resources(m, {g.name, v})) resources.push_back(resource_entry(*r));
    core::json ver = {{"version", v}, {"freshness", "Current"}};
    if (!resources.empty()) ver["resources"] = std::move(resources);
    versions.push_back(std::move(ver));
  }
  return {{"metadata", std::move(meta)}, {"versions", std::move(versions)}};
}

}  // namespace

core::json aggregated(const core::rest_mapper& m, bool core, std::string_view version) {
  core::json items = core::json::array();
  for (const auto& g : detail::ordered_groups(m)) {
    if (g.name.empty() == core) items.push_back(group_item(m, g));
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + std::string(version == "v2beta1" ? "v2beta1" : "v2")},
          {"metadata", core::json::object()},
          {"items", std::move(items)}};
}

}  // namespace ktk::apiserver::http::discovery
