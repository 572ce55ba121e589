// registry delete and deletecollection: preconditions, finalizers, propagation
// policies, graceful pod deletion, dry run.
#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class RegistryDelete : public registry_test {};

std::vector<std::string> names(const object_list& l) {
  std::vector<std::string> out;
  for (const auto& i : l.items) out.emplace_back(i->name());
  return out;
}

TEST_F(RegistryDelete, DeleteRemovesTheObjectAndReturnsIt) {
  auto created = must_create(configmaps, "default", configmap("x", {{"k", "v"}}));
  auto w = reg.watch(configmaps, "default", {.resource_version = std::string(created->resource_version())});
  ASSERT_TRUE(w);
  auto got = reg.remove(configmaps, {"default", "x"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_TRUE(got->deleted);
  EXPECT_EQ(got->object->uid(), created->uid());
  EXPECT_EQ(got->object->data()["data"]["k"], "v");
  EXPECT_TRUE(is_not_found(reg.get(configmaps, {"default", "x"})));
  auto evs = drain(**w);
  ASSERT_THAT(describe(evs), ElementsAre("DELETED x"));
  EXPECT_GT(rv(evs[0].object), rv(created));
}

TEST_F(RegistryDelete, MissingObjectIsNotFound) {
  EXPECT_TRUE(fails_with(reg.remove(configmaps, {"default", "x"}), 404, "NotFound", R"(configmaps "x" not found)"));
}

// kube-apiserver checks preconditions in rest.BeforeDelete and words them there; the
// resource in the message is the Kind (schema.GroupResource{Group, Resource: Kind}).
TEST_F(RegistryDelete, UidPreconditionMismatchIsConflict) {
  auto created = must_create(configmaps, "default", configmap("x"));
  auto got = reg.remove(configmaps, {"default", "x"}, {.precondition_uid = "other-uid"});
  EXPECT_TRUE(fails_with(got, 409, "Conflict",
                         R"(Operation cannot be fulfilled on ConfigMap "x": the UID in the precondition (other-uid) )"
                         "does not match the UID in record (" + std::string(created->uid()) +
                             "). The object might have been deleted and then recreated"));
  EXPECT_TRUE(reg.get(configmaps, {"default", "x"}));
  EXPECT_TRUE(reg.remove(configmaps, {"default", "x"}, {.precondition_uid = std::string(created->uid())}));
  EXPECT_TRUE(is_not_found(reg.get(configmaps, {"default", "x"})));
}

TEST_F(RegistryDelete, ResourceVersionPreconditionMismatchIsConflict) {
  auto created = must_create(configmaps, "default", configmap("x"));
  auto updated = reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "v"}})).value();
  auto got = reg.remove(configmaps, {"default", "x"},
                        {.precondition_resource_version = std::string(created->resource_version())});
  EXPECT_TRUE(fails_with(got, 409, "Conflict",
                         R"(Operation cannot be fulfilled on ConfigMap "x": the ResourceVersion in the precondition ()" +
                             std::string(created->resource_version()) + ") does not match the ResourceVersion in record (" +
                             std::string(updated->resource_version()) + "). The object might have been modified"));
  EXPECT_TRUE(reg.remove(configmaps, {"default", "x"},
                         {.precondition_resource_version = std::string(updated->resource_version())}));
}

TEST_F(RegistryDelete, FinalizersKeepTheObjectWithADeletionTimestamp) {
  object o = configmap("x");
  o.set_finalizers({"example.com/hold"});
  auto created = must_create(configmaps, "default", std::move(o));
  clk.advance(std::chrono::seconds(10));
  auto got = reg.remove(configmaps, {"default", "x"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_FALSE(got->deleted);
  EXPECT_EQ(got->object->deletion_timestamp(), "2024-01-01T00:00:10Z");
  EXPECT_EQ(got->object->deletion_grace_period_seconds(), 0);
  auto stored = must_get(configmaps, "default", "x");
  EXPECT_EQ(stored->deletion_timestamp(), "2024-01-01T00:00:10Z");
  EXPECT_GT(rv(stored), rv(created));
  // A second delete changes nothing.
  clk.advance(std::chrono::seconds(10));
  auto again = reg.remove(configmaps, {"default", "x"});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->deleted);
  EXPECT_EQ(must_get(configmaps, "default", "x")->resource_version(), stored->resource_version());
  EXPECT_EQ(must_get(configmaps, "default", "x")->deletion_timestamp(), "2024-01-01T00:00:10Z");
}

TEST_F(RegistryDelete, DeletingAFinalizedDeploymentBumpsGeneration) {
  object d = deployment("web");
  d.set_finalizers({"example.com/hold"});
  must_create(deployments, "default", std::move(d));
  auto got = reg.remove(deployments, {"default", "web"});
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->deleted);
  EXPECT_EQ(must_get(deployments, "default", "web")->generation(), 2);
}

TEST_F(RegistryDelete, OrphanAndForegroundAddTheirFinalizers) {
  must_create(deployments, "default", deployment("orphaned"));
  must_create(deployments, "default", deployment("foreground"));
  must_create(deployments, "default", deployment("background"));
  auto o = reg.remove(deployments, {"default", "orphaned"}, {.propagation_policy = "Orphan"});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_FALSE(o->deleted);
  EXPECT_EQ(o->object->finalizers(), std::vector<std::string>{"orphan"});
  EXPECT_FALSE(o->object->deletion_timestamp().empty());
  auto f = reg.remove(deployments, {"default", "foreground"}, {.propagation_policy = "Foreground"});
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_FALSE(f->deleted);
  EXPECT_EQ(f->object->finalizers(), std::vector<std::string>{"foregroundDeletion"});
  EXPECT_FALSE(must_get(deployments, "default", "foreground")->deletion_timestamp().empty());
  auto b = reg.remove(deployments, {"default", "background"}, {.propagation_policy = "Background"});
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->deleted);
  EXPECT_TRUE(is_not_found(reg.get(deployments, {"default", "background"})));
}

