// auth_router_test.cpp — authorization, impersonation and the access reviews, through
// the router with no sockets: kube's 403 messages, RBAC rule matching (verbs, groups,
// resources, subresources, resourceNames, non-resource URLs, aggregation), the
// escalation checks on roles and bindings, the request → attributes mapping, and the
// token file.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/attributes.hpp"
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

std::shared_ptr<const user_info> who(std::string name, std::vector<std::string> groups = {}) {
  groups.emplace_back("system:authenticated");
  return std::make_shared<const user_info>(user_info{.name = std::move(name), .groups = std::move(groups)});
}

class auth_router_test : public ::testing::Test {
 protected:
  auth_router_test() : rbac(reg), escalation(rbac), r(reg, {.server_address = "127.0.0.1:1", .rbac = &rbac, .policy = &escalation}) {
    auth::ensure_bootstrap_policy(reg);
    for (const char* ns : {"team", "other", "x", "y", "n", "m", "ns1"}) {
      auto res = as_admin("POST", "/api/v1/namespaces", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
      EXPECT_EQ(res.status, 201u) << res.body;
    }
  }

  response call(const std::shared_ptr<const user_info>& user, std::string method, const std::string& target,
                const json& body = nullptr, std::function<void(request&)> edit = {}) {
    auto t = parse_target(target);
    request req{.method = std::move(method), .path = t->path, .query = t->query, .content_type = "application/json",
                .body = body.is_null() ? std::string() : body.dump(), .user = user};
    if (edit) edit(req);
    auto out = r.handle(req);
    if (std::holds_alternative<watch_start>(out)) return {.status = 200, .body = "{}"};
    return std::get<response>(std::move(out));
  }
  response as_admin(std::string method, const std::string& target, const json& body = nullptr) {
    return call(admin, std::move(method), target, body);
  }
  void role(const std::string& ns, const std::string& name, json rules) {
    auto res = as_admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles",
                        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                         {"kind", "Role"},
                         {"metadata", {{"name", name}}},
                         {"rules", rules}});
    ASSERT_EQ(res.status, 201u) << res.body;
  }
  void bind(const std::string& ns, const std::string& name, const std::string& role_kind, const std::string& role_name,
            json subjects) {
    const bool cluster = ns.empty();
    auto res = as_admin("POST",
                        cluster ? "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
                                : "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings",
                        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                         {"kind", cluster ? "ClusterRoleBinding" : "RoleBinding"},
                         {"metadata", {{"name", name}}},
                         {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", role_kind}, {"name", role_name}}},
                         {"subjects", subjects}});
    ASSERT_EQ(res.status, 201u) << res.body;
  }
  static json user_subject(const std::string& name) {
    return json::array({{{"kind", "User"}, {"name", name}, {"apiGroup", "rbac.authorization.k8s.io"}}});
  }
  static json cm(const std::string& name) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
  }

  registry reg;
  auth::rbac_authorizer rbac;
  auth::escalation_policy escalation;
  router r;
  std::shared_ptr<const user_info> admin = who("admin", {"system:masters"});
  std::shared_ptr<const user_info> alice = who("alice", {"devs"});
};

json body(const response& res) { return json::parse(res.body); }

TEST_F(auth_router_test, a_user_with_no_binding_gets_kubes_forbidden_status) {
  auto res = call(alice, "GET", "/api/v1/namespaces/default/pods");
  ASSERT_EQ(res.status, 403u) << res.body;
  auto st = body(res);
  EXPECT_EQ(st["reason"], "Forbidden");
  EXPECT_EQ(st["code"], 403);
  EXPECT_EQ(st["message"],
            "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace "
            "\"default\"");
  EXPECT_EQ(st["details"]["kind"], "pods");

  auto named = body(call(alice, "GET", "/apis/apps/v1/namespaces/ns1/deployments/web/scale"));
  EXPECT_EQ(named["message"],
            "deployments.apps \"web\" is forbidden: User \"alice\" cannot get resource \"deployments/scale\" in API "
            "group \"apps\" in the namespace \"ns1\"");
  EXPECT_EQ(named["details"]["name"], "web");
  EXPECT_EQ(named["details"]["group"], "apps");

  auto cluster = body(call(alice, "DELETE", "/api/v1/nodes"));
  EXPECT_EQ(cluster["message"],
            "nodes is forbidden: User \"alice\" cannot deletecollection resource \"nodes\" in API group \"\" at the "
            "cluster scope");

  auto path = call(alice, "GET", "/metrics");
  ASSERT_EQ(path.status, 403u);
  EXPECT_EQ(body(path)["message"], "forbidden: User \"alice\" cannot get path \"/metrics\"");
}

