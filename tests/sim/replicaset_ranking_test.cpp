// Which Pods a ReplicaSet deletes first (kube's ActivePodsWithRanks).
#include "../../sim/src/replicaset/pod_ranking.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ktk/sim/kinds.hpp"

namespace {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
using ktk::sim::detail::delete_before;
using ktk::sim::detail::pods_to_delete;

const ktk::core::clock::time_point t0 = ktk::core::parse_rfc3339("2024-01-01T00:00:00Z").value();

struct pod_spec {
  std::string name{};
  std::string node{};
  std::string phase = "Running";
  std::optional<ktk::core::clock::time_point> ready_since{};  // ready when set
  int restarts = 0;
  ktk::core::clock::time_point created = t0;
  std::optional<std::string> cost{};
};

object_ptr make(const pod_spec& s) {
  object o("v1", "Pod");
  o.set_namespace("default");
  o.set_name(s.name);
  o.set_creation_timestamp(ktk::core::format_rfc3339(s.created));
  if (s.cost) o.set_annotation(ktk::sim::detail::pod_deletion_cost_annotation, *s.cost);
  if (!s.node.empty()) o.data()["spec"]["nodeName"] = s.node;
  o.data()["status"]["phase"] = s.phase;
  o.data()["status"]["containerStatuses"] = json::array({{{"name", "c"}, {"restartCount", s.restarts}}});
  ktk::sim::set_condition(o, "Ready", s.ready_since ? "True" : "False", "", "", s.ready_since.value_or(t0));
  return ktk::core::make_object_ptr(std::move(o));
}

bool before(const pod_spec& a, const pod_spec& b) { return delete_before(*make(a), 0, *make(b), 0); }

TEST(ReplicaSetRanking, UnassignedBeforeAssigned) {
  EXPECT_TRUE(before({.name = "a", .phase = "Pending"}, {.name = "b", .node = "n1", .phase = "Pending"}));
  EXPECT_FALSE(before({.name = "b", .node = "n1", .phase = "Pending"}, {.name = "a", .phase = "Pending"}));
}

TEST(ReplicaSetRanking, PendingBeforeUnknownBeforeRunning) {
  EXPECT_TRUE(before({.name = "a", .node = "n", .phase = "Pending"}, {.name = "b", .node = "n", .phase = "Unknown"}));
  EXPECT_TRUE(before({.name = "a", .node = "n", .phase = "Unknown"}, {.name = "b", .node = "n", .phase = "Running"}));
}

TEST(ReplicaSetRanking, NotReadyBeforeReadyAndShorterReadyFirst) {
  EXPECT_TRUE(before({.name = "a", .node = "n"}, {.name = "b", .node = "n", .ready_since = t0}));
  EXPECT_TRUE(before({.name = "a", .node = "n", .ready_since = t0 + 1h}, {.name = "b", .node = "n", .ready_since = t0}));
}

TEST(ReplicaSetRanking, DeletionCostThenRestartsThenNewest) {
  EXPECT_TRUE(before({.name = "a", .node = "n", .cost = "-5"}, {.name = "b", .node = "n"}));
  EXPECT_FALSE(before({.name = "a", .node = "n", .cost = "junk"}, {.name = "b", .node = "n"}));
  EXPECT_TRUE(before({.name = "a", .node = "n", .restarts = 3}, {.name = "b", .node = "n", .restarts = 1}));
  EXPECT_TRUE(before({.name = "a", .node = "n", .created = t0 + 1min}, {.name = "b", .node = "n", .created = t0}));
}

TEST(ReplicaSetRanking, DoubledUpNodesFirstAndTheFirstNInOrder) {
  std::vector<object_ptr> pods = {
      make({.name = "old-ready", .node = "n1", .ready_since = t0}),
      make({.name = "crowded", .node = "n2", .ready_since = t0}),
      make({.name = "unassigned", .phase = "Pending"}),
      make({.name = "young-ready", .node = "n1", .ready_since = t0, .created = t0 + 1min}),
  };
  // Two related Pods on n2: its Pod goes before the ones on n1 (one each).
  std::vector<object_ptr> related = {pods[1], make({.name = "sibling", .node = "n2"})};
  auto victims = pods_to_delete(pods, related, 3);
  ASSERT_EQ(victims.size(), 3u);
  EXPECT_EQ(victims[0]->name(), "unassigned");
  EXPECT_EQ(victims[1]->name(), "crowded");
  EXPECT_EQ(victims[2]->name(), "young-ready");
  EXPECT_EQ(pods_to_delete(pods, related, 4).size(), 4u);
}

}  // namespace
