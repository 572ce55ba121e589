// The Deployment controller: Recreate, paused Deployments, and rollback (the
// deprecated annotation, and a template patched back as `kubectl rollout undo` does).
#include <gtest/gtest.h>

#include "deployment_test_env.hpp"

namespace {

using namespace deploy_test;

object recreate(const std::string& name, int replicas) {
  object d = deployment(name, replicas);
  d.data()["spec"]["strategy"] = {{"type", "Recreate"}};
  return d;
}

// A Pod of rs, as the ReplicaSet controller would create it.
object pod_of(const object& rs, const std::string& name) {
  object p(json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"namespace", "default"}, {"name", name}, {"labels", *rs.at_path("spec.template.metadata.labels")}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}});
  p.set_owner_references({{.api_version = "apps/v1",
                           .kind = "ReplicaSet",
                           .name = std::string(rs.name()),
                           .uid = std::string(rs.uid()),
                           .controller = true,
                           .block_owner_deletion = true}});
  return p;
}

TEST(DeploymentRecreate, OldReplicaSetsGoToZeroAndTheirPodsEndBeforeTheNewOneIsCreated) {
  env e({recreate("web", 3)});
  e.start();
  e.settle();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(int_at(*rss[0], "spec.replicas"), 3);  // Recreate: the full size at once
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(e.fc->create(pod_of(*rss[0], "web-pod-" + std::to_string(i))));
  e.all_available();
  e.settle();

  e.set_image("nginx:1.26");
  e.settle();
  rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u) << "no new ReplicaSet while old ones have replicas";
  EXPECT_EQ(int_at(*rss[0], "spec.replicas"), 0);

  e.set_rs_status(std::string(rss[0]->name()), 0, 0, 0);  // the ReplicaSet reports no Pods ...
  e.settle();
  EXPECT_EQ(e.replicasets().size(), 1u) << "... but its Pods still run";

  ktk::client::delete_options now{.grace_period_seconds = 0};
  ASSERT_TRUE(e.fc->remove(ktk::sim::pod_kind, {"default", "web-pod-0"}, now));
  ASSERT_TRUE(e.fc->remove(ktk::sim::pod_kind, {"default", "web-pod-1"}, now));
  e.settle();
  EXPECT_EQ(e.replicasets().size(), 1u) << "one old Pod still runs";

  e.modify(ktk::sim::pod_kind, "web-pod-2", [](object& p) { p.data()["status"] = {{"phase", "Succeeded"}}; }, true);
  ASSERT_TRUE(eventually([&] { return e.replicasets().size() == 2; }));
  e.settle();
  rss = e.replicasets();
  EXPECT_EQ(image_of(*rss[1]), "nginx:1.26");
  EXPECT_EQ(int_at(*rss[1], "spec.replicas"), 3);
  EXPECT_EQ(int_at(*rss[0], "spec.replicas"), 0);
}

TEST(DeploymentRecreate, ScalesTheNewReplicaSetAndReportsCompletion) {
  env e({recreate("web", 2)});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:1.26");
  e.roll_to_completion();
  auto d = e.deploy();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(condition(*d, "Progressing").value("reason", ""), "NewReplicaSetAvailable");
  EXPECT_EQ(d->annotation(revision_key), "2");
}

TEST(DeploymentPaused, NoRolloutWhilePausedOnlyScaling) {
  env e({deployment("web", 3)});
  e.start();
  e.roll_to_completion();
  e.modify_deploy([](object& o) { o.data()["spec"]["paused"] = true; });
  e.settle();
  auto prog = condition(*e.deploy(), "Progressing");
  EXPECT_EQ(prog.value("status", ""), "Unknown");
  EXPECT_EQ(prog.value("reason", ""), "DeploymentPaused");
  EXPECT_EQ(prog.value("message", ""), "Deployment is paused");

  e.set_image("nginx:1.26");
  e.settle();
  EXPECT_EQ(e.replicasets().size(), 1u);
  EXPECT_EQ(e.deploy()->annotation(revision_key), "1");

  e.modify_deploy([](object& o) { o.data()["spec"]["replicas"] = 5; });
  e.settle();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{5}));

  e.modify_deploy([](object& o) { o.data()["spec"]["paused"] = false; });
  e.settle();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 2u);
  EXPECT_EQ(image_of(*rss[1]), "nginx:1.26");
  EXPECT_NE(condition(*e.deploy(), "Progressing").value("reason", ""), "DeploymentPaused");
  e.roll_to_completion();
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 5}));
}

// v1, v2 (and v3 when asked), each rolled out.
void history(env& e, int versions) {
  e.start();
  e.roll_to_completion();
  for (int v = 2; v <= versions; ++v) {
    e.set_image("nginx:v" + std::to_string(v));
    e.roll_to_completion();
  }
}

TEST(DeploymentRollback, AnnotationZeroRollsBackToThePreviousRevision) {
  env e({deployment("web", 2, "nginx:v1")});
  history(e, 2);
  e.modify_deploy([](object& o) { o.set_annotation("deprecated.deployment.rollback.to", "0"); });
  e.roll_to_completion();
  auto d = e.deploy();
  EXPECT_EQ(image_of(*d), "nginx:v1");
  EXPECT_FALSE(d->annotation("deprecated.deployment.rollback.to"));
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 2u);  // the v1 ReplicaSet is the new one again
  EXPECT_EQ(image_of(*rss[1]), "nginx:v1");
  EXPECT_EQ(rss[1]->annotation(revision_key), "3");
  EXPECT_EQ(rss[1]->annotation("deployment.kubernetes.io/revision-history"), "1");
  EXPECT_EQ(d->annotation(revision_key), "3");
  EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 2}));
}

TEST(DeploymentRollback, AnnotationRollsBackToAGivenRevision) {
  env e({deployment("web", 2, "nginx:v1")});
  history(e, 3);
  e.modify_deploy([](object& o) { o.set_annotation("deprecated.deployment.rollback.to", "1"); });
  e.roll_to_completion();
  auto d = e.deploy();
  EXPECT_EQ(image_of(*d), "nginx:v1");
  EXPECT_EQ(d->annotation(revision_key), "4");
  EXPECT_EQ(e.replicasets().size(), 3u);
}

TEST(DeploymentRollback, AnUnknownRevisionOnlyClearsTheAnnotation) {
  env e({deployment("web", 2, "nginx:v1")});
  history(e, 2);
  e.modify_deploy([](object& o) { o.set_annotation("deprecated.deployment.rollback.to", "7"); });
  ASSERT_TRUE(eventually([&] { return !e.deploy()->annotation("deprecated.deployment.rollback.to"); }));
  e.settle();
  EXPECT_EQ(image_of(*e.deploy()), "nginx:v2");
  EXPECT_EQ(e.replicasets().size(), 2u);
  EXPECT_EQ(e.deploy()->annotation(revision_key), "2");
}

TEST(DeploymentRollback, PatchingTheTemplateBackReusesTheOldReplicaSet) {
  env e({deployment("web", 2, "nginx:v1")});
  history(e, 2);
  e.set_image("nginx:v1");  // what `kubectl rollout undo` does
  e.roll_to_completion();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 2u);
  EXPECT_EQ(image_of(*rss[1]), "nginx:v1");
  EXPECT_EQ(rss[1]->annotation(revision_key), "3");
  EXPECT_EQ(rss[1]->annotation("deployment.kubernetes.io/revision-history"), "1");
}

}  // namespace
