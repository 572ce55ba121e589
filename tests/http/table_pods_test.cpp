// Tests of the pod printer: columns, Ready, Status reasons, Restarts, wide cells.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using namespace testing;
using ::testing::ElementsAre;

json running_container(std::string name, bool ready = true, int restarts = 0) {
  return {{"name", std::move(name)},
          {"ready", ready},
          {"restartCount", restarts},
          {"started", true},
          {"state", {{"running", {{"startedAt", "2024-01-01T11:55:10Z"}}}}}};
}

json pod(json spec, json status) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta("web-1")}, {"spec", std::move(spec)},
          {"status", std::move(status)}};
}

json two_containers() {
  return {{"containers", {{{"name", "app"}, {"image", "nginx"}}, {{"name", "sidecar"}, {"image", "envoy"}}}}};
}

json pod_table(const json& p) { return table_of("pods", p); }

TEST(PodPrinter, ColumnsMatchKube) {
  auto t = pod_table(pod(two_containers(), json::object()));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                           "Nominated Node", "Readiness Gates"));
  EXPECT_THAT(default_column_names(t), ElementsAre("Name", "Ready", "Status", "Restarts", "Age"));
  EXPECT_EQ(t["columnDefinitions"][3]["type"], "string");  // "3 (5m ago)" since kube 1.22
  EXPECT_EQ(t["columnDefinitions"][1]["description"], "The aggregate readiness state of this pod for accepting traffic.");
}

TEST(PodPrinter, RunningPodCells) {
  auto p = pod(two_containers(), {{"phase", "Running"},
                                   {"podIP", "10.244.0.5"},
                                   {"podIPs", {{{"ip", "10.244.0.5"}}}},
                                   {"containerStatuses", {running_container("app"), running_container("sidecar", false)}}});
  p["spec"]["nodeName"] = "kind-worker";
  auto t = pod_table(p);
  EXPECT_EQ(cells(t), json::array({"web-1", "1/2", "Running", "0", "5m", "10.244.0.5", "kind-worker", "<none>", "<none>"}));
}

