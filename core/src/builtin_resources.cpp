// The built-in resources ktk serves, as kube-apiserver 1.31's discovery lists them.
#include "ktk/core/rest_mapper.hpp"

namespace ktk::core {
namespace {

const std::vector<std::string> all_verbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

resource_info make(std::string group, std::string version, std::string plural, std::string kind,
                   std::string singular, bool namespaced, std::vector<std::string> short_names,
                   std::vector<std::string> subresources = {}, std::vector<std::string> categories = {},
                   std::vector<std::string> verbs = all_verbs) {
  resource_info r;
  r.resource = {std::move(group), std::move(version), std::move(plural)};
  r.list_kind = kind + "List";
  r.kind = std::move(kind);
  r.singular = std::move(singular);
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.subresources = std::move(subresources);
  r.categories = std::move(categories);
  r.verbs = std::move(verbs);
  return r;
}

std::vector<resource_info> build() {
  const std::vector<std::string> all = {"all"};
  const std::vector<std::string> no_collection = {"create", "delete", "get", "list", "patch", "update", "watch"};
  const std::vector<std::string> create_only = {"create"};
  return {
      make("", "v1", "namespaces", "Namespace", "namespace", false, {"ns"}, {"status", "finalize"}, {},
           no_collection),
      make("", "v1", "pods", "Pod", "pod", true, {"po"}, {"status", "binding", "ephemeralcontainers"}, all),
      make("", "v1", "nodes", "Node", "node", false, {"no"}, {"status"}),
      make("", "v1", "services", "Service", "service", true, {"svc"}, {"status"}, all,
           {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}),
      make("", "v1", "endpoints", "Endpoints", "endpoints", true, {"ep"}),
      make("", "v1", "configmaps", "ConfigMap", "configmap", true, {"cm"}),
      make("", "v1", "secrets", "Secret", "secret", true, {}),
      make("", "v1", "serviceaccounts", "ServiceAccount", "serviceaccount", true, {"sa"}),
      make("", "v1", "events", "Event", "event", true, {"ev"}),
      make("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", "persistentvolumeclaim", true, {"pvc"},
           {"status"}),
      make("apps", "v1", "deployments", "Deployment", "deployment", true, {"deploy"}, {"status", "scale"}, all),
      make("apps", "v1", "replicasets", "ReplicaSet", "replicaset", true, {"rs"}, {"status", "scale"}, all),
      make("apps", "v1", "statefulsets", "StatefulSet", "statefulset", true, {"sts"}, {"status", "scale"}, all),
      make("apps", "v1", "daemonsets", "DaemonSet", "daemonset", true, {"ds"}, {"status"}, all),
      make("batch", "v1", "jobs", "Job", "job", true, {}, {"status"}, all),
      make("batch", "v1", "cronjobs", "CronJob", "cronjob", true, {"cj"}, {"status"}, all),
      make("coordination.k8s.io", "v1", "leases", "Lease", "lease", true, {}),
      make("rbac.authorization.k8s.io", "v1", "roles", "Role", "role", true, {}),
      make("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", "rolebinding", true, {}),
      make("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", "clusterrole", false, {}),
      make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", "clusterrolebinding",
           false, {}),
      // The review resources only take a POST: the answer is computed, nothing is stored.
      make("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
           "selfsubjectaccessreview", false, {}, {}, {}, create_only),
      make("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", "subjectaccessreview", false,
           {}, {}, {}, create_only),
      make("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview",
           "localsubjectaccessreview", true, {}, {}, {}, create_only),
      make("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", "selfsubjectrulesreview",
           false, {}, {}, {}, create_only),
      make("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", "selfsubjectreview", false, {},
           {}, {}, create_only),
      make("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", "tokenreview", false, {}, {}, {},
           create_only),
      make("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration",
           "mutatingwebhookconfiguration", false, {}, {}, {"api-extensions"}),
      make("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration",
           "validatingwebhookconfiguration", false, {}, {}, {"api-extensions"}),
      make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
           "customresourcedefinition", false, {"crd", "crds"}, {"status"}, {"api-extensions"}),
  };
}

}  // namespace

const std::vector<resource_info>& builtin_resources() {
  static const std::vector<resource_info> r = build();
  return r;
}

}  // namespace ktk::core
