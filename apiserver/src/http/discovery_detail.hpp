// http/discovery_detail.hpp — what the legacy and aggregated discovery documents share.
//
// kube-apiserver orders groups by their APIService priority (built-in groups by the
// table in its aggregator, CRD groups at 1000), ties by name; versions inside a group
// by kube-aware version order ("v2" > "v1" > "v1beta1" > "v1alpha1" > "foo").
// Subresources are described by a fixed table (verbs, kind) like kube's storages do.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::discovery::detail {

// kube's version.CompareKubeAwareVersionStrings: > 0 when a sorts before b.
int compare_kube_aware_versions(std::string_view a, std::string_view b);

// The aggregator's group priority (GroupPriorityMinimum): 18000 for the core group,
// kube's table for built-in groups, 1000 for anything else (CRD groups).
int group_priority(std::string_view group);

struct served_group {
  std::string name;
  std::vector<std::string> versions;  // preferred first
};

// Every group the mapper serves (the core group included, as ""), in kube's order.
std::vector<served_group> ordered_groups(const core::rest_mapper& m);

// Whether this resource is one of ktk's built-ins (as opposed to a CRD's).
bool is_builtin(const core::resource_info& r);

// A subresource as discovery shows it. `group`/`version` are empty unless the kind
// lives elsewhere (Scale is autoscaling/v1).
struct subresource_info {
  std::string name;
  std::string group;
  std::string version;
  std::string kind;
  std::vector<std::string> verbs;
};

// The subresources of `r`, in the order kube lists them: built-ins alphabetically,
// CRDs status then scale.
std::vector<subresource_info> subresources_of(const core::resource_info& r);

// The resources of one group/version in the order kube lists them.
std::vector<core::resource_info_ptr> ordered_resources(const core::rest_mapper& m, const core::group_version& gv);

// kube's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind").
std::string storage_version_hash(std::string_view group, std::string_view version, std::string_view kind);

// SHA-256 of `data`, 32 raw bytes.
std::string sha256(std::string_view data);

}  // namespace ktk::apiserver::http::discovery::detail
