// Built-in schemas: meta/v1 types shared by every kind, and the registry of built-ins.
// Descriptions are ktk's own short wording.
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

// Value types whose shape differs between v2 and v3.
void add_value_types(definitions& d, spec_version v) {
  d[meta_v1 + "Time"] = {{"type", "string"},
                         {"format", "date-time"},
                         {"description", "A timestamp in RFC 3339 form, to the second, in UTC."}};
  d[meta_v1 + "MicroTime"] = {
      {"type", "string"}, {"format", "date-time"}, {"description", "A timestamp in RFC 3339 form with microseconds."}};
  json qty = {{"description", "An amount with an optional unit suffix: \"500m\" CPU, \"128Mi\" memory, \"2\"."}};
  json ios = {{"description", "Either an integer or a string, such as 8080 or \"http\" or \"25%\"."},
              {"format", "int-or-string"}};
  if (v == spec_version::v3) {
    qty["oneOf"] = json::array({{{"type", "string"}}, {{"type", "number"}}});
    qty["x-kubernetes-int-or-string"] = true;
    ios["oneOf"] = json::array({{{"type", "integer"}}, {{"type", "string"}}});
    ios["x-kubernetes-int-or-string"] = true;
  } else {
    qty["type"] = "string";
    ios["type"] = "string";
  }
  d["io.k8s.apimachinery.pkg.api.resource.Quantity"] = std::move(qty);
  d["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = std::move(ios);
}

definitions build_neutral() {
  definitions d;
  add_meta_types(d);
  add_pod_types(d);
  add_workload_types(d);
  add_core_types(d);
  add_cluster_types(d);
  add_admission_types(d);
  add_rbac_types(d);
  return d;
}

definitions build(spec_version v) {
  definitions out;
  for (const auto& [name, s] : builtin_neutral()) out[name] = convert(s, v);
  add_value_types(out, v);
  return out;
}

}  // namespace

