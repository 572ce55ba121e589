// Built-in schemas: apps/v1 (Deployment, ReplicaSet, StatefulSet, DaemonSet) and
// batch/v1 (Job, CronJob).
#include "http/openapi_schemas.hpp"

namespace ktk::apiserver::http::openapi::detail {
namespace {

const std::string apps = "io.k8s.api.apps.v1.";
const std::string batch = "io.k8s.api.batch.v1.";

field selector(std::string what) {
  return ref("selector", meta_v1 + "LabelSelector",
             "Label query over the pods " + what + "; must match the template's labels.");
}
field pod_template(std::string what) { return ref("template", core_v1 + "PodTemplateSpec", "The pod " + what + " creates."); }

// A workload condition type (DeploymentCondition ...) and the kind's status list of them.
void condition(definitions& d, const std::string& name, std::string of) {
  def(d, name, "One condition of a " + of + ".",
      {str("type", "The condition's type, such as Available or Progressing."), str("status", "True, False or Unknown."),
       time("lastUpdateTime", "When the condition was last updated."),
       time("lastTransitionTime", "When status last changed."), str("reason", "CamelCase reason."),
       str("message", "Detail for people.")},
      {"type", "status"});
}
field conditions(const std::string& type) {
  return list("conditions", type, "The latest observations of the object's state.", "type");
}

void add_apps(definitions& d) {
  kind_def(d, apps + "Deployment", {"apps", "v1", "Deployment"},
           "Keeps a number of identical pods running and rolls out changes to them through ReplicaSets.",
           {ref("spec", apps + "DeploymentSpec", "The desired pods and rollout behaviour."),
            ref("status", apps + "DeploymentStatus", "The observed state of the rollout. Read-only.")});
  def(d, apps + "DeploymentSpec", "The desired state of a Deployment.",
      {i32("replicas", "How many pods to run (default 1)."), selector("the Deployment manages"),
       pod_template("each replica"),
       ref("strategy", apps + "DeploymentStrategy", "How to replace old pods with new ones."),
       i32("minReadySeconds", "Seconds a new pod must be ready before it counts as available."),
       i32("revisionHistoryLimit", "Old ReplicaSets kept for rollback (default 10)."),
       boolean("paused", "Stops the rollout of template changes."),
       i32("progressDeadlineSeconds", "Seconds without progress before the rollout is reported failed.")},
      {"selector", "template"});
  def(d, apps + "DeploymentStrategy", "How a Deployment replaces pods.",
      {str_enum("type", "RollingUpdate (default) or Recreate.", {"Recreate", "RollingUpdate"}),
       ref("rollingUpdate", apps + "RollingUpdateDeployment", "Parameters of RollingUpdate.")});
  def(d, apps + "RollingUpdateDeployment", "Bounds of a rolling update.",
      {int_or_string("maxUnavailable", "Pods that may be unavailable during the update: a number or a percentage."),
       int_or_string("maxSurge", "Pods that may be created above replicas: a number or a percentage.")});
  def(d, apps + "DeploymentStatus", "The observed state of a Deployment.",
      {i64("observedGeneration", "The generation the controller last acted on."),
       i32("replicas", "Pods targeted by the Deployment."), i32("updatedReplicas", "Pods with the current template."),
       i32("readyReplicas", "Pods that are ready."), i32("availableReplicas", "Pods available for minReadySeconds."),
       i32("unavailableReplicas", "Pods still needed for full availability."),
       i32("collisionCount", "Counts template hash collisions."), conditions(apps + "DeploymentCondition")});
  condition(d, apps + "DeploymentCondition", "Deployment");

  kind_def(d, apps + "ReplicaSet", {"apps", "v1", "ReplicaSet"}, "Keeps a number of identical pods running.",
           {ref("spec", apps + "ReplicaSetSpec", "The desired pods."),
            ref("status", apps + "ReplicaSetStatus", "The observed pods. Read-only.")});
  def(d, apps + "ReplicaSetSpec", "The desired state of a ReplicaSet.",
      {i32("replicas", "How many pods to run (default 1)."), selector("the ReplicaSet counts"),
       pod_template("each missing replica"), i32("minReadySeconds", "Seconds before a ready pod counts as available.")},
      {"selector"});
  def(d, apps + "ReplicaSetStatus", "The observed state of a ReplicaSet.",
      {i32("replicas", "Pods matching the selector."), i32("fullyLabeledReplicas", "Pods with all template labels."),
       i32("readyReplicas", "Pods that are ready."), i32("availableReplicas", "Pods available for minReadySeconds."),
       i64("observedGeneration", "The generation the controller last acted on."),
       conditions(apps + "ReplicaSetCondition")},
      {"replicas"});
  condition(d, apps + "ReplicaSetCondition", "ReplicaSet");

  kind_def(d, apps + "StatefulSet", {"apps", "v1", "StatefulSet"},
           "Runs pods with stable names and storage, created and updated in order.",
           {ref("spec", apps + "StatefulSetSpec", "The desired pods."),
            ref("status", apps + "StatefulSetStatus", "The observed pods. Read-only.")});
  def(d, apps + "StatefulSetSpec", "The desired state of a StatefulSet.",
      {i32("replicas", "How many pods to run (default 1)."), selector("the StatefulSet manages"),
       pod_template("each ordinal"), str("serviceName", "The headless Service that gives the pods DNS names."),
       list("volumeClaimTemplates", core_v1 + "PersistentVolumeClaim", "Claims created for each pod."),
       str("podManagementPolicy", "OrderedReady (default) or Parallel."),
       free_object("updateStrategy", "RollingUpdate (default) or OnDelete, with partition."),
       i32("revisionHistoryLimit", "Revisions kept (default 10)."),
       i32("minReadySeconds", "Seconds before a ready pod counts as available.")},
      {"selector", "template"});
  def(d, apps + "StatefulSetStatus", "The observed state of a StatefulSet.",
      {i64("observedGeneration", "The generation the controller last acted on."), i32("replicas", "Pods created."),
       i32("readyReplicas", "Pods that are ready."), i32("currentReplicas", "Pods at currentRevision."),
       i32("updatedReplicas", "Pods at updateRevision."), i32("availableReplicas", "Pods available."),
       str("currentRevision", "Revision of the older pods."), str("updateRevision", "Revision being rolled out."),
       i32("collisionCount", "Counts revision hash collisions."), conditions(apps + "StatefulSetCondition")},
      {"replicas"});
  condition(d, apps + "StatefulSetCondition", "StatefulSet");

  kind_def(d, apps + "DaemonSet", {"apps", "v1", "DaemonSet"}, "Runs one pod on each eligible node.",
           {ref("spec", apps + "DaemonSetSpec", "The desired pods."),
            ref("status", apps + "DaemonSetStatus", "The observed pods. Read-only.")});
  def(d, apps + "DaemonSetSpec", "The desired state of a DaemonSet.",
      {selector("the DaemonSet manages"), pod_template("each node gets"),
       free_object("updateStrategy", "RollingUpdate (default) or OnDelete."),
       i32("minReadySeconds", "Seconds before a ready pod counts as available."),
       i32("revisionHistoryLimit", "Revisions kept (default 10).")},
      {"selector", "template"});
  def(d, apps + "DaemonSetStatus", "The observed state of a DaemonSet.",
      {i32("currentNumberScheduled", "Nodes running a daemon pod that should."),
       i32("desiredNumberScheduled", "Nodes that should run a daemon pod."),
       i32("numberMisscheduled", "Nodes running a daemon pod that should not."),
       i32("numberReady", "Nodes whose daemon pod is ready."),
       i32("updatedNumberScheduled", "Nodes with the current pod."),
       i32("numberAvailable", "Nodes whose daemon pod is available."),
       i32("numberUnavailable", "Nodes whose daemon pod is not available."),
       i64("observedGeneration", "The generation the controller last acted on."),
       conditions(apps + "DaemonSetCondition")},
      {"currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"});
  condition(d, apps + "DaemonSetCondition", "DaemonSet");
}

void add_batch(definitions& d) {
  kind_def(d, batch + "Job", {"batch", "v1", "Job"}, "Runs pods until a number of them complete successfully.",
           {ref("spec", batch + "JobSpec", "The pods to run and when the job is done."),
            ref("status", batch + "JobStatus", "Progress of the job. Read-only.")});
  def(d, batch + "JobSpec", "The desired run of a Job.",
      {i32("parallelism", "Most pods running at once (default 1)."),
       i32("completions", "Successful pods needed; unset means any one success ends the job."),
       i32("backoffLimit", "Retries before the job is failed (default 6)."),
       i64("activeDeadlineSeconds", "Seconds the job may run before it is failed."),
       i32("ttlSecondsAfterFinished", "Seconds after which a finished job is deleted."),
       str("completionMode", "NonIndexed (default) or Indexed."), boolean("suspend", "Stop creating pods."),
       boolean("manualSelector", "Let spec.selector be set by hand."), selector("of the job"),
       pod_template("each attempt")},
      {"template"});
  def(d, batch + "JobStatus", "Progress of a Job.",
      {time("startTime", "When the job started."), time("completionTime", "When the job completed."),
       i32("active", "Pods running."), i32("succeeded", "Pods that succeeded."), i32("failed", "Pods that failed."),
       i32("ready", "Running pods that are ready."),
       list("conditions", batch + "JobCondition", "Complete, Failed, Suspended ...")});
  def(d, batch + "JobCondition", "One condition of a Job.",
      {str("type", "Complete, Failed, Suspended ..."), str("status", "True, False or Unknown."),
       time("lastProbeTime", "When the condition was last checked."),
       time("lastTransitionTime", "When status last changed."), str("reason", "CamelCase reason."),
       str("message", "Detail for people.")},
      {"type", "status"});
  d[batch + "JobStatus"]["properties"]["conditions"]["x-kubernetes-list-type"] = "atomic";

  kind_def(d, batch + "CronJob", {"batch", "v1", "CronJob"}, "Creates Jobs on a schedule.",
           {ref("spec", batch + "CronJobSpec", "The schedule and the job to create."),
            ref("status", batch + "CronJobStatus", "Last and active runs. Read-only.")});
  def(d, batch + "CronJobSpec", "The schedule of a CronJob.",
      {str("schedule", "When to run, in cron syntax, such as \"*/5 * * * *\"."),
       str("timeZone", "IANA time zone of the schedule; the controller's by default."),
       i64("startingDeadlineSeconds", "Seconds after a missed time during which the job may still start."),
       str_enum("concurrencyPolicy", "What to do when a run is due while one is active.",
                {"Allow", "Forbid", "Replace"}),
       boolean("suspend", "Skip future runs."),
       ref("jobTemplate", batch + "JobTemplateSpec", "The Job to create at each run."),
       i32("successfulJobsHistoryLimit", "Finished successful jobs kept (default 3)."),
       i32("failedJobsHistoryLimit", "Failed jobs kept (default 1).")},
      {"schedule", "jobTemplate"});
  def(d, batch + "JobTemplateSpec", "The Job a CronJob creates.",
      {ref("metadata", meta_v1 + "ObjectMeta", "Labels and annotations of the jobs."),
       ref("spec", batch + "JobSpec", "Spec of the jobs.")});
  def(d, batch + "CronJobStatus", "The runs of a CronJob.",
      {list("active", core_v1 + "ObjectReference", "Jobs running now."),
       time("lastScheduleTime", "When a job was last scheduled."),
       time("lastSuccessfulTime", "When a job last succeeded.")});
  d[batch + "CronJobStatus"]["properties"]["active"]["x-kubernetes-list-type"] = "atomic";
}

}  // namespace

void add_workload_types(definitions& d) {
  add_apps(d);
  add_batch(d);
  for (const char* k : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}) {
    list_def(d, apps + k, {"apps", "v1", std::string(k) + "List"});
  }
  for (const char* k : {"Job", "CronJob"}) list_def(d, batch + k, {"batch", "v1", std::string(k) + "List"});
}

}  // namespace ktk::apiserver::http::openapi::detail
