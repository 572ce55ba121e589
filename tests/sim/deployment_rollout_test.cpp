// The Deployment controller: the new ReplicaSet, RollingUpdate within maxSurge and
// maxUnavailable at every step, and proportional scaling. The test plays the
// ReplicaSet controller by writing ReplicaSet status.
#include <gtest/gtest.h>

#include <atomic>

#include "deployment_test_env.hpp"

namespace {

using namespace deploy_test;

object rolling(const std::string& name, int replicas, json surge, json unavailable) {
  object d = deployment(name, replicas);
  d.data()["spec"]["strategy"] = {{"type", "RollingUpdate"},
                                  {"rollingUpdate", {{"maxSurge", surge}, {"maxUnavailable", unavailable}}}};
  return d;
}

// At most max_total Pods asked for, and at least min_available of those available
// (a ReplicaSet scaled below its available count keeps only as many).
void expect_bounds(env& e, std::int64_t max_total, std::int64_t min_available) {
  std::int64_t total = 0, available = 0;
  for (const auto& rs : e.replicasets()) {
    auto spec = int_at(*rs, "spec.replicas");
    total += spec;
    available += std::min(spec, int_at(*rs, "status.availableReplicas"));
  }
  EXPECT_LE(total, max_total);
  EXPECT_GE(available, min_available);
}

// Steps the rollout: every Pod asked for becomes available at once, then the
// controller acts; the bounds must hold after each of its moves.
void roll_checking_bounds(env& e, std::int64_t max_total, std::int64_t min_available) {
  for (int step = 0; step < 40; ++step) {
    e.settle();
    expect_bounds(e, max_total, min_available);
    auto rss = e.replicasets();
    auto d = e.deploy();
    bool done = int_at(*rss.back(), "spec.replicas") == int_at(*d, "spec.replicas");
    for (std::size_t i = 0; i + 1 < rss.size(); ++i) done = done && int_at(*rss[i], "spec.replicas") == 0;
    if (done) return;
    e.all_available();
  }
  FAIL() << "the rollout did not finish";
}

TEST(DeploymentRollout, NewDeploymentGetsAReplicaSetNamedByItsTemplateHash) {
  env e({deployment("web", 3)});
  auto tmpl = *e.deploy()->at_path("spec.template");
  e.start();
  e.settle();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u);
  const auto& rs = *rss[0];
  std::string hash = ktk::sim::pod_template_hash(tmpl);
  EXPECT_EQ(rs.name(), "web-" + hash);
  EXPECT_EQ(rs.label("pod-template-hash"), hash);
  EXPECT_EQ(rs.label("app"), "web");
  EXPECT_EQ(str_at(rs, "spec.selector.matchLabels.pod-template-hash"), hash);
  EXPECT_EQ(str_at(rs, "spec.selector.matchLabels.app"), "web");
  EXPECT_EQ(rs.at_path("spec.template.metadata.labels")->value("pod-template-hash", ""), hash);
  EXPECT_EQ(int_at(rs, "spec.replicas"), 3);
  auto ref = rs.controller_ref();
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, "Deployment");
  EXPECT_EQ(ref->name, "web");
  EXPECT_EQ(ref->uid, e.deploy()->uid());
  EXPECT_EQ(ref->block_owner_deletion, true);
  EXPECT_EQ(rs.annotation(revision_key), "1");
  EXPECT_EQ(rs.annotation("deployment.kubernetes.io/desired-replicas"), "3");
  EXPECT_EQ(rs.annotation("deployment.kubernetes.io/max-replicas"), "4");  // 3 + ceil(25% of 3)
  auto d = e.deploy();
  EXPECT_EQ(d->annotation(revision_key), "1");
  auto prog = condition(*d, "Progressing");
  EXPECT_EQ(prog.value("reason", ""), "NewReplicaSetCreated");
  EXPECT_EQ(prog.value("message", ""), "Created new replica set \"web-" + hash + "\"");
}

TEST(DeploymentRollout, RollingUpdateStaysWithinSurgeAndUnavailableAtEveryStep) {
  env e({rolling("web", 10, 3, 2)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  // 3 surge Pods, 2 old ones go (10 - 2 available is the floor), 2 new ones replace them.
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));
  roll_checking_bounds(e, 13, 8);
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 2u);
  EXPECT_EQ(image_of(*rss[1]), "nginx:1.26");
  EXPECT_EQ(rss[1]->annotation(revision_key), "2");
  EXPECT_EQ(e.deploy()->annotation(revision_key), "2");
}

TEST(DeploymentRollout, PercentagesRoundSurgeUpAndUnavailableDown) {
  env e({rolling("web", 10, "25%", "25%")});  // surge ceil(2.5) = 3, unavailable floor(2.5) = 2
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));
  roll_checking_bounds(e, 13, 8);
}

TEST(DeploymentRollout, DefaultsAre25PercentEach) {
  env e({deployment("web", 4)});  // surge 1, unavailable 1
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{3, 2}));
  roll_checking_bounds(e, 5, 3);
}

TEST(DeploymentRollout, MaxUnavailableZeroKeepsEveryReplicaAvailable) {
  env e({rolling("web", 3, 1, 0)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{3, 1}));  // nothing goes before the new Pod is up
  roll_checking_bounds(e, 4, 3);
}

