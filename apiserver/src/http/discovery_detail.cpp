#include "discovery_detail.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "ktk/core/base64.hpp"

namespace ktk::apiserver::http::discovery::detail {
namespace {

// "v<major>[(alpha|beta)<minor>]" → (type, major, minor); type 2 GA, 1 beta, 0 alpha.
struct kube_version {
  int type = 0;
  long major = 0;
  long minor = 0;
};

std::optional<long> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::optional<kube_version> parse_kube_version(std::string_view v) {
  if (v.size() < 2 || v[0] != 'v') return std::nullopt;
  v.remove_prefix(1);
  std::size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  auto major = parse_digits(v.substr(0, i));
  if (!major) return std::nullopt;
  std::string_view rest = v.substr(i);
  if (rest.empty()) return kube_version{2, *major, 0};
  int type = 0;
  if (rest.starts_with("alpha")) {
    rest.remove_prefix(5);
  } else if (rest.starts_with("beta")) {
    type = 1;
    rest.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  auto minor = parse_digits(rest);
  if (!minor) return std::nullopt;
  return kube_version{type, *major, *minor};
}

// kube-aggregator's GroupPriorityMinimum for the groups kube-apiserver 1.31 serves.
struct group_priority_entry {
  std::string_view group;
  int priority;
};
constexpr group_priority_entry group_priorities[] = {
    {"", 18000},
    {"apiregistration.k8s.io", 17800},
    {"apps", 17800},
    {"events.k8s.io", 17750},
    {"authentication.k8s.io", 17700},
    {"authorization.k8s.io", 17600},
    {"autoscaling", 17500},
    {"batch", 17400},
    {"certificates.k8s.io", 17300},
    {"networking.k8s.io", 17200},
    {"policy", 17100},
    {"rbac.authorization.k8s.io", 17000},
    {"storage.k8s.io", 16800},
    {"apiextensions.k8s.io", 16700},
    {"admissionregistration.k8s.io", 16700},
    {"scheduling.k8s.io", 16600},
    {"coordination.k8s.io", 16500},
    {"node.k8s.io", 16300},
    {"discovery.k8s.io", 16200},
    {"flowcontrol.apiserver.k8s.io", 16100},
    {"internal.apiserver.k8s.io", 16000},
    {"resource.k8s.io", 15900},
    {"storagemigration.k8s.io", 15800},
};

// CRD groups get this from the CRD registration controller.
constexpr int default_group_priority = 1000;

const std::vector<std::string> get_patch_update = {"get", "patch", "update"};
const std::vector<std::string> create_only = {"create"};
const std::vector<std::string> create_get = {"create", "get"};

// Built-in subresources as kube-apiserver's storages describe them. An empty kind
// means the parent's kind.
subresource_info builtin_subresource(const core::resource_info& parent, const std::string& name) {
  if (name == "status" || name == "ephemeralcontainers" || name == "resize" || name == "approval") {
    return {name, "", "", parent.kind, get_patch_update};
  }
  if (name == "scale") return {name, "autoscaling", "v1", "Scale", get_patch_update};
  if (name == "binding") return {name, "", "", "Binding", create_only};
  if (name == "eviction") return {name, "policy", "v1", "Eviction", create_only};
  if (name == "finalize") return {name, "", "", parent.kind, {"update"}};
  if (name == "log") return {name, "", "", parent.kind, {"get"}};
  if (name == "exec") return {name, "", "", "PodExecOptions", create_get};
  if (name == "attach") return {name, "", "", "PodAttachOptions", create_get};
  if (name == "portforward") return {name, "", "", "PodPortForwardOptions", create_get};
  if (name == "proxy") {
    return {name, "", "", parent.kind + "ProxyOptions", {"create", "delete", "get", "patch", "update"}};
  }
  if (name == "token") return {name, "authentication.k8s.io", "v1", "TokenRequest", create_only};
  return {name, "", "", parent.kind, get_patch_update};
}

}  // namespace

int compare_kube_aware_versions(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  auto va = parse_kube_version(a);
  auto vb = parse_kube_version(b);
  if (!va && !vb) return b.compare(a) < 0 ? -1 : 1;
  if (!va) return -1;
  if (!vb) return 1;
  if (va->type != vb->type) return va->type - vb->type;
  if (va->major != vb->major) return va->major > vb->major ? 1 : -1;
  if (va->minor != vb->minor) return va->minor > vb->minor ? 1 : -1;
  return 0;
}

int group_priority(std::string_view group) {
  for (const auto& e : group_priorities) {
    if (e.group == group) return e.priority;
  }
  return default_group_priority;
}

std::vector<served_group> ordered_groups(const core::rest_mapper& m) {
  std::vector<served_group> out;
  for (auto& [name, versions] : m.groups()) {
    std::stable_sort(versions.begin(), versions.end(),
                     [](const std::string& a, const std::string& b) { return compare_kube_aware_versions(a, b) > 0; });
    out.push_back({name, std::move(versions)});
  }
  std::stable_sort(out.begin(), out.end(), [](const served_group& a, const served_group& b) {
    int pa = group_priority(a.name), pb = group_priority(b.name);
    if (pa != pb) return pa > pb;
    return a.name < b.name;
  });
  return out;
}

bool is_builtin(const core::resource_info& r) {
  const auto& b = core::builtin_resources();
  return std::any_of(b.begin(), b.end(), [&](const core::resource_info& i) { return i.resource == r.resource; });
}

std::vector<subresource_info> subresources_of(const core::resource_info& r) {
  std::vector<subresource_info> out;
  if (is_builtin(r)) {
    for (const auto& s : r.subresources) out.push_back(builtin_subresource(r, s));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }
  // CRDs: the apiextensions discovery controller lists status, then scale.
  if (r.has_subresource("status")) out.push_back({"status", "", "", r.kind, get_patch_update});
  if (r.has_subresource("scale")) out.push_back({"scale", "autoscaling", "v1", "Scale", get_patch_update});
  return out;
}

std::vector<core::resource_info_ptr> ordered_resources(const core::rest_mapper& m, const core::group_version& gv) {
  auto items = m.in_group_version(gv);
  // Built-ins first (kube-apiserver's own handler wins a group/version), each part by name.
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    bool ba = is_builtin(*a), bb = is_builtin(*b);
    if (ba != bb) return ba;
    return a->resource.resource < b->resource.resource;
  });
  return items;
}

std::string storage_version_hash(std::string_view group, std::string_view version, std::string_view kind) {
  std::string key;
  key.reserve(group.size() + version.size() + kind.size() + 2);
  key.append(group).append("/").append(version).append("/").append(kind);
  return core::base64_encode(sha256(key).substr(0, 8));
}

}  // namespace ktk::apiserver::http::discovery::detail
