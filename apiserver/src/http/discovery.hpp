// http/discovery.hpp — the discovery documents: what the server serves.
//
// `/api` (APIVersions), `/apis` (APIGroupList), `/apis/{g}` (APIGroup),
// `/api/v1` and `/apis/{g}/{v}` (APIResourceList), the aggregated documents
// (apidiscovery.k8s.io v2 and v2beta1 APIGroupDiscoveryList) that kubectl ≥ 1.26
// asks for first, and `/version`. All are computed from the rest mapper on every
// call, so a CRD shows up (or disappears) at once.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::apiserver::http::discovery {

// GET /api: {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[...]}.
core::json core_versions(std::string_view server_address);
// GET /apis.
core::json group_list(const core::rest_mapper& m);
// GET /apis/{group}; nullopt when the group is not served.
std::optional<core::json> group(const core::rest_mapper& m, std::string_view name);
// GET /api/v1 or /apis/{group}/{version}; nullopt when not served.
std::optional<core::json> resource_list(const core::rest_mapper& m, const core::group_version& gv);

// The aggregated document for /api (core = true) or /apis; `version` "v2" or "v2beta1".
core::json aggregated(const core::rest_mapper& m, bool core, std::string_view version);

// Picks the aggregated version from an Accept header ("v2", "v2beta1"), or nullopt when
// the client wants the legacy documents.
std::optional<std::string_view> wants_aggregated(std::string_view accept);

// GET /version: a believable kube version (gitVersion v1.31.0, major/minor) and ktk's
// own version.
core::json version_info();

}  // namespace ktk::apiserver::http::discovery
