// The kubelet simulator's pieces without a server: addresses, timings and jitter,
// Pod status transitions.
#include <gtest/gtest.h>

#include <set>

#include "../../sim/src/kubelet/addressing.hpp"
#include "../../sim/src/kubelet/kubelet_state.hpp"
#include "../../sim/src/kubelet/pod_status.hpp"
#include "../../sim/src/kubelet/timing.hpp"
#include "simnode_test_util.hpp"

namespace {

using namespace ktk::sim::detail;
using namespace std::chrono_literals;
using simnode_test::json;
using simnode_test::object;

TEST(KubeletAddressing, EachNodeGetsASlash24AndPodsUniqueAddresses) {
  auto net = parse_cidr("10.244.0.0/16");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->subnets(), 256u);
  EXPECT_EQ(format_ipv4(node_subnet(*net, 3) + 1), "10.244.3.1");
  EXPECT_FALSE(parse_cidr("10.244.0.0"));
  EXPECT_FALSE(parse_cidr("10.244.300.0/16"));
  EXPECT_EQ(parse_cidr("10.1.2.3/8")->base, *parse_ipv4("10.0.0.0"));

  ip_pool pool(node_subnet(*net, 1));
  pool.hold("default/old", "10.244.1.2");  // an address a Pod already reports
  EXPECT_EQ(pool.acquire("default/a"), "10.244.1.3");
  EXPECT_EQ(pool.acquire("default/a"), "10.244.1.3");  // the same Pod, the same address
  EXPECT_EQ(pool.acquire("default/b"), "10.244.1.4");
  pool.release("default/old");
  EXPECT_EQ(pool.acquire("default/c"), "10.244.1.2");
  std::set<std::string> seen;
  for (int i = 0; i < 300; ++i) seen.insert(pool.acquire("ns/p" + std::to_string(i)));
  EXPECT_EQ(pool.in_use(), 253u);  // .2 to .254, then ""
  EXPECT_TRUE(seen.contains(""));
}

TEST(KubeletAddressing, NodesPastTheCidrsRoomGoOnPastItsEnd) {
  ktk::core::fake_clock clk;
  kubelet_state st({.nodes = ktk::sim::make_nodes("n", 300)}, clk);
  EXPECT_EQ(st.with_node("n255", [](node_state& n) { return n.pod_cidr; }), "10.244.255.0/24");
  EXPECT_EQ(st.with_node("n256", [](node_state& n) { return n.pod_cidr; }), "10.245.0.0/24");
  EXPECT_EQ(st.with_node("n299", [](node_state& n) { return n.ip; }), "10.245.43.1");
  EXPECT_THROW(kubelet_state({.nodes = ktk::sim::make_nodes("n", 1), .pod_cidr = "10.0.0.0/25"}, clk),
               std::invalid_argument);
  EXPECT_THROW(kubelet_state({.nodes = ktk::sim::make_nodes("n", 1), .pod_cidr = "ten"}, clk), std::invalid_argument);
  auto twice = ktk::sim::make_nodes("n", 1);
  twice.push_back(twice[0]);
  EXPECT_THROW(kubelet_state({.nodes = twice}, clk), std::invalid_argument);
}

TEST(KubeletTiming, FirstMatchingSelectorWins) {
  std::vector<ktk::sim::pod_timing> ts = {{.selector = "app=batch", .start_delay = 2s},
                                          {.selector = "tier in (web)", .start_delay = 3s},
                                          {.selector = "", .start_delay = 4s}};
  timing_table t(ts, {.start_delay = 9s});
  EXPECT_EQ(t.for_labels({{"app", "batch"}, {"tier", "web"}}).start_delay, 2s);
  EXPECT_EQ(t.for_labels({{"tier", "web"}}).start_delay, 3s);
  EXPECT_EQ(t.for_labels(json::object()).start_delay, 4s);
  EXPECT_EQ(timing_table({}, {.start_delay = 9s}).for_labels(json::object()).start_delay, 9s);
  EXPECT_THROW(timing_table({{.selector = "a in ("}}, {}), std::invalid_argument);
}