TEST_F(auth_router_test, the_default_roles_let_every_authenticated_user_discover_and_ask) {
  EXPECT_EQ(call(alice, "GET", "/api").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/apis/apps/v1").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/version").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/openapi/v2").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/healthz").status, 200u);
  auto ssar = call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                   {{"apiVersion", "authorization.k8s.io/v1"},
                    {"kind", "SelfSubjectAccessReview"},
                    {"spec", {{"resourceAttributes", {{"namespace", "default"}, {"verb", "list"}, {"resource", "pods"}}}}}});
  ASSERT_EQ(ssar.status, 201u) << ssar.body;
  EXPECT_EQ(body(ssar)["status"]["allowed"], false);
  EXPECT_EQ(body(ssar)["kind"], "SelfSubjectAccessReview");
  // Anonymous users are not let in by these (only system:public-info-viewer).
  auto anon = std::make_shared<const user_info>(user_info{.name = "system:anonymous", .groups = {"system:unauthenticated"}});
  EXPECT_EQ(call(anon, "GET", "/version").status, 200u);
  EXPECT_EQ(call(anon, "GET", "/api").status, 403u);
}

TEST_F(auth_router_test, a_role_binding_grants_its_roles_rules_in_its_namespace_only) {
  role("team", "cm-editor", json::array({{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"get", "list", "create"}}}}));
  bind("team", "alice-cm", "Role", "cm-editor", user_subject("alice"));
  EXPECT_EQ(call(alice, "POST", "/api/v1/namespaces/team/configmaps", cm("a")).status, 201u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/team/configmaps/a").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/team/configmaps").status, 200u);
  EXPECT_EQ(call(alice, "DELETE", "/api/v1/namespaces/team/configmaps/a").status, 403u) << "delete not granted";
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/other/configmaps").status, 403u) << "other namespace";
  EXPECT_EQ(call(alice, "GET", "/api/v1/configmaps").status, 403u) << "all namespaces is cluster scope";
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/team/secrets").status, 403u) << "other resource";
  auto bob = who("bob");
  EXPECT_EQ(call(bob, "GET", "/api/v1/namespaces/team/configmaps").status, 403u) << "other user";
}

TEST_F(auth_router_test, groups_service_accounts_and_cluster_role_bindings) {
  bind("", "devs-view", "ClusterRole", "view",
       json::array({{{"kind", "Group"}, {"name", "devs"}, {"apiGroup", "rbac.authorization.k8s.io"}}}));
  // view aggregates system:aggregate-to-view: reads everywhere, no writes, no secrets.
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/x/pods").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/apis/apps/v1/deployments?watch=true").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/x/secrets").status, 403u);
  EXPECT_EQ(call(alice, "POST", "/api/v1/namespaces/x/configmaps", cm("c")).status, 403u);

  bind("x", "sa-edit", "ClusterRole", "edit", json::array({{{"kind", "ServiceAccount"}, {"name", "robot"}}}));
  auto robot = who("system:serviceaccount:x:robot", {"system:serviceaccounts", "system:serviceaccounts:x"});
  EXPECT_EQ(call(robot, "POST", "/api/v1/namespaces/x/configmaps", cm("c")).status, 201u)
      << "a ServiceAccount subject without namespace means the binding's";
  EXPECT_EQ(call(robot, "GET", "/api/v1/namespaces/x/secrets").status, 200u) << "edit includes view and secrets";
  EXPECT_EQ(call(robot, "POST", "/api/v1/namespaces/y/configmaps", cm("c")).status, 403u);
  auto other_sa = who("system:serviceaccount:y:robot");
  EXPECT_EQ(call(other_sa, "POST", "/api/v1/namespaces/x/configmaps", cm("d")).status, 403u);
}

