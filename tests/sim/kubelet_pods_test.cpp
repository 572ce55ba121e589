// The kubelet simulator's Pods: start and ready delays, jitter, completion, restarts,
// deletion, addresses.
#include "ktk/sim/kubelet.hpp"

#include <gtest/gtest.h>

#include <set>

#include "simnode_test_util.hpp"

namespace {

using namespace simnode_test;
using ktk::sim::pod_kind;

class KubeletPods : public ::testing::Test {
 protected:
  void start(ktk::sim::kubelet_options o) {
    if (o.nodes.empty()) o.nodes = ktk::sim::make_nodes("n", 2);
    sim = ktk::sim::add_kubelet(e.mgr(), std::move(o));
    ctrls = sim->controllers();
    e.start();
    ASSERT_TRUE(e.delayed(ctrls[0]));  // the Nodes are up and heartbeating
    ASSERT_TRUE(e.settle(ctrls));
  }
  // Creates a Pod bound to `node` and waits until the kubelet has looked at it.
  void create(object p, const std::string& node = "n0") {
    p.data()["spec"]["nodeName"] = node;
    std::string name(p.name());
    ASSERT_TRUE(e.client().create(std::move(p)));
    ASSERT_TRUE(e.delayed(ctrls[1]));
    ASSERT_TRUE(e.settle(ctrls));
  }
  object_ptr pod(const std::string& name) { return e.get(pod_kind, "default", name); }
  std::string phase(const std::string& name) { return phase_of(pod(name)); }
  std::string ready(const std::string& name) { return condition(pod(name), "Ready").value("status", ""); }
  json container(const std::string& name) { return pod(name)->data()["status"]["containerStatuses"][0]; }

  env e;
  std::shared_ptr<ktk::sim::kubelet_sim> sim;
  std::vector<std::shared_ptr<ctl::controller>> ctrls;
};

TEST_F(KubeletPods, RunsAfterTheStartDelayAndNotBefore) {
  start({.default_timing = {.start_delay = 1500ms}});
  create(simnode_test::pod("web"));
  e.advance(1499ms, ctrls);
  EXPECT_EQ(phase("web"), "Pending");
  e.advance(1ms, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("web") == "Running"; }));
  auto p = pod("web");
  const json& st = p->data()["status"];
  EXPECT_EQ(st["hostIP"], "10.244.0.1");
  EXPECT_EQ(st["podIP"], "10.244.0.2");
  EXPECT_EQ(st["startTime"], ktk::core::format_rfc3339(e.clk.now()));
  json c = container("web");
  EXPECT_EQ(c["ready"], true);
  EXPECT_EQ(c["started"], true);
  EXPECT_EQ(c["restartCount"], 0);
  EXPECT_TRUE(c["state"].contains("running"));
  for (const char* t : {"PodScheduled", "Initialized", "ContainersReady", "Ready"})
    EXPECT_EQ(condition(p, t)["status"], "True") << t;
}

TEST_F(KubeletPods, RunningAndReadyAreOneWriteWhenReadyDelayIsZero) {
  start({.default_timing = {.start_delay = 1s}});
  create(simnode_test::pod("web"));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return ready("web") == "True"; }));
  ASSERT_TRUE(e.settle(ctrls));
  EXPECT_EQ(e.count("patch", "pods", "status"), 1);
}

TEST_F(KubeletPods, ReadyComesAfterTheReadyDelay) {
  start({.default_timing = {.start_delay = 1s, .ready_delay = 2s}});
  create(simnode_test::pod("web"));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("web") == "Running"; }));
  EXPECT_EQ(ready("web"), "False");
  EXPECT_EQ(condition(pod("web"), "Ready")["reason"], "ContainersNotReady");
  e.advance(1999ms, ctrls);
  EXPECT_EQ(ready("web"), "False");
  e.advance(1ms, ctrls);
  ASSERT_TRUE(eventually([&] { return ready("web") == "True"; }));
  ASSERT_TRUE(e.settle(ctrls));
  EXPECT_EQ(e.count("patch", "pods", "status"), 2);  // one write per transition
}

