// rest/detail/discovery_documents.hpp — the discovery documents a server sends, read.
//
//   auto groups = parse_group_list(apis_json);                       // APIGroupList
//   auto pods = parse_resource_list(api_v1_json, {"", "v1"});         // APIResourceList
//   auto all = parse_aggregated(doc);                                 // APIGroupDiscoveryList
//
// Lenient as client-go's decoding is: missing or mistyped fields read as empty.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ktk/client/rest/discovery.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/rest_mapper.hpp"

namespace ktk::client::rest::detail {

version_info parse_version(const core::json& doc);

// /api (APIVersions): the core group's versions.
std::vector<std::string> parse_core_versions(const core::json& doc);

// /apis (APIGroupList): each group with its preferred version first.
std::vector<api_group> parse_group_list(const core::json& doc);

// /api/v1, /apis/{g}/{v} (APIResourceList): "x/y" entries become subresource y of x;
// singular defaults to the lower-case kind; list_kind is kind + "List".
std::vector<core::resource_info> parse_resource_list(const core::json& doc, const core::group_version& gv);

// An APIGroupDiscoveryList (/api or /apis with aggregated discovery): its resources,
// versions in the server's order of preference; nullopt when doc is not one.
std::optional<std::vector<core::resource_info>> parse_aggregated(const core::json& doc);

}  // namespace ktk::client::rest::detail
