// Tests of the core/v1 and coordination printers (everything but pods).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "table_test_util.hpp"

namespace ktk::apiserver::http::table {
namespace {

using namespace testing;
using ::testing::ElementsAre;

json service(json spec, json status = json::object()) {
  return {{"metadata", meta("web")}, {"spec", std::move(spec)}, {"status", std::move(status)}};
}

TEST(ServicePrinter, ClusterIPService) {
  auto t = table_of("services", service({{"type", "ClusterIP"},
                                         {"clusterIP", "10.96.0.10"},
                                         {"clusterIPs", {"10.96.0.10"}},
                                         {"selector", {{"app", "web"}}},
                                         {"ports", {{{"port", 53}, {"protocol", "UDP"}}, {{"port", 53}, {"protocol", "TCP"}}}}}));
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"));
  EXPECT_EQ(cells(t), json::array({"web", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP", "5m", "app=web"}));
}

TEST(ServicePrinter, DefaultsTypeAndProtocolAndShowsHeadless) {
  auto t = table_of("services", service({{"clusterIP", "None"}, {"ports", {{{"port", 80}}}}}));
  EXPECT_EQ(cells(t), json::array({"web", "ClusterIP", "None", "<none>", "80/TCP", "5m", "<none>"}));
}

TEST(ServicePrinter, NodePortWithExternalIPs) {
  auto t = table_of("services", service({{"type", "NodePort"},
                                         {"clusterIPs", {"10.96.1.1"}},
                                         {"externalIPs", {"1.2.3.4", "5.6.7.8"}},
                                         {"ports", {{{"port", 80}, {"nodePort", 30080}, {"protocol", "TCP"}}}}}));
  EXPECT_EQ(cell(t, "External-IP"), "1.2.3.4,5.6.7.8");
  EXPECT_EQ(cell(t, "Port(s)"), "80:30080/TCP");
}

TEST(ServicePrinter, LoadBalancerPendingThenAssigned) {
  json spec = {{"type", "LoadBalancer"}, {"clusterIPs", {"10.96.1.2"}}};
  EXPECT_EQ(cell(table_of("services", service(spec)), "External-IP"), "<pending>");
  json status = {{"loadBalancer", {{"ingress", {{{"ip", "203.0.113.9"}}, {{"hostname", "lb.example.com"}},
                                                {{"ip", "203.0.113.10"}}}}}}};
  // Sorted and unclipped: kube-apiserver prints with Wide on.
  EXPECT_EQ(cell(table_of("services", service(spec, status)), "External-IP"), "203.0.113.10,203.0.113.9,lb.example.com");
  spec["externalIPs"] = {"1.1.1.1"};
  EXPECT_EQ(cell(table_of("services", service(spec, status)), "External-IP"),
            "203.0.113.10,203.0.113.9,lb.example.com,1.1.1.1");
}

TEST(ServicePrinter, ExternalNameAndNoPorts) {
  auto t = table_of("services", service({{"type", "ExternalName"}, {"externalName", "db.example.com"}}));
  EXPECT_EQ(cells(t), json::array({"web", "ExternalName", "<none>", "db.example.com", "<none>", "5m", "<none>"}));
}

TEST(EndpointsPrinter, ListsUpToThreeAddresses) {
  json ep = {{"metadata", meta("web")},
             {"subsets", {{{"addresses", {{{"ip", "10.0.0.1"}}, {{"ip", "10.0.0.2"}}}},
                           {"ports", {{{"port", 80}}, {{"port", 443}}}}}}}};
  auto t = table_of("endpoints", ep);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Endpoints", "Age"));
  EXPECT_EQ(cells(t), json::array({"web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m"}));
}

TEST(EndpointsPrinter, NoSubsetsAndPortlessSubsets) {
  EXPECT_EQ(cell(table_of("endpoints", {{"metadata", meta("e")}}), "Endpoints"), "<none>");
  json ep = {{"metadata", meta("e")}, {"subsets", {{{"addresses", {{{"ip", "fd00::1"}}}}}}}};
  EXPECT_EQ(cell(table_of("endpoints", ep), "Endpoints"), "fd00::1");
  ep["subsets"][0]["ports"] = {{{"port", 8080}}};
  EXPECT_EQ(cell(table_of("endpoints", ep), "Endpoints"), "[fd00::1]:8080");
}

TEST(ConfigMapPrinter, DataCountsDataAndBinaryData) {
  json cm = {{"metadata", meta("cfg")}, {"data", {{"a", "1"}, {"b", "2"}}}, {"binaryData", {{"c", "AA=="}}}};
  auto t = table_of("configmaps", cm);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Data", "Age"));
  EXPECT_EQ(cells(t), json::array({"cfg", 3, "5m"}));  // kube puts an int64 in the "string" column
}

TEST(SecretPrinter, TypeAndDataCount) {
  json s = {{"metadata", meta("tls")}, {"type", "kubernetes.io/tls"}, {"data", {{"tls.crt", "eA=="}, {"tls.key", "eQ=="}}}};
  auto t = table_of("secrets", s);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Type", "Data", "Age"));
  EXPECT_EQ(cells(t), json::array({"tls", "kubernetes.io/tls", 2, "5m"}));
  EXPECT_EQ(cells(table_of("secrets", {{"metadata", meta("o")}})), json::array({"o", "Opaque", 0, "5m"}));
}

TEST(ServiceAccountPrinter, SecretsCount) {
  json sa = {{"metadata", meta("default")}, {"secrets", {{{"name", "default-token"}}}}};
  auto t = table_of("serviceaccounts", sa);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Secrets", "Age"));
  EXPECT_EQ(cells(t), json::array({"default", 1, "5m"}));
}

TEST(NamespacePrinter, StatusIsThePhase) {
  json ns = {{"metadata", {{"name", "prod"}, {"creationTimestamp", "2023-12-01T12:00:00Z"}}},
             {"status", {{"phase", "Terminating"}}}};
  auto t = table_of("namespaces", ns);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Status", "Age"));
  EXPECT_EQ(cells(t), json::array({"prod", "Terminating", "31d"}));
  EXPECT_EQ(cell(table_of("namespaces", {{"metadata", {{"name", "new"}}}}), "Status"), "Active");
}

json node() {
  return {{"metadata", {{"name", "kind-control-plane"},
                        {"creationTimestamp", "2023-12-31T12:00:00Z"},
                        {"labels", {{"node-role.kubernetes.io/control-plane", ""}, {"kubernetes.io/role", "master"},
                                    {"node-role.kubernetes.io/", ""}}}}},
          {"status", {{"conditions", {{{"type", "MemoryPressure"}, {"status", "False"}}, {{"type", "Ready"}, {"status", "True"}}}},
                      {"addresses", {{{"type", "InternalIP"}, {"address", "172.18.0.2"}}, {{"type", "Hostname"}, {"address", "kind"}}}},
                      {"nodeInfo", {{"kubeletVersion", "v1.31.0"}, {"osImage", "Debian GNU/Linux 12 (bookworm)"},
                                    {"kernelVersion", "6.1.0"}, {"containerRuntimeVersion", "containerd://1.7.18"}}}}}};
}

TEST(NodePrinter, ColumnsAndCells) {
  auto t = table_of("nodes", node());
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP",
                                           "OS-Image", "Kernel-Version", "Container-Runtime"));
  EXPECT_THAT(default_column_names(t), ElementsAre("Name", "Status", "Roles", "Age", "Version"));
  EXPECT_EQ(cells(t), json::array({"kind-control-plane", "Ready", "control-plane,master", "24h", "v1.31.0", "172.18.0.2",
                                   "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "containerd://1.7.18"}));
}

TEST(NodePrinter, NotReadyCordonedAndBare) {
  auto n = node();
  n["status"]["conditions"][1]["status"] = "Unknown";
  n["spec"]["unschedulable"] = true;
  EXPECT_EQ(cell(table_of("nodes", n), "Status"), "NotReady,SchedulingDisabled");
  json bare = {{"metadata", {{"name", "n"}}}};
  auto t = table_of("nodes", bare);
  EXPECT_EQ(cells(t), json::array({"n", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                                   "<unknown>", "<unknown>"}));
}

json event() {
  return {{"metadata", meta("web-1.17a")},
          {"involvedObject", {{"kind", "Pod"}, {"name", "web-1"}, {"fieldPath", "spec.containers{app}"}}},
          {"reason", "BackOff"},
          {"message", "  Back-off restarting failed container\n"},
          {"type", "Warning"},
          {"source", {{"component", "kubelet"}, {"host", "node-1"}}},
          {"firstTimestamp", "2024-01-01T11:50:00Z"},
          {"lastTimestamp", "2024-01-01T11:59:00Z"},
          {"count", 7}};
}

TEST(EventPrinter, ColumnsAndCells) {
  auto t = table_of("events", event());
  EXPECT_THAT(column_names(t), ElementsAre("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message",
                                           "First Seen", "Count", "Name"));
  EXPECT_THAT(default_column_names(t), ElementsAre("Last Seen", "Type", "Reason", "Object", "Message"));
  EXPECT_EQ(cells(t), json::array({"60s", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, node-1",
                                   "Back-off restarting failed container", "10m", 7, "web-1.17a"}));
}

TEST(EventPrinter, NewStyleEventUsesEventTimeAndSeries) {
  json e = {{"metadata", meta("e")},
            {"involvedObject", {{"kind", "Node"}}},
            {"eventTime", "2024-01-01T11:57:59.500000Z"},
            {"reportingComponent", "scheduler"},
            {"reason", "Scheduled"}};
  auto t = table_of("events", e);
  EXPECT_EQ(cell(t, "Last Seen"), "2m");
  EXPECT_EQ(cell(t, "First Seen"), "2m");
  EXPECT_EQ(cell(t, "Count"), 1);
  EXPECT_EQ(cell(t, "Object"), "node");
  EXPECT_EQ(cell(t, "Source"), "scheduler");
  e["series"] = {{"count", 5}, {"lastObservedTime", "2024-01-01T11:59:50.000000Z"}};
  t = table_of("events", e);
  EXPECT_EQ(cell(t, "Last Seen"), "10s");
  EXPECT_EQ(cell(t, "Count"), 5);
}

TEST(PvcPrinter, BoundClaim) {
  json pvc = {{"metadata", meta("data")},
              {"spec", {{"storageClassName", "standard"}, {"volumeName", "pvc-123"}, {"volumeMode", "Filesystem"},
                        {"resources", {{"requests", {{"storage", "1Gi"}}}}}}},
              {"status", {{"phase", "Bound"}, {"accessModes", {"ReadWriteMany", "ReadWriteOnce"}}, {"capacity", {{"storage", "1Gi"}}}}}};
  auto t = table_of("persistentvolumeclaims", pvc);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
                                           "VolumeAttributesClass", "Age", "VolumeMode"));
  EXPECT_EQ(cells(t), json::array({"data", "Bound", "pvc-123", "1Gi", "RWO,RWX", "standard", "<unset>", "5m", "Filesystem"}));
}

TEST(PvcPrinter, PendingClaimHidesCapacityAndBetaAnnotationWins) {
  json pvc = {{"metadata", meta("data")}, {"spec", {{"storageClassName", "standard"}}}, {"status", {{"phase", "Pending"}}}};
  pvc["metadata"]["annotations"] = {{"volume.beta.kubernetes.io/storage-class", "legacy"}};
  pvc["metadata"]["deletionTimestamp"] = "2024-01-01T11:59:00Z";
  auto t = table_of("persistentvolumeclaims", pvc);
  EXPECT_EQ(cells(t), json::array({"data", "Terminating", "", "", "", "legacy", "<unset>", "5m", "Filesystem"}));
}

TEST(LeasePrinter, HolderIdentity) {
  json l = {{"metadata", meta("kube-scheduler")}, {"spec", {{"holderIdentity", "node-1_abc"}}}};
  auto t = table_of("leases", l);
  EXPECT_THAT(column_names(t), ElementsAre("Name", "Holder", "Age"));
  EXPECT_EQ(cells(t), json::array({"kube-scheduler", "node-1_abc", "5m"}));
  EXPECT_EQ(cell(table_of("leases", {{"metadata", meta("free")}}), "Holder"), "");
}

}  // namespace
}  // namespace ktk::apiserver::http::table
