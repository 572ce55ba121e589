// Tests of the apps/v1 and batch/v1 printers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using namespace testing;
using ::testing::ElementsAre;

json pod_template() {
  return {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", {{{"name", "nginx"}, {"image", "nginx:1.25"}}, {{"name", "log"}, {"image", "busybox"}}}}}}};
}

json deployment() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", meta("web")},
          {"spec", {{"replicas", 3}, {"selector", {{"matchLabels", {{"app", "web"}, {"tier", "fe"}}}}}, {"template", pod_template()}}},
          {"status", {{"replicas", 3}, {"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 2}}}};
}

TEST(DeploymentPrinter, ColumnsAndCells) {
  auto t = table_of("deployments", deployment());
  EXPECT_THAT(column_names(t),
              ElementsAre("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"));
  EXPECT_THAT(default_column_names(t), ElementsAre("Name", "Ready", "Up-to-date", "Available", "Age"));
  EXPECT_EQ(cells(t), json::array({"web", "2/3", 3, 2, "5m", "nginx,log", "nginx:1.25,busybox", "app=web,tier=fe"}));
}

TEST(DeploymentPrinter, FreshDeploymentDefaultsReplicasToOne) {
  auto d = deployment();
  d["spec"].erase("replicas");
  d.erase("status");
  auto t = table_of("deployments", d);
  EXPECT_EQ(cell(t, "Ready"), "0/1");
  EXPECT_EQ(cell(t, "Up-to-date"), 0);
  EXPECT_EQ(cell(t, "Available"), 0);
}

TEST(DeploymentPrinter, SelectorWithExpressionsIsSortedByKey) {
  auto d = deployment();
  d["spec"]["selector"] = {{"matchLabels", {{"tier", "fe"}}},
                           {"matchExpressions", {{{"key", "env"}, {"operator", "In"}, {"values", {"prod", "dev"}}},
                                                 {{"key", "canary"}, {"operator", "DoesNotExist"}}}}};
  EXPECT_EQ(cell(table_of("deployments", d), "Selector"), "!canary,env in (dev,prod),tier=fe");
  d["spec"]["selector"] = {{"matchExpressions", {{{"key", "env"}, {"operator", "Near"}}}}};
  EXPECT_EQ(cell(table_of("deployments", d), "Selector"), "<invalid>");
  d["spec"]["selector"] = json::object();
  EXPECT_EQ(cell(table_of("deployments", d), "Selector"), "");
}

TEST(ReplicaSetPrinter, ColumnsAndCells) {
  json rs = {{"metadata", meta("web-5d4f")},
             {"spec", {{"replicas", 3}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", pod_template()}}},
             {"status", {{"replicas", 3}, {"readyReplicas", 1}}}};
  auto t = table_of("replicasets", rs);
  EXPECT_THAT(column_names(t),
              ElementsAre("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"));
  EXPECT_EQ(t["columnDefinitions"][1]["type"], "integer");
  EXPECT_EQ(cells(t), json::array({"web-5d4f", 3, 3, 1, "5m", "nginx,log", "nginx:1.25,busybox", "app=web"}));
}

TEST(ReplicaSetPrinter, EmptySelectorIsNone) {
  json rs = {{"metadata", meta("r")}, {"spec", {{"selector", json::object()}}}};
  EXPECT_EQ(cell(table_of("replicasets", rs), "Selector"), "<none>");
  EXPECT_EQ(cell(table_of("replicasets", rs), "Desired"), 1);
}

TEST(StatefulSetPrinter, ColumnsAndCells) {
  json s = {{"metadata", meta("db")},
            {"spec", {{"replicas", 3}, {"template", pod_template()}}},
            {"status", {{"readyReplicas", 2}}}};
  auto t = table_of("statefulsets", s);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Ready", "Age", "Containers", "Images"));
  EXPECT_EQ(cells(t), json::array({"db", "2/3", "5m", "nginx,log", "nginx:1.25,busybox"}));
}

TEST(DaemonSetPrinter, ColumnsAndCells) {
  auto tmpl = pod_template();
  tmpl["spec"]["nodeSelector"] = {{"kubernetes.io/os", "linux"}};
  json ds = {{"metadata", meta("agent")},
             {"spec", {{"selector", {{"matchLabels", {{"app", "agent"}}}}}, {"template", tmpl}}},
             {"status", {{"desiredNumberScheduled", 3}, {"currentNumberScheduled", 3}, {"numberReady", 2},
                         {"updatedNumberScheduled", 3}, {"numberAvailable", 2}}}};
  auto t = table_of("daemonsets", ds);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Desired", "Current", "Ready", "Up-to-date", "Available",
                                           "Node Selector", "Age", "Containers", "Images", "Selector"));
  EXPECT_EQ(cells(t), json::array({"agent", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "5m", "nginx,log",
                                   "nginx:1.25,busybox", "app=agent"}));
  ds["spec"]["template"]["spec"].erase("nodeSelector");
  EXPECT_EQ(cell(table_of("daemonsets", ds), "Node Selector"), "<none>");
}

json job() {
  return {{"metadata", meta("pi")},
          {"spec", {{"completions", 3}, {"parallelism", 1},
                    {"selector", {{"matchLabels", {{"batch.kubernetes.io/controller-uid", "abc"}}}}},
                    {"template", pod_template()}}},
          {"status", {{"succeeded", 1}, {"startTime", "2024-01-01T11:56:00Z"}}}};
}

TEST(JobPrinter, RunningJob) {
  auto t = table_of("jobs", job());
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Status", "Completions", "Duration", "Age", "Containers", "Images",
                                           "Selector"));
  EXPECT_EQ(cells(t), json::array({"pi", "Running", "1/3", "4m", "5m", "nginx,log", "nginx:1.25,busybox",
                                   "batch.kubernetes.io/controller-uid=abc"}));
}

TEST(JobPrinter, CompleteJobDurationIsStartToCompletion) {
  auto j = job();
  j["status"]["succeeded"] = 3;
  j["status"]["completionTime"] = "2024-01-01T11:56:42Z";
  j["status"]["conditions"] = {{{"type", "SuccessCriteriaMet"}, {"status", "True"}},
                               {{"type", "Complete"}, {"status", "True"}}};
  auto t = table_of("jobs", j);
  EXPECT_EQ(cell(t, "Status"), "Complete");
  EXPECT_EQ(cell(t, "Completions"), "3/3");
  EXPECT_EQ(cell(t, "Duration"), "42s");
}

TEST(JobPrinter, StatusPrecedence) {
  auto j = job();
  j["status"]["conditions"] = {{{"type", "Failed"}, {"status", "True"}}};
  EXPECT_EQ(cell(table_of("jobs", j), "Status"), "Failed");
  j["status"]["conditions"] = {{{"type", "Suspended"}, {"status", "True"}}};
  EXPECT_EQ(cell(table_of("jobs", j), "Status"), "Suspended");
  j["metadata"]["deletionTimestamp"] = "2024-01-01T11:59:00Z";
  EXPECT_EQ(cell(table_of("jobs", j), "Status"), "Terminating");
  j["metadata"].erase("deletionTimestamp");
  j["status"]["conditions"] = {{{"type", "FailureTarget"}, {"status", "True"}}};
  EXPECT_EQ(cell(table_of("jobs", j), "Status"), "FailureTarget");
  j["status"]["conditions"] = {{{"type", "Complete"}, {"status", "False"}}};
  EXPECT_EQ(cell(table_of("jobs", j), "Status"), "Running");
}

TEST(JobPrinter, CompletionsWithoutSpecCompletions) {
  auto j = job();
  j["spec"].erase("completions");
  j["spec"]["parallelism"] = 4;
  EXPECT_EQ(cell(table_of("jobs", j), "Completions"), "1/1 of 4");
  j["spec"].erase("parallelism");
  EXPECT_EQ(cell(table_of("jobs", j), "Completions"), "1/1");
}

TEST(JobPrinter, NotStartedHasEmptyDuration) {
  auto j = job();
  j["status"].erase("startTime");
  EXPECT_EQ(cell(table_of("jobs", j), "Duration"), "");
}

TEST(CronJobPrinter, ColumnsAndCells) {
  json cj = {{"metadata", meta("backup")},
             {"spec", {{"schedule", "*/5 * * * *"},
                       {"jobTemplate", {{"spec", {{"template", pod_template()}}}}}}},
             {"status", {{"active", {{{"name", "backup-1"}}}}, {"lastScheduleTime", "2024-01-01T11:59:30Z"}}}};
  auto t = table_of("cronjobs", cj);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age",
                                           "Containers", "Images", "Selector"));
  EXPECT_EQ(t["columnDefinitions"][3]["type"], "boolean");
  EXPECT_EQ(cells(t), json::array({"backup", "*/5 * * * *", "<none>", "False", 1, "30s", "5m", "nginx,log",
                                   "nginx:1.25,busybox", "<none>"}));
}

TEST(CronJobPrinter, SuspendedWithTimeZoneNeverScheduled) {
  json cj = {{"metadata", meta("backup")},
             {"spec", {{"schedule", "@daily"}, {"timeZone", "Etc/UTC"}, {"suspend", true}}}};
  auto t = table_of("cronjobs", cj);
  EXPECT_EQ(cell(t, "Timezone"), "Etc/UTC");
  EXPECT_EQ(cell(t, "Suspend"), "True");
  EXPECT_EQ(cell(t, "Active"), 0);
  EXPECT_EQ(cell(t, "Last Schedule"), "<none>");
}

}  // namespace
}  // namespace ktk::apiserver::http::table
