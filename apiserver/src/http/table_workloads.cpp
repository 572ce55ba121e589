// table_workloads.cpp — printers for apps/v1 and batch/v1 kinds.
//
// Fields kube defaults on create (spec.replicas = 1, job parallelism/completions,
// cronjob suspend = false) are read with those defaults, so an object stored without
// them prints as it would on a real cluster.
#include <string>

#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

constexpr std::string_view containers_desc = "Names of each container in the template.";
constexpr std::string_view images_desc = "Images referenced by each container in the template.";

std::string age_of(const core::object& o, time_point now) {
  return since(at(o.data(), "metadata.creationTimestamp"), now);
}

std::string ratio(std::int64_t a, std::int64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

void deployment_row(const core::object& o, time_point now, json& row) {
  const json& d = o.data();
  auto [names, images] = container_cells(at(d, "spec.template.spec.containers"));
  auto selector = selector_string(at(d, "spec.selector"));
  row["cells"] = json::array({std::string(o.name()),
                              ratio(integer(at(d, "status.readyReplicas")), integer(at(d, "spec.replicas"), 1)),
                              integer(at(d, "status.updatedReplicas")), integer(at(d, "status.availableReplicas")),
                              age_of(o, now), names, images, selector ? *selector : "<invalid>"});
}

void replicaset_row(const core::object& o, time_point now, json& row) {
  const json& d = o.data();
  auto [names, images] = container_cells(at(d, "spec.template.spec.containers"));
  row["cells"] = json::array({std::string(o.name()), integer(at(d, "spec.replicas"), 1),
                              integer(at(d, "status.replicas")), integer(at(d, "status.readyReplicas")),
                              age_of(o, now), names, images, format_label_selector(at(d, "spec.selector"))});
}

void statefulset_row(const core::object& o, time_point now, json& row) {
  const json& d = o.data();
  auto [names, images] = container_cells(at(d, "spec.template.spec.containers"));
  row["cells"] = json::array({std::string(o.name()),
                              ratio(integer(at(d, "status.readyReplicas")), integer(at(d, "spec.replicas"), 1)),
                              age_of(o, now), names, images});
}

void daemonset_row(const core::object& o, time_point now, json& row) {
  const json& d = o.data();
  auto [names, images] = container_cells(at(d, "spec.template.spec.containers"));
  row["cells"] = json::array({std::string(o.name()), integer(at(d, "status.desiredNumberScheduled")),
                              integer(at(d, "status.currentNumberScheduled")), integer(at(d, "status.numberReady")),
                              integer(at(d, "status.updatedNumberScheduled")),
                              integer(at(d, "status.numberAvailable")),
                              format_labels(at(d, "spec.template.spec.nodeSelector")), age_of(o, now), names, images,
                              format_label_selector(at(d, "spec.selector"))});
}

// hasJobCondition: the first condition of `type` decides.
bool job_condition(const json& job, std::string_view type) {
  const json* cs = at(job, "status.conditions");
  if (cs == nullptr || !cs->is_array()) return false;
  for (const auto& c : *cs) {
    if (str(at(c, "type")) == type) return str(at(c, "status")) == "True";
  }
  return false;
}

void job_row(const core::object& o, time_point now, json& row) {
  const json& j = o.data();
  const std::int64_t succeeded = integer(at(j, "status.succeeded"));
  const json* completions = at(j, "spec.completions");
  const json* parallelism = at(j, "spec.parallelism");
  std::string done;
  if (completions != nullptr && completions->is_number()) {
    done = ratio(succeeded, integer(completions));
  } else if (parallelism == nullptr || !parallelism->is_number()) {
    done = ratio(succeeded, 1);  // kube defaults both to 1
  } else if (integer(parallelism) > 1) {
    done = ratio(succeeded, 1) + " of " + std::to_string(integer(parallelism));
  } else {
    done = ratio(succeeded, 1);
  }

  std::string duration;
  auto start = timestamp(at(j, "status.startTime"));
  auto end = timestamp(at(j, "status.completionTime"));
  if (start) {
    auto d = (end ? *end : now) - *start;
    duration = human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(d));
  }

  std::string status;
  if (job_condition(j, "Complete")) {
    status = "Complete";
  } else if (job_condition(j, "Failed")) {
    status = "Failed";
  } else if (!o.deletion_timestamp().empty()) {
    status = "Terminating";
  } else if (job_condition(j, "Suspended")) {
    status = "Suspended";
  } else if (job_condition(j, "FailureTarget")) {
    status = "FailureTarget";
  } else {
    status = "Running";
  }

  auto [names, images] = container_cells(at(j, "spec.template.spec.containers"));
  row["cells"] = json::array({std::string(o.name()), status, done, duration, age_of(o, now), names, images,
                              format_label_selector(at(j, "spec.selector"))});
}

