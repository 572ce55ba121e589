#include "detail/requests.hpp"

#include <nlohmann/json.hpp>

namespace ktk::client::rest::detail {

std::string resource_path(const core::resource_info& r, std::string_view ns, std::string_view name,
                          std::string_view subresource) {
  const auto& g = r.resource;
  std::string p = g.group.empty() ? "/api/" + g.version : "/apis/" + g.group + "/" + g.version;
  if (r.namespaced && !ns.empty()) p += "/namespaces/" + escape_component(ns);
  p += "/" + g.resource;
  if (!name.empty()) p += "/" + escape_component(name);
  if (!subresource.empty()) p += "/" + std::string(subresource);
  return p;
}

query get_query(const get_options& o) {
  query q;
  q.add_if("resourceVersion", o.resource_version);
  return q;
}

query list_query(const list_options& o) {
  query q;
  if (o.limit > 0) q.add("limit", std::to_string(o.limit));
  q.add_if("continue", o.continue_token);
  q.add_if("resourceVersion", o.resource_version);
  q.add_if("resourceVersionMatch", o.resource_version_match);
  q.add_if("labelSelector", o.label_selector);
  q.add_if("fieldSelector", o.field_selector);
  return q;
}

query watch_query(const watch_options& o) {
  query q;
  q.add("watch", "true");
  if (o.allow_bookmarks) q.add("allowWatchBookmarks", "true");
  q.add_if("resourceVersion", o.resource_version);
  q.add_if("resourceVersionMatch", o.resource_version_match);
  if (o.send_initial_events) q.add("sendInitialEvents", *o.send_initial_events ? "true" : "false");
  if (o.timeout) q.add("timeoutSeconds", std::to_string(o.timeout->count()));
  q.add_if("labelSelector", o.label_selector);
  q.add_if("fieldSelector", o.field_selector);
  return q;
}

query write_query(bool dry_run, std::string_view field_manager, std::string_view field_validation, bool force) {
  query q;
  if (dry_run) q.add("dryRun", "All");
  q.add_if("fieldManager", field_manager);
  q.add_if("fieldValidation", field_validation);
  if (force) q.add("force", "true");
  return q;
}

core::json delete_body(const delete_options& o) {
  core::json b = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (o.grace_period_seconds) b["gracePeriodSeconds"] = *o.grace_period_seconds;
  if (!o.propagation_policy.empty()) b["propagationPolicy"] = o.propagation_policy;
  if (o.precondition_uid || o.precondition_resource_version) {
    core::json pre = core::json::object();
    if (o.precondition_uid) pre["uid"] = *o.precondition_uid;
    if (o.precondition_resource_version) pre["resourceVersion"] = *o.precondition_resource_version;
    b["preconditions"] = std::move(pre);
  }
  if (o.dry_run) b["dryRun"] = core::json::array({"All"});
  return b;
}

core::json scale_body(const core::object_key& key, std::int64_t replicas) {
  core::json meta = {{"name", key.name}};
  if (!key.namespace_.empty()) meta["namespace"] = key.namespace_;
  return {{"apiVersion", "autoscaling/v1"}, {"kind", "Scale"}, {"metadata", std::move(meta)},
          {"spec", {{"replicas", replicas}}}};
}

}  // namespace ktk::client::rest::detail
