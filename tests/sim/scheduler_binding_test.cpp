// The scheduler on a manager and the FakeClient: binding, Unschedulable, retries.
#include "ktk/sim/scheduler.hpp"

#include <gtest/gtest.h>

#include <map>

#include "simnode_test_util.hpp"

namespace {

using namespace simnode_test;
using ktk::sim::node_kind;
using ktk::sim::pod_kind;

class Scheduler : public ::testing::Test {
 protected:
  void start(std::vector<object> nodes) {
    for (auto& n : nodes) ASSERT_TRUE(e.client().create(std::move(n)));
    ctrl = ktk::sim::add_scheduler(e.mgr());
    e.start();
  }
  void create(object p) { ASSERT_TRUE(e.client().create(std::move(p))); }
  object_ptr pod(const std::string& name) { return e.get(pod_kind, "default", name); }
  std::string bound(const std::string& name) {
    std::string n;
    eventually([&] { return !(n = node_of(pod(name))).empty(); });
    return n;
  }
  // Waits for the PodScheduled=False condition and returns its message.
  std::string unschedulable(const std::string& name) {
    json c;
    eventually([&] {
      c = condition(pod(name), "PodScheduled");
      return c.is_object() && c.value("status", "") == "False";
    });
    EXPECT_EQ(c.value("reason", ""), "Unschedulable");
    return c.value("message", "");
  }

  env e;
  std::shared_ptr<ctl::controller> ctrl;
};

TEST_F(Scheduler, BindsAPodToAFittingNode) {
  start({node("n1")});
  create(simnode_test::pod("web"));
  EXPECT_EQ(bound("web"), "n1");
  json c = condition(pod("web"), "PodScheduled");
  EXPECT_EQ(c.value("status", ""), "True");
}

TEST_F(Scheduler, ExhaustedResourcesMakeAPodUnschedulableUntilANodeComes) {
  start({node("small", "1"), node("other", "1")});
  create(pod_requesting("big", "2", "1Gi"));
  EXPECT_EQ(unschedulable("big"),
            "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
            "2 No preemption victims found for incoming pod.");
  EXPECT_EQ(node_of(pod("big")), "");
  ASSERT_TRUE(e.client().create(node("large", "8")));
  EXPECT_EQ(bound("big"), "large");
}

TEST_F(Scheduler, NodeSelectorPicksMatchingNodes) {
  start({node("a"), node("b", "4", "16Gi", {{"disk", "ssd"}})});
  create(simnode_test::pod("p", {{"nodeSelector", {{"disk", "ssd"}}}}));
  EXPECT_EQ(bound("p"), "b");
  create(simnode_test::pod("q", {{"nodeSelector", {{"disk", "nvme"}}}}));
  EXPECT_EQ(unschedulable("q"),
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. "
            "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
}

TEST_F(Scheduler, TaintsRepelPodsThatDoNotTolerateThem) {
  json gpu_taint = {{"taints", {{{"key", "gpu"}, {"value", "true"}, {"effect", "NoSchedule"}}}}};
  start({node("gpu", "4", "16Gi", json::object(), gpu_taint)});
  create(simnode_test::pod("plain"));
  EXPECT_EQ(unschedulable("plain"),
            "0/1 nodes are available: 1 node(s) had untolerated taint {gpu: true}. "
            "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  create(simnode_test::pod("tolerant",
                           {{"tolerations", {{{"key", "gpu"}, {"operator", "Equal"}, {"value", "true"}}}}}));
  EXPECT_EQ(bound("tolerant"), "gpu");
  create(simnode_test::pod("everything", {{"tolerations", {{{"operator", "Exists"}}}}}));
  EXPECT_EQ(bound("everything"), "gpu");
}

TEST_F(Scheduler, SkipsUnschedulableAndNotReadyNodes) {
  start({node("cordoned", "4", "16Gi", json::object(), {{"unschedulable", true}}),
         node("down", "4", "16Gi", json::object(), json::object(), false)});
  create(simnode_test::pod("p"));
  std::string msg = unschedulable("p");
  EXPECT_NE(msg.find("1 node(s) were unschedulable"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }"), std::string::npos) << msg;
  // The Node turning Ready brings the Pod back.
  auto down = e.get(node_kind, "", "down");
  object ready = *down;
  ready.data()["status"]["conditions"][0]["status"] = "True";
  ASSERT_TRUE(e.client().status().update(std::move(ready)));
  EXPECT_EQ(bound("p"), "down");
}

TEST_F(Scheduler, LeastAllocatedSpreadsPodsEvenly) {
  start({node("n1"), node("n2"), node("n3")});
  for (int i = 0; i < 9; ++i) create(simnode_test::pod("p" + std::to_string(i)));
  std::map<std::string, int> per_node;
  for (int i = 0; i < 9; ++i) ++per_node[bound("p" + std::to_string(i))];
  EXPECT_EQ(per_node, (std::map<std::string, int>{{"n1", 3}, {"n2", 3}, {"n3", 3}}));
}

TEST_F(Scheduler, ConsecutiveDecisionsNeverOvercommit) {
  start({node("one", "1")});
  for (int i = 0; i < 5; ++i) create(pod_requesting("p" + std::to_string(i), "300m", "1Mi"));
  int bound_count = 0, waiting = 0;
  auto count = [&] {
    bound_count = waiting = 0;
    for (int i = 0; i < 5; ++i) {
      auto p = pod("p" + std::to_string(i));
      if (!node_of(p).empty()) ++bound_count;
      if (condition(p, "PodScheduled").value("status", "") == "False") ++waiting;
    }
    return bound_count + waiting == 5;
  };
  ASSERT_TRUE(eventually(count));
  ASSERT_TRUE(e.settle({ctrl}));
  count();
  EXPECT_EQ(bound_count, 3);
  EXPECT_EQ(waiting, 2);
}

TEST_F(Scheduler, APodThatEndsMakesRoomForAWaitingOne) {
  start({node("one", "1")});
  create(pod_requesting("first", "800m", "1Mi"));
  EXPECT_EQ(bound("first"), "one");
  create(pod_requesting("second", "800m", "1Mi"));
  EXPECT_NE(unschedulable("second").find("1 Insufficient cpu"), std::string::npos);
  object done = *pod("first");
  done.data()["status"]["phase"] = "Succeeded";
  ASSERT_TRUE(e.client().status().update(std::move(done)));
  EXPECT_EQ(bound("second"), "one");
}

TEST_F(Scheduler, LeavesPodsOfOtherSchedulersAlone) {
  start({node("n1")});
  create(simnode_test::pod("mine"));
  create(simnode_test::pod("theirs", {{"schedulerName", "custom"}}));
  EXPECT_EQ(bound("mine"), "n1");
  ASSERT_TRUE(e.settle({ctrl}));
  EXPECT_EQ(node_of(pod("theirs")), "");
  EXPECT_TRUE(condition(pod("theirs"), "PodScheduled").empty());
}

}  // namespace
