// The Deployment controller: revisionHistoryLimit, adoption and release of
// ReplicaSets by selector, and pod-template-hash collisions.
#include <gtest/gtest.h>

#include "deployment_test_env.hpp"

namespace {

using namespace deploy_test;

// A ReplicaSet with the Deployment's labels (or others) and no owner.
object loose_rs(const std::string& name, const std::string& app, const std::string& image, int replicas = 0) {
  json labels = {{"app", app}, {"pod-template-hash", "x"}};
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "ReplicaSet"},
                     {"metadata", {{"namespace", "default"}, {"name", name}, {"labels", labels}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"selector", {{"matchLabels", labels}}},
                       {"template",
                        {{"metadata", {{"labels", labels}}},
                         {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}}}}});
}

TEST(DeploymentHistory, OldEmptyReplicaSetsBeyondTheLimitAreDeletedOldestFirst) {
  object d = deployment("web", 2, "nginx:v1");
  d.data()["spec"]["revisionHistoryLimit"] = 1;
  env e({d});
  e.start();
  e.roll_to_completion();
  for (int v = 2; v <= 4; ++v) {
    e.set_image("nginx:v" + std::to_string(v));
    e.roll_to_completion();
  }
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 2u);  // the new one and one old
  EXPECT_EQ(rss[0]->annotation(revision_key), "3");
  EXPECT_EQ(rss[1]->annotation(revision_key), "4");
  EXPECT_EQ(image_of(*rss[0]), "nginx:v3");
}

TEST(DeploymentHistory, NoCleanupUntilTheReplicaSetControllerSawTheScaleDown) {
  object d = deployment("web", 2, "nginx:v1");
  d.data()["spec"]["revisionHistoryLimit"] = 0;
  env e({d});
  e.start();
  e.roll_to_completion();
  e.set_image("nginx:v2");
  // Every Pod available at once, but the old ReplicaSet's status is from before its
  // last scale (observedGeneration behind).
  auto report = [&] {
    auto rss = e.replicasets();
    for (std::size_t i = 0; i < rss.size(); ++i) {
      bool old = i + 1 < rss.size();
      e.modify(
          ktk::sim::replicaset_kind, std::string(rss[i]->name()),
          [&](object& o) {
            auto n = int_at(o, "spec.replicas");
            o.data()["status"] = {{"replicas", n},
                                  {"readyReplicas", n},
                                  {"availableReplicas", n},
                                  {"observedGeneration", old ? o.generation() - 1 : o.generation()}};
          },
          true);
    }
  };
  for (int step = 0; step < 20 && e.sizes() != std::vector<std::int64_t>{0, 2}; ++step) {
    e.settle();
    report();
    e.settle();
  }
  report();  // the last sizes, reported
  e.settle();
  ASSERT_EQ(e.sizes(), (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(condition(*e.deploy(), "Progressing").value("reason", ""), "NewReplicaSetAvailable");
  EXPECT_EQ(e.replicasets().size(), 2u);  // complete, but the old one's controller is behind
  e.all_available();                      // now it has caught up
  ASSERT_TRUE(eventually([&] { return e.replicasets().size() == 1; }));
  EXPECT_EQ(image_of(*e.replicasets()[0]), "nginx:v2");
}

TEST(DeploymentAdoption, AnOrphanMatchingTheSelectorIsAdopted) {
  env e({deployment("web", 2), loose_rs("web-old", "web", "nginx:1.0")});
  e.start();
  e.settle();
  auto old = e.get(ktk::sim::replicaset_kind, "web-old");
  auto ref = old->controller_ref();
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->uid, e.deploy()->uid());
  EXPECT_EQ(ref->controller, true);
  EXPECT_EQ(ref->block_owner_deletion, true);
  EXPECT_EQ(e.replicasets().size(), 2u);
}

TEST(DeploymentAdoption, AnOrphanCreatedLaterIsAdoptedAndOthersAreLeftAlone) {
  env e({deployment("web", 2)});
  e.start();
  e.settle();
  ASSERT_TRUE(e.fc->create(loose_rs("web-late", "web", "nginx:1.0")));
  ASSERT_TRUE(e.fc->create(loose_rs("other", "other", "nginx:1.0")));
  ASSERT_TRUE(eventually([&] { return e.get(ktk::sim::replicaset_kind, "web-late")->controller_ref().has_value(); }));
  e.settle();
  EXPECT_FALSE(e.get(ktk::sim::replicaset_kind, "other")->controller_ref());
}

TEST(DeploymentAdoption, AnOrphanWithTheTemplateBecomesTheNewReplicaSet) {
  env e({deployment("web", 2)});
  object rs = loose_rs("web-adopted", "web", "nginx:1.25", 2);
  rs.data()["spec"]["template"] = *e.deploy()->at_path("spec.template");  // the Deployment's, defaults and all
  rs.data()["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = "x";
  ASSERT_TRUE(e.fc->create(std::move(rs)));
  e.start();
  e.settle();
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u);  // found, not created
  EXPECT_EQ(rss[0]->name(), "web-adopted");
  EXPECT_EQ(rss[0]->annotation(revision_key), "1");
}

TEST(DeploymentAdoption, AReplicaSetThatNoLongerMatchesIsReleased) {
  env e({deployment("web", 2)});
  auto tmpl = *e.deploy()->at_path("spec.template");
  e.start();
  e.roll_to_completion();
  auto first = e.replicasets()[0];
  std::string name(first->name());
  e.modify(ktk::sim::replicaset_kind, name, [](object& o) { o.set_label("app", "other"); });
  ASSERT_TRUE(eventually([&] { return !e.get(ktk::sim::replicaset_kind, name)->controller_ref(); }));
  e.settle();
  // Its name is the template's: the replacement collides and takes the next hash.
  auto d = e.deploy();
  EXPECT_EQ(int_at(*d, "status.collisionCount"), 1);
  auto rss = e.replicasets();
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(rss[0]->name(), "web-" + ktk::sim::pod_template_hash(tmpl, 1));
}

TEST(DeploymentAdoption, AHashCollisionBumpsCollisionCount) {
  env e({deployment("web", 2)});
  auto tmpl = *e.deploy()->at_path("spec.template");
  std::string taken = "web-" + ktk::sim::pod_template_hash(tmpl);
  ASSERT_TRUE(e.fc->create(loose_rs(taken, "unrelated", "busybox")));
  e.start();
  ASSERT_TRUE(eventually([&] { return e.replicasets().size() == 1; }));
  e.settle();
  EXPECT_EQ(int_at(*e.deploy(), "status.collisionCount"), 1);
  EXPECT_EQ(e.replicasets()[0]->name(), "web-" + ktk::sim::pod_template_hash(tmpl, 1));
  EXPECT_FALSE(e.get(ktk::sim::replicaset_kind, taken)->controller_ref());
}

}  // namespace
