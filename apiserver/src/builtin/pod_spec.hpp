// Internal: the PodSpec defaults (pkg/apis/core/v1/defaults.go) and validation
// (pkg/apis/core/validation) that Pods and every pod template share.
#pragma once

#include <string>

#include "json_util.hpp"

namespace ktk::apiserver::detail {

// PodSpec defaulting: restartPolicy, dnsPolicy, schedulerName, securityContext,
// terminationGracePeriodSeconds, container and volume defaults. `spec` must be an object.
void default_pod_spec(json& spec);
// default_pod_spec on template.spec (created when absent).
void default_pod_template(json& tmpl);

// ValidatePodSpec under `path` ("spec", "spec.template.spec").
field_errors validate_pod_spec(const json& spec, const std::string& path);
// ValidatePodTemplateSpec under `path` ("spec.template"): metadata labels/annotations and spec.
field_errors validate_pod_template(const json& tmpl, const std::string& path);

// BestEffort, Burstable or Guaranteed, from the containers' requests and limits
// (a missing request counts as equal to its limit, as defaulting makes it).
std::string pod_qos_class(const json& spec);

}  // namespace ktk::apiserver::detail
