// The Deployment controller's status: counts from the ReplicaSets, the Available and
// Progressing conditions with kube's reasons and messages, the progress deadline on
// the fake clock, minReadySeconds, API errors, and writing only what changed.
#include <gtest/gtest.h>

#include <atomic>

#include "deployment_test_env.hpp"

namespace {

using namespace deploy_test;

std::string new_rs_name(env& e) { return std::string(e.replicasets().back()->name()); }

std::size_t status_writes(env& e) {
  std::size_t n = 0;
  for (const auto& a : e.fc->actions()) {
    if (a.verb == "update" && a.subresource == "status" && a.resource.resource == "deployments") ++n;
  }
  return n;
}

TEST(DeploymentStatus, CountsComeFromTheReplicaSets) {
  env e({deployment("web", 4)});  // surge 1, unavailable 1
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.settle();
  ASSERT_EQ(e.sizes(), (std::vector<std::int64_t>{3, 2}));
  auto rss = e.replicasets();
  e.set_rs_status(std::string(rss[0]->name()), 3, 3, 3);
  e.set_rs_status(std::string(rss[1]->name()), 2, 1, 0);
  e.settle();
  auto d = e.deploy();
  EXPECT_EQ(int_at(*d, "status.observedGeneration"), d->generation());
  EXPECT_EQ(int_at(*d, "status.replicas"), 5);
  EXPECT_EQ(int_at(*d, "status.updatedReplicas"), 2);
  EXPECT_EQ(int_at(*d, "status.readyReplicas"), 4);
  EXPECT_EQ(int_at(*d, "status.availableReplicas"), 3);
  EXPECT_EQ(int_at(*d, "status.unavailableReplicas"), 2);  // 5 asked for, 3 available
  auto avail = condition(*d, "Available");
  EXPECT_EQ(avail.value("status", ""), "True");  // 3 >= 4 - 1
  EXPECT_EQ(avail.value("reason", ""), "MinimumReplicasAvailable");
  EXPECT_EQ(avail.value("message", ""), "Deployment has minimum availability.");
  auto prog = condition(*d, "Progressing");
  EXPECT_EQ(prog.value("status", ""), "True");
  EXPECT_EQ(prog.value("reason", ""), "ReplicaSetUpdated");
  EXPECT_EQ(prog.value("message", ""), "ReplicaSet \"" + std::string(rss[1]->name()) + "\" is progressing.");
}

TEST(DeploymentStatus, AvailableIsFalseBelowTheMinimum) {
  env e({deployment("web", 4)});
  e.start();
  e.settle();
  e.set_rs_status(new_rs_name(e), 4, 2, 2);
  e.settle();
  auto avail = condition(*e.deploy(), "Available");
  EXPECT_EQ(avail.value("status", ""), "False");
  EXPECT_EQ(avail.value("reason", ""), "MinimumReplicasUnavailable");
  EXPECT_EQ(avail.value("message", ""), "Deployment does not have minimum availability.");
  EXPECT_EQ(int_at(*e.deploy(), "status.unavailableReplicas"), 2);
}

TEST(DeploymentStatus, ACompleteRolloutHasSuccessfullyProgressed) {
  env e({deployment("web", 3)});
  e.start();
  e.roll_to_completion();
  auto d = e.deploy();
  auto prog = condition(*d, "Progressing");
  EXPECT_EQ(prog.value("status", ""), "True");
  EXPECT_EQ(prog.value("reason", ""), "NewReplicaSetAvailable");
  EXPECT_EQ(prog.value("message", ""), "ReplicaSet \"" + new_rs_name(e) + "\" has successfully progressed.");
  EXPECT_EQ(condition(*d, "Available").value("status", ""), "True");
  EXPECT_EQ(int_at(*d, "status.replicas"), 3);
  EXPECT_EQ(int_at(*d, "status.updatedReplicas"), 3);
  EXPECT_EQ(int_at(*d, "status.availableReplicas"), 3);
  EXPECT_FALSE(d->at_path("status.unavailableReplicas"));  // 0 is left out, as kube's omitempty does
  EXPECT_TRUE(prog.contains("lastUpdateTime"));
  EXPECT_TRUE(prog.contains("lastTransitionTime"));
}

TEST(DeploymentStatus, ProgressDeadlineExceededOnceTheDeadlinePassesWithoutProgress) {
  object d = deployment("web", 2);
  d.data()["spec"]["progressDeadlineSeconds"] = 60;
  env e({d});
  e.start();
  e.settle();
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "NewReplicaSetCreated");