TEST(KubeletTiming, JitterIsDeterministicPerSeedAndBounded) {
  ktk::sim::pod_timing t{.jitter = 1000ms};
  object a = simnode_test::pod("a");
  object b = simnode_test::pod("b");
  std::set<long> values;
  for (int i = 0; i < 50; ++i) {
    object p = simnode_test::pod("p" + std::to_string(i));
    auto j = jitter(t, 1, p, "start", 0);
    EXPECT_GE(j.count(), 0);
    EXPECT_LT(j.count(), 1000);
    values.insert(j.count());
  }
  EXPECT_GT(values.size(), 40u);  // spread, not constant
  EXPECT_EQ(jitter(t, 1, a, "start", 0), jitter(t, 1, a, "start", 0));
  EXPECT_NE(jitter(t, 1, a, "start", 0), jitter(t, 2, a, "start", 0));
  EXPECT_NE(jitter(t, 1, a, "start", 0), jitter(t, 1, a, "start", 1));
  EXPECT_EQ(jitter({.jitter = 0ms}, 1, b, "start", 0), 0ms);
  EXPECT_EQ(stable_hash(1, {"ab", "c"}), stable_hash(1, {"ab", "c"}));
  EXPECT_NE(stable_hash(1, {"ab", "c"}), stable_hash(1, {"a", "bc"}));
}

TEST(KubeletPodStatus, TransitionsReadBackAsTheirStages) {
  object p = simnode_test::pod("web");
  p.set_uid("u-1");
  ktk::core::fake_clock clk;
  const auto t0 = clk.now();
  EXPECT_EQ(read_pod(p).stage, pod_stage::waiting);

  auto w = status_work::of(p);
  w.start(p, {.host_ip = "10.244.0.1", .pod_ip = "10.244.0.2"}, t0);
  object running = p;
  running.data()["status"] = w.status();
  EXPECT_EQ(running.data()["status"]["phase"], "Running");
  EXPECT_EQ(running.data()["status"]["podIP"], "10.244.0.2");
  const json& cs = running.data()["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["name"], "c");
  EXPECT_EQ(cs["state"]["running"]["startedAt"], "2024-01-01T00:00:00Z");
  EXPECT_TRUE(cs["containerID"].get<std::string>().starts_with("ktk://"));
  EXPECT_NE(cs["imageID"].get<std::string>().find("nginx:1.25@sha256:"), std::string::npos);
  EXPECT_EQ(read_pod(running).stage, pod_stage::running);
  EXPECT_EQ(read_pod(running).started_at, t0);

  w.make_ready(running, t0 + 1s);
  running.data()["status"] = w.status();
  EXPECT_EQ(read_pod(running).stage, pod_stage::ready);
  EXPECT_EQ(ktk::sim::condition_status(running, "Ready"), "True");

  w.exit(running, 3, true, t0 + 5s);  // restarted
  running.data()["status"] = w.status();
  auto v = read_pod(running);
  EXPECT_EQ(v.stage, pod_stage::waiting);
  EXPECT_EQ(v.restarts, 1);
  EXPECT_EQ(v.finished_at, t0 + 5s);
  EXPECT_EQ(running.data()["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(ktk::sim::condition_status(running, "Ready"), "False");

  w.start(running, {.host_ip = "10.244.0.1", .pod_ip = "10.244.0.2"}, t0 + 6s);
  w.exit(running, 0, false, t0 + 7s);
  running.data()["status"] = w.status();
  EXPECT_EQ(running.data()["status"]["phase"], "Succeeded");
  EXPECT_EQ(running.data()["status"]["containerStatuses"][0]["restartCount"], 1);
  EXPECT_EQ(running.data()["status"]["containerStatuses"][0]["state"]["terminated"]["reason"], "Completed");
  EXPECT_EQ(read_pod(running).stage, pod_stage::terminated);
}

TEST(KubeletPodStatus, RestartPolicyDecidesWhetherAnExitRestarts) {
  auto with = [](const char* policy) {
    object p = simnode_test::pod("p");
    if (policy) p.data()["spec"]["restartPolicy"] = policy;
    return p;
  };
  EXPECT_TRUE(restarts_after(with(nullptr), 0));
  EXPECT_TRUE(restarts_after(with("Always"), 1));
  EXPECT_FALSE(restarts_after(with("OnFailure"), 0));
  EXPECT_TRUE(restarts_after(with("OnFailure"), 2));
  EXPECT_FALSE(restarts_after(with("Never"), 2));
}

}  // namespace
