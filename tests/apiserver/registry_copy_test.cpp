// registry::copy: a registry of its own with everything the original stored — objects,
// revisions, watch history, CRDs with their schemas, seeded uid and name draws, Event
// expiry — that goes its own way afterwards; another clock when asked.
#include <thread>

#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

class RegistryCopy : public registry_test {};

TEST_F(RegistryCopy, HoldsTheObjectsWithTheirUidsRevisionsAndTimestamps) {
  auto cm = must_create(configmaps, "default", configmap("a", {{"k", "v"}}));
  auto d = must_create(deployments, "default", deployment("web", 2));
  auto c = reg.copy();
  auto got = c->get(configmaps, {"default", "a"});
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)->data(), cm->data());
  auto got_d = c->get(deployments, {"default", "web"});
  ASSERT_TRUE(got_d);
  EXPECT_EQ((*got_d)->uid(), d->uid());
  EXPECT_EQ(c->current_revision(), reg.current_revision());
  auto namespaces_listed = c->list(namespaces, "");
  ASSERT_TRUE(namespaces_listed);
  EXPECT_EQ(namespaces_listed->items.size(), 4u) << "the default namespaces, copied, not created again";
}

TEST_F(RegistryCopy, WritesAreItsOwn) {
  must_create(configmaps, "default", configmap("a"));
  auto c = reg.copy();
  ASSERT_TRUE(c->create(configmaps, "default", configmap("b")));
  ASSERT_TRUE(c->remove(configmaps, {"default", "a"}));
  EXPECT_TRUE(reg.get(configmaps, {"default", "a"}));
  EXPECT_TRUE(ktk::is_not_found(reg.get(configmaps, {"default", "b"})));
  auto second = reg.copy();
  EXPECT_TRUE(second->get(configmaps, {"default", "a"})) << "a copy is taken from the original, untouched";
  EXPECT_TRUE(ktk::is_not_found(second->get(configmaps, {"default", "b"})));
  // Conflicts work from the copied revisions.
  auto stale = *must_get(configmaps, "default", "a");
  stale.data()["data"] = {{"x", "1"}};
  ASSERT_TRUE(second->update(configmaps, stale.key(), object(stale)));
  EXPECT_TRUE(ktk::is_conflict(second->update(configmaps, stale.key(), std::move(stale))));
}

TEST_F(RegistryCopy, ServesTheCrdsWithTheirSchemas) {
  install_at_crd();
  ASSERT_TRUE(reg.create(ats, "default", at("first")));
  auto c = reg.copy();
  ASSERT_NE(c->mapper().by_resource(ats), nullptr);
  auto got = c->get(ats, {"default", "first"});
  ASSERT_TRUE(got) << got.error().message();
  auto defaulted = c->create(ats, "default", at("second"));
  ASSERT_TRUE(defaulted) << defaulted.error().message();
  EXPECT_EQ((*defaulted)->data()["spec"]["command"], "echo hello") << "the schema's default";
  EXPECT_TRUE(fails_with(c->create(ats, "default", at("bad", {{"schedule", "tomorrow"}})), 422, "Invalid"));
  ASSERT_TRUE(c->remove(crds, {"", "ats.cnat.programming-kubernetes.info"}));
  EXPECT_NE(reg.mapper().by_resource(ats), nullptr) << "the original still serves it";
}

TEST_F(RegistryCopy, WatchesReplayTheCopiedHistory) {
  auto a = must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  auto c = reg.copy();
  auto w = c->watch(configmaps, "default", {.resource_version = std::string(a->resource_version())});
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_THAT(describe(drain(**w)), ::testing::ElementsAre("ADDED b"));
  ASSERT_TRUE(c->create(configmaps, "default", configmap("c")));
  EXPECT_THAT(describe(drain(**w)), ::testing::ElementsAre("ADDED c"));
}

TEST_F(RegistryCopy, SeededDrawsContinueInsteadOfRepeating) {
  auto first = must_create(configmaps, "default", configmap("a"));
  object gen("v1", "ConfigMap");
  gen.data()["metadata"]["generateName"] = "job-";
  auto named = must_create(configmaps, "default", gen);

  auto c = reg.copy();
  ASSERT_TRUE(c->remove(configmaps, {"default", "a"}));
  auto again = c->create(configmaps, "default", configmap("a"));
  ASSERT_TRUE(again);
  EXPECT_NE((*again)->uid(), first->uid()) << "a new object never gets an old uid";
  auto next = c->create(configmaps, "default", object(gen));
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_NE((*next)->name(), named->name()) << "generateName draws on from where the original was";

  // Two copies of one registry make the same choices: seeded runs stay reproducible.
  auto other = reg.copy();
  auto twin = other->create(configmaps, "default", object(gen));
  ASSERT_TRUE(twin);
  EXPECT_EQ((*twin)->name(), (*next)->name());
}

TEST_F(RegistryCopy, EventsExpireAsInTheOriginal) {
  object ev(json{{"apiVersion", "v1"},
                 {"kind", "Event"},
                 {"metadata", {{"name", "e"}, {"namespace", "default"}}},
                 {"involvedObject", {{"kind", "Pod"}, {"name", "web"}, {"namespace", "default"}}},
                 {"reason", "Scheduled"},
                 {"message", "assigned"},
                 {"type", "Normal"}});
  must_create(events, "default", ev);
  auto c = reg.copy();
  clk.advance(std::chrono::hours(2));
  EXPECT_TRUE(ktk::is_not_found(c->get(events, {"default", "e"})));
}

TEST_F(RegistryCopy, TakesAnotherClock) {
  core::fake_clock other(clk.now() + std::chrono::hours(24 * 365));
  auto c = reg.copy(&other);
  auto made = c->create(configmaps, "default", configmap("later"));
  ASSERT_TRUE(made);
  auto here = must_create(configmaps, "default", configmap("now"));
  EXPECT_NE((*made)->creation_timestamp(), here->creation_timestamp());
  EXPECT_EQ(&c->clock(), &other);
}

TEST_F(RegistryCopy, CopiesTakenWhileTheOriginalIsWrittenAreWhole) {
  std::jthread writer([&](std::stop_token stop) {
    for (int i = 0; !stop.stop_requested(); ++i) {
      (void)reg.create(configmaps, "default", configmap("w" + std::to_string(i)));
    }
  });
  for (int i = 0; i < 20; ++i) {
    auto c = reg.copy();
    auto listed = c->list(configmaps, "default");
    ASSERT_TRUE(listed);
    // The list is at the copy's revision: every object it names is there, and a
    // create on the copy goes on after it.
    auto made = c->create(configmaps, "default", configmap("copy-" + std::to_string(i)));
    ASSERT_TRUE(made) << made.error().message();
    EXPECT_GT(rv(*made), std::stoll(listed->resource_version));
  }
}

}  // namespace
}  // namespace ktk::apiserver::testing