TEST(PodPrinter, PendingPodWithoutStatusShowsNoneForWideCells) {
  auto t = pod_table(pod(two_containers(), {{"phase", "Pending"}}));
  EXPECT_EQ(cells(t), json::array({"web-1", "0/2", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"}));
}

TEST(PodPrinter, PodIPFallsBackToPodIPField) {
  auto t = pod_table(pod(two_containers(), {{"phase", "Running"}, {"podIP", "10.0.0.9"}}));
  EXPECT_EQ(cell(t, "IP"), "10.0.0.9");
}

TEST(PodPrinter, CrashLoopBackOffWithRestartsAndLastTermination) {
  json c = {{"name", "app"},
            {"ready", false},
            {"restartCount", 3},
            {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
            {"lastState", {{"terminated", {{"exitCode", 1}, {"reason", "Error"}, {"finishedAt", "2024-01-01T11:58:00Z"}}}}}};
  auto t = pod_table(pod({{"containers", {{{"name", "app"}}}}}, {{"phase", "Running"}, {"containerStatuses", {c}}}));
  EXPECT_EQ(cell(t, "Status"), "CrashLoopBackOff");
  EXPECT_EQ(cell(t, "Ready"), "0/1");
  EXPECT_EQ(cell(t, "Restarts"), "3 (2m ago)");
}

TEST(PodPrinter, RestartsWithoutLastTerminationArePlainNumbers) {
  auto t = pod_table(pod({{"containers", {{{"name", "app"}}}}},
                         {{"phase", "Running"}, {"containerStatuses", {running_container("app", true, 4)}}}));
  EXPECT_EQ(cell(t, "Restarts"), "4");
}

TEST(PodPrinter, CompletedPodHasCompletedConditionRow) {
  json c = {{"name", "app"},
            {"ready", false},
            {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  auto t = pod_table(pod({{"containers", {{{"name", "app"}}}}}, {{"phase", "Succeeded"}, {"containerStatuses", {c}}}));
  EXPECT_EQ(cell(t, "Status"), "Completed");
  EXPECT_EQ(cell(t, "Ready"), "0/1");
  EXPECT_EQ(t["rows"][0]["conditions"],
            json::parse(R"([{"type":"Completed","status":"True","reason":"Succeeded",
                             "message":"The pod has completed successfully."}])"));
}

TEST(PodPrinter, FailedPodHasFailedConditionRow) {
  auto t = pod_table(pod(two_containers(), {{"phase", "Failed"}, {"reason", "Evicted"}}));
  EXPECT_EQ(cell(t, "Status"), "Evicted");  // status.reason wins over the phase
  EXPECT_EQ(t["rows"][0]["conditions"][0]["reason"], "Failed");
  EXPECT_EQ(t["rows"][0]["conditions"][0]["message"], "The pod failed.");
}

TEST(PodPrinter, RunningPodsHaveNoConditions) {
  auto t = pod_table(pod(two_containers(), {{"phase", "Running"}}));
  EXPECT_FALSE(t["rows"][0].contains("conditions"));
}

TEST(PodPrinter, TerminatedWithoutReasonShowsExitCodeOrSignal) {
  json exit = {{"name", "app"}, {"state", {{"terminated", {{"exitCode", 137}}}}}};
  auto t = pod_table(pod({{"containers", {{{"name", "app"}}}}}, {{"phase", "Running"}, {"containerStatuses", {exit}}}));
  EXPECT_EQ(cell(t, "Status"), "ExitCode:137");
  json sig = {{"name", "app"}, {"state", {{"terminated", {{"exitCode", 0}, {"signal", 9}}}}}};
  t = pod_table(pod({{"containers", {{{"name", "app"}}}}}, {{"phase", "Running"}, {"containerStatuses", {sig}}}));
  EXPECT_EQ(cell(t, "Status"), "Signal:9");
}

TEST(PodPrinter, FirstContainerReasonWinsBecauseStatusesAreWalkedBackwards) {
  json a = {{"name", "a"}, {"state", {{"waiting", {{"reason", "ImagePullBackOff"}}}}}};
  json b = {{"name", "b"}, {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}};
  auto t = pod_table(pod(two_containers(), {{"phase", "Pending"}, {"containerStatuses", {a, b}}}));
  EXPECT_EQ(cell(t, "Status"), "ImagePullBackOff");
}

TEST(PodPrinter, CompletedContainerBesideRunningOneIsRunningOrNotReady) {
  json done = {{"name", "a"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  json status = {{"phase", "Running"}, {"containerStatuses", {done, running_container("b")}}};
  EXPECT_EQ(cell(pod_table(pod(two_containers(), status)), "Status"), "NotReady");
  status["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
  EXPECT_EQ(cell(pod_table(pod(two_containers(), status)), "Status"), "Running");
}

json init_spec(int n) {
  json s = two_containers();
  s["initContainers"] = json::array();
  for (int i = 0; i < n; ++i) s["initContainers"].push_back({{"name", "init-" + std::to_string(i)}});
  return s;
}

TEST(PodPrinter, InitContainerProgress) {
  json done = {{"name", "init-0"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  json running = {{"name", "init-1"}, {"state", {{"running", json::object()}}}};
  auto t = pod_table(pod(init_spec(2), {{"phase", "Pending"}, {"initContainerStatuses", {done, running}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:1/2");
  EXPECT_EQ(cell(t, "Ready"), "0/2");
}

TEST(PodPrinter, InitContainerPodInitializingCountsAsProgress) {
  json waiting = {{"name", "init-0"}, {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}};
  auto t = pod_table(pod(init_spec(1), {{"phase", "Pending"}, {"initContainerStatuses", {waiting}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:0/1");
}

TEST(PodPrinter, InitContainerWaitingReason) {
  json waiting = {{"name", "init-0"}, {"restartCount", 2}, {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}}};
  auto t = pod_table(pod(init_spec(1), {{"phase", "Pending"}, {"initContainerStatuses", {waiting}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:CrashLoopBackOff");
  EXPECT_EQ(cell(t, "Restarts"), "2");  // init restarts count while initialising
}

TEST(PodPrinter, InitContainerFailure) {
  json failed = {{"name", "init-0"}, {"state", {{"terminated", {{"exitCode", 2}, {"reason", "Error"}}}}}};
  auto t = pod_table(pod(init_spec(1), {{"phase", "Pending"}, {"initContainerStatuses", {failed}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:Error");
  json no_reason = {{"name", "init-0"}, {"state", {{"terminated", {{"exitCode", 3}}}}}};
  t = pod_table(pod(init_spec(1), {{"phase", "Pending"}, {"initContainerStatuses", {no_reason}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:ExitCode:3");
  json signal = {{"name", "init-0"}, {"state", {{"terminated", {{"exitCode", 1}, {"signal", 15}}}}}};
  t = pod_table(pod(init_spec(1), {{"phase", "Pending"}, {"initContainerStatuses", {signal}}}));
  EXPECT_EQ(cell(t, "Status"), "Init:Signal:15");
}

TEST(PodPrinter, SidecarInitContainersCountTowardsReady) {
  json spec = two_containers();
  spec["initContainers"] = {{{"name", "proxy"}, {"restartPolicy", "Always"}}};
  json sidecar = {{"name", "proxy"}, {"ready", true}, {"started", true}, {"restartCount", 1},
                  {"state", {{"running", json::object()}}}};
  json status = {{"phase", "Running"},
                 {"initContainerStatuses", {sidecar}},
                 {"containerStatuses", {running_container("app"), running_container("sidecar", true, 2)}}};
  auto t = pod_table(pod(spec, status));
  EXPECT_EQ(cell(t, "Ready"), "3/3");
  EXPECT_EQ(cell(t, "Status"), "Running");
  EXPECT_EQ(cell(t, "Restarts"), "3");
}

TEST(PodPrinter, TerminatingWhenDeletionTimestampSet) {
  auto p = pod(two_containers(), {{"phase", "Running"}, {"containerStatuses", {running_container("app")}}});
  p["metadata"]["deletionTimestamp"] = "2024-01-01T11:59:00Z";
  EXPECT_EQ(cell(pod_table(p), "Status"), "Terminating");
}

TEST(PodPrinter, TerminalPodsAreNotTerminating) {
  auto p = pod(two_containers(), {{"phase", "Succeeded"}});
  p["metadata"]["deletionTimestamp"] = "2024-01-01T11:59:00Z";
  EXPECT_EQ(cell(pod_table(p), "Status"), "Succeeded");
}

TEST(PodPrinter, NodeLostWhileDeletingIsUnknown) {
  auto p = pod(two_containers(), {{"phase", "Running"}, {"reason", "NodeLost"}});
  EXPECT_EQ(cell(pod_table(p), "Status"), "NodeLost");
  p["metadata"]["deletionTimestamp"] = "2024-01-01T11:59:00Z";
  EXPECT_EQ(cell(pod_table(p), "Status"), "Unknown");
}

TEST(PodPrinter, SchedulingGated) {
  auto p = pod(two_containers(),
               {{"phase", "Pending"}, {"conditions", {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "SchedulingGated"}}}}});
  EXPECT_EQ(cell(pod_table(p), "Status"), "SchedulingGated");
}

TEST(PodPrinter, ReadinessGatesAndNominatedNode) {
  json spec = two_containers();
  spec["readinessGates"] = {{{"conditionType", "example.com/lb"}}, {{"conditionType", "example.com/dns"}}};
  json status = {{"phase", "Pending"},
                 {"nominatedNodeName", "node-2"},
                 {"conditions", {{{"type", "example.com/lb"}, {"status", "True"}},
                                 {{"type", "example.com/dns"}, {"status", "False"}}}}};
  auto t = pod_table(pod(spec, status));
  EXPECT_EQ(cell(t, "Readiness Gates"), "1/2");
  EXPECT_EQ(cell(t, "Nominated Node"), "node-2");
}

TEST(PodPrinter, MissingCreationTimestampIsUnknownAge) {
  json p = {{"metadata", {{"name", "x"}}}};
  EXPECT_EQ(cell(pod_table(p), "Age"), "<unknown>");
}

}  // namespace
}  // namespace ktk::apiserver::http::table
