// router.cpp — dispatch: health, version, discovery, OpenAPI, then API resources.
#include "http/router.hpp"

#include <nlohmann/json.hpp>

#include "auth/attributes.hpp"
#include "auth/impersonation.hpp"
#include "http/discovery.hpp"
#include "http/encode.hpp"
#include "http/openapi.hpp"
#include "http/openapi_v2_proto.hpp"
#include "http/params.hpp"
#include "http/route.hpp"

namespace ktk::apiserver::http {

using core::api_error;
using core::json;

namespace {

response json_response(const json& j, bool pretty, std::string content_type = "application/json") {
  return {.status = 200, .content_type = std::move(content_type), .body = dump(j, pretty)};
}

bool is_read(const request& req) { return req.method == "GET" || req.method == "HEAD"; }

}  // namespace

response not_found_page() {
  return error_response(api_error(404, core::reason::not_found, "the server could not find the requested resource"));
}

response method_not_allowed() {
  return error_response(
      api_error(405, core::reason::method_not_allowed, "the server does not allow this method on the requested resource"));
}

response error_response(const api_error& e) {
  return {.status = static_cast<unsigned>(e.code() > 0 ? e.code() : 500),
          .content_type = "application/json",
          .body = e.to_status().dump(-1, ' ', false, json::error_handler_t::replace)};
}

router::router(registry& reg, router_options opts) : reg_(reg), opts_(std::move(opts)) {}

// Authentication happened in the session (req.user); here the request may act as
// someone else (impersonation) and must be allowed what it asks (authorization).
routed router::handle(const request& req) const {
  const auth::user_ptr& sender = req.user ? req.user : auth::authenticator::unauthenticated_admin();
  auth::user_ptr user = sender;
  if (req.impersonating()) {
    auto u = auth::impersonate(req, sender, opts_.rbac);
    if (!u) return error_response(u.error());
    user = std::move(*u);
  }
  // system:masters may do anything: skip building the attributes (a quarter of a GET).
  if (opts_.rbac && !user->in_group(groups::masters)) {
    auto a = auth::request_attributes(req, *user);
    auto d = opts_.rbac->authorize(a);
    if (!d.allowed) return error_response(auth::forbidden(a, d.reason));
  }
  return route(req, *user);
}

routed router::route(const request& req, const user_info& user) const {
  const std::string& p = req.path;
  const bool pretty = pretty_param(req);
  if (p == "/healthz" || p == "/livez" || p == "/readyz" || p.starts_with("/healthz/") || p.starts_with("/livez/") ||
      p.starts_with("/readyz/")) {
    if (!is_read(req)) return method_not_allowed();
    return response{.status = 200, .content_type = "text/plain; charset=utf-8", .body = "ok"};
  }
  if (p == "/version" || p == "/version/") {
    if (!is_read(req)) return method_not_allowed();
    return json_response(discovery::version_info(), pretty);
  }
  if (p.starts_with("/openapi/") || p == "/swagger-2.0.0.pb-v1") {
    if (!is_read(req)) return method_not_allowed();
    return handle_openapi(req);
  }
  // Service account issuer discovery: what an OIDC relying party (a cloud's workload
  // identity, Vault) reads to check this server's service account tokens.
  if (p == "/.well-known/openid-configuration" || p == "/.well-known/openid-configuration/") {
    if (!is_read(req)) return method_not_allowed();
    json config = {{"issuer", reg_.service_account_issuer()},
                   {"jwks_uri", opts_.server_url + "/openid/v1/jwks"},
                   {"response_types_supported", {"id_token"}},
                   {"subject_types_supported", {"public"}},
                   {"id_token_signing_alg_values_supported", {reg_.service_account_jwks()["keys"][0]["alg"]}}};
    return json_response(config, pretty);
  }
  if (p == "/openid/v1/jwks" || p == "/openid/v1/jwks/") {
    if (!is_read(req)) return method_not_allowed();
    return json_response(reg_.service_account_jwks(), pretty, "application/jwk-set+json");
  }
  auto seg = split_path(p);
  if (seg.empty()) {
    if (!is_read(req)) return method_not_allowed();
    json paths = json::array({"/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3",
                              "/readyz", "/version"});
    for (const auto& [g, versions] : reg_.mapper().groups()) {
      if (g.empty()) continue;
      paths.push_back("/apis/" + g);
      for (const auto& v : versions) paths.push_back("/apis/" + g + "/" + v);
    }
    return json_response({{"paths", paths}}, pretty);
  }
  // Discovery: /api, /api/v1, /apis, /apis/{g}, /apis/{g}/{v}.
  const bool api = seg[0] == "api";
  const bool apis = seg[0] == "apis";
  if ((api && seg.size() <= 2) || (apis && seg.size() <= 3)) {
    if (!is_read(req)) return method_not_allowed();
    const auto& m = reg_.mapper();
    if (seg.size() == 1) {
      if (auto v = discovery::wants_aggregated(req.accept)) {
        return json_response(discovery::aggregated(m, api, *v), pretty,
                             "application/json;g=apidiscovery.k8s.io;v=" + std::string(*v) + ";as=APIGroupDiscoveryList");
      }
      return json_response(api ? discovery::core_versions(opts_.server_address) : discovery::group_list(m), pretty);
    }
    if (apis && seg.size() == 2) {
      auto g = discovery::group(m, seg[1]);
      return g ? json_response(*g, pretty) : not_found_page();
    }
    core::group_version gv = api ? core::group_version{"", std::string(seg[1])}
                                 : core::group_version{std::string(seg[1]), std::string(seg[2])};
    auto l = discovery::resource_list(m, gv);
    return l ? json_response(*l, pretty) : not_found_page();
  }
  if (api || apis) return handle_resource(req, user);
  return not_found_page();
}

// The documents depend only on the CRDs (the built-ins are fixed), so answers are
// kept until a CRD changes: building every group-version document takes ~17 ms.
response router::handle_openapi(const request& req) const {
  std::vector<core::object_ptr> crds;
  if (auto l = reg_.list({"apiextensions.k8s.io", "v1", "customresourcedefinitions"}, "")) crds = l->items;
  std::string state;
  for (const auto& c : crds) state.append(c->name()).append("@").append(c->resource_version()).append(",");
  const bool protobuf = req.accept.find(openapi::v2_protobuf_accept) != std::string::npos ||
                        req.accept.find(openapi::v2_protobuf_content_type) != std::string::npos;
  const std::string key = req.path + (protobuf ? "#pb" : "") + (pretty_param(req) ? "#pretty" : "");
  {
    std::lock_guard lock(openapi_mu_);
    if (openapi_state_ != state) {
      openapi_state_ = state;
      openapi_cache_.clear();
    }
    if (auto it = openapi_cache_.find(key); it != openapi_cache_.end()) return it->second;
  }
  response r = build_openapi(req, crds, protobuf);
  std::lock_guard lock(openapi_mu_);
  if (openapi_state_ == state && r.status == 200) openapi_cache_.emplace(key, r);
  return r;
}

response router::build_openapi(const request& req, const std::vector<core::object_ptr>& crds, bool protobuf) const {
  const bool pretty = pretty_param(req);
  const auto& m = reg_.mapper();
  if (req.path == "/openapi/v2" || req.path == "/swagger-2.0.0.pb-v1") {
    // client-go's OpenAPISchema() asks for the protobuf form only (kubectl ≤ 1.26).
    if (protobuf) {
      return response{.content_type = std::string(openapi::v2_protobuf_content_type),
                      .body = openapi::v2_protobuf(openapi::v2(m, crds))};
    }
    return json_response(openapi::v2(m, crds), pretty);
  }
  if (req.path == "/openapi/v3" || req.path == "/openapi/v3/") return json_response(openapi::v3_index(m, crds), pretty);
  auto seg = split_path(req.path);  // openapi v3 api v1 | openapi v3 apis g v
  std::optional<json> doc;
  if (seg.size() == 4 && seg[2] == "api") {
    doc = openapi::v3_group_version(m, crds, {"", std::string(seg[3])});
  } else if (seg.size() == 5 && seg[2] == "apis") {
    doc = openapi::v3_group_version(m, crds, {std::string(seg[3]), std::string(seg[4])});
  }
  return doc ? json_response(*doc, pretty) : not_found_page();
}

}  // namespace ktk::apiserver::http
