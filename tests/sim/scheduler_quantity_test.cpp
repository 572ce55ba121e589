// The scheduler's pieces without a server: quantities, Pod requests, the filters and
// their messages, and the cache's assumed Pods.
#include <gtest/gtest.h>

#include <limits>

#include "../../sim/src/scheduler/quantity.hpp"
#include "../../sim/src/scheduler/scheduler_cache.hpp"
#include "simnode_test_util.hpp"

namespace {

using namespace ktk::sim::detail;
using simnode_test::json;
using simnode_test::object;

TEST(SchedulerQuantity, ParsesKubeQuantities) {
  struct row {
    const char* text;
    std::int64_t milli;
    std::int64_t value;
  };
  const row rows[] = {
      {"500m", 500, 1},         {"2", 2000, 2},
      {"0.1", 100, 1},          {"1.5", 1500, 2},
      {"0", 0, 0},              {"100m", 100, 1},
      {"1k", 1'000'000, 1000},  {"1M", 1'000'000'000, 1'000'000},
      {"1G", 1'000'000'000'000, 1'000'000'000},
      {"1Ki", 1'024'000, 1024}, {"128Mi", 134'217'728'000, 134'217'728},
      {"1Gi", 1'073'741'824'000, 1'073'741'824},
      {"1.5Gi", 1'610'612'736'000, 1'610'612'736},
      {"16Gi", 17'179'869'184'000, 17'179'869'184},
      {"1e3", 1'000'000, 1000}, {"1E3", 1'000'000, 1000},
      {"2.5e-3", 3, 1},         {"12345", 12'345'000, 12345},
      {"+7", 7000, 7},          {"0.001", 1, 1},
      {"250u", 1, 1},           {"1n", 1, 1},
  };
  for (const auto& r : rows) {
    auto q = parse_quantity(r.text);
    ASSERT_TRUE(q) << r.text;
    EXPECT_EQ(q->milli_value(), r.milli) << r.text;
    EXPECT_EQ(q->value(), r.value) << r.text;
  }
}

TEST(SchedulerQuantity, RejectsWhatIsNotAQuantity) {
  for (const char* bad : {"", "abc", "1Q", "1.2.3", "Mi", "--1", "1 Gi", "1e", "1KiB", ".", "1e3Mi"})
    EXPECT_FALSE(parse_quantity(bad)) << bad;
  EXPECT_EQ(parse_milli("nonsense"), 0);
}

TEST(SchedulerQuantity, SaturatesPastInt64) {
  EXPECT_EQ(parse_value("1000Ei"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_milli("10E"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_value("-1"), -1);
}

TEST(SchedulerResources, PodRequestsSumContainersTakeTheLargestInitContainerAndAddOverhead) {
  object p = simnode_test::pod("p");
  json& spec = p.data()["spec"];
  spec["containers"] = {
      {{"name", "a"}, {"resources", {{"requests", {{"cpu", "250m"}, {"memory", "64Mi"}}}}}},
      {{"name", "b"}, {"resources", {{"limits", {{"cpu", "1"}}}}}},  // a limit stands in for the request
  };
  spec["initContainers"] = {{{"name", "i"}, {"resources", {{"requests", {{"cpu", "2"}}}}}}};
  spec["overhead"] = {{"memory", "1Mi"}};
  auto d = pod_requests(p);
  EXPECT_EQ(d.fit.cpu_milli, 2000);  // max(250m + 1, 2)
  EXPECT_EQ(d.fit.memory, 65LL * 1024 * 1024);
  EXPECT_EQ(d.fit.pods, 1);
  // Scoring counts 200Mi for the container that asks no memory.
  EXPECT_EQ(d.score.memory, (64LL + 200 + 1) * 1024 * 1024);

  auto none = pod_requests(simnode_test::pod("q"));
  EXPECT_EQ(none.fit.cpu_milli, 0);
  EXPECT_EQ(none.score.cpu_milli, 100);
}

TEST(SchedulerFilter, TolerationsMatchAsKubeDoes) {
  const taint t{"dedicated", "gpu", "NoSchedule"};
  struct row {
    json tolerations;
    bool tolerated;
  };
  const row rows[] = {
      {json::array(), false},
      {{{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "gpu"}, {"effect", "NoSchedule"}}}, true},
      {{{{"key", "dedicated"}, {"value", "gpu"}}}, true},  // operator Equal and every effect by default
      {{{{"key", "dedicated"}, {"value", "cpu"}}}, false},
      {{{{"key", "dedicated"}, {"operator", "Exists"}}}, true},
      {{{{"key", "dedicated"}, {"operator", "Exists"}, {"effect", "NoExecute"}}}, false},
      {{{{"operator", "Exists"}}}, true},  // empty key with Exists: everything
      {{{{"key", "other"}, {"operator", "Exists"}}}, false},
  };
  for (const auto& r : rows) EXPECT_EQ(tolerates(r.tolerations, t), r.tolerated) << r.tolerations.dump();
}

TEST(SchedulerFilter, ReportsReasonsInKubesPluginOrder) {
  pod_constraints c;
  pod_demand d{.fit = {2000, 0, 1}, .score = {2000, 200, 1}};
  node_usage idle;
  auto n = parse_node(simnode_test::node("n", "1"));
  EXPECT_EQ(filter(c, d, n, idle), std::vector<std::string>{"Insufficient cpu"});
  c.node_selector = {{"disk", "ssd"}};
  EXPECT_EQ(filter(c, d, n, idle), std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
  n.taints.push_back({"k", "v", "NoExecute"});
  EXPECT_EQ(filter(c, d, n, idle), std::vector<std::string>{"node(s) had untolerated taint {k: v}"});
  n.unschedulable = true;
  EXPECT_EQ(filter(c, d, n, idle), std::vector<std::string>{"node(s) were unschedulable"});

  // Required node affinity: terms are ORed, expressions ANDed.
  pod_constraints a;
  a.required_terms = {{{"matchExpressions", {{{"key", "zone"}, {"operator", "In"}, {"values", {"a", "b"}}}}}},
                      {{"matchFields", {{{"key", "metadata.name"}, {"operator", "In"}, {"values", {"x"}}}}}}};
  auto in_b = parse_node(simnode_test::node("n", "4", "1Gi", {{"zone", "b"}}));
  auto in_c = parse_node(simnode_test::node("n", "4", "1Gi", {{"zone", "c"}}));
  auto named_x = parse_node(simnode_test::node("x"));
  pod_demand small{.fit = {0, 0, 1}, .score = {100, 1, 1}};
  EXPECT_TRUE(filter(a, small, in_b, idle).empty());
  EXPECT_FALSE(filter(a, small, in_c, idle).empty());
  EXPECT_TRUE(filter(a, small, named_x, idle).empty());
}

TEST(SchedulerCache, UnschedulableMessageHasKubesWording) {
  scheduler_cache c;
  c.upsert_node(simnode_test::node("a", "1", "16Gi", {{"disk", "ssd"}}));
  c.upsert_node(simnode_test::node("b", "8", "16Gi", {{"disk", "hdd"}}));
  c.upsert_node(simnode_test::node("c", "8", "16Gi", {{"disk", "hdd"}}));
  pod_constraints pc;
  pc.node_selector = {{"disk", "ssd"}};
  pod_demand d{.fit = {2000, 0, 1}, .score = {2000, 0, 1}};
  auto r = c.schedule({"default", "p"}, "uid-1", pc, d);
  EXPECT_EQ(r.node, "");
  EXPECT_EQ(r.message,
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. "
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
            "2 Preemption is not helpful for scheduling.");
  EXPECT_EQ(c.unschedulable(), (std::vector<ktk::core::object_key>{{"default", "p"}}));

  scheduler_cache empty;
  EXPECT_EQ(empty.schedule({"default", "p"}, "u", pc, d).message, "no nodes available to schedule pods");
}

TEST(SchedulerCache, AssumedPodsCountUntilTheInformerShowsThemBound) {
  scheduler_cache c;
  c.upsert_node(simnode_test::node("a", "1"));
  pod_constraints pc;
  pod_demand half{.fit = {500, 0, 1}, .score = {500, 0, 1}};
  EXPECT_EQ(c.schedule({"default", "p1"}, "u1", pc, half).node, "a");
  EXPECT_EQ(c.schedule({"default", "p2"}, "u2", pc, half).node, "a");
  EXPECT_EQ(c.schedule({"default", "p3"}, "u3", pc, half).node, "");  // no overcommit before any event
  EXPECT_TRUE(c.is_assumed({"default", "p1"}, "u1"));

  // A late event of p1 still unbound keeps the assumption; the bound one confirms it.
  object p1 = simnode_test::pod_requesting("p1", "500m", "0");
  p1.set_uid("u1");
  EXPECT_FALSE(c.upsert_pod(p1));
  EXPECT_EQ(c.usage("a").fit.cpu_milli, 1000);
  p1.data()["spec"]["nodeName"] = "a";
  EXPECT_FALSE(c.upsert_pod(p1));
  EXPECT_FALSE(c.is_assumed({"default", "p1"}, "u1"));
  EXPECT_EQ(c.usage("a").fit.cpu_milli, 1000);

  // A failed binding gives the room back; so does a Pod that ends.
  c.forget({"default", "p2"}, "u2");
  EXPECT_EQ(c.usage("a").fit.cpu_milli, 500);
  p1.data()["status"]["phase"] = "Succeeded";
  EXPECT_TRUE(c.upsert_pod(p1));
  EXPECT_EQ(c.usage("a").fit.pods, 0);
}

TEST(SchedulerCache, LeastAllocatedWinsAndTiesGoByName) {
  scheduler_cache c;
  for (const char* n : {"c", "a", "b"}) c.upsert_node(simnode_test::node(n));
  pod_constraints pc;
  pod_demand d{.fit = {0, 0, 1}, .score = {100, 200LL << 20, 1}};
  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i) order.push_back(c.schedule({"default", "p" + std::to_string(i)}, "u", pc, d).node);
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "a", "b", "c"}));
}

}  // namespace
