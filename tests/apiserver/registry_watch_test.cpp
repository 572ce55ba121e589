// registry watch: resuming from a resourceVersion, initial events, selector
// transitions, bookmarks, sendInitialEvents, 410 Expired.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "registry_fixtures.hpp"

namespace ktk::apiserver::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using steady = std::chrono::steady_clock;

class RegistryWatch : public registry_test {
 protected:
  std::unique_ptr<watch_stream> open(const gvr& r, const std::string& ns, const watch_options& o) {
    auto got = reg.watch(r, ns, o);
    if (!got) {
      ADD_FAILURE() << "watch failed: " << got.error().message();
      return nullptr;
    }
    return std::move(*got);
  }
};

TEST_F(RegistryWatch, FromAResourceVersionReplaysMissedEventsInOrder) {
  auto a = must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  ASSERT_TRUE(reg.update(configmaps, {"default", "a"}, configmap("a", {{"k", "v"}})));
  ASSERT_TRUE(reg.remove(configmaps, {"default", "b"}));
  auto w = open(configmaps, "default", {.resource_version = std::string(a->resource_version())});
  ASSERT_TRUE(w);
  auto evs = drain(*w);
  ASSERT_THAT(describe(evs), ElementsAre("ADDED b", "MODIFIED a", "DELETED b"));
  EXPECT_LT(rv(a), rv(evs[0].object));
  EXPECT_LT(rv(evs[0].object), rv(evs[1].object));
  EXPECT_LT(rv(evs[1].object), rv(evs[2].object));
  EXPECT_EQ(rv(evs[2].object), reg.current_revision());
  EXPECT_EQ(evs[1].object->data()["data"]["k"], "v");
  // And then live events.
  must_create(configmaps, "default", configmap("c"));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED c"));
  EXPECT_FALSE(w->done());
}

TEST_F(RegistryWatch, ResourceRevisionIsTheLastWriteToThatResource) {
  EXPECT_EQ(reg.resource_revision(gvr{"example.com", "v1", "nopes"}), 0);
  auto a = must_create(configmaps, "default", configmap("a"));
  EXPECT_EQ(reg.resource_revision(configmaps), rv(a));
  auto before = reg.resource_revision(configmaps);
  must_create(pods, "default", pod("p"));
  EXPECT_EQ(reg.resource_revision(configmaps), before);  // another resource's write
  EXPECT_EQ(reg.resource_revision(pods), reg.current_revision());
  ASSERT_TRUE(reg.remove(configmaps, {"default", "a"}));
  EXPECT_EQ(reg.resource_revision(configmaps), reg.current_revision());  // a delete is a write too
}

TEST_F(RegistryWatch, EmptyOrZeroResourceVersionStartsWithSyntheticAdded) {
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  must_create(configmaps, "kube-system", configmap("other"));
  for (const char* start : {"", "0"}) {
    auto w = open(configmaps, "default", {.resource_version = start});
    ASSERT_TRUE(w);
    EXPECT_THAT(describe(drain(*w)), UnorderedElementsAre("ADDED a", "ADDED b")) << "rv=" << start;
  }
  auto w = open(configmaps, "default", {});
  ASSERT_TRUE(w);
  drain(*w);
  must_create(configmaps, "default", configmap("c"));
  must_create(configmaps, "kube-system", configmap("elsewhere"));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED c"));
}

TEST_F(RegistryWatch, LabelSelectorTransitionsAreAddedAndDeleted) {
  auto w = open(configmaps, "default", {.label_selector = "app=web", .resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(w);
  must_create(configmaps, "default", configmap("x", {}, {{"app", "db"}}));
  EXPECT_THAT(drain(*w), IsEmpty());
  ASSERT_TRUE(reg.update(configmaps, {"default", "x"}, configmap("x", {}, {{"app", "web"}})));
  ASSERT_TRUE(reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "v"}}, {{"app", "web"}})));
  auto moved_out = reg.update(configmaps, {"default", "x"}, configmap("x", {{"k", "v"}}, {{"app", "db"}}));
  ASSERT_TRUE(moved_out);
  ASSERT_TRUE(reg.remove(configmaps, {"default", "x"}));
  auto evs = drain(*w);
  ASSERT_THAT(describe(evs), ElementsAre("ADDED x", "MODIFIED x", "DELETED x"));
  // The object that left the selector carries the event's resourceVersion.
  EXPECT_EQ(evs[2].object->resource_version(), (*moved_out)->resource_version());
}