TEST(KubeletPodTimings, AreChosenByLabelWithJitterTheSameForTheSameSeed) {
  // Runs p0..p9 with 1 s + [0, 1 s) jitter; returns the millisecond each went Running.
  auto run = [](std::uint64_t seed) {
    env e2;
    auto s = ktk::sim::add_kubelet(e2.mgr(), {.nodes = ktk::sim::make_nodes("n", 1),
                                              .timings = {{.selector = "app=slow", .start_delay = 1h}},
                                              .default_timing = {.start_delay = 1s, .jitter = 1s},
                                              .seed = seed});
    auto cs = s->controllers();
    e2.start();
    EXPECT_TRUE(e2.delayed(cs[0]));
    for (int i = 0; i < 10; ++i)
      EXPECT_TRUE(e2.client().create(simnode_test::pod("p" + std::to_string(i), {{"nodeName", "n0"}})));
    EXPECT_TRUE(e2.client().create(
        simnode_test::pod("slow", {{"nodeName", "n0"}}, "default", {{"app", "slow"}})));
    EXPECT_TRUE(eventually([&] { return cs[1]->queue().activity().waiting >= 11; }));
    EXPECT_TRUE(e2.settle(cs));
    std::vector<int> at(10, -1);
    for (int ms = 1; ms <= 2000; ms += 10) {
      e2.advance(10ms, cs, 10ms);
      for (int i = 0; i < 10; ++i)
        if (at[i] < 0 && phase_of(e2.get(pod_kind, "default", "p" + std::to_string(i))) == "Running") at[i] = ms + 9;
    }
    EXPECT_EQ(phase_of(e2.get(pod_kind, "default", "slow")), "Pending");
    return at;
  };
  auto a = run(1), b = run(1), c = run(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (int t : a) {
    EXPECT_GE(t, 1000);
    EXPECT_LE(t, 2009);
  }
  EXPECT_GT(std::set<int>(a.begin(), a.end()).size(), 3u);
}

TEST_F(KubeletPods, CompletesAsSucceededOrFailedWhenNotRestarted) {
  start({.timings = {{.selector = "result=ok", .start_delay = 1s, .complete_after = 5s},
                     {.selector = "result=bad", .start_delay = 1s, .complete_after = 5s, .exit_code = 2}}});
  create(simnode_test::pod("ok", {{"restartPolicy", "Never"}}, "default", {{"result", "ok"}}));
  create(simnode_test::pod("bad", {{"restartPolicy", "Never"}}, "default", {{"result", "bad"}}));
  create(simnode_test::pod("onfailure", {{"restartPolicy", "OnFailure"}}, "default", {{"result", "ok"}}));
  e.advance(5999ms, ctrls);
  EXPECT_EQ(phase("ok"), "Running");
  e.advance(1ms, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("ok") == "Succeeded" && phase("bad") == "Failed"; }));
  EXPECT_EQ(container("ok")["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(container("bad")["state"]["terminated"]["reason"], "Error");
  EXPECT_EQ(container("bad")["state"]["terminated"]["exitCode"], 2);
  EXPECT_EQ(ready("ok"), "False");
  EXPECT_TRUE(eventually([&] { return phase("onfailure") == "Succeeded"; }));
}

TEST_F(KubeletPods, RestartPolicyAlwaysRestartsTheContainer) {
  start({.default_timing = {.start_delay = 1s, .complete_after = 3s, .exit_code = 1}});
  create(simnode_test::pod("crashy"));
  e.advance(4s, ctrls);
  ASSERT_TRUE(eventually([&] { return container("crashy")["restartCount"] == 1; }));
  EXPECT_EQ(phase("crashy"), "Running");
  EXPECT_EQ(container("crashy")["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(container("crashy")["lastState"]["terminated"]["exitCode"], 1);
  EXPECT_EQ(ready("crashy"), "False");
  e.advance(999ms, ctrls);
  EXPECT_TRUE(container("crashy")["state"].contains("waiting"));
  e.advance(1ms, ctrls);
  ASSERT_TRUE(eventually([&] { return container("crashy")["state"].contains("running"); }));
  EXPECT_EQ(ready("crashy"), "True");
  EXPECT_EQ(container("crashy")["restartCount"], 1);
  e.advance(3s, ctrls);
  EXPECT_TRUE(eventually([&] { return container("crashy")["restartCount"] == 2; }));
}

TEST_F(KubeletPods, AGracefulDeleteRemovesThePod) {
  start({.default_timing = {.start_delay = 1s}});
  create(simnode_test::pod("web"));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("web") == "Running"; }));
  ASSERT_TRUE(e.client().remove(pod_kind, {"default", "web"}));  // default grace: 30 s
  EXPECT_TRUE(eventually([&] { return !pod("web"); }));
}

