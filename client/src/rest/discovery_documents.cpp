#include "detail/discovery_documents.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ktk/core/strings.hpp"

namespace ktk::client::rest::detail {

namespace {

using core::json;

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

const json& array_at(const json& j, const char* key) {
  static const json empty = json::array();
  if (!j.is_object()) return empty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

void finish(core::resource_info& r) {
  if (r.singular.empty()) r.singular = core::ascii_lower(r.kind);
  if (r.list_kind.empty() && !r.kind.empty()) r.list_kind = r.kind + "List";
}

}  // namespace

version_info parse_version(const json& doc) {
  return {str(doc, "major"), str(doc, "minor"), str(doc, "gitVersion"), str(doc, "gitCommit"), str(doc, "platform")};
}

std::vector<std::string> parse_core_versions(const json& doc) { return strings(doc, "versions"); }

std::vector<api_group> parse_group_list(const json& doc) {
  std::vector<api_group> out;
  for (const auto& g : array_at(doc, "groups")) {
    api_group ag{.name = str(g, "name")};
    if (ag.name.empty()) continue;
    std::string preferred;
    if (auto p = g.find("preferredVersion"); p != g.end()) preferred = str(*p, "version");
    if (!preferred.empty()) ag.versions.push_back(preferred);
    for (const auto& v : array_at(g, "versions")) {
      auto name = str(v, "version");
      if (!name.empty() && name != preferred) ag.versions.push_back(std::move(name));
    }
    out.push_back(std::move(ag));
  }
  return out;
}

std::vector<core::resource_info> parse_resource_list(const json& doc, const core::group_version& gv) {
  std::vector<core::resource_info> out;
  std::vector<std::pair<std::string, std::string>> subs;  // resource, subresource
  for (const auto& e : array_at(doc, "resources")) {
    auto name = str(e, "name");
    if (name.empty()) continue;
    if (auto slash = name.find('/'); slash != std::string::npos) {
      subs.emplace_back(name.substr(0, slash), name.substr(slash + 1));
      continue;
    }
    core::resource_info r;
    r.resource = {gv.group, gv.version, name};
    r.kind = str(e, "kind");
    r.singular = str(e, "singularName");
    if (auto n = e.find("namespaced"); n != e.end() && n->is_boolean()) r.namespaced = n->get<bool>();
    r.verbs = strings(e, "verbs");
    r.short_names = strings(e, "shortNames");
    r.categories = strings(e, "categories");
    finish(r);
    out.push_back(std::move(r));
  }
  for (auto& entry : subs) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const auto& res = entry.first;
    const auto& sub = entry.second;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& r) { return r.resource.resource == res; });
    if (it != out.end() && !it->has_subresource(sub)) it->subresources.push_back(sub);
  }
  return out;
}

std::optional<std::vector<core::resource_info>> parse_aggregated(const json& doc) {
  if (str(doc, "kind") != "APIGroupDiscoveryList") return std::nullopt;
  std::vector<core::resource_info> out;
  for (const auto& g : array_at(doc, "items")) {
    std::string group;
    if (auto m = g.find("metadata"); m != g.end()) group = str(*m, "name");
    for (const auto& v : array_at(g, "versions")) {
      auto version = str(v, "version");
      if (version.empty()) continue;
      for (const auto& e : array_at(v, "resources")) {
        core::resource_info r;
        r.resource = {group, version, str(e, "resource")};
        if (r.resource.resource.empty()) continue;
        if (auto k = e.find("responseKind"); k != e.end()) r.kind = str(*k, "kind");
        r.singular = str(e, "singularResource");
        r.namespaced = str(e, "scope") != "Cluster";
        r.verbs = strings(e, "verbs");
        r.short_names = strings(e, "shortNames");
        r.categories = strings(e, "categories");
        for (const auto& s : array_at(e, "subresources")) {
          auto name = str(s, "subresource");
          if (!name.empty()) r.subresources.push_back(std::move(name));
        }
        finish(r);
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

}  // namespace ktk::client::rest::detail
