// http/route.hpp — the parts of an API path and of a URL.
//
//   /apis/apps/v1/namespaces/default/deployments/web/scale
//   → {gv = apps/v1, namespace = default, resource = deployments, name = web, sub = scale}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktk/core/gvk.hpp"

namespace ktk::apiserver::http {

struct resource_path {
  core::group_version gv;
  bool has_namespace = false;  // the path named /namespaces/{ns}/ before the resource
  std::string namespace_;
  std::string resource;
  std::string name;
  std::string subresource;
  bool legacy_watch = false;  // the deprecated /watch/ prefix
};

// The resource path of `path` (already percent-decoded); nullopt when `path` is not
// under /api/v1/ or /apis/{g}/{v}/ or has too many segments.
std::optional<resource_path> parse_resource_path(std::string_view path);

// Splits "a/b/c" on '/', dropping empty segments from leading/trailing slashes.
std::vector<std::string_view> split_path(std::string_view path);

// Percent-decoding; `plus_is_space` for query strings. nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// "path?query" → the decoded path and the decoded query parameters; nullopt when
// either has a malformed escape.
struct split_target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};
std::optional<split_target> parse_target(std::string_view target);

}  // namespace ktk::apiserver::http
