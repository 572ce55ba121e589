// apps and batch strategies: defaults, selector/template checks, immutability.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_fixtures.hpp"
#include "ktk/apiserver/strategy.hpp"

namespace ktk::apiserver {
namespace {

using builtin_test::strs;
using builtin_test::created;
using builtin_test::updated;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

json pod_template(json labels = {{"app", "x"}}, json extra = json::object()) {
  json spec = {{"containers", {{{"name", "c"}, {"image", "busybox:1"}}}}};
  spec.update(extra);
  return {{"metadata", {{"labels", labels}}}, {"spec", spec}};
}

object make(const std::string& api_version, const std::string& kind, json spec, const std::string& name = "w") {
  return object(json{{"apiVersion", api_version},
                     {"kind", kind},
                     {"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-1"}}},
                     {"spec", std::move(spec)}});
}

json selector(json labels = {{"app", "x"}}) { return {{"matchLabels", labels}}; }

TEST(Deployment, Defaults) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment", {{"selector", selector()}, {"template", pod_template()}}));
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["replicas"], 1);
  EXPECT_EQ(spec["strategy"], json({{"type", "RollingUpdate"},
                                    {"rollingUpdate", {{"maxUnavailable", "25%"}, {"maxSurge", "25%"}}}}));
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_EQ(spec["progressDeadlineSeconds"], 600);
  const json& ps = spec["template"]["spec"];
  EXPECT_EQ(ps["restartPolicy"], "Always");
  EXPECT_EQ(ps["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(ps["containers"][0]["imagePullPolicy"], "IfNotPresent");
  EXPECT_FALSE(ps.contains("tolerations"));
  EXPECT_EQ(o.data()["status"], json::object());
  EXPECT_EQ(s->generation_fields(), std::vector<std::string>{"spec"});
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
}

TEST(Deployment, RecreateHasNoRollingUpdate) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment",
                             {{"selector", selector()}, {"template", pod_template()}, {"strategy", {{"type", "Recreate"}}}}));
  EXPECT_FALSE(o.data()["spec"]["strategy"].contains("rollingUpdate"));
}

TEST(Deployment, SelectorRequired) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment", {{"template", pod_template()}}));
  EXPECT_THAT(strs(s->validate_create(o)), ElementsAre("spec.selector: Required value"));
}

TEST(Deployment, SelectorMustMatchTemplateLabels) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment",
                             {{"selector", selector({{"app", "y"}})}, {"template", pod_template({{"app", "x"}})}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: "
                          "`selector` does not match template `labels`"));
}

TEST(Deployment, EmptySelectorIsInvalid) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment", {{"selector", json::object()}, {"template", pod_template()}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                          "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
                          "deployment"));
}

TEST(Deployment, TemplateRestartPolicyMustBeAlways) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment",
                             {{"selector", selector()},
                              {"template", pod_template({{"app", "x"}}, {{"restartPolicy", "OnFailure"}})}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: "
                          "\"Always\""));
}

TEST(Deployment, TemplatePodSpecIsValidatedWithPrefix) {
  auto s = builtin_strategy({"apps", "deployments"});
  json tmpl = pod_template();
  tmpl["spec"]["containers"][0].erase("image");
  object o = created(s, make("apps/v1", "Deployment", {{"selector", selector()}, {"template", tmpl}}));
  EXPECT_THAT(strs(s->validate_create(o)), ElementsAre("spec.template.spec.containers[0].image: Required value"));
}

TEST(Deployment, ReplicasAndRollingUpdateBounds) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment",
                             {{"selector", selector()},
                              {"template", pod_template()},
                              {"replicas", -1},
                              {"strategy", {{"rollingUpdate", {{"maxUnavailable", 0}, {"maxSurge", 0}}}}}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                          "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, "
                          "IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"));
}

TEST(Deployment, BadPercent) {
  auto s = builtin_strategy({"apps", "deployments"});
  object o = created(s, make("apps/v1", "Deployment",
                             {{"selector", selector()},
                              {"template", pod_template()},
                              {"strategy", {{"rollingUpdate", {{"maxUnavailable", "abc"}}}}}}));
  auto errs = strs(s->validate_create(o));
  ASSERT_FALSE(errs.empty());
  EXPECT_THAT(errs[0], HasSubstr("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
                                 "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string"));
}

