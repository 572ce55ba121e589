// rest/detail/requests.hpp — request paths, query parameters and bodies of the verbs.
//
//   resource_path(pods_info, "default", "web", "status");   // "/api/v1/namespaces/default/pods/web/status"
//   list_query({.label_selector = "app=web", .limit = 10}).str();   // "?limit=10&labelSelector=app%3Dweb"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ktk/client/options.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/rest_mapper.hpp"
#include "url.hpp"

namespace ktk::client::rest::detail {

// "/api/v1" for the core group, "/apis/{group}/{version}" otherwise; then
// "/namespaces/{ns}" for a namespaced resource when ns is not empty, the resource,
// the name and the subresource when given.
std::string resource_path(const core::resource_info& r, std::string_view ns, std::string_view name = {},
                          std::string_view subresource = {});

query get_query(const get_options& o);
// limit, continue, resourceVersion, resourceVersionMatch, labelSelector, fieldSelector.
query list_query(const list_options& o);
// watch=true, allowWatchBookmarks, resourceVersion(Match), sendInitialEvents,
// timeoutSeconds and the selectors.
query watch_query(const watch_options& o);
// dryRun=All, fieldManager, fieldValidation, and force=true when asked (the server
// accepts it for apply patches only).
query write_query(bool dry_run, std::string_view field_manager, std::string_view field_validation, bool force = false);

// A meta/v1 DeleteOptions: gracePeriodSeconds, propagationPolicy, preconditions, dryRun.
core::json delete_body(const delete_options& o);

// The autoscaling/v1 Scale that update_scale sends.
core::json scale_body(const core::object_key& key, std::int64_t replicas);

}  // namespace ktk::client::rest::detail
