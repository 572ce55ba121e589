// bootstrap_policy.cpp — the default RBAC objects.
#include "auth/bootstrap_policy.hpp"

#include "ktk/core/api_error.hpp"

namespace ktk::apiserver::auth {
namespace {

using core::json;

const json read = {"get", "list", "watch"};
const json write = {"create", "delete", "deletecollection", "patch", "update"};
const json read_write = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

json rule(json groups, json resources, json verbs) {
  return {{"apiGroups", std::move(groups)}, {"resources", std::move(resources)}, {"verbs", std::move(verbs)}};
}

json metadata(const std::string& name, json extra_labels = json::object()) {
  json labels = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  labels.update(extra_labels);
  return {{"name", name},
          {"labels", labels},
          {"annotations", {{"rbac.authorization.kubernetes.io/autoupdate", "true"}}}};
}

json cluster_role(const std::string& name, json rules, json labels = json::object()) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRole"},
          {"metadata", metadata(name, std::move(labels))},
          {"rules", std::move(rules)}};
}

json aggregated(const std::string& name, const std::string& label, json labels = json::object()) {
  json r = cluster_role(name, json::array(), std::move(labels));
  r["aggregationRule"] = {{"clusterRoleSelectors", {{{"matchLabels", {{label, "true"}}}}}}};
  return r;
}

json cluster_role_binding(const std::string& name, const json& groups) {
  json subjects = json::array();
  for (const auto& g : groups) subjects.push_back({{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", g}});
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRoleBinding"},
          {"metadata", metadata(name)},
          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", name}}},
          {"subjects", std::move(subjects)}};
}

std::vector<json> cluster_roles() {
  const std::string agg = "rbac.authorization.k8s.io/aggregate-to-";
  const json core_read = {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                          "pods/log", "pods/status", "replicationcontrollers", "replicationcontrollers/scale",
                          "replicationcontrollers/status", "serviceaccounts", "services", "services/status",
                          "bindings", "events", "limitranges", "namespaces", "namespaces/status",
                          "resourcequotas", "resourcequotas/status"};
  const json apps = {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                     "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                     "statefulsets/scale", "statefulsets/status"};
  const json batch = {"cronjobs", "cronjobs/status", "jobs", "jobs/status"};
  return {
      cluster_role("cluster-admin", {rule({"*"}, {"*"}, {"*"}), {{"nonResourceURLs", {"*"}}, {"verbs", {"*"}}}}),
      cluster_role("system:discovery",
                   {{{"nonResourceURLs",
                      {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                       "/readyz", "/version", "/version/"}},
                     {"verbs", {"get"}}}}),
      cluster_role("system:public-info-viewer",
                   {{{"nonResourceURLs", {"/healthz", "/livez", "/readyz", "/version", "/version/"}},
                     {"verbs", {"get"}}}}),
      cluster_role("system:service-account-issuer-discovery",
                   {{{"nonResourceURLs",
                      {"/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks",
                       "/openid/v1/jwks/"}},
                     {"verbs", {"get"}}}}),
      cluster_role("system:basic-user",
                   {rule({"authorization.k8s.io"}, {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}, {"create"}),
                    rule({"authentication.k8s.io"}, {"selfsubjectreviews"}, {"create"})}),
      aggregated("admin", agg + "admin"),
      aggregated("edit", agg + "edit", {{agg + "admin", "true"}}),
      aggregated("view", agg + "view", {{agg + "edit", "true"}}),
      cluster_role("system:aggregate-to-admin",
                   {rule({"authorization.k8s.io"}, {"localsubjectaccessreviews"}, {"create"}),
                    rule({"rbac.authorization.k8s.io"}, {"rolebindings", "roles"}, read_write)},
                   {{agg + "admin", "true"}}),
      cluster_role("system:aggregate-to-edit",
                   {rule({""}, {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, write),
                    rule({""},
                         {"configmaps", "endpoints", "events", "persistentvolumeclaims", "replicationcontrollers",
                          "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
                          "services/proxy"},
                         write),
                    rule({""}, {"serviceaccounts/token"}, {"create"}),
                    rule({""}, {"secrets"}, read),
                    rule({"apps"}, {"daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                                    "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"},
                         write),
                    rule({"batch"}, {"cronjobs", "jobs"}, write),
                    rule({"networking.k8s.io"}, {"ingresses", "networkpolicies"}, write),
                    rule({"policy"}, {"poddisruptionbudgets"}, write),
                    rule({"coordination.k8s.io"}, {"leases"}, read_write)},
                   {{agg + "edit", "true"}}),
      cluster_role("system:aggregate-to-view",
                   {rule({""}, core_read, read), rule({"apps"}, apps, read), rule({"batch"}, batch, read),
                    rule({"networking.k8s.io"}, {"ingresses", "ingresses/status", "networkpolicies"}, read),
                    rule({"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}, read),
                    rule({"events.k8s.io"}, {"events"}, read)},
                   {{agg + "view", "true"}}),
  };
}

}  // namespace

void ensure_bootstrap_policy(registry& reg) {
  const core::gvr roles{"rbac.authorization.k8s.io", "v1", "clusterroles"};
  const core::gvr bindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings"};
  auto create = [&](const core::gvr& r, json j) {
    std::string name = j["metadata"]["name"];
    if (reg.get(r, {"", name})) return;
    auto res = reg.create(r, "", core::object(std::move(j)));
    if (!res && !core::is_already_exists(res.error())) {
      throw std::runtime_error("RBAC bootstrap policy: " + name + ": " + res.error().message());
    }
  };
  for (auto& j : cluster_roles()) create(roles, std::move(j));
  create(bindings, cluster_role_binding("cluster-admin", {"system:masters"}));
  create(bindings, cluster_role_binding("system:discovery", {"system:authenticated"}));
  create(bindings, cluster_role_binding("system:basic-user", {"system:authenticated"}));
  create(bindings, cluster_role_binding("system:service-account-issuer-discovery", {"system:serviceaccounts"}));
  create(bindings, cluster_role_binding("system:public-info-viewer", {"system:authenticated", "system:unauthenticated"}));
}

}  // namespace ktk::apiserver::auth