TEST(Deployment, SelectorImmutableAndStatusKept) {
  auto s = builtin_strategy({"apps", "deployments"});
  object old = created(s, make("apps/v1", "Deployment", {{"selector", selector()}, {"template", pod_template()}}));
  old.data()["status"] = {{"replicas", 3}};
  object o = updated(s, make("apps/v1", "Deployment", {{"selector", selector({{"app", "y"}})},
                                                       {"template", pod_template({{"app", "y"}})}}),
                     old);
  EXPECT_EQ(o.data()["status"], json({{"replicas", 3}}));
  EXPECT_THAT(strs(s->validate_update(o, old)),
              ElementsAre("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
                          "\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"));
  object same = updated(s, make("apps/v1", "Deployment",
                                {{"selector", selector()}, {"template", pod_template()}, {"replicas", 5}}),
                        old);
  EXPECT_THAT(strs(s->validate_update(same, old)), IsEmpty());
}

TEST(ReplicaSet, DefaultsAndValidation) {
  auto s = builtin_strategy({"apps", "replicasets"});
  object o = created(s, make("apps/v1", "ReplicaSet", {{"selector", selector()}, {"template", pod_template()}}));
  EXPECT_EQ(o.data()["spec"]["replicas"], 1);
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
  object bad = created(s, make("apps/v1", "ReplicaSet", {{"template", pod_template()}}));
  EXPECT_THAT(strs(s->validate_create(bad)), ElementsAre("spec.selector: Required value"));
}

