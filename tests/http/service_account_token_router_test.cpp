// service_account_token_router_test.cpp — serviceaccounts/{name}/token through the
// router with no sockets: the TokenRequest's answer and its methods, the token as an
// identity RBAC decides for, TokenReview of it, the default roles that let editors make
// tokens, and the issuer discovery documents.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/authenticator.hpp"
#include "auth/bootstrap_policy.hpp"
#include "auth/rbac_authorizer.hpp"
#include "auth/rbac_escalation.hpp"
#include "http/route.hpp"
#include "http/router.hpp"
#include "ktk/apiserver/registry.hpp"

namespace {

using namespace ktk::apiserver;
using namespace ktk::apiserver::http;
using nlohmann::json;

const std::string token_path = "/api/v1/namespaces/team/serviceaccounts/robot/token";

class service_account_token_router : public ::testing::Test {
 protected:
  service_account_token_router()
      : authn({"admin-token"}, {{.token = "alice-token", .user = {.name = "alice"}}}, false),
        rbac(reg),
        escalation(rbac),
        r(reg, {.server_address = "127.0.0.1:1",
                .server_url = "https://127.0.0.1:1",
                .rbac = &rbac,
                .authn = &authn,
                .policy = &escalation}) {
    authn.accept_service_account_tokens(&reg);
    auth::ensure_bootstrap_policy(reg);
    EXPECT_EQ(as_admin("POST", "/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}})
                  .status,
              201u);
    EXPECT_EQ(as_admin("POST", "/api/v1/namespaces/team/serviceaccounts",
                       {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "robot"}}}})
                  .status,
              201u);
  }

  response call(const auth::user_ptr& user, std::string method, const std::string& target, const json& body = nullptr) {
    auto t = parse_target(target);
    request req{.method = std::move(method), .path = t->path, .query = t->query, .content_type = "application/json",
                .body = body.is_null() ? std::string() : body.dump(), .user = user};
    auto out = r.handle(req);
    if (std::holds_alternative<watch_start>(out)) return {.status = 200, .body = "{}"};
    return std::get<response>(std::move(out));
  }
  response as_admin(std::string method, const std::string& target, const json& body = nullptr) {
    return call(authn.by_token("admin-token"), std::move(method), target, body);
  }
  std::string new_token(json spec = json::object()) {
    auto res = as_admin("POST", token_path, {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"}, {"spec", spec}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return json::parse(res.body)["status"].value("token", "");
  }

  registry reg;
  auth::authenticator authn;
  auth::rbac_authorizer rbac;
  auth::escalation_policy escalation;
  router r;
};

json body(const response& res) { return json::parse(res.body); }

TEST_F(service_account_token_router, a_token_request_is_answered_201_with_the_token) {
  auto res = as_admin("POST", token_path, {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  auto b = body(res);
  EXPECT_EQ(b["kind"], "TokenRequest");
  EXPECT_EQ(b["apiVersion"], "authentication.k8s.io/v1");
  EXPECT_EQ(b["metadata"]["namespace"], "team");
  EXPECT_EQ(b["spec"]["expirationSeconds"], 3600);
  const std::string token = b["status"].value("token", "");
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  EXPECT_TRUE(b["status"]["expirationTimestamp"].is_string());

  // Only POST; other resources have no token subresource.
  for (const char* m : {"GET", "PUT", "PATCH", "DELETE"}) {
    EXPECT_EQ(as_admin(m, token_path, json::object()).status, 405u) << m;
  }
  EXPECT_EQ(as_admin("POST", "/api/v1/namespaces/team/configmaps/x/token", json::object()).status, 404u);
  auto missing = as_admin("POST", "/api/v1/namespaces/team/serviceaccounts/ghost/token", json::object());
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(body(missing)["message"], "serviceaccounts \"ghost\" not found");
}

TEST_F(service_account_token_router, rbac_decides_for_the_service_account_the_token_names) {
  auto robot = authn.by_token(new_token());
  ASSERT_TRUE(robot);
  EXPECT_EQ(robot->name, "system:serviceaccount:team:robot");
  EXPECT_TRUE(robot->in_group("system:serviceaccounts"));
  EXPECT_TRUE(robot->in_group("system:serviceaccounts:team"));
  EXPECT_TRUE(robot->in_group("system:authenticated"));

  auto denied = call(robot, "GET", "/api/v1/namespaces/team/pods");
  ASSERT_EQ(denied.status, 403u);
  EXPECT_EQ(body(denied)["message"],
            "pods is forbidden: User \"system:serviceaccount:team:robot\" cannot list resource \"pods\" in API group "
            "\"\" in the namespace \"team\"");
  auto bind = as_admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
                       {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                        {"kind", "RoleBinding"},
                        {"metadata", {{"name", "robot-view"}}},
                        {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "view"}}},
                        {"subjects", {{{"kind", "ServiceAccount"}, {"name", "robot"}, {"namespace", "team"}}}}});
  ASSERT_EQ(bind.status, 201u) << bind.body;
  EXPECT_EQ(call(robot, "GET", "/api/v1/namespaces/team/pods").status, 200u);
  EXPECT_EQ(call(robot, "GET", "/api/v1/namespaces/default/pods").status, 403u);
}