TEST_F(RegistryWatch, FieldSelectorOnPods) {
  must_create(pods, "default", pod("p"));
  auto w = open(pods, "default", {.field_selector = "spec.nodeName=n1", .resource_version = "0"});
  ASSERT_TRUE(w);
  EXPECT_THAT(drain(*w), IsEmpty());
  object b("v1", "Binding");
  b.set_name("p");
  b.data()["target"] = {{"kind", "Node"}, {"name", "n1"}};
  ASSERT_TRUE(reg.bind({"default", "p"}, std::move(b)));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED p"));
}

TEST(RegistryWatchBookmarks, IdleWatchGetsBookmarks) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .bookmark_interval = std::chrono::milliseconds(1), .seed = 1});
  reg.create(configmaps, "default", configmap("a")).value();
  auto w = reg.watch(configmaps, "default", {.resource_version = std::to_string(reg.current_revision()),
                                             .allow_bookmarks = true}).value();
  std::stop_source stop;
  auto evs = w->next(stop.get_token(), steady::now() + std::chrono::seconds(10));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, watch_event_type::bookmark);
  EXPECT_EQ(evs[0].object->kind(), "ConfigMap");
  EXPECT_EQ(evs[0].object->api_version(), "v1");
  EXPECT_EQ(rv(evs[0].object), reg.current_revision());
  EXPECT_FALSE(evs[0].object->annotation("k8s.io/initial-events-end"));

  // Without allowWatchBookmarks: nothing, even when the interval has passed.
  auto quiet = reg.watch(configmaps, "default", {.resource_version = std::to_string(reg.current_revision())}).value();
  EXPECT_THAT(quiet->next(stop.get_token(), steady::now()), IsEmpty());
}