TEST_F(RegistryDelete, InvalidPropagationPolicyIsInvalid) {
  must_create(configmaps, "default", configmap("x"));
  auto got = reg.remove(configmaps, {"default", "x"}, {.propagation_policy = "Bogus"});
  EXPECT_TRUE(fails_with(got, 422, "Invalid",
                         R"(DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": )"
                         R"(supported values: "Foreground", "Background", "Orphan", "nil")"));
  EXPECT_TRUE(reg.get(configmaps, {"default", "x"}));
}

TEST_F(RegistryDelete, PodOnANodeIsDeletedGracefully) {
  must_create(pods, "default", pod("p", "n1"));
  auto got = reg.remove(pods, {"default", "p"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_FALSE(got->deleted);
  auto stored = must_get(pods, "default", "p");
  EXPECT_EQ(stored->deletion_grace_period_seconds(), 30);
  EXPECT_EQ(stored->deletion_timestamp(), "2024-01-01T00:00:30Z");
  // A longer grace period does not postpone it; zero removes it now.
  auto longer = reg.remove(pods, {"default", "p"}, {.grace_period_seconds = 60});
  ASSERT_TRUE(longer);
  EXPECT_FALSE(longer->deleted);
  EXPECT_EQ(must_get(pods, "default", "p")->deletion_grace_period_seconds(), 30);
  auto now = reg.remove(pods, {"default", "p"}, {.grace_period_seconds = 0});
  ASSERT_TRUE(now) << now.error().message();
  EXPECT_TRUE(now->deleted);
  EXPECT_TRUE(is_not_found(reg.get(pods, {"default", "p"})));
}

TEST_F(RegistryDelete, PodGracePeriodFromOptions) {
  must_create(pods, "default", pod("p", "n1"));
  ASSERT_TRUE(reg.remove(pods, {"default", "p"}, {.grace_period_seconds = 5}));
  auto stored = must_get(pods, "default", "p");
  EXPECT_EQ(stored->deletion_grace_period_seconds(), 5);
  EXPECT_EQ(stored->deletion_timestamp(), "2024-01-01T00:00:05Z");
}

TEST_F(RegistryDelete, UnscheduledPodGoesAtOnce) {
  must_create(pods, "default", pod("p"));
  auto got = reg.remove(pods, {"default", "p"});
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->deleted);
  EXPECT_TRUE(is_not_found(reg.get(pods, {"default", "p"})));
}

TEST_F(RegistryDelete, DryRunDeletesNothing) {
  auto created = must_create(configmaps, "default", configmap("x"));
  auto got = reg.remove(configmaps, {"default", "x"}, {.dry_run = true});
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->deleted);
  EXPECT_EQ(must_get(configmaps, "default", "x")->resource_version(), created->resource_version());
  EXPECT_EQ(reg.current_revision(), rv(created));
  // Dry run with finalizers does not mark it either.
  object f = configmap("f");
  f.set_finalizers({"example.com/hold"});
  must_create(configmaps, "default", std::move(f));
  auto marked = reg.remove(configmaps, {"default", "f"}, {.dry_run = true});
  ASSERT_TRUE(marked);
  EXPECT_FALSE(marked->deleted);
  EXPECT_FALSE(marked->object->deletion_timestamp().empty());
  EXPECT_TRUE(must_get(configmaps, "default", "f")->deletion_timestamp().empty());
}

TEST_F(RegistryDelete, DeleteCollectionWithLabelSelector) {
  must_create(configmaps, "default", configmap("a", {}, {{"app", "web"}}));
  must_create(configmaps, "default", configmap("b", {}, {{"app", "web"}}));
  must_create(configmaps, "default", configmap("c", {}, {{"app", "db"}}));
  must_create(configmaps, "kube-system", configmap("d", {}, {{"app", "web"}}));
  auto got = reg.delete_collection(configmaps, "default", {}, {.label_selector = "app=web"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_THAT(names(*got), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(names(reg.list(configmaps, "").value()), UnorderedElementsAre("c", "d"));
}

TEST_F(RegistryDelete, DeleteCollectionWithFieldSelectorAndBadSelector) {
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  auto got = reg.delete_collection(configmaps, "default", {}, {.field_selector = "metadata.name=b"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_THAT(names(*got), ElementsAre("b"));
  EXPECT_TRUE(fails_with(reg.delete_collection(configmaps, "default", {}, {.label_selector = "a in (b"}), 400,
                         "BadRequest"));
  EXPECT_THAT(names(reg.list(configmaps, "default").value()), ElementsAre("a"));
}

TEST_F(RegistryDelete, BoundPodWithAFinalizerNeedsBothToGo) {
  object p = pod("p", "n1");
  p.set_finalizers({"example.com/hold"});
  must_create(pods, "default", std::move(p));
  ASSERT_TRUE(reg.remove(pods, {"default", "p"}));
  object release = *must_get(pods, "default", "p");
  release.set_finalizers({});
  ASSERT_TRUE(reg.update(pods, {"default", "p"}, std::move(release)));
  // Still within its grace period: the kubelet has not confirmed yet.
  EXPECT_TRUE(reg.get(pods, {"default", "p"}));
  auto gone = reg.remove(pods, {"default", "p"}, {.grace_period_seconds = 0});
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->deleted);
  EXPECT_TRUE(is_not_found(reg.get(pods, {"default", "p"})));
}

}  // namespace
}  // namespace ktk::apiserver::testing
