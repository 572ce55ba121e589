// registry subresources of built-ins: deployments/scale and pods/binding.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using core::patch_type;

class RegistrySubresource : public registry_test {
 protected:
  object scale(const std::string& name, json replicas) {
    object s("autoscaling/v1", "Scale");
    s.set_name(name);
    s.data()["spec"] = {{"replicas", std::move(replicas)}};
    return s;
  }
  object binding(const std::string& pod, const std::string& node) {
    object b("v1", "Binding");
    b.set_name(pod);
    b.data()["target"] = {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}};
    return b;
  }
};

TEST_F(RegistrySubresource, DeploymentScaleReadsReplicasAndSelector) {
  auto d = must_create(deployments, "default", deployment("web", 3));
  auto got = reg.get(deployments, {"default", "web"}, {}, "scale");
  ASSERT_TRUE(got) << got.error().message();
  const object& s = **got;
  EXPECT_EQ(s.api_version(), "autoscaling/v1");
  EXPECT_EQ(s.kind(), "Scale");
  EXPECT_EQ(s.name(), "web");
  EXPECT_EQ(s.namespace_(), "default");
  EXPECT_EQ(s.uid(), d->uid());
  EXPECT_EQ(s.resource_version(), d->resource_version());
  EXPECT_EQ(s.data()["spec"]["replicas"], 3);
  EXPECT_EQ(s.data()["status"]["replicas"], 0);
  EXPECT_EQ(s.data()["status"]["selector"], "app=web");
}

TEST_F(RegistrySubresource, ScaleUpdateSetsSpecReplicas) {
  must_create(deployments, "default", deployment("web", 1));
  auto got = reg.update(deployments, {"default", "web"}, scale("web", 5), {.subresource = "scale"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->kind(), "Scale");
  EXPECT_EQ((*got)->data()["spec"]["replicas"], 5);
  auto d = must_get(deployments, "default", "web");
  EXPECT_EQ(d->data()["spec"]["replicas"], 5);
  EXPECT_EQ(d->generation(), 2);
  EXPECT_EQ((*got)->resource_version(), d->resource_version());
}

TEST_F(RegistrySubresource, ScalePatch) {
  must_create(deployments, "default", deployment("web", 1));
  auto got = reg.patch(deployments, {"default", "web"}, patch_type::merge_patch,
                       json::parse(R"({"spec":{"replicas":4}})"), {.subresource = "scale"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data()["spec"]["replicas"], 4);
  EXPECT_EQ(must_get(deployments, "default", "web")->data()["spec"]["replicas"], 4);
}

TEST_F(RegistrySubresource, NegativeReplicasIsInvalid) {
  must_create(deployments, "default", deployment("web", 1));
  auto got = reg.update(deployments, {"default", "web"}, scale("web", -1), {.subresource = "scale"});
  EXPECT_TRUE(fails_with(got, 422, "Invalid",
                         R"(Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: )"
                         "must be greater than or equal to 0"));
  EXPECT_EQ(must_get(deployments, "default", "web")->data()["spec"]["replicas"], 1);
}

TEST_F(RegistrySubresource, StaleScaleIsConflict) {
  auto d = must_create(deployments, "default", deployment("web", 1));
  ASSERT_TRUE(reg.update(deployments, {"default", "web"}, scale("web", 2), {.subresource = "scale"}));
  object stale = scale("web", 3);
  stale.set_resource_version(d->resource_version());
  EXPECT_TRUE(fails_with(reg.update(deployments, {"default", "web"}, std::move(stale), {.subresource = "scale"}), 409,
                         "Conflict"));
}

TEST_F(RegistrySubresource, ScaleOfMissingOrUnscalable) {
  EXPECT_TRUE(fails_with(reg.get(deployments, {"default", "nope"}, {}, "scale"), 404, "NotFound",
                         R"(deployments.apps "nope" not found)"));
  EXPECT_TRUE(fails_with(reg.update(deployments, {"default", "nope"}, scale("nope", 1), {.subresource = "scale"}), 404,
                         "NotFound"));
  must_create(configmaps, "default", configmap("c"));
  EXPECT_TRUE(fails_with(reg.get(configmaps, {"default", "c"}, {}, "scale"), 404, "NotFound"));
}

TEST_F(RegistrySubresource, BindingSetsNodeNameAndScheduledCondition) {
  must_create(pods, "default", pod("p"));
  object b = binding("p", "n1");
  b.set_annotation("scheduler.example.com/score", "7");
  auto got = reg.bind({"default", "p"}, std::move(b));
  ASSERT_TRUE(got) << got.error().message();
  auto p = must_get(pods, "default", "p");
  EXPECT_EQ(p->data()["spec"]["nodeName"], "n1");
  EXPECT_EQ(p->annotation("scheduler.example.com/score"), "7");
  bool scheduled = false;
  for (const auto& c : p->data()["status"]["conditions"]) {
    if (c["type"] == "PodScheduled") scheduled = c["status"] == "True";
  }
  EXPECT_TRUE(scheduled) << p->dump();
}

// BindingREST.assignPod wraps the failure as a Conflict on "pods/binding".
TEST_F(RegistrySubresource, BindingTwiceIsConflict) {
  must_create(pods, "default", pod("p"));
  ASSERT_TRUE(reg.bind({"default", "p"}, binding("p", "n1")));
  auto again = reg.bind({"default", "p"}, binding("p", "n2"));
  EXPECT_TRUE(fails_with(again, 409, "Conflict",
                         R"(Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1")"));
  EXPECT_EQ(must_get(pods, "default", "p")->data()["spec"]["nodeName"], "n1");
}

TEST_F(RegistrySubresource, BindingATerminatingPodIsConflict) {
  object p = pod("p");
  p.set_finalizers({"example.com/hold"});
  must_create(pods, "default", std::move(p));
  ASSERT_TRUE(reg.remove(pods, {"default", "p"}));
  auto got = reg.bind({"default", "p"}, binding("p", "n1"));
  EXPECT_TRUE(fails_with(got, 409, "Conflict",
                         R"(Operation cannot be fulfilled on pods/binding "p": pod p is being deleted, cannot be )"
                         "assigned to a host"));
}

TEST_F(RegistrySubresource, BindingAMissingPodOrWithoutTargetFails) {
  EXPECT_TRUE(fails_with(reg.bind({"default", "nope"}, binding("nope", "n1")), 404, "NotFound",
                         R"(pods "nope" not found)"));
  must_create(pods, "default", pod("p"));
  object no_target("v1", "Binding");
  no_target.set_name("p");
  EXPECT_FALSE(reg.bind({"default", "p"}, std::move(no_target)));
  EXPECT_FALSE(must_get(pods, "default", "p")->at_path("spec.nodeName"));
}

TEST_F(RegistrySubresource, GetStatusReturnsTheWholeObject) {
  auto d = must_create(deployments, "default", deployment("web"));
  auto got = reg.get(deployments, {"default", "web"}, {}, "status");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->kind(), "Deployment");
  EXPECT_EQ((*got)->data()["spec"], d->data()["spec"]);
}

}  // namespace
}  // namespace ktk::apiserver::testing
