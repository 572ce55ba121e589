// Built-in schemas: admissionregistration.k8s.io/v1 webhook configurations.
// Descriptions are ktk's own short wording; shapes, enums, required fields and list
// extensions follow k8s.io/api v0.31.
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

const std::string ar = "io.k8s.api.admissionregistration.v1.";

void atomic(definitions& d, const std::string& type, const std::string& prop) {
  d[type]["properties"][prop]["x-kubernetes-list-type"] = "atomic";
}

// The fields Mutating- and ValidatingWebhook share.
std::vector<field> webhook_fields() {
  return {
      str_list("admissionReviewVersions",
               "AdmissionReview versions the webhook accepts, in order of preference; the API server sends the "
               "first it knows (v1, v1beta1). Required."),
      ref("clientConfig", ar + "WebhookClientConfig", "How to reach the webhook. Required."),
      str_enum("failurePolicy", "What an error calling the webhook does: Fail (default) rejects, Ignore allows.",
               {"Fail", "Ignore"}),
      list("matchConditions", ar + "MatchCondition",
           "CEL conditions the request must all meet for the webhook to be called (at most 64).", "name"),
      str_enum("matchPolicy",
               "Exact: only requests matching the rules; Equivalent (default): also requests for the same "
               "resource through another group or version.",
               {"Equivalent", "Exact"}),
      str("name", "The webhook's fully qualified name, such as imagepolicy.kubernetes.io. Required."),
      ref("namespaceSelector", meta_v1 + "LabelSelector",
          "Calls the webhook only for objects in namespaces whose labels match; empty matches all."),
      ref("objectSelector", meta_v1 + "LabelSelector",
          "Calls the webhook only for objects whose labels match; empty matches all."),
      list("rules", ar + "RuleWithOperations", "The operations and resources the webhook is called for."),
      str_enum("sideEffects",
               "Whether the webhook has side effects: None or NoneOnDryRun (Some and Unknown are refused in v1). "
               "Required.",
               {"None", "NoneOnDryRun", "Some", "Unknown"}),
      i32("timeoutSeconds", "Seconds to wait for the webhook, 1 to 30; 10 by default."),
  };
}

void add_webhook(definitions& d, const std::string& kind, bool mutating) {
  std::vector<field> fields = webhook_fields();
  if (mutating)
    fields.push_back(str_enum("reinvocationPolicy",
                              "Never (default), or IfNeeded: call the webhook again when a later mutating "
                              "webhook changed the object.",
                              {"IfNeeded", "Never"}));
  def(d, ar + kind, mutating ? "An admission webhook that may change the objects it is sent."
                             : "An admission webhook that accepts or rejects the objects it is sent.",
      std::move(fields), {"name", "clientConfig", "sideEffects", "admissionReviewVersions"});
  atomic(d, ar + kind, "admissionReviewVersions");
  atomic(d, ar + kind, "rules");
}

void add_configuration(definitions& d, const std::string& kind, const std::string& webhook, std::string desc) {
  const std::string group = "admissionregistration.k8s.io";
  kind_def(d, ar + kind, {group, "v1", kind}, std::move(desc),
           {list("webhooks", ar + webhook, "The webhooks, each with its rules and client configuration.", "name")});
  list_def(d, ar + kind, {group, "v1", kind + "List"});
}

}  // namespace

void add_admission_types(definitions& d) {
  add_configuration(d, "MutatingWebhookConfiguration", "MutatingWebhook",
                    "Admission webhooks that may change objects before they are stored.");
  add_configuration(d, "ValidatingWebhookConfiguration", "ValidatingWebhook",
                    "Admission webhooks that accept or reject objects before they are stored.");
  add_webhook(d, "MutatingWebhook", true);
  add_webhook(d, "ValidatingWebhook", false);
  def(d, ar + "RuleWithOperations", "Operations on resources a webhook is called for.",
      {str_list("apiGroups", "API groups; \"\" is the core group, \"*\" all groups."),
       str_list("apiVersions", "API versions; \"*\" all versions."),
       str_list("operations", "CREATE, UPDATE, DELETE, CONNECT, or \"*\" for all."),
       str_list("resources",
                "Resources, such as pods; \"pods/status\" a subresource, \"*\" all resources, \"*/*\" all "
                "resources and subresources."),
       str("scope", "Cluster, Namespaced or \"*\" (default): which objects match by scope.")});
  for (const char* p : {"apiGroups", "apiVersions", "operations", "resources"}) atomic(d, ar + "RuleWithOperations", p);
  def(d, ar + "WebhookClientConfig", "How the API server reaches a webhook: a URL or a Service.",
      {{"caBundle",
        {{"type", "string"},
         {"format", "byte"},
         {"description", "PEM CA bundle that signs the webhook's serving certificate (base64 in JSON)."}}},
       ref("service", ar + "ServiceReference", "A Service in the cluster. Exactly one of url and service."),
       str("url", "https://host[:port][/path], with no user info, query or fragment. Exactly one of url and "
                  "service.")});
  def(d, ar + "ServiceReference", "A Service a webhook is reached through.",
      {str("name", "The Service's name. Required."), str("namespace", "The Service's namespace. Required."),
       str("path", "URL path sent with each request, such as /validate."),
       i32("port", "The Service port; 443 by default.")},
      {"namespace", "name"});
  def(d, ar + "MatchCondition", "A named CEL expression a request must meet.",
      {str("expression", "A CEL expression over request, object, oldObject and authorizer; must be a bool. Required."),
       str("name", "A qualified name, unique within the webhook. Required.")},
      {"name", "expression"});
}

}  // namespace ktk::apiserver::http::openapi::detail