TEST(DeploymentRollout, FencepostsBothZeroAfterRoundingAllowOneUnavailable) {
  env e({rolling("web", 3, 0, "10%")});  // floor(0.3) = 0 and no surge: one may go
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{2, 1}));
  roll_checking_bounds(e, 3, 2);
}

TEST(DeploymentRollout, NewPodsThatNeverBecomeAvailableStopTheRollout) {
  env e({rolling("web", 10, 3, 2)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:broken");
  for (int i = 0; i < 3; ++i) {
    e.settle();
    auto rss = e.replicasets();
    e.set_rs_status(std::string(rss[0]->name()), int_at(*rss[0], "spec.replicas"), int_at(*rss[0], "spec.replicas"),
                    int_at(*rss[0], "spec.replicas"));
    e.set_rs_status(std::string(rss[1]->name()), int_at(*rss[1], "spec.replicas"), 0, 0);
  }
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));  // 13 in all, 8 available: stuck
  auto d = e.deploy();
  EXPECT_EQ(int_at(*d, "status.availableReplicas"), 8);
  EXPECT_EQ(int_at(*d, "status.unavailableReplicas"), 5);
  EXPECT_EQ(condition(*d, "Available").value("status", ""), "True");  // 8 >= 10 - 2
}

TEST(DeploymentRollout, UnhealthyOldReplicasAreScaledDownFirst) {
  env e({rolling("web", 10, 3, 2)});
  e.start();
  e.settle();
  auto first = e.replicasets()[0];
  e.set_rs_status(std::string(first->name()), 10, 5, 5);  // 5 old Pods are not available
  e.settle();
  e.set_image("nginx:1.26");
  e.settle();
  // Below minAvailable no available Pod may go, but unavailable ones may: 2 of them
  // (without that the old ReplicaSet would keep 10 and the new one stay at 3).
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));
}

TEST(DeploymentRollout, ScalingASettledDeploymentScalesItsOnlyReplicaSet) {
  env e({deployment("web", 3)});
  e.start();
  e.roll_to_completion();
  e.modify_deploy([](object& o) { o.data()["spec"]["replicas"] = 5; });
  e.settle();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(int_at(*rss[0], "spec.replicas"), 5);
  EXPECT_EQ(rss[0]->annotation("deployment.kubernetes.io/desired-replicas"), "5");
  EXPECT_EQ(rss[0]->annotation("deployment.kubernetes.io/max-replicas"), "7");  // 5 + ceil(1.25)
}

TEST(DeploymentRollout, ScalingMidRolloutIsProportional) {
  env e({rolling("web", 10, 3, 2)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:broken");
  for (int i = 0; i < 3; ++i) {
    e.settle();
    auto rss = e.replicasets();
    auto n0 = int_at(*rss[0], "spec.replicas"), n1 = int_at(*rss[1], "spec.replicas");
    e.set_rs_status(std::string(rss[0]->name()), n0, n0, n0);
    e.set_rs_status(std::string(rss[1]->name()), n1, 0, 0);
  }
  e.settle();
  ASSERT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));
  e.modify_deploy([](object& o) { o.data()["spec"]["replicas"] = 15; });
  e.settle();
  // 5 more (18 allowed, 13 there): 8 * 18/13 -> +3 to the old, +2 to the new, as kube's docs say.
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{11, 7}));
  for (const auto& rs : e.replicasets()) {
    EXPECT_EQ(rs->annotation("deployment.kubernetes.io/desired-replicas"), "15");
    EXPECT_EQ(rs->annotation("deployment.kubernetes.io/max-replicas"), "18");
  }
  // Down, paused (so that only scaling happens): 10 fewer (8 allowed, 18 there).
  e.modify_deploy([](object& o) {
    o.data()["spec"]["replicas"] = 5;
    o.data()["spec"]["paused"] = true;
  });
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{5, 3}));  // 11 * 8/18 -> 5, 7 * 8/18 -> 3
}

TEST(DeploymentRollout, ScalingToZeroMidRolloutEmptiesEveryReplicaSet) {
  env e({rolling("web", 10, 3, 2)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:broken");
  e.settle();
  ASSERT_EQ(e.sizes(), (std::vector<std::int64_t>{8, 5}));
  e.modify_deploy([](object& o) { o.data()["spec"]["replicas"] = 0; });
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 0}));
}

TEST(DeploymentRollout, ConvergesThroughInjectedApiErrors) {
  env e({rolling("web", 6, 2, 1)});
  std::atomic<int> calls{0};
  // Every third write of the controller fails (not the test's own status writes).
  auto every_third = [&](const ktk::fakeclient::action& a) -> std::optional<ktk::fakeclient::reaction> {
    if (!a.subresource.empty() || calls.fetch_add(1) % 3 != 0) return std::nullopt;
    return ktk::fakeclient::reaction{.error = ktk::api_error::internal("injected")};
  };
  e.fc->add_reactor("update", "replicasets", every_third);
  e.fc->add_reactor("create", "replicasets", every_third);
  e.fc->add_reactor("patch", "deployments", every_third);
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  roll_checking_bounds(e, 8, 5);
  e.roll_to_completion();
  EXPECT_GT(e.ctrl->stats().errors, 0u);
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 6}));
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "NewReplicaSetAvailable");
}

}  // namespace
