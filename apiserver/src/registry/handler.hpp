// handler.hpp — what the registry knows about one served resource (one GVR).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktk/apiserver/crd_schema.hpp"
#include "ktk/apiserver/strategy.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::detail {

// The scale subresource's paths for a custom resource (".spec.replicas" ...).
struct scale_paths {
  std::string spec_replicas;
  std::string status_replicas;
  std::string label_selector;  // may be empty
};

struct resource_handler {
  core::resource_info_ptr info;
  std::string shard;  // "apps/deployments", "pods": shared by every version of a resource
  strategy_ptr strat;

  // Custom resources only.
  bool custom = false;
  std::string crd_name;  // "ats.cnat.programming-kubernetes.info"
  std::optional<crd::structural_schema> schema;
  std::optional<scale_paths> scale;
  bool terminating = false;  // the CRD is being deleted: no new objects
  core::json raw_schema;       // openAPIV3Schema of this version (null when none)
  core::json printer_columns;  // additionalPrinterColumns of this version (may be null)

  bool has_status() const { return info->has_subresource("status"); }
  bool has_scale() const { return info->has_subresource("scale"); }
  bool namespaced() const { return info->namespaced; }
  core::group_resource gr() const { return info->gr(); }
  core::group_kind gk() const { return info->gk(); }
};

using handler_ptr = std::shared_ptr<const resource_handler>;

// "apps/deployments" or "pods".
inline std::string shard_of(const core::gvr& r) {
  return r.group.empty() ? r.resource : r.group + "/" + r.resource;
}

}  // namespace ktk::apiserver::detail