void cronjob_row(const core::object& o, time_point now, json& row) {
  const json& c = o.data();
  std::string last = "<none>";
  if (const json* t = at(c, "status.lastScheduleTime"); t != nullptr && !t->is_null()) last = since(t, now);
  std::string zone = "<none>";
  if (const json* tz = at(c, "spec.timeZone"); tz != nullptr && tz->is_string()) zone = tz->get<std::string>();
  const json* suspend = at(c, "spec.suspend");
  std::string suspended = "False";  // kube defaults spec.suspend to false
  if (suspend != nullptr && suspend->is_boolean() && suspend->get<bool>()) suspended = "True";
  auto [names, images] = container_cells(at(c, "spec.jobTemplate.spec.template.spec.containers"));
  row["cells"] = json::array({std::string(o.name()), str(at(c, "spec.schedule")), zone, suspended,
                              count(at(c, "status.active")), last, age_of(o, now), names, images,
                              format_label_selector(at(c, "spec.jobTemplate.spec.selector"))});
}

}  // namespace

const printer* workload_printer(const core::group_resource& gr) {
  static const printer deployments{
      {{"Name", "string", "name", desc::name},
       {"Ready", "string", "", "Number of the pod with ready state"},
       {"Up-to-date", "string", "", desc::deployment_status_updated_replicas},
       {"Available", "string", "", desc::deployment_status_available_replicas},
       {"Age", "string", "", desc::creation_timestamp},
       {"Containers", "string", "", containers_desc, 1},
       {"Images", "string", "", images_desc, 1},
       {"Selector", "string", "", desc::deployment_spec_selector, 1}},
      deployment_row};
  static const printer replicasets{
      {{"Name", "string", "name", desc::name},
       {"Desired", "integer", "", desc::replica_set_spec_replicas},
       {"Current", "integer", "", desc::replica_set_status_replicas},
       {"Ready", "integer", "", desc::replica_set_status_ready_replicas},
       {"Age", "string", "", desc::creation_timestamp},
       {"Containers", "string", "", containers_desc, 1},
       {"Images", "string", "", images_desc, 1},
       {"Selector", "string", "", desc::replica_set_spec_selector, 1}},
      replicaset_row};
  static const printer statefulsets{{{"Name", "string", "name", desc::name},
                                     {"Ready", "string", "", "Number of the pod with ready state"},
                                     {"Age", "string", "", desc::creation_timestamp},
                                     {"Containers", "string", "", containers_desc, 1},
                                     {"Images", "string", "", images_desc, 1}},
                                    statefulset_row};
  static const printer daemonsets{
      {{"Name", "string", "name", desc::name},
       {"Desired", "integer", "", desc::daemon_set_status_desired_number_scheduled},
       {"Current", "integer", "", desc::daemon_set_status_current_number_scheduled},
       {"Ready", "integer", "", desc::daemon_set_status_number_ready},
       {"Up-to-date", "integer", "", desc::daemon_set_status_updated_number_scheduled},
       {"Available", "integer", "", desc::daemon_set_status_number_available},
       {"Node Selector", "string", "", desc::pod_spec_node_selector},
       {"Age", "string", "", desc::creation_timestamp},
       {"Containers", "string", "", containers_desc, 1},
       {"Images", "string", "", images_desc, 1},
       {"Selector", "string", "", desc::daemon_set_spec_selector, 1}},
      daemonset_row};
  static const printer jobs{{{"Name", "string", "name", desc::name},
                             {"Status", "string", "", "Status of the job."},
                             {"Completions", "string", "", desc::job_status_succeeded},
                             {"Duration", "string", "", "Time required to complete the job."},
                             {"Age", "string", "", desc::creation_timestamp},
                             {"Containers", "string", "", containers_desc, 1},
                             {"Images", "string", "", images_desc, 1},
                             {"Selector", "string", "", desc::job_spec_selector, 1}},
                            job_row};
  static const printer cronjobs{{{"Name", "string", "name", desc::name},
                                 {"Schedule", "string", "", desc::cron_job_spec_schedule},
                                 {"Timezone", "string", "", desc::cron_job_spec_time_zone},
                                 {"Suspend", "boolean", "", desc::cron_job_spec_suspend},
                                 {"Active", "integer", "", desc::cron_job_status_active},
                                 {"Last Schedule", "string", "", desc::cron_job_status_last_schedule_time},
                                 {"Age", "string", "", desc::creation_timestamp},
                                 {"Containers", "string", "", containers_desc, 1},
                                 {"Images", "string", "", images_desc, 1},
                                 {"Selector", "string", "", desc::job_spec_selector, 1}},
                                cronjob_row};
  if (gr.group == "apps") {
    if (gr.resource == "deployments") return &deployments;
    if (gr.resource == "replicasets") return &replicasets;
    if (gr.resource == "statefulsets") return &statefulsets;
    if (gr.resource == "daemonsets") return &daemonsets;
  } else if (gr.group == "batch") {
    if (gr.resource == "jobs") return &jobs;
    if (gr.resource == "cronjobs") return &cronjobs;
  }
  return nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
