// ktk/core/rest_mapper.hpp — kind ↔ resource mapping, for built-ins and CRDs.
//
// A `resource_info` says everything discovery says about a resource: its GVR, kind,
// singular, short names, categories, scope, verbs and subresources. A `rest_mapper`
// holds a set of them; CRDs add and remove theirs at run time.
//
//   ktk::core::rest_mapper m = ktk::core::rest_mapper::with_builtins();
//   auto d = m.resolve("deploy");              // deployments.apps/v1
//   auto p = m.by_kind({"", "v1", "Pod"});     // pods
#pragma once

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/gvk.hpp"

namespace ktk::core {

struct resource_info {
  gvr resource{};                   // {"apps", "v1", "deployments"}
  std::string kind{};               // "Deployment"
  std::string list_kind{};          // "DeploymentList"
  std::string singular{};           // "deployment"
  bool namespaced = true;
  std::vector<std::string> short_names{};  // {"deploy"}
  std::vector<std::string> categories{};  // {"all"}
  std::vector<std::string> verbs{};       // create delete deletecollection get list patch update watch
  std::vector<std::string> subresources{};  // {"status", "scale"}

  gvk group_version_kind() const { return {resource.group, resource.version, kind}; }
  group_resource gr() const { return {resource.group, resource.resource}; }
  group_kind gk() const { return {resource.group, kind}; }
  bool has_subresource(std::string_view s) const;
  bool has_verb(std::string_view v) const;
};

using resource_info_ptr = std::shared_ptr<const resource_info>;

// The built-in resources ktk serves (core/v1, apps/v1, batch/v1, coordination, CRDs ...).
const std::vector<resource_info>& builtin_resources();

// A thread-safe set of resources. Readers take a shared lock; CRD changes an exclusive one.
class rest_mapper {
 public:
  rest_mapper() = default;
  static rest_mapper with_builtins();

  rest_mapper(const rest_mapper& o);
  rest_mapper& operator=(const rest_mapper& o);

  // Adds or replaces the resource with the same GVR.
  void add(resource_info info);
  // Removes the resource; returns whether it was there.
  bool remove(const gvr& r);

  resource_info_ptr by_resource(const gvr& r) const;
  resource_info_ptr by_kind(const gvk& k) const;
  // kubectl-style lookup: "pods", "pod", "po", "Pod", "deployments.apps",
  // "deployment.v1.apps", "deploy". Prefers the first-added version of a group.
  resource_info_ptr resolve(std::string_view name) const;
  // Every resource named by a category ("all").
  std::vector<resource_info_ptr> by_category(std::string_view category) const;
  std::vector<resource_info_ptr> all() const;
  std::vector<resource_info_ptr> in_group_version(const group_version& gv) const;
  // Group names, with their versions in order of preference.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<resource_info_ptr> items_;  // guarded by mu_; insertion order
};

}  // namespace ktk::core
