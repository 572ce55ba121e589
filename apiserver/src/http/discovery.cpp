// discovery.cpp — the legacy documents (/api, /apis, /apis/{g}, resource lists) and /version.
#include "discovery.hpp"

#include <algorithm>
#include <string>

#include "discovery_detail.hpp"

#ifndef KTK_VERSION_STRING
// The CMake project version; no compile definition carries it to this library.
#define KTK_VERSION_STRING "0.1.0"
#endif

namespace ktk::apiserver::http::discovery {
namespace {

core::json version_entry(const std::string& group, const std::string& version) {
  return {{"groupVersion", core::group_version{group, version}.str()}, {"version", version}};
}

// The body of an APIGroup, as /apis lists it (no kind/apiVersion).
core::json group_body(const detail::served_group& g) {
  core::json versions = core::json::array();
  for (const auto& v : g.versions) versions.push_back(version_entry(g.name, v));
  return {{"name", g.name}, {"versions", std::move(versions)}, {"preferredVersion", version_entry(g.name, g.versions.front())}};
}

core::json main_entry(const core::resource_info& r) {
  core::json e = {{"name", r.resource.resource}, {"singularName", r.singular}, {"namespaced", r.namespaced},
                  {"kind", r.kind},              {"verbs", core::json(r.verbs)}};
  // Only stored resources have a storage version; the create-only reviews have none.
  if (r.has_verb("get"))
    e["storageVersionHash"] = detail::storage_version_hash(r.resource.group, r.resource.version, r.kind);
  if (!r.short_names.empty()) e["shortNames"] = core::json(r.short_names);
  if (!r.categories.empty()) e["categories"] = core::json(r.categories);
  return e;
}

core::json sub_entry(const core::resource_info& r, const detail::subresource_info& s) {
  core::json e = {{"name", r.resource.resource + "/" + s.name},
                  {"singularName", ""},
                  {"namespaced", r.namespaced},
                  {"kind", s.kind},
                  {"verbs", core::json(s.verbs)}};
  if (!s.group.empty() || !s.version.empty()) {
    e["group"] = s.group;
    e["version"] = s.version;
  }
  return e;
}

std::optional<detail::served_group> find_group(const core::rest_mapper& m, std::string_view name) {
  for (auto& g : detail::ordered_groups(m)) {
    if (g.name == name) return std::move(g);
  }
  return std::nullopt;
}

}  // namespace

core::json core_versions(std::string_view server_address) {
  return {{"kind", "APIVersions"},
          {"versions", core::json::array({"v1"})},
          {"serverAddressByClientCIDRs",
           core::json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", std::string(server_address)}}})}};
}

core::json group_list(const core::rest_mapper& m) {
  core::json groups = core::json::array();
  for (const auto& g : detail::ordered_groups(m)) {
    if (!g.name.empty()) groups.push_back(group_body(g));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<core::json> group(const core::rest_mapper& m, std::string_view name) {
  if (name.empty()) return std::nullopt;  // the core group lives at /api, not /apis/
  auto g = find_group(m, name);
  if (!g) return std::nullopt;
  core::json doc = group_body(*g);
  doc["kind"] = "APIGroup";
  doc["apiVersion"] = "v1";
  return doc;
}

std::optional<core::json> resource_list(const core::rest_mapper& m, const core::group_version& gv) {
  auto items = detail::ordered_resources(m, gv);
  if (items.empty()) return std::nullopt;
  // kube-apiserver registers a group/version's storage paths sorted ("deployments",
  // "deployments/scale", "deployments/status"); the CRD discovery controller lists each
  // CRD followed by its status and scale.
  std::vector<core::json> builtin, custom;
  for (const auto& r : items) {
    auto& out = detail::is_builtin(*r) ? builtin : custom;
    out.push_back(main_entry(*r));
    for (const auto& s : detail::subresources_of(*r)) out.push_back(sub_entry(*r, s));
  }
  std::stable_sort(builtin.begin(), builtin.end(), [](const core::json& a, const core::json& b) {
    return a["name"].get_ref<const std::string&>() < b["name"].get_ref<const std::string&>();
  });
  core::json resources = core::json::array();
  for (auto& e : builtin) resources.push_back(std::move(e));
  for (auto& e : custom) resources.push_back(std::move(e));
  return core::json{{"kind", "APIResourceList"},
                    {"apiVersion", "v1"},
                    {"groupVersion", gv.str()},
                    {"resources", std::move(resources)}};
}

core::json version_info() {
  return {{"major", "1"},
          {"minor", "31"},
          {"gitVersion", "v1.31.0"},
          {"gitCommit", "9edcffcde5595e8a5b1a35f88c421764e575afce"},
          {"gitTreeState", "clean"},
          {"buildDate", "2024-08-13T07:28:49Z"},
          {"goVersion", "go1.22.5"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"},
          {"ktkVersion", KTK_VERSION_STRING}};
}

}  // namespace ktk::apiserver::http::discovery
