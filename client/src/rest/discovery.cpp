#include "ktk/client/rest/discovery.hpp"

#include <nlohmann/json.hpp>

#include "detail/discovery_documents.hpp"
#include "detail/response_errors.hpp"
#include "detail/transport.hpp"
#include "ktk/core/json_reader.hpp"

namespace ktk::client::rest {

namespace {

using core::json;

// client-go's AcceptV2: aggregated discovery v2, then v2beta1, then the legacy documents.
constexpr std::string_view aggregated_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

core::result<json> get_json(detail::transport& t, std::string target, std::string_view accept = "application/json") {
  auto r = t.round_trip({.method = "GET", .target = std::move(target), .accept = accept});
  if (!r) return r.error();
  if (r->status < 200 || r->status > 299) {
    return detail::error_of_response({r->status, r->content_type, r->body, r->retry_after}, {.method = "GET"});
  }
  auto j = core::read_json_or_discarded(r->body);
  if (j.is_discarded()) return core::api_error::internal("the server sent a discovery document that is not JSON");
  return j;
}

std::string gv_path(const core::group_version& gv) {
  return gv.group.empty() ? "/api/" + gv.version : "/apis/" + gv.group + "/" + gv.version;
}

bool skippable(const core::api_error& e) { return e.code() == 404 || e.code() == 503; }

}  // namespace

discovery_client::discovery_client(const rest_config& cfg, discovery_options opts)
    : t_(std::make_shared<detail::transport>(cfg)), opts_(opts) {}

discovery_client::discovery_client(std::shared_ptr<detail::transport> t, discovery_options opts)
    : t_(std::move(t)), opts_(opts) {}

discovery_client::~discovery_client() = default;

core::result<version_info> discovery_client::server_version() {
  auto j = get_json(*t_, "/version");
  if (!j) return j.error();
  return detail::parse_version(*j);
}

core::result<std::vector<api_group>> discovery_client::server_groups() {
  auto api = get_json(*t_, "/api");
  if (!api) return api.error();
  auto apis = get_json(*t_, "/apis");
  if (!apis) return apis.error();
  std::vector<api_group> out;
  auto core_versions = detail::parse_core_versions(*api);
  if (!core_versions.empty()) out.push_back({"", std::move(core_versions)});
  for (auto& g : detail::parse_group_list(*apis)) out.push_back(std::move(g));
  return out;
}

core::result<std::vector<core::resource_info>> discovery_client::server_resources(const core::group_version& gv) {
  auto j = get_json(*t_, gv_path(gv));
  if (!j) return j.error();
  return detail::parse_resource_list(*j, gv);
}

core::result<std::vector<core::resource_info>> discovery_client::server_groups_and_resources() {
  const std::string_view accept = opts_.aggregated ? aggregated_accept : std::string_view("application/json");
  auto api = get_json(*t_, "/api", accept);
  if (!api) return api.error();
  auto apis = get_json(*t_, "/apis", accept);
  if (!apis) return apis.error();
  auto core_agg = detail::parse_aggregated(*api);
  auto groups_agg = detail::parse_aggregated(*apis);
  if (core_agg && groups_agg) {
    for (auto& r : *groups_agg) core_agg->push_back(std::move(r));
    return std::move(*core_agg);
  }

  std::vector<api_group> groups;
  if (auto v = detail::parse_core_versions(*api); !v.empty()) groups.push_back({"", std::move(v)});
  for (auto& g : detail::parse_group_list(*apis)) groups.push_back(std::move(g));
  std::vector<core::resource_info> out;
  for (const auto& g : groups) {
    for (const auto& v : g.versions) {
      auto rs = server_resources({g.name, v});
      if (!rs) {
        if (skippable(rs.error())) continue;
        return rs.error();
      }
      for (auto& r : *rs) out.push_back(std::move(r));
    }
  }
  return out;
}

core::result<core::rest_mapper> discovery_client::rest_mapper() {
  auto rs = server_groups_and_resources();
  if (!rs) return rs.error();
  core::rest_mapper m;
  for (auto& r : *rs) m.add(std::move(r));
  return m;
}

}  // namespace ktk::client::rest