TEST_F(auth_router_test, resource_names_subresources_and_wildcards) {
  role("n", "one-cm", json::array({{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"resourceNames", {"allowed"}},
                                     {"verbs", {"get", "update"}}}}));
  role("n", "scale", json::array({{{"apiGroups", {"apps"}}, {"resources", {"*/scale"}}, {"verbs", {"*"}}}}));
  bind("n", "b1", "Role", "one-cm", user_subject("alice"));
  bind("n", "b2", "Role", "scale", user_subject("alice"));
  ASSERT_EQ(as_admin("POST", "/api/v1/namespaces/n/configmaps", cm("allowed")).status, 201u);
  ASSERT_EQ(as_admin("POST", "/api/v1/namespaces/n/configmaps", cm("other")).status, 201u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/configmaps/allowed").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/configmaps/other").status, 403u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/configmaps").status, 403u) << "a list names no object";
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/configmaps?fieldSelector=metadata.name%3Dallowed").status, 403u)
      << "list with a name is still verb list, which the rule does not grant";
  EXPECT_EQ(call(alice, "GET", "/apis/apps/v1/namespaces/n/deployments/web/scale").status, 404u)
      << "allowed (*/scale), then not found";
  EXPECT_EQ(call(alice, "GET", "/apis/apps/v1/namespaces/n/deployments/web").status, 403u);
}

TEST_F(auth_router_test, a_binding_to_a_missing_role_says_so_in_the_reason) {
  bind("n", "dangling", "Role", "nope", user_subject("alice"));
  auto res = call(alice, "GET", "/api/v1/namespaces/n/pods");
  ASSERT_EQ(res.status, 403u);
  EXPECT_EQ(body(res)["message"],
            "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"n\": "
            "RBAC: role.rbac.authorization.k8s.io \"nope\" not found");
}

// A user may write roles and bindings only for permissions they hold, unless they may
// escalate (roles) or bind (bindings); kube's policy-based RBAC storage.
const std::string roles_path = "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles";
const std::string bindings_path = "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings";

json role_body(const std::string& name, json rules) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "Role"}, {"metadata", {{"name", name}}}, {"rules", rules}};
}
json binding_body(const std::string& name, const std::string& kind, const std::string& role) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "RoleBinding"},
          {"metadata", {{"name", name}}},
          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", kind}, {"name", role}}},
          {"subjects", json::array({{{"kind", "User"}, {"name", "bob"}, {"apiGroup", "rbac.authorization.k8s.io"}}})}};
}

