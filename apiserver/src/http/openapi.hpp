// http/openapi.hpp — /openapi/v2 and /openapi/v3: the schemas clients read.
//
// kubectl uses them for `explain`, for client-side validation and to decide whether
// the server does field validation (it looks for the fieldValidation parameter on
// each resource's PATCH in the v3 document of its group-version). Built-in kinds get
// ktk's own description of their main fields; custom resources their CRD's
// openAPIV3Schema. Computed on each call from the mapper and the CRDs passed in.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::openapi {

// GET /openapi/v2 (Swagger 2.0). `crds` are the CustomResourceDefinitions stored now.
core::json v2(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds);
// GET /openapi/v3: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}, ...}}.
core::json v3_index(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds);
// GET /openapi/v3/api/v1, /openapi/v3/apis/{g}/{v}; nullopt when not served.
std::optional<core::json> v3_group_version(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds,
                                           const core::group_version& gv);

}  // namespace ktk::apiserver::http::openapi
