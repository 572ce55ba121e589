// The kubelet simulator's Nodes: creation, Lease heartbeats, failure and recovery.
#include "ktk/sim/kubelet.hpp"

#include <gtest/gtest.h>

#include "simnode_test_util.hpp"

namespace {

using namespace simnode_test;
using ktk::sim::lease_kind;
using ktk::sim::node_kind;
using ktk::sim::pod_kind;

class KubeletNodes : public ::testing::Test {
 protected:
  void start(ktk::sim::kubelet_options o) {
    sim = ktk::sim::add_kubelet(e.mgr(), std::move(o));
    ctrls = sim->controllers();
    e.start();
    ASSERT_TRUE(eventually([&] {
      for (const auto& n : sim->node_names())
        if (!e.get(lease_kind, "kube-node-lease", n)) return false;
      return true;
    }));
    ASSERT_TRUE(e.settle(ctrls));
  }
  object_ptr node(const std::string& name) { return e.get(node_kind, "", name); }
  std::string ready(const std::string& name) { return condition(node(name), "Ready").value("status", ""); }
  bool has_taint(const std::string& name, const std::string& key, const std::string& effect) {
    const json* ts = node(name)->at_path("spec.taints");
    if (!ts) return false;
    for (const auto& t : *ts)
      if (t.value("key", "") == key && t.value("effect", "") == effect) return true;
    return false;
  }

  env e;
  std::shared_ptr<ktk::sim::kubelet_sim> sim;
  std::vector<std::shared_ptr<ctl::controller>> ctrls;
};

TEST_F(KubeletNodes, CreatesNodesWithStatusAndLeases) {
  auto nodes = ktk::sim::make_nodes("node-", 2);
  nodes[1].labels = {{"zone", "a"}};
  nodes[1].cpu = "8";
  nodes[1].taints = {{{"key", "dedicated"}, {"value", "db"}, {"effect", "NoSchedule"}}};
  nodes[1].unschedulable = true;
  start({.nodes = nodes});
  EXPECT_EQ(sim->node_names(), (std::vector<std::string>{"node-0", "node-1"}));

  auto n = node("node-1");
  ASSERT_TRUE(n);
  const json& d = n->data();
  EXPECT_EQ(d["metadata"]["labels"]["kubernetes.io/hostname"], "node-1");
  EXPECT_EQ(d["metadata"]["labels"]["kubernetes.io/os"], "linux");
  EXPECT_EQ(d["metadata"]["labels"]["zone"], "a");
  EXPECT_EQ(d["spec"]["podCIDR"], "10.244.1.0/24");
  EXPECT_EQ(d["spec"]["unschedulable"], true);
  EXPECT_EQ(d["spec"]["taints"][0]["key"], "dedicated");
  EXPECT_EQ(d["status"]["capacity"]["cpu"], "8");
  EXPECT_EQ(d["status"]["allocatable"]["memory"], "16Gi");
  EXPECT_EQ(d["status"]["allocatable"]["pods"], "110");
  EXPECT_EQ(d["status"]["addresses"][0], (json{{"type", "InternalIP"}, {"address", "10.244.1.1"}}));
  EXPECT_EQ(d["status"]["nodeInfo"]["kubeletVersion"], "v1.31.0-ktk");
  json r = condition(n, "Ready");
  EXPECT_EQ(r["status"], "True");
  EXPECT_EQ(r["reason"], "KubeletReady");
  EXPECT_EQ(r["message"], "kubelet is posting ready status");
  for (const char* c : {"MemoryPressure", "DiskPressure", "PIDPressure"}) EXPECT_EQ(condition(n, c)["status"], "False");

  auto lease = e.get(lease_kind, "kube-node-lease", "node-0");
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->data()["spec"]["holderIdentity"], "node-0");
  EXPECT_EQ(lease->data()["spec"]["leaseDurationSeconds"], 40);
  EXPECT_EQ(lease->data()["spec"]["renewTime"], ktk::core::format_rfc3339_micro(e.clk.now()));
  EXPECT_EQ(lease->data()["metadata"]["ownerReferences"][0]["uid"], node("node-0")->uid());
}