TEST_F(auth_router_test, a_role_may_grant_only_what_its_writer_holds) {
  role("team", "writer", json::array({{{"apiGroups", {"rbac.authorization.k8s.io"}}, {"resources", {"roles"}},
                                       {"verbs", {"create", "update", "patch"}}},
                                      {{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}}));
  bind("team", "writer", "Role", "writer", user_subject("alice"));
  auto ok = call(alice, "POST", roles_path,
                 role_body("readers", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}})));
  EXPECT_EQ(ok.status, 201u) << ok.body;

  auto res = call(alice, "POST", roles_path,
                  role_body("more", json::array({{{"apiGroups", {"", "apps"}}, {"resources", {"pods"}}, {"verbs", {"get", "delete", "list"}}},
                                                 {{"nonResourceURLs", {"/metrics"}}, {"verbs", {"get"}}}})));
  ASSERT_EQ(res.status, 403u) << res.body;
  auto st = body(res);
  EXPECT_EQ(st["reason"], "Forbidden");
  EXPECT_EQ(st["details"]["name"], "more");
  EXPECT_EQ(st["details"]["kind"], "roles");
  EXPECT_EQ(st["message"],
            "roles.rbac.authorization.k8s.io \"more\" is forbidden: user \"alice\" (groups=[\"devs\" "
            "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"list\"]}\n"
            "{APIGroups:[\"apps\"], Resources:[\"pods\"], Verbs:[\"get\" \"delete\" \"list\"]}\n"
            "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}");
  EXPECT_EQ(as_admin("GET", roles_path + "/more").status, 404u) << "nothing was written";

  // A patch that would add a permission is refused the same way; one that keeps within
  // what alice holds is not.
  auto patch = [&](json p) {
    return call(alice, "PATCH", roles_path + "/readers", p, [](request& q) { q.content_type = "application/merge-patch+json"; });
  };
  EXPECT_EQ(patch({{"rules", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get", "watch"}}}})}}).status,
            403u);
  EXPECT_EQ(patch({{"metadata", {{"labels", {{"a", "b"}}}}}}).status, 200u);
  // With escalate on roles she may grant anything.
  role("team", "escalator", json::array({{{"apiGroups", {"rbac.authorization.k8s.io"}}, {"resources", {"roles"}},
                                          {"verbs", {"escalate"}}}}));
  bind("team", "escalator", "Role", "escalator", user_subject("alice"));
  EXPECT_EQ(call(alice, "POST", roles_path,
                 role_body("more", json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}}})))
                .status,
            201u);
}

TEST_F(auth_router_test, a_binding_needs_the_roles_permissions_or_the_bind_verb) {
  role("team", "binder", json::array({{{"apiGroups", {"rbac.authorization.k8s.io"}}, {"resources", {"rolebindings"}},
                                       {"verbs", {"create", "update"}}},
                                      {{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"get", "list"}}},
                                      {{"apiGroups", {""}}, {"resources", {"*/status"}}, {"verbs", {"get"}}}}));
  bind("team", "binder", "Role", "binder", user_subject("alice"));
  role("team", "cm-reader", json::array({{{"apiGroups", {""}}, {"resources", {"configmaps", "pods/status"}}, {"verbs", {"get"}}}}));
  role("team", "cm-writer", json::array({{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"create"}},
                                          {"resourceNames", {"settings"}}}}));
  EXPECT_EQ(call(alice, "POST", bindings_path, binding_body("r", "Role", "cm-reader")).status, 201u);

  auto res = call(alice, "POST", bindings_path, binding_body("w", "Role", "cm-writer"));
  ASSERT_EQ(res.status, 403u) << res.body;
  EXPECT_EQ(body(res)["message"],
            "rolebindings.rbac.authorization.k8s.io \"w\" is forbidden: user \"alice\" (groups=[\"devs\" "
            "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            "{APIGroups:[\"\"], Resources:[\"configmaps\"], ResourceNames:[\"settings\"], Verbs:[\"create\"]}");

  // A binding to a role that does not exist: kube-apiserver cannot read its rules.
  auto missing = call(alice, "POST", bindings_path, binding_body("m", "ClusterRole", "nope"));
  ASSERT_EQ(missing.status, 500u) << missing.body;
  EXPECT_EQ(body(missing)["message"], "Internal error occurred: clusterrole.rbac.authorization.k8s.io \"nope\" not found");

  // bind on that role (by name) lets her bind it without holding it.
  role("team", "bind-writer", json::array({{{"apiGroups", {"rbac.authorization.k8s.io"}}, {"resources", {"roles"}},
                                            {"verbs", {"bind"}}, {"resourceNames", {"cm-writer"}}}}));
  bind("team", "bind-writer", "Role", "bind-writer", user_subject("alice"));
  EXPECT_EQ(call(alice, "POST", bindings_path, binding_body("w", "Role", "cm-writer")).status, 201u);
}

TEST_F(auth_router_test, the_garbage_collectors_fields_may_change_without_the_check) {
  role("team", "big", json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}}}));
  role("team", "editor", json::array({{{"apiGroups", {"rbac.authorization.k8s.io"}}, {"resources", {"roles"}},
                                       {"verbs", {"get", "update"}}}}));
  bind("team", "editor", "Role", "editor", user_subject("alice"));
  auto got = body(call(alice, "GET", roles_path + "/big"));
  got["metadata"]["finalizers"] = {"example.com/keep"};
  EXPECT_EQ(call(alice, "PUT", roles_path + "/big", got).status, 200u);
  got = body(call(alice, "GET", roles_path + "/big"));
  got["metadata"]["labels"] = {{"a", "b"}};
  EXPECT_EQ(call(alice, "PUT", roles_path + "/big", got).status, 403u) << "anything else is checked";
}