TEST_F(KubeletPods, ATerminationDelayKeepsThePodTerminatingForThatLong) {
  start({.default_timing = {.start_delay = 1s}, .termination_delay = 2s});
  create(simnode_test::pod("web"));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("web") == "Running"; }));
  ASSERT_TRUE(e.client().remove(pod_kind, {"default", "web"}));
  ASSERT_TRUE(eventually([&] { return container("web")["state"].contains("terminated"); }));
  EXPECT_EQ(ready("web"), "False");
  e.advance(1999ms, ctrls);
  EXPECT_TRUE(pod("web"));
  e.advance(1ms, ctrls);
  EXPECT_TRUE(eventually([&] { return !pod("web"); }));
}

TEST_F(KubeletPods, PodsOfANodeGetUniqueAddressesOfItsSubnet) {
  start({.default_timing = {.start_delay = 1s}});
  for (int i = 0; i < 6; ++i) create(simnode_test::pod("p" + std::to_string(i)), i % 2 ? "n1" : "n0");
  e.advance(1s, ctrls);
  std::set<std::string> ips;
  ASSERT_TRUE(eventually([&] {
    ips.clear();
    for (int i = 0; i < 6; ++i) {
      auto p = pod("p" + std::to_string(i));
      const json* ip = p->at_path("status.podIP");
      if (!ip) return false;
      std::string subnet = i % 2 ? "10.244.1." : "10.244.0.";
      EXPECT_TRUE(ip->get<std::string>().starts_with(subnet)) << *ip;
      ips.insert(ip->get<std::string>());
    }
    return true;
  }));
  EXPECT_EQ(ips.size(), 6u);
}

TEST_F(KubeletPods, AFailedNodesPodsDoNotAdvanceUntilItRecovers) {
  start({.default_timing = {.start_delay = 1s}});
  create(simnode_test::pod("web"));
  sim->fail_node("n0");
  e.advance(5s, ctrls);
  EXPECT_EQ(phase("web"), "Pending");
  sim->recover_node("n0");
  EXPECT_TRUE(eventually([&] { return phase("web") == "Running"; }));
}

TEST_F(KubeletPods, ARestartedKubeletResumesFromTheTimesInTheObjects) {
  start({.default_timing = {.start_delay = 1s, .ready_delay = 5s}});
  create(simnode_test::pod("web"));
  e.advance(1s, ctrls);
  ASSERT_TRUE(eventually([&] { return phase("web") == "Running"; }));
  e.advance(2s, ctrls);
  ASSERT_TRUE(e.settle(ctrls));
  sim.reset();
  ctrls.clear();
  e.renew();  // the kubelet restarts; the Pod says it started 2 s ago

  auto again = ktk::sim::add_kubelet(e.mgr(), {.nodes = ktk::sim::make_nodes("n", 2),
                                               .default_timing = {.start_delay = 1s, .ready_delay = 5s}});
  auto cs = again->controllers();
  e.start();
  ASSERT_TRUE(e.delayed(cs[1]));  // the Pod waits for its Ready time
  ASSERT_TRUE(e.settle(cs));
  e.advance(2999ms, cs, 2999ms);
  EXPECT_EQ(ready("web"), "False");
  e.advance(1ms, cs);
  EXPECT_TRUE(eventually([&] { return ready("web") == "True"; }));
  EXPECT_EQ(container("web")["restartCount"], 0);
}

}  // namespace
