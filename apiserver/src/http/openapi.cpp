#include "http/openapi.hpp"

#include <cstdint>
#include <cstdio>

#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi {
namespace {

using detail::spec_version;
using json = core::json;

json info() { return {{"title", "Kubernetes"}, {"version", detail::kube_version}}; }

// "api/v1" or "apis/apps/v1": the key of a group-version in the v3 index.
std::string index_key(const core::group_version& gv) {
  return gv.group.empty() ? "api/" + gv.version : "apis/" + gv.group + "/" + gv.version;
}

// A content hash for the index's cache-busting ?hash= (kube uses SHA-512; any digest
// that changes with the document serves clients, which only compare it).
std::string content_hash(const std::string& s) {
  std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char ch : s) {
    a = (a ^ ch) * 0x100000001b3ULL;
    b = (b ^ ch) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llX%016llX", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

json bearer_token_scheme() {
  return {
      {"type", "apiKey"}, {"name", "authorization"}, {"in", "header"}, {"description", "Bearer Token authentication"}};
}

}  // namespace

core::json v2(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds) {
  json paths = json::object();
  json defs = json::object();
  for (const auto& gv : detail::served_group_versions(m, crds)) {
    auto content = detail::content_of(m, crds, gv, spec_version::v2);
    for (const auto& r : content.resources) detail::add_paths(paths, r, spec_version::v2);
    for (auto& [name, s] : content.defs) defs[name] = std::move(s);
  }
  return {{"swagger", "2.0"},
          {"info", info()},
          {"paths", std::move(paths)},
          {"definitions", std::move(defs)},
          {"securityDefinitions", {{"BearerToken", bearer_token_scheme()}}},
          {"security", json::array({{{"BearerToken", json::array()}}})}};
}

core::json v3_index(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds) {
  json paths = json::object();
  for (const auto& gv : detail::served_group_versions(m, crds)) {
    auto doc = v3_group_version(m, crds, gv);
    if (!doc) continue;
    std::string key = index_key(gv);
    paths[key] = {{"serverRelativeURL", "/openapi/v3/" + key + "?hash=" + content_hash(doc->dump())}};
  }
  return {{"paths", std::move(paths)}};
}

std::optional<core::json> v3_group_version(const core::rest_mapper& m, const std::vector<core::object_ptr>& crds,
                                           const core::group_version& gv) {
  auto content = detail::content_of(m, crds, gv, spec_version::v3);
  if (content.resources.empty()) return std::nullopt;
  json paths = json::object();
  for (const auto& r : content.resources) detail::add_paths(paths, r, spec_version::v3);
  json schemas = json::object();
  for (auto& [name, s] : content.defs) schemas[name] = std::move(s);
  return json{
      {"openapi", "3.0.0"},
      {"info", info()},
      {"paths", std::move(paths)},
      {"components", {{"schemas", std::move(schemas)}, {"securitySchemes", {{"BearerToken", bearer_token_scheme()}}}}},
      {"security", json::array({{{"BearerToken", json::array()}}})}};
}

}  // namespace ktk::apiserver::http::openapi