TEST(auth_escalation, covers_as_kubes_policy_comparator) {
  using auth::policy_rule;
  const std::vector<policy_rule> owner = {
      {.verbs = {"get", "list"}, .api_groups = {""}, .resources = {"pods", "*/status"}},
      {.verbs = {"*"}, .api_groups = {"apps"}, .resources = {"deployments"}, .resource_names = {"web"}},
      {.verbs = {"get"}, .non_resource_urls = {"/healthz/*"}}};
  EXPECT_TRUE(auth::uncovered_rules(owner, {{.verbs = {"get"}, .api_groups = {""}, .resources = {"pods", "services/status"}}}).empty());
  EXPECT_TRUE(auth::uncovered_rules(owner, {{.verbs = {"delete"}, .api_groups = {"apps"}, .resources = {"deployments"},
                                             .resource_names = {"web"}}}).empty());
  EXPECT_TRUE(auth::uncovered_rules(owner, {{.verbs = {"get"}, .non_resource_urls = {"/healthz/etcd"}}}).empty());
  auto missing = auth::uncovered_rules(
      owner, {{.verbs = {"get", "watch"}, .api_groups = {"", "apps"}, .resources = {"pods", "deployments"}},
              {.verbs = {"get"}, .non_resource_urls = {"/metrics", "/healthz"}}});
  EXPECT_EQ(auth::describe_missing(missing),
            "{APIGroups:[\"\"], Resources:[\"deployments\"], Verbs:[\"get\" \"watch\"]}\n"
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"watch\"]}\n"
            "{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"get\" \"watch\"]}\n"
            "{APIGroups:[\"apps\"], Resources:[\"pods\"], Verbs:[\"get\" \"watch\"]}\n"
            "{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}\n"
            "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}");
}

TEST_F(auth_router_test, changes_to_roles_apply_to_the_next_request) {
  role("n", "r", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"list"}}}}));
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/pods").status, 403u);
  bind("n", "b", "Role", "r", user_subject("alice"));
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/pods").status, 200u);
  ASSERT_EQ(as_admin("DELETE", "/apis/rbac.authorization.k8s.io/v1/namespaces/n/rolebindings/b").status, 200u);
  EXPECT_EQ(call(alice, "GET", "/api/v1/namespaces/n/pods").status, 403u);
}

TEST_F(auth_router_test, impersonation_needs_the_impersonate_verb) {
  auto as_bob = [](request& q) {
    q.impersonate_user = "bob";
    q.impersonate_groups = {"devs"};
  };
  auto denied = call(alice, "GET", "/api/v1/namespaces/n/pods", nullptr, as_bob);
  ASSERT_EQ(denied.status, 403u);
  EXPECT_EQ(body(denied)["message"],
            "users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the "
            "cluster scope");
  // The admin may, and then acts as bob (who may not list pods).
  auto as_bob_res = call(admin, "GET", "/api/v1/namespaces/n/pods", nullptr, as_bob);
  ASSERT_EQ(as_bob_res.status, 403u);
  EXPECT_EQ(body(as_bob_res)["message"],
            "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"n\"");
  auto whoami = call(admin, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                     {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}}, as_bob);
  ASSERT_EQ(whoami.status, 201u) << whoami.body;
  EXPECT_EQ(body(whoami)["status"]["userInfo"],
            json({{"username", "bob"}, {"groups", {"devs", "system:authenticated"}}}));
  auto groups_only = call(admin, "GET", "/api", nullptr, [](request& q) { q.impersonate_groups = {"g"}; });
  EXPECT_EQ(groups_only.status, 400u);
}