TEST_F(RegistryWatch, NextReturnsOnStopOrPastDeadline) {
  auto w = open(configmaps, "default", {.resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(w);
  std::stop_source stop;
  EXPECT_THAT(w->next(stop.get_token(), steady::now() - std::chrono::seconds(1)), IsEmpty());
  stop.request_stop();
  EXPECT_THAT(w->next(stop.get_token()), IsEmpty());
  must_create(configmaps, "default", configmap("a"));
  std::stop_source fresh;
  EXPECT_THAT(describe(w->next(fresh.get_token(), steady::now() + std::chrono::seconds(10))), ElementsAre("ADDED a"));
}

TEST_F(RegistryWatch, NotifyFiresOnWrites) {
  auto w = open(configmaps, "default", {.resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(w);
  std::atomic<int> calls = 0;
  w->set_notify([&] { ++calls; });
  must_create(configmaps, "default", configmap("a"));
  EXPECT_GE(calls.load(), 1);
  EXPECT_THAT(describe(w->poll()), ElementsAre("ADDED a"));
}

TEST_F(RegistryWatch, SendInitialEventsEndsWithAnnotatedBookmark) {
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "default", configmap("b"));
  auto w = open(configmaps, "default",
                {.resource_version_match = "NotOlderThan", .allow_bookmarks = true, .send_initial_events = true});
  ASSERT_TRUE(w);
  auto evs = drain(*w);
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_THAT(describe({evs[0], evs[1]}), UnorderedElementsAre("ADDED a", "ADDED b"));
  EXPECT_EQ(evs[2].type, watch_event_type::bookmark);
  EXPECT_EQ(evs[2].object->annotation("k8s.io/initial-events-end"), "true");
  EXPECT_EQ(rv(evs[2].object), reg.current_revision());
  must_create(configmaps, "default", configmap("c"));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED c"));
}

TEST_F(RegistryWatch, SendInitialEventsFalseStartsNow) {
  must_create(configmaps, "default", configmap("a"));
  auto w = open(configmaps, "default", {.resource_version_match = "NotOlderThan", .send_initial_events = false});
  ASSERT_TRUE(w);
  EXPECT_THAT(drain(*w), IsEmpty());
  must_create(configmaps, "default", configmap("b"));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED b"));
}

// metainternalversion/validation.validateWatchOptions.
TEST_F(RegistryWatch, SendInitialEventsWithoutNotOlderThanIsInvalid) {
  auto got = reg.watch(configmaps, "default", {.allow_bookmarks = true, .send_initial_events = true});
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_EQ(got.error().message(),
            R"(ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires )"
            "setting resourceVersionMatch to NotOlderThan");
  ASSERT_EQ(got.error().details().causes.size(), 1u);
  EXPECT_EQ(got.error().details().causes[0].field, "resourceVersionMatch");
}

TEST_F(RegistryWatch, ResourceVersionMatchWithoutSendInitialEventsIsInvalid) {
  auto got = reg.watch(configmaps, "default", {.resource_version = "1", .resource_version_match = "NotOlderThan"});
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(),
              HasSubstr("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
}

TEST_F(RegistryWatch, UnsupportedResourceVersionMatchIsInvalid) {
  auto got = reg.watch(configmaps, "default",
                       {.resource_version_match = "Exact", .allow_bookmarks = true, .send_initial_events = true});
  ASSERT_TRUE(fails_with(got, 422, "Invalid"));
  EXPECT_THAT(got.error().message(),
              HasSubstr(R"(resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan")"));
}

TEST_F(RegistryWatch, BadSelectorIsBadRequest) {
  EXPECT_TRUE(fails_with(reg.watch(configmaps, "default", {.label_selector = "a in (b"}), 400, "BadRequest"));
  EXPECT_TRUE(fails_with(reg.watch(pods, "default", {.field_selector = "spec.foo=x"}), 400, "BadRequest"));
}

TEST(RegistryWatchHistory, ExpiredResourceVersionIsASingleGoneEvent) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .history = 5, .seed = 1});
  auto first = reg.create(configmaps, "default", configmap("a")).value();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(reg.update(configmaps, {"default", "a"}, configmap("a", {{"i", std::to_string(i)}})));
  }
  auto w = reg.watch(configmaps, "default", {.resource_version = std::string(first->resource_version())});
  ASSERT_TRUE(w) << w.error().message();
  auto evs = drain(**w);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, watch_event_type::error);
  const json& st = evs[0].object->data();
  EXPECT_EQ(st["kind"], "Status");
  EXPECT_EQ(st["code"], 410);
  EXPECT_EQ(st["reason"], "Expired");
  EXPECT_THAT(st["message"].get<std::string>(), HasSubstr("too old resource version: " + std::string(first->resource_version())));
  EXPECT_TRUE((*w)->done());
  EXPECT_THAT(drain(**w), IsEmpty());
  // A recent resourceVersion still works.
  auto ok = reg.watch(configmaps, "default", {.resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(ok);
  EXPECT_THAT(drain(**ok), IsEmpty());
  EXPECT_FALSE((*ok)->done());
}

TEST_F(RegistryWatch, ClusterWideWatchSeesEveryNamespace) {
  auto w = open(configmaps, "", {.resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(w);
  must_create(configmaps, "default", configmap("a"));
  must_create(configmaps, "kube-system", configmap("b"));
  EXPECT_THAT(describe(drain(*w)), ElementsAre("ADDED a", "ADDED b"));
}

TEST_F(RegistryWatch, WatchOnACustomResourceEndsWhenTheCrdGoes) {
  install_at_crd();
  must_create(ats, "default", at("a"));
  auto w = open(ats, "default", {.resource_version = std::to_string(reg.current_revision())});
  ASSERT_TRUE(w);
  ASSERT_TRUE(reg.remove(crds, {"", "ats.cnat.programming-kubernetes.info"}));
  auto evs = drain(*w);
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(describe(evs)[0], "DELETED a");
  EXPECT_TRUE(w->done());
}

}  // namespace
}  // namespace ktk::apiserver::testing

namespace ktk::apiserver::testing {
namespace {

TEST(RegistryWatchBookmarks, PollOwesABookmarkOnceTheIntervalPassed) {
  core::fake_clock clk;
  registry reg(registry_options{.clock = &clk, .bookmark_interval = std::chrono::milliseconds(1), .seed = 1});
  auto w = reg.watch(configmaps, "default", {.resource_version = std::to_string(reg.current_revision()),
                                             .allow_bookmarks = true}).value();
  auto due = w->bookmark_due();
  ASSERT_TRUE(due);
  // Wait for the due time on a condition that never fires (no sleep in tests).
  std::mutex mu;
  std::condition_variable cv;
  std::unique_lock lock(mu);
  cv.wait_until(lock, *due + std::chrono::milliseconds(1), [] { return false; });
  auto evs = w->poll();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, watch_event_type::bookmark);
  EXPECT_GT(*w->bookmark_due(), *due);
  auto quiet = reg.watch(configmaps, "default", {.resource_version = std::to_string(reg.current_revision())}).value();
  EXPECT_FALSE(quiet->bookmark_due());
}

}  // namespace
}  // namespace ktk::apiserver::testing
