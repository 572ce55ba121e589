// Built-in schemas: rbac.authorization.k8s.io/v1 roles and bindings, and the review
// kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1.
// Descriptions are ktk's own short wording; shapes, required fields and list / map
// extensions follow k8s.io/api v0.31.
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

const std::string rbac = "io.k8s.api.rbac.v1.";
const std::string authz = "io.k8s.api.authorization.v1.";
const std::string authn = "io.k8s.api.authentication.v1.";

// Marks properties of `type` +listType=atomic.
void atomic(definitions& d, const std::string& type, std::initializer_list<const char*> props) {
  for (const char* p : props) d[type]["properties"][p]["x-kubernetes-list-type"] = "atomic";
}

// +structType=atomic: server-side apply owns the value as a whole.
void atomic_struct(definitions& d, const std::string& type) { d[type]["x-kubernetes-map-type"] = "atomic"; }

// map[string][]string (UserInfo and SubjectAccessReviewSpec `extra`).
field extra_map(std::string desc) {
  return {"extra",
          {{"type", "object"},
           {"additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}}},
           {"description", std::move(desc)}}};
}

void add_rbac(definitions& d) {
  const std::string group = "rbac.authorization.k8s.io";
  const char* rules_desc = "The rules of the role: verbs on resources or on non-resource URLs.";
  kind_def(d, rbac + "Role", {group, "v1", "Role"},
           "A namespaced set of rules a RoleBinding grants; it applies in its own namespace only.",
           {list("rules", rbac + "PolicyRule", rules_desc)});
  atomic(d, rbac + "Role", {"rules"});
  list_def(d, rbac + "Role", {group, "v1", "RoleList"});

  kind_def(d, rbac + "ClusterRole", {group, "v1", "ClusterRole"},
           "A cluster-wide set of rules, granted by a ClusterRoleBinding, or in one namespace by a RoleBinding.",
           {ref("aggregationRule", rbac + "AggregationRule",
                "When set, the rules are the union of the ClusterRoles its selectors match, kept by the controller "
                "manager; rules written directly are overwritten."),
            list("rules", rbac + "PolicyRule", rules_desc)});
  atomic(d, rbac + "ClusterRole", {"rules"});
  list_def(d, rbac + "ClusterRole", {group, "v1", "ClusterRoleList"});

  kind_def(d, rbac + "RoleBinding", {group, "v1", "RoleBinding"},
           "Grants the rules of a Role, or of a ClusterRole, to subjects within the binding's namespace.",
           {ref("roleRef", rbac + "RoleRef",
                "The Role in this namespace or the ClusterRole granted. Required; cannot be changed after creation."),
            list("subjects", rbac + "Subject", "Who is granted the role: users, groups or service accounts.")},
           {"roleRef"});
  atomic(d, rbac + "RoleBinding", {"subjects"});
  list_def(d, rbac + "RoleBinding", {group, "v1", "RoleBindingList"});

  kind_def(d, rbac + "ClusterRoleBinding", {group, "v1", "ClusterRoleBinding"},
           "Grants the rules of a ClusterRole to subjects in every namespace and on non-resource URLs.",
           {ref("roleRef", rbac + "RoleRef",
                "The ClusterRole granted. Required; cannot be changed after creation."),
            list("subjects", rbac + "Subject", "Who is granted the role: users, groups or service accounts.")},
           {"roleRef"});
  atomic(d, rbac + "ClusterRoleBinding", {"subjects"});
  list_def(d, rbac + "ClusterRoleBinding", {group, "v1", "ClusterRoleBindingList"});

  def(d, rbac + "PolicyRule",
      "Verbs allowed on resources or on non-resource URLs; who gets them is up to the bindings.",
      {str_list("apiGroups", "API groups of the resources; \"\" is the core group, \"*\" every group."),
       str_list("nonResourceURLs",
                "Paths such as /healthz or /metrics (a final * matches a prefix); ClusterRoles only, and not "
                "together with resources."),
       str_list("resourceNames", "Names the rule is limited to; empty means every object."),
       str_list("resources", "Resources, such as pods; \"*\" every resource, \"pods/log\" a subresource, \"*/scale\" "
                             "that subresource of every resource."),
       str_list("verbs", "Verbs allowed, such as get, list, watch, create; \"*\" every verb. Required.")},
      {"verbs"});
  atomic(d, rbac + "PolicyRule", {"apiGroups", "nonResourceURLs", "resourceNames", "resources", "verbs"});

  def(d, rbac + "RoleRef", "The role a binding grants.",
      {str("apiGroup", "The group of the role: rbac.authorization.k8s.io."),
       str("kind", "Role or ClusterRole."), str("name", "The role's name.")},
      {"apiGroup", "kind", "name"});
  atomic_struct(d, rbac + "RoleRef");

  def(d, rbac + "Subject", "A user, group or service account a binding grants its role to.",
      {str("apiGroup", "\"\" for ServiceAccount (the default), rbac.authorization.k8s.io for User and Group (the "
                       "default)."),
       str("kind", "User, Group or ServiceAccount."), str("name", "The subject's name."),
       str("namespace", "The service account's namespace; empty for users and groups.")},
      {"kind", "name"});
  atomic_struct(d, rbac + "Subject");

  def(d, rbac + "AggregationRule", "How a ClusterRole collects its rules from other ClusterRoles.",
      {list("clusterRoleSelectors", meta_v1 + "LabelSelector",
            "Label selectors over ClusterRoles; the rules of every ClusterRole any of them matches are aggregated.")});
  atomic(d, rbac + "AggregationRule", {"clusterRoleSelectors"});
}

void add_authorization(definitions& d) {
  const std::string group = "authorization.k8s.io";
  const char* status_desc = "The answer, filled by the server.";
  kind_def(d, authz + "SelfSubjectAccessReview", {group, "v1", "SelfSubjectAccessReview"},
           "Asks whether the requesting user may perform an action.",
           {ref("spec", authz + "SelfSubjectAccessReviewSpec", "The action to check. Required."),
            ref("status", authz + "SubjectAccessReviewStatus", status_desc)},
           {"spec"});
  def(d, authz + "SelfSubjectAccessReviewSpec",
      "The action to check: exactly one of resourceAttributes and nonResourceAttributes.",
      {ref("nonResourceAttributes", authz + "NonResourceAttributes", "A request to a non-resource path."),
       ref("resourceAttributes", authz + "ResourceAttributes", "A request on a resource.")});

  kind_def(d, authz + "SubjectAccessReview", {group, "v1", "SubjectAccessReview"},
           "Asks whether a given user or group may perform an action.",
           {ref("spec", authz + "SubjectAccessReviewSpec", "The user and the action to check. Required."),
            ref("status", authz + "SubjectAccessReviewStatus", status_desc)},
           {"spec"});
  kind_def(d, authz + "LocalSubjectAccessReview", {group, "v1", "LocalSubjectAccessReview"},
           "Asks whether a given user or group may perform an action in one namespace; the namespace of "
           "resourceAttributes must be the review's own.",
           {ref("spec", authz + "SubjectAccessReviewSpec", "The user and the action to check. Required."),
            ref("status", authz + "SubjectAccessReviewStatus", status_desc)},
           {"spec"});
  def(d, authz + "SubjectAccessReviewSpec",
      "Who (user and groups) and what: exactly one of resourceAttributes and nonResourceAttributes.",
      {extra_map("Extra attributes of the user, as the authenticator returned them."),
       str_list("groups", "The groups the user belongs to."),
       ref("nonResourceAttributes", authz + "NonResourceAttributes", "A request to a non-resource path."),
       ref("resourceAttributes", authz + "ResourceAttributes", "A request on a resource."),
       str("uid", "The user's UID."), str("user", "The user's name.")});
  atomic(d, authz + "SubjectAccessReviewSpec", {"groups"});
  def(d, authz + "SubjectAccessReviewStatus", "Whether the action is allowed.",
      {boolean("allowed", "True when the action is allowed. Required."),
       boolean("denied", "True when an authorizer denied the action outright; false with allowed false means no "
                         "opinion."),
       str("evaluationError", "An error while checking; the answer may still hold."),
       str("reason", "Why the action is allowed or denied.")},
      {"allowed"});
  def(d, authz + "ResourceAttributes", "A request on a resource, as the authorizer sees it.",
      {ref("fieldSelector", authz + "FieldSelectorAttributes", "The request's field selector (alpha)."),
       str("group", "API group; \"*\" every group."),
       ref("labelSelector", authz + "LabelSelectorAttributes", "The request's label selector (alpha)."),
       str("name", "The object's name; empty for every object (list, create)."),
       str("namespace", "The namespace; \"\" for cluster-scoped resources or, with list and watch, every namespace."),
       str("resource", "The resource, such as pods; \"*\" every resource."),
       str("subresource", "The subresource, such as status; \"\" for none."),
       str("verb", "get, list, watch, create, update, patch, delete, deletecollection, or \"*\"."),
       str("version", "API version; \"*\" every version.")});
  def(d, authz + "NonResourceAttributes", "A request to a path that is not a resource, such as /healthz.",
      {str("path", "The URL path."), str("verb", "The HTTP verb, lowercase: get, post ...")});
  def(d, authz + "FieldSelectorAttributes", "A field selector, as text or as parsed requirements.",
      {str("rawSelector", "The selector as sent in the query (fieldSelector=...)."),
       list("requirements", meta_v1 + "FieldSelectorRequirement", "The parsed requirements.")});
  atomic(d, authz + "FieldSelectorAttributes", {"requirements"});
  def(d, authz + "LabelSelectorAttributes", "A label selector, as text or as parsed requirements.",
      {str("rawSelector", "The selector as sent in the query (labelSelector=...)."),
       list("requirements", meta_v1 + "LabelSelectorRequirement", "The parsed requirements.")});
  atomic(d, authz + "LabelSelectorAttributes", {"requirements"});
  if (!d.contains(meta_v1 + "FieldSelectorRequirement")) {
    def(d, meta_v1 + "FieldSelectorRequirement", "One field requirement: a key, an operator and values.",
        {str("key", "The field path."), str("operator", "In, NotIn, Exists or DoesNotExist."),
         str_list("values", "Values for In and NotIn; empty for Exists and DoesNotExist.")},
        {"key", "operator"});
    atomic(d, meta_v1 + "FieldSelectorRequirement", {"values"});
  }

  kind_def(d, authz + "SelfSubjectRulesReview", {group, "v1", "SelfSubjectRulesReview"},
           "Lists what the requesting user may do in a namespace (a UI hint, not an authorization decision).",
           {ref("spec", authz + "SelfSubjectRulesReviewSpec", "The namespace to list for. Required."),
            ref("status", authz + "SubjectRulesReviewStatus", status_desc)},
           {"spec"});
  def(d, authz + "SelfSubjectRulesReviewSpec", "Where to list the rules.",
      {str("namespace", "The namespace whose rules are listed.")});
  def(d, authz + "SubjectRulesReviewStatus", "The rules the user has; possibly incomplete.",
      {str("evaluationError", "Why the list may be incomplete."),
       boolean("incomplete", "True when an authorizer cannot list its rules, so there may be more. Required."),
       list("nonResourceRules", authz + "NonResourceRule", "Allowed verbs on non-resource paths. Required."),
       list("resourceRules", authz + "ResourceRule", "Allowed verbs on resources. Required.")},
      {"resourceRules", "nonResourceRules", "incomplete"});
  atomic(d, authz + "SubjectRulesReviewStatus", {"nonResourceRules", "resourceRules"});
  def(d, authz + "ResourceRule", "Verbs allowed on resources.",
      {str_list("apiGroups", "API groups; \"*\" every group."),
       str_list("resourceNames", "Names the rule is limited to; empty means every object."),
       str_list("resources", "Resources; \"*\" every resource, \"*/scale\" a subresource of every resource."),
       str_list("verbs", "Allowed verbs; \"*\" every verb. Required.")},
      {"verbs"});
  atomic(d, authz + "ResourceRule", {"apiGroups", "resourceNames", "resources", "verbs"});
  def(d, authz + "NonResourceRule", "Verbs allowed on non-resource paths.",
      {str_list("nonResourceURLs", "Paths; a final * matches a prefix."),
       str_list("verbs", "Allowed lowercase HTTP verbs; \"*\" every verb. Required.")},
      {"verbs"});
  atomic(d, authz + "NonResourceRule", {"nonResourceURLs", "verbs"});
}

void add_authentication(definitions& d) {
  const std::string group = "authentication.k8s.io";
  kind_def(d, authn + "SelfSubjectReview", {group, "v1", "SelfSubjectReview"},
           "Returns the user information the server authenticated the request as.",
           {ref("status", authn + "SelfSubjectReviewStatus", "The user information, filled by the server.")});
  def(d, authn + "SelfSubjectReviewStatus", "What the server knows of the requesting user.",
      {ref("userInfo", authn + "UserInfo", "The authenticated user.")});
  def(d, authn + "UserInfo", "An authenticated user.",
      {extra_map("Extra attributes the authenticator returned."),
       str_list("groups", "The groups the user belongs to."), str("uid", "A unique value for the user."),
       str("username", "The user's name.")});
  atomic(d, authn + "UserInfo", {"groups"});

  kind_def(d, authn + "TokenReview", {group, "v1", "TokenReview"},
           "Authenticates a bearer token and returns the user it belongs to.",
           {ref("spec", authn + "TokenReviewSpec", "The token to authenticate. Required."),
            ref("status", authn + "TokenReviewStatus", "The answer, filled by the server.")},
           {"spec"});
  def(d, authn + "TokenReviewSpec", "A token to authenticate.",
      {str_list("audiences", "Audiences the token must be valid for; empty means the server's own."),
       str("token", "The opaque bearer token.")});
  atomic(d, authn + "TokenReviewSpec", {"audiences"});
  def(d, authn + "TokenReviewStatus", "Whether the token authenticated, and as whom.",
      {str_list("audiences", "The audiences the token is valid for, of those asked."),
       boolean("authenticated", "True when the token is valid."),
       str("error", "Why the token could not be checked."),
       ref("user", authn + "UserInfo", "The user the token belongs to.")});
  atomic(d, authn + "TokenReviewStatus", {"audiences"});
}

}  // namespace

void add_rbac_types(definitions& d) {
  add_rbac(d);
  add_authorization(d);
  add_authentication(d);
}

}  // namespace ktk::apiserver::http::openapi::detail