TEST_F(auth_router_test, access_reviews_answer_for_self_and_for_others) {
  role("n", "r", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"list", "get"}}}}));
  bind("n", "b", "Role", "r", user_subject("alice"));
  auto ssar = call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                   {{"spec", {{"resourceAttributes", {{"namespace", "n"}, {"verb", "list"}, {"resource", "pods"}}}}}});
  ASSERT_EQ(ssar.status, 201u);
  EXPECT_EQ(body(ssar)["status"]["allowed"], true);
  EXPECT_EQ(body(ssar)["status"]["reason"],
            "RBAC: allowed by RoleBinding \"b/n\" of Role \"r\" to User \"alice\"");

  // SubjectAccessReview asks about someone else: alice may not, the admin may.
  json sar = {{"apiVersion", "authorization.k8s.io/v1"},
              {"kind", "SubjectAccessReview"},
              {"spec", {{"user", "alice"}, {"resourceAttributes", {{"namespace", "n"}, {"verb", "get"}, {"resource", "pods"}}}}}};
  EXPECT_EQ(call(alice, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar).status, 403u);
  auto by_admin = call(admin, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar);
  ASSERT_EQ(by_admin.status, 201u);
  EXPECT_EQ(body(by_admin)["status"]["allowed"], true);

  auto lsar = call(admin, "POST", "/apis/authorization.k8s.io/v1/namespaces/other/localsubjectaccessreviews",
                   {{"spec", {{"user", "alice"}, {"resourceAttributes", {{"namespace", "n"}, {"verb", "get"}, {"resource", "pods"}}}}}});
  EXPECT_EQ(lsar.status, 400u);
  EXPECT_EQ(body(lsar)["message"], "spec.resourceAttributes.namespace must match namespace: other");

  auto neither = call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {{"spec", json::object()}});
  ASSERT_EQ(neither.status, 422u);
  EXPECT_EQ(body(neither)["message"],
            "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: "
            "\"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
  auto no_user = call(admin, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                      {{"spec", {{"nonResourceAttributes", {{"path", "/api"}, {"verb", "get"}}}}}});
  EXPECT_EQ(no_user.status, 422u);

  auto nonres = call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                     {{"spec", {{"nonResourceAttributes", {{"path", "/apis/apps"}, {"verb", "get"}}}}}});
  EXPECT_EQ(body(nonres)["status"]["allowed"], true);
  EXPECT_EQ(call(alice, "GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").status, 403u)
      << "authorization comes first, as in kube-apiserver";
  EXPECT_EQ(call(admin, "GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").status, 405u);
}

TEST_F(auth_router_test, rules_review_lists_what_applies_in_a_namespace) {
  role("n", "r", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"list"}}}}));
  bind("n", "b", "Role", "r", user_subject("alice"));
  auto res = call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                  {{"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SelfSubjectRulesReview"}, {"spec", {{"namespace", "n"}}}});
  ASSERT_EQ(res.status, 201u) << res.body;
  auto st = body(res)["status"];
  EXPECT_EQ(st["incomplete"], false);
  bool pods = false, review = false;
  for (const auto& r : st["resourceRules"]) {
    pods = pods || (r["resources"] == json({"pods"}) && r["verbs"] == json({"list"}));
    review = review || r["resources"] == json({"selfsubjectaccessreviews", "selfsubjectrulesreviews"});
  }
  EXPECT_TRUE(pods) << st.dump();
  EXPECT_TRUE(review) << "system:basic-user applies to every authenticated user";
  EXPECT_FALSE(st["nonResourceRules"].empty());
  auto elsewhere = body(call(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                             {{"spec", {{"namespace", "m"}}}}))["status"];
  for (const auto& r : elsewhere["resourceRules"]) EXPECT_NE(r["resources"], json({"pods"}));
}

