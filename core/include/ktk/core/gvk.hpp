// ktk/core/gvk.hpp — group/version/kind and group/version/resource names.
//
//   auto gv = ktk::core::group_version::parse("apps/v1");   // {"apps", "v1"}
//   ktk::core::gvk k{"apps", "v1", "Deployment"};
//   k.api_version();                                         // "apps/v1"
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <string_view>

namespace ktk::core {

struct group_version {
  std::string group{};  // "" for the core group
  std::string version{};  // "v1"

  // Parses an apiVersion: "v1" → {"", "v1"}, "apps/v1" → {"apps", "v1"}.
  static group_version parse(std::string_view api_version);
  // "v1" for the core group, "group/version" otherwise.
  std::string str() const;
  auto operator<=>(const group_version&) const = default;
};

// A kind in a group and version; the type of an object.
struct gvk {
  std::string group{};
  std::string version{};
  std::string kind{};

  static gvk from_api_version(std::string_view api_version, std::string_view kind);
  std::string api_version() const { return group_version{group, version}.str(); }
  group_version gv() const { return {group, version}; }
  std::string str() const;  // "apps/v1, Kind=Deployment" like apimachinery
  auto operator<=>(const gvk&) const = default;
};

// A resource (plural, lower case) in a group and version; the URL path of a type.
struct gvr {
  std::string group{};
  std::string version{};
  std::string resource{};

  group_version gv() const { return {group, version}; }
  // "deployments.apps" / "pods": kube-apiserver's qualified resource, used in errors.
  std::string group_resource() const;
  std::string str() const;  // "apps/v1, Resource=deployments"
  auto operator<=>(const gvr&) const = default;
};

// Group + kind, as used by kube-apiserver's Invalid errors.
struct group_kind {
  std::string group{};
  std::string kind{};
  auto operator<=>(const group_kind&) const = default;
};

// Group + resource, as used by NotFound / AlreadyExists / Conflict errors.
struct group_resource {
  std::string group{};
  std::string resource{};
  std::string str() const { return group.empty() ? resource : resource + "." + group; }
  auto operator<=>(const group_resource&) const = default;
};

// A namespaced name. Cluster-scoped objects have an empty namespace_.
struct object_key {
  std::string namespace_{};
  std::string name{};

  std::string str() const { return namespace_.empty() ? name : namespace_ + "/" + name; }
  auto operator<=>(const object_key&) const = default;
};

}  // namespace ktk::core

template <>
struct std::hash<ktk::core::gvr> {
  std::size_t operator()(const ktk::core::gvr& r) const noexcept {
    std::hash<std::string> h;
    return h(r.group) * 31 * 31 ^ h(r.version) * 31 ^ h(r.resource);
  }
};
template <>
struct std::hash<ktk::core::object_key> {
  std::size_t operator()(const ktk::core::object_key& k) const noexcept {
    std::hash<std::string> h;
    return h(k.namespace_) * 31 ^ h(k.name);
  }
};
