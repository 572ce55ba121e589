// http/router.hpp — an HTTP request → the registry call → an HTTP answer.
//
// Pure and synchronous: no sockets. A request is answered with a `response`, or, for
// a watch, with a `watch_start` the session streams. The router holds no request
// semantics of its own; it parses paths, parameters and bodies, calls the registry,
// and encodes what comes back (JSON, YAML, Table, PartialObjectMetadata).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "http/message.hpp"
#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/watch.hpp"

namespace ktk::apiserver::auth {
class authenticator;
class rbac_authorizer;
}  // namespace ktk::apiserver::auth

namespace ktk::apiserver::http {

struct router_options {
  std::string server_address;  // "127.0.0.1:PORT", for /api's serverAddressByClientCIDRs
  // "https://127.0.0.1:PORT": where /.well-known/openid-configuration says the keys are.
  std::string server_url{};
  std::chrono::seconds max_watch_timeout{1800};
  // Authorization: null = every request may do anything; otherwise the RBAC authorizer
  // decides each request (after impersonation) and answers 403 Forbidden.
  const auth::rbac_authorizer* rbac = nullptr;
  // For TokenReview; null = authentication is off.
  const auth::authenticator* authn = nullptr;
  // Passed to the registry with every write (RBAC's escalation checks); may be null.
  const apiserver::write_policy* policy = nullptr;
};

struct watch_start {
  std::unique_ptr<watch_stream> stream;
  std::chrono::seconds timeout{0};  // the session ends the watch (cleanly) after this
  std::string content_type;
  // One event → one line of the body, newline included.
  std::function<std::string(const watch_event&)> encode;
};

using routed = std::variant<response, watch_start>;

class router {
 public:
  // Borrows `reg`.
  router(registry& reg, router_options opts);

  // Thread-safe: any number of threads may route at once.
  routed handle(const request& req) const;

 private:
  routed route(const request& req, const user_info& user) const;
  routed handle_resource(const request& req, const user_info& user) const;
  response handle_openapi(const request& req) const;
  response build_openapi(const request& req, const std::vector<core::object_ptr>& crds, bool protobuf) const;

  registry& reg_;
  router_options opts_;
  // OpenAPI answers for the CRD state `openapi_state_` (names@resourceVersions).
  mutable std::mutex openapi_mu_;
  mutable std::string openapi_state_;                      // guarded by openapi_mu_
  mutable std::map<std::string, response> openapi_cache_;  // guarded by openapi_mu_; path#form → answer
};

// A Status answer for `e` (its code is the HTTP status).
response error_response(const core::api_error& e);
// kube-apiserver's answers for a path it does not serve (404) and a method a path
// does not take (405).
response not_found_page();
response method_not_allowed();

}  // namespace ktk::apiserver::http