void add_meta_types(definitions& d) {
  def(d, meta_v1 + "ObjectMeta", "Metadata every stored object carries: identity, labels, ownership and lifecycle.",
      {
          str("name", "Unique name of the object within its namespace (or the cluster, if cluster-scoped)."),
          str("generateName", "Prefix from which the server makes a unique name when name is empty."),
          str("namespace", "The namespace the object lives in; empty for cluster-scoped objects."),
          str("uid", "Server-assigned identifier, unique across the object's whole history. Read-only."),
          str("resourceVersion",
              "Opaque version of the object, changed on every write; used for optimistic concurrency and watches."),
          i64("generation", "Sequence number of changes to the desired state (spec). Set by the server."),
          time("creationTimestamp", "When the object was created. Set by the server."),
          time("deletionTimestamp",
               "When deletion was requested; the object goes away once its finalizers are gone. Set by the server."),
          i64("deletionGracePeriodSeconds", "Seconds the object is given to terminate gracefully once deleted."),
          str_map("labels", "Key/value pairs used to organise and select objects."),
          str_map("annotations", "Key/value pairs for tools and people; not used for selection."),
          list("ownerReferences", meta_v1 + "OwnerReference",
               "Objects this one depends on; when all owners are gone it is garbage-collected.", "uid"),
          {"finalizers",
           {{"type", "array"},
            {"items", {{"type", "string"}}},
            {"description", "Conditions that must clear (by controllers removing the entry) before deletion ends."},
            {"x-kubernetes-patch-strategy", "merge"},
            {"x-kubernetes-list-type", "set"}}},
          list("managedFields", meta_v1 + "ManagedFieldsEntry", "Which manager owns which fields (server-side apply)."),
      });
  def(d, meta_v1 + "ManagedFieldsEntry", "The set of fields one manager owns, and how it set them.",
      {
          str("manager", "Name of the manager (field manager) that owns the fields."),
          str("operation", "How the fields were set: Apply or Update."),
          str("apiVersion", "The version of the object the field set refers to."),
          time("time", "When the manager last changed these fields."),
          str("fieldsType", "Format of fieldsV1; always FieldsV1."),
          {"fieldsV1", {{"type", "object"}, {"description", "The owned fields, as a trie of field paths."}}},
          str("subresource", "The subresource the fields were set through, if any."),
      });
  def(d, meta_v1 + "OwnerReference", "Points at an object that owns this one.",
      {
          str("apiVersion", "apiVersion of the owner."),
          str("kind", "Kind of the owner."),
          str("name", "Name of the owner."),
          str("uid", "UID of the owner."),
          boolean("controller", "True when the owner is the managing controller; at most one owner may say so."),
          boolean("blockOwnerDeletion", "With foreground deletion, the owner is not deleted before this object is."),
      },
      {"apiVersion", "kind", "name", "uid"});
  def(d, meta_v1 + "ListMeta", "Metadata of a list response.",
      {
          str("resourceVersion", "The version of the collection the list was read at; watch from here."),
          str("continue", "Token to fetch the next page when the list was paginated with limit."),
          i64("remainingItemCount", "Approximate number of items not yet returned by a paginated list."),
          str("selfLink", "Deprecated; not set."),
      });
  def(d, meta_v1 + "LabelSelector", "A label query. All terms must hold; an empty selector matches everything.",
      {
          str_map("matchLabels", "Labels that must be present with exactly these values."),
          list("matchExpressions", meta_v1 + "LabelSelectorRequirement", "Set-based requirements on labels."),
      });
  def(d, meta_v1 + "LabelSelectorRequirement", "One set-based label requirement.",
      {
          str("key", "The label key."),
          str("operator", "In, NotIn, Exists or DoesNotExist."),
          str_list("values", "Values for In / NotIn; must be empty for Exists / DoesNotExist."),
      },
      {"key", "operator"});
  def(d, meta_v1 + "Condition", "A standard condition of an object's status.",
      {
          str("type", "The kind of condition, in CamelCase."),
          str("status", "True, False or Unknown."),
          i64("observedGeneration", "The metadata.generation the condition was computed from."),
          time("lastTransitionTime", "When status last changed."),
          str("reason", "Machine-readable CamelCase reason for the last transition."),
          str("message", "Human-readable detail."),
      },
      {"type", "status", "lastTransitionTime", "reason", "message"});
  kind_def(d, meta_v1 + "Status", {"", "v1", "Status"}, "The result of a request that returns no object, such as errors.",
           {
               str("status", "Success or Failure."),
               str("message", "Human-readable description of the outcome."),
               str("reason", "Machine-readable reason, such as NotFound, AlreadyExists or Conflict."),
               ref("details", meta_v1 + "StatusDetails", "Extra data about the reason."),
               i32("code", "The HTTP status code."),
           });
  d[meta_v1 + "Status"]["properties"]["metadata"]["$ref"] = meta_v1 + "ListMeta";
  def(d, meta_v1 + "StatusDetails", "Details of a Status: which object, and the field causes.",
      {
          str("name", "Name of the object concerned."),
          str("group", "API group of the object concerned."),
          str("kind", "Kind of the object concerned."),
          str("uid", "UID of the object concerned."),
          list("causes", meta_v1 + "StatusCause", "Individual problems, such as invalid fields."),
          i32("retryAfterSeconds", "When set, retry after this many seconds."),
      });
  def(d, meta_v1 + "StatusCause", "One cause of an error.",
      {
          str("reason", "Machine-readable cause, such as FieldValueInvalid."),
          str("message", "Human-readable detail."),
          str("field", "The field at fault, such as spec.containers[0].image."),
      });
  kind_def(d, meta_v1 + "DeleteOptions", {"", "v1", "DeleteOptions"}, "Options of a delete request.",
           {
               i64("gracePeriodSeconds", "Seconds to wait before deleting; 0 deletes at once."),
               ref("preconditions", meta_v1 + "Preconditions", "Conditions the object must meet to be deleted."),
               boolean("orphanDependents", "Deprecated: use propagationPolicy Orphan."),
               str("propagationPolicy", "What happens to dependents: Orphan, Background or Foreground."),
               str_list("dryRun", "All: validate and report the outcome without persisting it."),
           });
  d[meta_v1 + "DeleteOptions"]["properties"].erase("metadata");
  def(d, meta_v1 + "Preconditions", "Conditions on the stored object a request requires.",
      {
          str("uid", "The UID the object must have."),
          str("resourceVersion", "The resourceVersion the object must have."),
      });
  d[meta_v1 + "Patch"] = {{"type", "object"},
                          {"description", "A patch body: JSON patch, merge patch, strategic merge patch or apply."}};
  kind_def(d, meta_v1 + "WatchEvent", {"", "v1", "WatchEvent"}, "One event of a watch stream.",
           {
               str("type", "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
               free_object("object", "The object (or a Status for ERROR)."),
           },
           {"type", "object"});
  d[meta_v1 + "WatchEvent"]["properties"].erase("metadata");
  d[meta_v1 + "WatchEvent"]["properties"].erase("apiVersion");
  d[meta_v1 + "WatchEvent"]["properties"].erase("kind");
}

const definitions& builtin_neutral() {
  static const definitions d = build_neutral();
  return d;
}

const definitions& builtin(spec_version v) {
  static const definitions v2 = build(spec_version::v2);
  static const definitions v3 = build(spec_version::v3);
  return v == spec_version::v3 ? v3 : v2;
}

std::string builtin_name(const core::gvk& k) {
  static const std::map<std::string, std::string> packages = {
      {"", "io.k8s.api.core."},
      {"apps", "io.k8s.api.apps."},
      {"batch", "io.k8s.api.batch."},
      {"autoscaling", "io.k8s.api.autoscaling."},
      {"coordination.k8s.io", "io.k8s.api.coordination."},
      {"admissionregistration.k8s.io", "io.k8s.api.admissionregistration."},
      {"rbac.authorization.k8s.io", "io.k8s.api.rbac."},
      {"authorization.k8s.io", "io.k8s.api.authorization."},
      {"authentication.k8s.io", "io.k8s.api.authentication."},
      {"apiextensions.k8s.io", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions."},
  };
  auto p = packages.find(k.group);
  if (p == packages.end()) return {};
  std::string name = p->second + k.version + "." + k.kind;
  return builtin_neutral().contains(name) ? name : std::string{};
}

}  // namespace ktk::apiserver::http::openapi::detail