// ValidateReplicaSetStatusUpdate: counts not negative, none above status.replicas,
// availableReplicas not above readyReplicas.
TEST(ReplicaSet, StatusWritesCheckTheCounts) {
  auto s = builtin_strategy({"apps", "replicasets"});
  const object old = make("apps/v1", "ReplicaSet", {{"selector", selector()}, {"template", pod_template()}});
  object o = old;
  o.data()["status"] = {{"replicas", 2},          {"fullyLabeledReplicas", 3}, {"readyReplicas", -1},
                        {"availableReplicas", 1}, {"observedGeneration", -2}};
  EXPECT_THAT(strs(s->validate_status_update(o, old)),
              ElementsAre("status.readyReplicas: Invalid value: -1: must be greater than or equal to 0",
                          "status.observedGeneration: Invalid value: -2: must be greater than or equal to 0",
                          "status.fullyLabeledReplicas: Invalid value: 3: cannot be greater than status.replicas",
                          "status.availableReplicas: Invalid value: 1: cannot be greater than readyReplicas"));
  o.data()["status"] = {{"replicas", 3}, {"fullyLabeledReplicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 2}};
  EXPECT_THAT(s->validate_status_update(o, old), IsEmpty());
  o.data().erase("status");
  EXPECT_THAT(s->validate_status_update(o, old), IsEmpty());
}

// ValidateDeploymentStatusUpdate: the same counts, and the collision count only grows.
TEST(Deployment, StatusWritesCheckTheCountsAndTheCollisionCount) {
  auto s = builtin_strategy({"apps", "deployments"});
  object old = make("apps/v1", "Deployment", {{"selector", selector()}, {"template", pod_template()}});
  old.data()["status"] = {{"collisionCount", 2}};
  object o = old;
  o.data()["status"] = {{"replicas", 1},          {"updatedReplicas", 2},     {"readyReplicas", 1},
                        {"availableReplicas", 1}, {"unavailableReplicas", -1}, {"collisionCount", 1}};
  EXPECT_THAT(strs(s->validate_status_update(o, old)),
              ElementsAre("status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0",
                          "status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas",
                          "status.collisionCount: Invalid value: 1: cannot be decremented"));
  o.data()["status"].erase("collisionCount");
  EXPECT_THAT(strs(s->validate_status_update(o, old)),
              Contains("status.collisionCount: Invalid value: 0: cannot be decremented"));
  o.data()["status"] = {{"replicas", 3}, {"updatedReplicas", 3}, {"readyReplicas", 2}, {"availableReplicas", 2},
                        {"collisionCount", 3}};
  EXPECT_THAT(s->validate_status_update(o, old), IsEmpty());
}

TEST(StatefulSet, Defaults) {
  auto s = builtin_strategy({"apps", "statefulsets"});
  json pvc = {{"metadata", {{"name", "data"}}},
              {"spec", {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
  object o = created(s, make("apps/v1", "StatefulSet",
                             {{"selector", selector()}, {"template", pod_template()}, {"volumeClaimTemplates", {pvc}}}));
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["podManagementPolicy"], "OrderedReady");
  EXPECT_EQ(spec["updateStrategy"], json({{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 0}}}}));
  EXPECT_EQ(spec["replicas"], 1);
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_EQ(spec["persistentVolumeClaimRetentionPolicy"], json({{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}}));
  EXPECT_EQ(spec["volumeClaimTemplates"][0]["spec"]["volumeMode"], "Filesystem");
  EXPECT_EQ(spec["volumeClaimTemplates"][0]["status"]["phase"], "Pending");
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
}

TEST(StatefulSet, UpdateLimitedToSomeFields) {
  auto s = builtin_strategy({"apps", "statefulsets"});
  object old = created(s, make("apps/v1", "StatefulSet", {{"selector", selector()}, {"template", pod_template()}}));
  object scaled = updated(s, make("apps/v1", "StatefulSet",
                                  {{"selector", selector()}, {"template", pod_template()}, {"replicas", 3}}),
                          old);
  EXPECT_THAT(strs(s->validate_update(scaled, old)), IsEmpty());
  object renamed = updated(s, make("apps/v1", "StatefulSet",
                                   {{"selector", selector()}, {"template", pod_template()}, {"serviceName", "other"}}),
                           old);
  EXPECT_THAT(strs(s->validate_update(renamed, old)),
              ElementsAre("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
                          "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
                          "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
}

TEST(StatefulSet, PodManagementPolicyEnum) {
  auto s = builtin_strategy({"apps", "statefulsets"});
  object o = created(s, make("apps/v1", "StatefulSet",
                             {{"selector", selector()}, {"template", pod_template()}, {"podManagementPolicy", "Random"}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.podManagementPolicy: Unsupported value: \"Random\": supported values: "
                          "\"OrderedReady\", \"Parallel\""));
}

TEST(DaemonSet, DefaultsValidationAndImmutableSelector) {
  auto s = builtin_strategy({"apps", "daemonsets"});
  object o = created(s, make("apps/v1", "DaemonSet", {{"selector", selector()}, {"template", pod_template()}}));
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["updateStrategy"],
            json({{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}, {"maxSurge", 0}}}}));
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
  object changed = updated(s, make("apps/v1", "DaemonSet", {{"selector", selector({{"app", "x"}, {"b", "c"}})},
                                                           {"template", pod_template({{"app", "x"}, {"b", "c"}})}}),
                           o);
  EXPECT_THAT(strs(s->validate_update(changed, o)), Contains(HasSubstr("spec.selector: Invalid value: ")));
}

TEST(Job, GeneratedSelectorAndDefaults) {
  auto s = builtin_strategy({"batch", "jobs"});
  object o = created(s, make("batch/v1", "Job", {{"template", pod_template({{"app", "x"}}, {{"restartPolicy", "Never"}})}},
                             "pi"));
  const json& spec = o.data()["spec"];
  EXPECT_EQ(spec["selector"], json({{"matchLabels", {{"batch.kubernetes.io/controller-uid", "uid-1"}}}}));
  const json& labels = spec["template"]["metadata"]["labels"];
  EXPECT_EQ(labels["batch.kubernetes.io/controller-uid"], "uid-1");
  EXPECT_EQ(labels["controller-uid"], "uid-1");
  EXPECT_EQ(labels["batch.kubernetes.io/job-name"], "pi");
  EXPECT_EQ(labels["job-name"], "pi");
  EXPECT_EQ(o.labels(), (std::map<std::string, std::string>{{"app", "x"}}));
  EXPECT_EQ(spec["completions"], 1);
  EXPECT_EQ(spec["parallelism"], 1);
  EXPECT_EQ(spec["backoffLimit"], 6);
  EXPECT_EQ(spec["completionMode"], "NonIndexed");
  EXPECT_EQ(spec["suspend"], false);
  EXPECT_THAT(strs(s->validate_create(o)), IsEmpty());
}

TEST(Job, TemplateMustNotRestartAlways) {
  auto s = builtin_strategy({"batch", "jobs"});
  object o = created(s, make("batch/v1", "Job", {{"template", pod_template()}}));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: "
                          "\"OnFailure\", \"Never\""));
}