  e.clk.advance(30s);  // a sync halfway through finds no timeout yet
  e.modify_deploy([](object& o) { o.set_annotation("poke", "1"); });
  e.settle();
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "NewReplicaSetCreated");

  e.clk.advance(31s);  // past the deadline: the requeue it asked for comes due
  ASSERT_TRUE(eventually(
      [&] { return condition(*e.deploy(), "Progressing").value("reason", "") == "ProgressDeadlineExceeded"; }));
  auto prog = condition(*e.deploy(), "Progressing");
  EXPECT_EQ(prog.value("status", ""), "False");
  EXPECT_EQ(prog.value("message", ""), "ReplicaSet \"" + new_rs_name(e) + "\" has timed out progressing.");

  e.all_available();  // late progress still completes the rollout
  ASSERT_TRUE(eventually(
      [&] { return condition(*e.deploy(), "Progressing").value("reason", "") == "NewReplicaSetAvailable"; }));
}

TEST(DeploymentStatus, ProgressMovesTheDeadline) {
  object d = deployment("web", 4);
  d.data()["spec"]["progressDeadlineSeconds"] = 60;
  env e({d});
  e.start();
  e.settle();
  e.clk.advance(50s);
  e.set_rs_status(new_rs_name(e), 4, 2, 2);  // progress at 50 s
  e.settle();
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "ReplicaSetUpdated");
  e.clk.advance(20s);  // 70 s after creation, 20 s after the progress
  e.modify_deploy([](object& o) { o.set_annotation("poke", "1"); });
  e.settle();
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "ReplicaSetUpdated");
  e.clk.advance(45s);
  ASSERT_TRUE(eventually(
      [&] { return condition(*e.deploy(), "Progressing").value("reason", "") == "ProgressDeadlineExceeded"; }));
}

TEST(DeploymentStatus, MinReadySecondsIsPassedOnAndWaitedForWithARequeue) {
  object d = deployment("web", 3);
  d.data()["spec"]["minReadySeconds"] = 10;
  env e({d});
  e.start();
  e.settle();
  EXPECT_EQ(int_at(*e.replicasets()[0], "spec.minReadySeconds"), 10);
  e.set_rs_status(new_rs_name(e), 3, 3, 0);  // ready, not yet available
  e.settle();
  auto before = e.ctrl->stats().reconciles;
  auto a = e.ctrl->queue().activity();
  ASSERT_TRUE(a.next_ready_at);
  EXPECT_LE(*a.next_ready_at, e.clk.now() + 10s);
  e.clk.advance(10s);
  ASSERT_TRUE(eventually([&] { return e.ctrl->stats().reconciles > before; }));
}

TEST(DeploymentStatus, StatusIsWrittenOnlyWhenItChanges) {
  env e({deployment("web", 3)});
  e.start();
  e.roll_to_completion();
  auto writes = status_writes(e);
  for (int i = 0; i < 3; ++i) {
    e.modify_deploy([&](object& o) { o.set_label("poke", std::to_string(i)); });  // syncs with nothing new
    e.settle();
  }
  EXPECT_EQ(status_writes(e), writes);
  EXPECT_EQ(int_at(*e.deploy(), "status.observedGeneration"), e.deploy()->generation());
}

TEST(DeploymentStatus, ObservedGenerationFollowsTheSpec) {
  env e({deployment("web", 3)});
  e.start();
  e.roll_to_completion();
  e.modify_deploy([](object& o) { o.data()["spec"]["replicas"] = 4; });
  e.settle();
  auto d = e.deploy();
  EXPECT_EQ(d->generation(), 2);
  EXPECT_EQ(int_at(*d, "status.observedGeneration"), 2);
}

TEST(DeploymentStatus, AFailedCreateIsRetried) {
  env e({deployment("web", 2)});
  std::atomic<int> failures{0};
  e.fc->add_reactor("create", "replicasets", [&](const ktk::fakeclient::action&) -> std::optional<ktk::fakeclient::reaction> {
    if (failures.fetch_add(1) >= 3) return std::nullopt;
    return ktk::fakeclient::reaction{.error = ktk::api_error::internal("etcd is down")};
  });
  e.start();
  ASSERT_TRUE(eventually([&] { return e.replicasets().size() == 1; }));
  EXPECT_GE(failures.load(), 4);
  e.roll_to_completion();  // progress replaces the error condition
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "NewReplicaSetAvailable");
}

TEST(DeploymentStatus, AFailedCreateSetsReplicaSetCreateError) {
  env e({deployment("web", 2)});
  e.fc->add_reactor("create", "replicasets", [](const ktk::fakeclient::action&) -> std::optional<ktk::fakeclient::reaction> {
    return ktk::fakeclient::reaction{.error = ktk::api_error::internal("etcd is down")};
  });
  e.start();
  ASSERT_TRUE(eventually(
      [&] { return condition(*e.deploy(), "Progressing").value("reason", "") == "ReplicaSetCreateError"; }));
  auto msg = condition(*e.deploy(), "Progressing").value("message", "");
  EXPECT_NE(msg.find("Failed to create new replica set \"web-"), std::string::npos) << msg;
  EXPECT_NE(msg.find("etcd is down"), std::string::npos) << msg;
}

}  // namespace
