// The garbage collector on a manager over the FakeClient, with a fake clock.
#include "ktk/sim/garbage_collector.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../common/eventually.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/fakeclient/fake_client.hpp"
#include "ktk/sim/kinds.hpp"

namespace {

using namespace std::chrono_literals;
using ktk::core::json;
using ktk::core::object;
using ktk::core::object_ptr;
using ktk_test::eventually;
namespace ctl = ktk::client::controller;
namespace sim = ktk::sim;

const ktk::core::gvk cm_kind{"", "v1", "ConfigMap"};

json ref_to(const object& owner, bool controller = true, bool block = true) {
  json r = {{"apiVersion", owner.api_version()}, {"kind", owner.kind()}, {"name", owner.name()},
            {"uid", owner.uid()}};
  if (controller) r["controller"] = true;
  if (block) r["blockOwnerDeletion"] = true;
  return r;
}

object with_owners(object o, const std::vector<json>& refs) {
  if (!refs.empty()) o.metadata()["ownerReferences"] = refs;
  return o;
}

json pod_template() {
  return {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}};
}

object deployment(const std::string& name) {
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"namespace", "default"}, {"name", name}}},
                     {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "web"}}}}},
                               {"template", pod_template()}}}});
}

object replicaset(const std::string& name, const std::vector<json>& owners = {}) {
  return with_owners(object(json{{"apiVersion", "apps/v1"},
                                 {"kind", "ReplicaSet"},
                                 {"metadata", {{"namespace", "default"}, {"name", name}}},
                                 {"spec", {{"replicas", 1}, {"selector", {{"matchLabels", {{"app", "web"}}}}},
                                           {"template", pod_template()}}}}),
                     owners);
}

object pod(const std::string& name, const std::vector<json>& owners = {}, const std::string& node = "") {
  object o(json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"namespace", "default"}, {"name", name}, {"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}});
  if (!node.empty()) o.data()["spec"]["nodeName"] = node;
  return with_owners(std::move(o), owners);
}

object config_map(const std::string& name, const std::vector<json>& owners = {}) {
  object o("v1", "ConfigMap");
  o.set_namespace("default");
  o.set_name(name);
  return with_owners(std::move(o), owners);
}

class GarbageCollector : public ::testing::Test {
 protected:
  ~GarbageCollector() override {
    stop.request_stop();
    if (thread.joinable()) thread.join();
  }

  void start() {
    mgr = std::make_unique<ctl::manager>(*fc, ctl::manager_options{.clock = &clk});
    ctrl = sim::add_garbage_collector(*mgr);
    thread = std::jthread([this] { (void)mgr->start(stop.get_token()); });
  }