TEST_F(auth_router_test, masters_may_do_anything_and_bootstrap_objects_exist) {
  EXPECT_EQ(as_admin("GET", "/api/v1/nodes").status, 200u);
  auto crb = as_admin("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-admin");
  ASSERT_EQ(crb.status, 200u);
  EXPECT_EQ(body(crb)["subjects"][0]["name"], "system:masters");
  EXPECT_EQ(body(crb)["metadata"]["labels"]["kubernetes.io/bootstrapping"], "rbac-defaults");
  // A second call leaves a changed default alone.
  auto cr = body(as_admin("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view"));
  cr["metadata"]["annotations"]["changed"] = "yes";
  ASSERT_EQ(as_admin("PUT", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", cr).status, 200u);
  auth::ensure_bootstrap_policy(reg);
  EXPECT_EQ(body(as_admin("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view"))["metadata"]["annotations"]["changed"],
            "yes");
}

// ---- request → attributes ---------------------------------------------------------

auth::attributes attrs(const std::string& method, const std::string& target) {
  static const user_info u{.name = "u"};
  auto t = parse_target(target);
  request req{.method = method, .path = t->path, .query = t->query};
  return auth::request_attributes(req, u);
}

TEST(auth_attributes, verbs_follow_kubes_request_info) {
  EXPECT_EQ(attrs("GET", "/api/v1/namespaces/a/pods").verb, "list");
  EXPECT_EQ(attrs("GET", "/api/v1/namespaces/a/pods?watch=1").verb, "watch");
  EXPECT_EQ(attrs("GET", "/api/v1/namespaces/a/pods?watch=false").verb, "list");
  EXPECT_EQ(attrs("GET", "/api/v1/watch/namespaces/a/pods").verb, "watch");
  EXPECT_EQ(attrs("GET", "/api/v1/namespaces/a/pods/p").verb, "get");
  EXPECT_EQ(attrs("HEAD", "/api/v1/namespaces/a/pods/p").verb, "get");
  EXPECT_EQ(attrs("POST", "/api/v1/namespaces/a/pods").verb, "create");
  EXPECT_EQ(attrs("PUT", "/api/v1/namespaces/a/pods/p").verb, "update");
  EXPECT_EQ(attrs("PATCH", "/api/v1/namespaces/a/pods/p").verb, "patch");
  EXPECT_EQ(attrs("DELETE", "/api/v1/namespaces/a/pods/p").verb, "delete");
  EXPECT_EQ(attrs("DELETE", "/api/v1/namespaces/a/pods").verb, "deletecollection");
  auto byname = attrs("GET", "/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dp");
  EXPECT_EQ(byname.verb, "list");
  EXPECT_EQ(byname.name, "p");
}

TEST(auth_attributes, paths_split_into_group_namespace_resource_name_subresource) {
  auto a = attrs("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/status");
  EXPECT_TRUE(a.resource_request);
  EXPECT_EQ(a.api_group, "apps");
  EXPECT_EQ(a.api_version, "v1");
  EXPECT_EQ(a.namespace_, "ns");
  EXPECT_EQ(a.resource, "deployments");
  EXPECT_EQ(a.name, "web");
  EXPECT_EQ(a.subresource, "status");
  auto ns = attrs("GET", "/api/v1/namespaces/ns");
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_EQ(ns.name, "ns");
  EXPECT_EQ(ns.namespace_, "ns");
  auto fin = attrs("PUT", "/api/v1/namespaces/ns/finalize");
  EXPECT_EQ(fin.resource, "namespaces");
  EXPECT_EQ(fin.subresource, "finalize");
  auto node = attrs("GET", "/api/v1/nodes/n1");
  EXPECT_EQ(node.namespace_, "");
  for (const char* p : {"/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/healthz", "/openapi/v2"}) {
    auto x = attrs("GET", p);
    EXPECT_FALSE(x.resource_request) << p;
    EXPECT_EQ(x.verb, "get") << p;
    EXPECT_EQ(x.path, p);
  }
}

TEST(auth_rules, rule_matching_as_kubes_rbac) {
  auth::attributes a{.verb = "get", .resource_request = true, .api_group = "apps", .resource = "deployments",
                     .subresource = "scale", .name = "web"};
  auto rule = [](std::vector<std::string> verbs, std::vector<std::string> groups, std::vector<std::string> resources,
                 std::vector<std::string> names = {}) {
    return auth::policy_rule{.verbs = std::move(verbs), .api_groups = std::move(groups),
                             .resources = std::move(resources), .resource_names = std::move(names)};
  };
  EXPECT_TRUE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"deployments/scale"})));
  EXPECT_TRUE(auth::rule_allows(a, rule({"*"}, {"*"}, {"*"})));
  EXPECT_TRUE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"*/scale"})));
  EXPECT_TRUE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"deployments/scale"}, {"web"})));
  EXPECT_FALSE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"deployments"})));
  EXPECT_FALSE(auth::rule_allows(a, rule({"get"}, {""}, {"deployments/scale"})));
  EXPECT_FALSE(auth::rule_allows(a, rule({"list"}, {"apps"}, {"deployments/scale"})));
  EXPECT_FALSE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"deployments/scale"}, {"db"})));
  EXPECT_FALSE(auth::rule_allows(a, rule({"get"}, {"apps"}, {"*/status"})));
  auth::attributes p{.verb = "get", .path = "/apis/apps/v1"};
  EXPECT_TRUE(auth::rule_allows(p, {.verbs = {"get"}, .non_resource_urls = {"/apis/*"}}));
  EXPECT_TRUE(auth::rule_allows(p, {.verbs = {"get"}, .non_resource_urls = {"*"}}));
  EXPECT_FALSE(auth::rule_allows(p, {.verbs = {"get"}, .non_resource_urls = {"/apis"}}));
  EXPECT_FALSE(auth::rule_allows(p, {.verbs = {"post"}, .non_resource_urls = {"/apis/*"}}));
  EXPECT_FALSE(auth::rule_allows(p, rule({"*"}, {"*"}, {"*"}))) << "resource rules never match paths";
}