TEST_F(service_account_token_router, editors_may_make_tokens_and_others_may_not) {
  auto alice = authn.by_token("alice-token");
  const json req = {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenRequest"}};
  auto denied = call(alice, "POST", token_path, req);
  ASSERT_EQ(denied.status, 403u);
  EXPECT_EQ(body(denied)["message"],
            "serviceaccounts \"robot\" is forbidden: User \"alice\" cannot create resource \"serviceaccounts/token\" "
            "in API group \"\" in the namespace \"team\"");
  auto bind = as_admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
                       {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                        {"kind", "RoleBinding"},
                        {"metadata", {{"name", "alice-edit"}}},
                        {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
                        {"subjects", {{{"kind", "User"}, {"name", "alice"}, {"apiGroup", "rbac.authorization.k8s.io"}}}}});
  ASSERT_EQ(bind.status, 201u) << bind.body;
  EXPECT_EQ(call(alice, "POST", token_path, req).status, 201u);
}

TEST_F(service_account_token_router, token_review_reads_the_token_and_its_audiences) {
  const std::string token = new_token({{"audiences", {"vault", "https://kubernetes.default.svc.cluster.local"}}});
  auto review = [&](json spec) {
    auto res = as_admin("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                        {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "TokenReview"}, {"spec", spec}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return body(res)["status"];
  };
  auto st = review({{"token", token}});
  EXPECT_EQ(st["authenticated"], true);
  EXPECT_EQ(st["user"]["username"], "system:serviceaccount:team:robot");
  EXPECT_EQ(st["user"]["groups"], json({"system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"}));
  EXPECT_TRUE(st["user"]["extra"].contains("authentication.kubernetes.io/credential-id"));
  EXPECT_EQ(st["audiences"], json({"https://kubernetes.default.svc.cluster.local"}));
  st = review({{"token", token}, {"audiences", {"vault"}}});
  EXPECT_EQ(st["authenticated"], true);
  EXPECT_EQ(st["audiences"], json({"vault"}));
  st = review({{"token", token}, {"audiences", {"elsewhere"}}});
  EXPECT_EQ(st["authenticated"], false);
  EXPECT_EQ(st["error"],
            "token audiences [\"vault\" \"https://kubernetes.default.svc.cluster.local\"] is invalid for the target "
            "audiences [\"elsewhere\"]");
  // A static token is for the server's own audience only.
  st = review({{"token", "alice-token"}});
  EXPECT_EQ(st["authenticated"], true);
  EXPECT_EQ(st["user"]["username"], "alice");
  EXPECT_EQ(st["audiences"], json({"https://kubernetes.default.svc.cluster.local"}));
  st = review({{"token", "alice-token"}, {"audiences", {"vault"}}});
  EXPECT_EQ(st["authenticated"], false);
  EXPECT_FALSE(st.contains("error"));
  st = review({{"token", "alice-token"}, {"audiences", {"vault", "https://kubernetes.default.svc.cluster.local"}}});
  EXPECT_EQ(st["authenticated"], true);
  EXPECT_EQ(st["audiences"], json({"https://kubernetes.default.svc.cluster.local"}));
  st = review({{"token", "x.y.z"}});
  EXPECT_EQ(st["authenticated"], false);
  EXPECT_EQ(st["error"], "invalid bearer token");
}

TEST_F(service_account_token_router, service_accounts_may_read_the_issuer_discovery_documents) {
  auto robot = authn.by_token(new_token());
  ASSERT_TRUE(robot);
  auto config = call(robot, "GET", "/.well-known/openid-configuration");
  ASSERT_EQ(config.status, 200u) << config.body;
  auto c = body(config);
  EXPECT_EQ(c["issuer"], "https://kubernetes.default.svc.cluster.local");
  EXPECT_EQ(c["jwks_uri"], "https://127.0.0.1:1/openid/v1/jwks");
  EXPECT_EQ(c["id_token_signing_alg_values_supported"], json({"ES256"}));
  EXPECT_EQ(c["response_types_supported"], json({"id_token"}));
  EXPECT_EQ(c["subject_types_supported"], json({"public"}));

  auto jwks = call(robot, "GET", "/openid/v1/jwks");
  ASSERT_EQ(jwks.status, 200u) << jwks.body;
  EXPECT_EQ(jwks.content_type, "application/jwk-set+json");
  EXPECT_EQ(body(jwks), reg.service_account_jwks());
  EXPECT_EQ(as_admin("POST", "/openid/v1/jwks", json::object()).status, 405u);
  // Not a service account, not bound: 403, as with kube's default policy.
  EXPECT_EQ(call(authn.by_token("alice-token"), "GET", "/openid/v1/jwks").status, 403u);
}

}  // namespace
