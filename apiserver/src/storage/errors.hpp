// errors.hpp — the api_errors the memory storage returns, with kube-apiserver's texts.
#pragma once

#include <string_view>

#include "ktk/apiserver/storage/interface.hpp"

namespace ktk::apiserver::storage::detail {

// "apps/deployments" → {"apps", "deployments"}; "pods" → {"", "pods"}. The registry
// rewraps storage errors, but this keeps them readable when it does not.
core::group_resource shard_resource(std::string_view shard);

core::api_error not_found(std::string_view shard, const object_key& key);
core::api_error already_exists(std::string_view shard, const object_key& key);
core::api_error stale(std::string_view shard, const object_key& key);
// 410 Expired for a watch: "too old resource version: <from> (<oldest - 1>)".
core::api_error watch_expired(revision from, revision oldest_minus_one);
// 410 Expired for a list at a revision (or a continued list) older than the history.
core::api_error list_expired(bool continuing);
// 504 Timeout "Too large resource version: <at>, current: <current>", retry after 1 s.
core::api_error too_large(revision at, revision current);

}  // namespace ktk::apiserver::storage::detail