TEST_F(KubeletNodes, RenewsTheLeaseEveryHeartbeat) {
  start({.nodes = ktk::sim::make_nodes("n", 1), .heartbeat = std::chrono::seconds(10)});
  const auto t0 = e.clk.now();
  auto renew = [&] { return e.get(lease_kind, "kube-node-lease", "n0")->data()["spec"]["renewTime"]; };
  EXPECT_EQ(renew(), ktk::core::format_rfc3339_micro(t0));
  e.advance(9s, ctrls);
  EXPECT_EQ(renew(), ktk::core::format_rfc3339_micro(t0));
  e.advance(1s, ctrls);
  EXPECT_TRUE(eventually([&] { return renew() == ktk::core::format_rfc3339_micro(t0 + 10s); }));
  e.advance(10s, ctrls, 10s);
  EXPECT_TRUE(eventually([&] { return renew() == ktk::core::format_rfc3339_micro(t0 + 20s); }));
}

TEST_F(KubeletNodes, TakesOverANodeThatExists) {
  object existing = simnode_test::node("n0", "1");
  existing.data()["status"]["conditions"][0]["status"] = "False";
  ASSERT_TRUE(e.client().create(std::move(existing)));
  start({.nodes = ktk::sim::make_nodes("n", 1)});
  EXPECT_TRUE(eventually([&] { return ready("n0") == "True"; }));
  EXPECT_EQ(node("n0")->data()["status"]["capacity"]["cpu"], "4");
}

TEST_F(KubeletNodes, AFailedNodeTurnsUnknownAfterTheGraceAndLosesItsPodsAfterTheEvictionTimeout) {
  start({.nodes = ktk::sim::make_nodes("n", 2), .pod_eviction_timeout = 300s, .node_monitor_grace = 40s});
  ASSERT_TRUE(e.client().create(simnode_test::pod("on-n1", {{"nodeName", "n1"}})));
  ASSERT_TRUE(e.client().create(simnode_test::pod("on-n0", {{"nodeName", "n0"}})));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return phase_of(e.get(pod_kind, "default", "on-n1")) == "Running"; }));
  const auto renewed = e.get(lease_kind, "kube-node-lease", "n1")->data()["spec"]["renewTime"];

  sim->fail_node("n1");
  e.advance(39s, ctrls, 39s);
  EXPECT_EQ(ready("n1"), "True");
  e.advance(1s, ctrls);
  EXPECT_TRUE(eventually([&] { return ready("n1") == "Unknown"; }));
  json r = condition(node("n1"), "Ready");
  EXPECT_EQ(r["reason"], "NodeStatusUnknown");
  EXPECT_EQ(r["message"], "Kubelet stopped posting node status.");
  EXPECT_TRUE(eventually([&] { return has_taint("n1", "node.kubernetes.io/unreachable", "NoExecute"); }));
  EXPECT_TRUE(has_taint("n1", "node.kubernetes.io/unreachable", "NoSchedule"));
  EXPECT_EQ(e.get(lease_kind, "kube-node-lease", "n1")->data()["spec"]["renewTime"], renewed);  // no heartbeats
  EXPECT_EQ(ready("n0"), "True");

  e.advance(299s, ctrls, 299s);
  EXPECT_TRUE(e.get(pod_kind, "default", "on-n1"));
  e.advance(1s, ctrls);
  EXPECT_TRUE(eventually([&] { return !e.get(pod_kind, "default", "on-n1"); }));
  EXPECT_TRUE(e.get(pod_kind, "default", "on-n0"));
}

TEST_F(KubeletNodes, ARecoveredNodeIsReadyAgainWithoutTheTaints) {
  start({.nodes = ktk::sim::make_nodes("n", 1), .node_monitor_grace = 40s});
  sim->fail_node("n0");
  e.advance(40s, ctrls, 40s);
  ASSERT_TRUE(eventually([&] { return ready("n0") == "Unknown"; }));
  ASSERT_TRUE(eventually([&] { return has_taint("n0", "node.kubernetes.io/unreachable", "NoSchedule"); }));
  sim->recover_node("n0");
  EXPECT_TRUE(eventually([&] { return ready("n0") == "True"; }));
  EXPECT_TRUE(eventually([&] { return !has_taint("n0", "node.kubernetes.io/unreachable", "NoSchedule"); }));
  EXPECT_FALSE(has_taint("n0", "node.kubernetes.io/unreachable", "NoExecute"));
  EXPECT_TRUE(eventually([&] {
    return e.get(lease_kind, "kube-node-lease", "n0")->data()["spec"]["renewTime"] ==
           ktk::core::format_rfc3339_micro(e.clk.now());
  }));
  EXPECT_THROW(sim->fail_node("nope"), std::invalid_argument);
}

}  // namespace
