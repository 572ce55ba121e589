// registry namespaces: the defaults, and deletion (Terminating, contents deleted,
// finalizers holding it, then gone).
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class RegistryNamespace : public registry_test {
 protected:
  void make_namespace(const std::string& name) {
    object ns("v1", "Namespace");
    ns.set_name(name);
    must_create(namespaces, "", std::move(ns));
  }
};

TEST_F(RegistryNamespace, DefaultNamespacesExist) {
  std::vector<std::string> names;
  auto all = reg.list(namespaces, "").value();
  for (const auto& n : all.items) names.emplace_back(n->name());
  EXPECT_THAT(names, UnorderedElementsAre("default", "kube-system", "kube-public", "kube-node-lease"));
  auto d = must_get(namespaces, "", "default");
  EXPECT_EQ(d->data()["status"]["phase"], "Active");
  EXPECT_FALSE(d->uid().empty());
}

TEST(RegistryNamespaceOptions, DefaultNamespacesCanBeTurnedOff) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .seed = 1, .create_default_namespaces = false});
  EXPECT_THAT(reg.list(namespaces, "").value().items, IsEmpty());
  EXPECT_TRUE(is_not_found(reg.create(configmaps, "default", configmap("a"))));
}

TEST_F(RegistryNamespace, NewNamespaceIsActiveWithTheKubernetesFinalizer) {
  make_namespace("team");
  auto ns = must_get(namespaces, "", "team");
  EXPECT_EQ(ns->data()["status"]["phase"], "Active");
  ASSERT_TRUE(ns->at_path("spec.finalizers"));
  EXPECT_THAT(ns->at_path("spec.finalizers")->get<std::vector<std::string>>(), Contains("kubernetes"));
}

TEST_F(RegistryNamespace, DeletingANamespaceDeletesItsContentsThenItself) {
  make_namespace("team");
  must_create(configmaps, "team", configmap("a"));
  must_create(deployments, "team", deployment("web"));
  must_create(pods, "team", pod("unscheduled"));
  must_create(configmaps, "default", configmap("outside"));
  auto d = reg.remove(namespaces, {"", "team"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->object->data()["status"]["phase"], "Terminating");
  EXPECT_FALSE(d->object->deletion_timestamp().empty());
  EXPECT_THAT(reg.list(configmaps, "team").value().items, IsEmpty());
  EXPECT_THAT(reg.list(deployments, "team").value().items, IsEmpty());
  EXPECT_THAT(reg.list(pods, "team").value().items, IsEmpty());
  EXPECT_TRUE(is_not_found(reg.get(namespaces, {"", "team"})));
  EXPECT_TRUE(reg.get(configmaps, {"default", "outside"}));
}

TEST_F(RegistryNamespace, AFinalizedPodKeepsTheNamespaceTerminating) {
  make_namespace("team");
  object p = pod("held");
  p.set_finalizers({"example.com/hold"});
  must_create(pods, "team", std::move(p));
  must_create(configmaps, "team", configmap("a"));
  auto d = reg.remove(namespaces, {"", "team"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_FALSE(d->deleted);

  auto ns = must_get(namespaces, "", "team");
  EXPECT_EQ(ns->data()["status"]["phase"], "Terminating");
  EXPECT_FALSE(ns->deletion_timestamp().empty());
  EXPECT_TRUE(is_not_found(reg.get(configmaps, {"team", "a"})));
  auto held = must_get(pods, "team", "held");
  EXPECT_FALSE(held->deletion_timestamp().empty());
  // Deleting it again changes nothing.
  ASSERT_TRUE(reg.remove(namespaces, {"", "team"}));
  EXPECT_EQ(must_get(namespaces, "", "team")->resource_version(), ns->resource_version());

  object release = *held;
  release.set_finalizers({});
  ASSERT_TRUE(reg.update(pods, {"team", "held"}, std::move(release)));
  EXPECT_TRUE(is_not_found(reg.get(pods, {"team", "held"})));
  EXPECT_TRUE(is_not_found(reg.get(namespaces, {"", "team"})));
}

TEST_F(RegistryNamespace, ARunningPodKeepsTheNamespaceUntilItIsGone) {
  make_namespace("team");
  must_create(pods, "team", pod("running", "n1"));
  ASSERT_TRUE(reg.remove(namespaces, {"", "team"}));
  auto p = must_get(pods, "team", "running");
  EXPECT_EQ(p->deletion_grace_period_seconds(), 30);
  EXPECT_EQ(must_get(namespaces, "", "team")->data()["status"]["phase"], "Terminating");
  // The kubelet's final delete.
  ASSERT_TRUE(reg.remove(pods, {"team", "running"}, {.grace_period_seconds = 0}));
  EXPECT_TRUE(is_not_found(reg.get(namespaces, {"", "team"})));
}

// The NamespaceLifecycle admission plugin keeps default, kube-system and kube-public.
TEST_F(RegistryNamespace, ImmortalNamespacesMayNotBeDeleted) {
  for (const char* n : {"default", "kube-system", "kube-public"}) {
    auto got = reg.remove(namespaces, {"", n});
    EXPECT_TRUE(fails_with(got, 403, "Forbidden",
                           "namespaces \"" + std::string(n) + "\" is forbidden: this namespace may not be deleted"))
        << n;
    auto still = reg.get(namespaces, {"", n});
    ASSERT_TRUE(still) << n << " was deleted";
    EXPECT_TRUE((*still)->deletion_timestamp().empty()) << n;
  }
}

TEST_F(RegistryNamespace, WatchSeesTerminatingThenDeleted) {
  make_namespace("team");
  auto w = reg.watch(namespaces, "", {.resource_version = std::to_string(reg.current_revision())}).value();
  ASSERT_TRUE(reg.remove(namespaces, {"", "team"}));
  auto evs = drain(*w);
  ASSERT_THAT(describe(evs), ::testing::ElementsAre("MODIFIED team", "DELETED team"));
  EXPECT_EQ(evs[0].object->data()["status"]["phase"], "Terminating");
}

}  // namespace
}  // namespace ktk::apiserver::testing