  object create(object o) { return *fc->create(std::move(o)).value(); }
  bool exists(const ktk::core::gvk& k, const std::string& name) { return fc->get(k, {"default", name}).ok(); }
  object_ptr get(const ktk::core::gvk& k, const std::string& name) { return fc->get(k, {"default", name}).value(); }
  bool terminating(const ktk::core::gvk& k, const std::string& name) {
    auto o = fc->get(k, {"default", name});
    return o && !(*o)->deletion_timestamp().empty();
  }
  bool idle() {
    auto a = ctrl->queue().activity();
    return a.queued == 0 && a.processing == 0;
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc = ktk::fakeclient::builder().with_clock(clk).with_seed(3).build();
  std::unique_ptr<ctl::manager> mgr;
  std::shared_ptr<ctl::controller> ctrl;
  std::stop_source stop;
  std::jthread thread;
};

TEST_F(GarbageCollector, BackgroundDeletionCascadesFromDeploymentToReplicaSetToPods) {
  auto d = create(deployment("web"));
  auto rs = create(replicaset("web-1", {ref_to(d)}));
  create(pod("web-1-a", {ref_to(rs)}));
  create(pod("web-1-b", {ref_to(rs)}));
  auto other = create(replicaset("other"));
  create(pod("other-a", {ref_to(other)}));
  start();
  ASSERT_TRUE(fc->remove(sim::deployment_kind, {"default", "web"}));
  ASSERT_TRUE(eventually([&] { return !exists(sim::replicaset_kind, "web-1"); }));
  ASSERT_TRUE(eventually([&] { return !exists(sim::pod_kind, "web-1-a") && !exists(sim::pod_kind, "web-1-b"); }));
  EXPECT_TRUE(exists(sim::replicaset_kind, "other"));
  EXPECT_TRUE(exists(sim::pod_kind, "other-a"));
}

TEST_F(GarbageCollector, ForegroundDeletionKeepsOwnersUntilTheirDependentsAreGone) {
  auto d = create(deployment("web"));
  auto rs = create(replicaset("web-1", {ref_to(d)}));
  // On a node: deleted gracefully, they stay until "the kubelet" (the test) removes them.
  create(pod("web-1-a", {ref_to(rs)}, "node-1"));
  create(pod("web-1-b", {ref_to(rs)}, "node-1"));
  start();
  ASSERT_TRUE(fc->remove(sim::deployment_kind, {"default", "web"}, {.propagation_policy = "Foreground"}));
  ASSERT_TRUE(eventually([&] { return terminating(sim::pod_kind, "web-1-a") && terminating(sim::pod_kind, "web-1-b"); }));
  // The ReplicaSet was deleted in foreground too (it has dependents of its own).
  EXPECT_TRUE(get(sim::replicaset_kind, "web-1")->has_finalizer("foregroundDeletion"));
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_TRUE(terminating(sim::deployment_kind, "web"));
  EXPECT_TRUE(terminating(sim::replicaset_kind, "web-1"));

  ASSERT_TRUE(fc->remove(sim::pod_kind, {"default", "web-1-a"}, {.grace_period_seconds = 0}));
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_TRUE(exists(sim::replicaset_kind, "web-1"));  // one Pod still blocks it
  ASSERT_TRUE(fc->remove(sim::pod_kind, {"default", "web-1-b"}, {.grace_period_seconds = 0}));
  ASSERT_TRUE(eventually([&] { return !exists(sim::replicaset_kind, "web-1"); }));
  ASSERT_TRUE(eventually([&] { return !exists(sim::deployment_kind, "web"); }));
}

TEST_F(GarbageCollector, ForegroundOwnerWithoutBlockingDependentsGoesAtOnce) {
  auto owner = create(config_map("owner"));
  create(config_map("loose", {ref_to(owner, false, false)}));
  start();
  ASSERT_TRUE(fc->remove(cm_kind, {"default", "owner"}, {.propagation_policy = "Foreground"}));
  ASSERT_TRUE(eventually([&] { return !exists(cm_kind, "owner"); }));
  // The dependent it did not wait for is then collected in the background.
  ASSERT_TRUE(eventually([&] { return !exists(cm_kind, "loose"); }));
}

TEST_F(GarbageCollector, OrphanDeletionRemovesTheReferencesAndKeepsTheDependents) {
  auto rs = create(replicaset("web-1"));
  auto keep = create(config_map("unrelated-owner"));
  create(pod("web-1-a", {ref_to(rs), ref_to(keep, false, false)}));
  create(pod("web-1-b", {ref_to(rs)}));
  start();
  ASSERT_TRUE(fc->remove(sim::replicaset_kind, {"default", "web-1"}, {.propagation_policy = "Orphan"}));
  ASSERT_TRUE(eventually([&] { return !exists(sim::replicaset_kind, "web-1"); }));
  ASSERT_TRUE(eventually([&] { return get(sim::pod_kind, "web-1-a")->owner_references().size() == 1; }));
  EXPECT_EQ(get(sim::pod_kind, "web-1-a")->owner_references()[0].name, "unrelated-owner");
  EXPECT_TRUE(get(sim::pod_kind, "web-1-b")->owner_references().empty());
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_TRUE(exists(sim::pod_kind, "web-1-a"));
  EXPECT_TRUE(exists(sim::pod_kind, "web-1-b"));
}

TEST_F(GarbageCollector, AnOwnerWithAnotherUidCountsAsGone) {
  auto owner = create(config_map("owner"));
  json stale = ref_to(owner);
  stale["uid"] = "00000000-0000-0000-0000-000000000000";  // a former "owner"
  create(config_map("stale-dependent", {stale}));
  create(config_map("live-dependent", {ref_to(owner)}));
  start();
  ASSERT_TRUE(eventually([&] { return !exists(cm_kind, "stale-dependent"); }));
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_TRUE(exists(cm_kind, "live-dependent"));
  EXPECT_TRUE(exists(cm_kind, "owner"));
}

TEST_F(GarbageCollector, ADependentWithALiveOwnerLosesOnlyTheDeadReference) {
  auto a = create(config_map("a"));
  auto b = create(config_map("b"));
  create(pod("shared", {ref_to(a, false, true), ref_to(b, false, true)}));
  start();
  ASSERT_TRUE(fc->remove(cm_kind, {"default", "a"}));
  ASSERT_TRUE(eventually([&] { return get(sim::pod_kind, "shared")->owner_references().size() == 1; }));
  EXPECT_EQ(get(sim::pod_kind, "shared")->owner_references()[0].name, "b");
  ASSERT_TRUE(fc->remove(cm_kind, {"default", "b"}));
  ASSERT_TRUE(eventually([&] { return !exists(sim::pod_kind, "shared"); }));
}

TEST_F(GarbageCollector, DependentsOfOwnersDeletedBeforeStartAreCollected) {
  auto rs = create(replicaset("web-1"));
  create(pod("web-1-a", {ref_to(rs)}));
  ASSERT_TRUE(fc->remove(sim::replicaset_kind, {"default", "web-1"}));
  start();
  ASSERT_TRUE(eventually([&] { return !exists(sim::pod_kind, "web-1-a"); }));
}

TEST_F(GarbageCollector, OwnersOfKindsTheServerDoesNotKnowAreLeftAlone) {
  json ref = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"name", "w"},
              {"uid", "11111111-1111-1111-1111-111111111111"}};
  create(config_map("dependent", {ref}));
  auto rs = create(replicaset("web-1"));
  create(config_map("collected", {ref_to(rs)}));
  ASSERT_TRUE(fc->remove(sim::replicaset_kind, {"default", "web-1"}));
  start();
  ASSERT_TRUE(eventually([&] { return !exists(cm_kind, "collected"); }));
  clk.advance(1s);  // let a retry or two happen
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_TRUE(exists(cm_kind, "dependent"));
}

}  // namespace

namespace {

TEST_F(GarbageCollector, ManyOwnersCascadeToAllTheirDependents) {
  const int sets = std::getenv("KTK_SIM_GC_SETS") ? std::atoi(std::getenv("KTK_SIM_GC_SETS")) : 100;
  for (int i = 0; i < sets; ++i) {
    auto rs = create(replicaset("web-" + std::to_string(i)));
    for (int j = 0; j < 10; ++j) create(pod("web-" + std::to_string(i) + "-" + std::to_string(j), {ref_to(rs)}));
  }
  create(pod("survivor"));
  start();
  ASSERT_TRUE(eventually([&] { return ctrl->started() && idle(); }));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(fc->delete_all_of(sim::replicaset_kind, {.namespace_ = "default"}));
  ASSERT_TRUE(eventually([&] { return fc->list(sim::pod_kind, {.namespace_ = "default"})->items.size() == 1; }, 60s));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  RecordProperty("elapsed_ms", static_cast<int>(ms.count()));
  std::cout << sets << " ReplicaSets x 10 Pods collected: " << ms.count() << " ms\n";
  EXPECT_TRUE(exists(sim::pod_kind, "survivor"));
}

}  // namespace