TEST(Job, ManualSelectorRequiresSelector) {
  auto s = builtin_strategy({"batch", "jobs"});
  object o = created(s, make("batch/v1", "Job",
                             {{"manualSelector", true},
                              {"template", pod_template({{"app", "x"}}, {{"restartPolicy", "Never"}})}}));
  EXPECT_THAT(strs(s->validate_create(o)), ElementsAre("spec.selector: Required value"));
}

TEST(Job, TemplateImmutableOnUpdate) {
  auto s = builtin_strategy({"batch", "jobs"});
  object old = created(s, make("batch/v1", "Job", {{"template", pod_template({{"app", "x"}}, {{"restartPolicy", "Never"}})}}));
  object o = old;
  o.data()["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:2";
  o = updated(s, o, old);
  EXPECT_THAT(strs(s->validate_update(o, old)), Contains(HasSubstr("spec.template: Invalid value: ")));
  EXPECT_THAT(strs(s->validate_update(o, old)), Contains(HasSubstr("field is immutable")));
}

TEST(CronJob, DefaultsAndValidSchedules) {
  auto s = builtin_strategy({"batch", "cronjobs"});
  for (const char* schedule : {"*/5 * * * *", "0 0 1 jan mon-fri", "@hourly", "@every 1h30m", "0,30 8-18/2 * * 1"}) {
    object o = created(s, make("batch/v1", "CronJob",
                               {{"schedule", schedule},
                                {"jobTemplate", {{"spec", {{"template", pod_template({}, {{"restartPolicy", "OnFailure"}})}}}}}}));
    EXPECT_THAT(strs(s->validate_create(o)), IsEmpty()) << schedule;
    EXPECT_EQ(o.data()["spec"]["concurrencyPolicy"], "Allow");
    EXPECT_EQ(o.data()["spec"]["suspend"], false);
    EXPECT_EQ(o.data()["spec"]["successfulJobsHistoryLimit"], 3);
    EXPECT_EQ(o.data()["spec"]["failedJobsHistoryLimit"], 1);
  }
}

TEST(CronJob, ScheduleErrors) {
  auto s = builtin_strategy({"batch", "cronjobs"});
  auto errors = [&](json spec) {
    spec["jobTemplate"] = {{"spec", {{"template", pod_template({}, {{"restartPolicy", "Never"}})}}}};
    return strs(s->validate_create(created(s, make("batch/v1", "CronJob", spec))));
  };
  EXPECT_THAT(errors(json::object()), ElementsAre("spec.schedule: Required value"));
  EXPECT_THAT(errors({{"schedule", "x"}}),
              ElementsAre("spec.schedule: Invalid value: \"x\": expected exactly 5 fields, found 1: [x]"));
  EXPECT_THAT(errors({{"schedule", "61 * * * *"}}),
              ElementsAre("spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"));
  EXPECT_THAT(errors({{"schedule", "a * * * *"}}),
              ElementsAre("spec.schedule: Invalid value: \"a * * * *\": failed to parse int from a: strconv.Atoi: "
                          "parsing \"a\": invalid syntax"));
  EXPECT_THAT(errors({{"schedule", "@fortnightly"}}),
              ElementsAre("spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly"));
  EXPECT_THAT(errors({{"schedule", "* * * * *"}, {"concurrencyPolicy", "Sometimes"}}),
              ElementsAre("spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", "
                          "\"Forbid\", \"Replace\""));
}

TEST(CronJob, NameLimit) {
  auto s = builtin_strategy({"batch", "cronjobs"});
  object o = created(s, make("batch/v1", "CronJob",
                             {{"schedule", "@daily"},
                              {"jobTemplate", {{"spec", {{"template", pod_template({}, {{"restartPolicy", "Never"}})}}}}}},
                             std::string(53, 'a')));
  EXPECT_THAT(strs(s->validate_create(o)),
              ElementsAre("metadata.name: Invalid value: \"" + std::string(53, 'a') +
                          "\": must be no more than 52 characters"));
}

}  // namespace
}  // namespace ktk::apiserver