// ---- token file and flags ---------------------------------------------------------------

TEST(auth_token_file, parses_kubes_csv_and_names_the_bad_line) {
  auto users = parse_token_file("# comment\n\nt1,alice,u1\nt2, bob ,u2,\"devs,qa\"\n", "tokens.csv");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].token, "t1");
  EXPECT_EQ(users[0].user.name, "alice");
  EXPECT_EQ(users[0].user.uid, "u1");
  EXPECT_TRUE(users[0].user.groups.empty());
  EXPECT_EQ(users[1].user.name, "bob");
  EXPECT_EQ(users[1].user.groups, (std::vector<std::string>{"devs", "qa"}));
  try {
    parse_token_file("t1,alice,u1\nt2,bob\n", "tokens.csv");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "tokens.csv:2: must have at least 3 columns (token, user name, user uid), found 2");
  }
  EXPECT_THROW(parse_token_file("t1,alice,u1\nt1,bob,u2\n", "f"), std::runtime_error);
  EXPECT_THROW(parse_token_file(",alice,u1\n", "f"), std::runtime_error);
  EXPECT_THROW(parse_token_file("t,alice,u1,\"devs\n", "f"), std::runtime_error);
  EXPECT_THROW(read_token_file("/nonexistent/tokens.csv"), std::runtime_error);
}

TEST(auth_flags, authorization_mode_lists) {
  EXPECT_EQ(authorization_mode_from_flag("RBAC"), authorization_mode::rbac);
  EXPECT_EQ(authorization_mode_from_flag("Node,RBAC"), authorization_mode::rbac);
  EXPECT_EQ(authorization_mode_from_flag("AlwaysAllow"), authorization_mode::always_allow);
  EXPECT_EQ(authorization_mode_from_flag("Webhook"), std::nullopt);
  EXPECT_EQ(authorization_mode_from_flag("Bogus,RBAC"), std::nullopt);
}

}  // namespace
