// The ReplicaSet controller on a manager over the FakeClient, with a fake clock.
#include "ktk/sim/replicaset_controller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <condition_variable>
#include <mutex>
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

object replicaset(const std::string& name, int replicas, json template_labels = {{"app", "web"}},
                  int min_ready = 0) {
  return object(json{{"apiVersion", "apps/v1"},
                     {"kind", "ReplicaSet"},
                     {"metadata", {{"namespace", "default"}, {"name", name}}},
                     {"spec",
                      {{"replicas", replicas},
                       {"minReadySeconds", min_ready},
                       {"selector", {{"matchLabels", {{"app", "web"}}}}},
                       {"template",
                        {{"metadata", {{"labels", template_labels}}},
                         {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}}}}}});
}

object bare_pod(const std::string& name, json labels) {
  return object(json{{"apiVersion", "v1"},
                     {"kind", "Pod"},
                     {"metadata", {{"namespace", "default"}, {"name", name}, {"labels", std::move(labels)}}},
                     {"spec", {{"containers", {{{"name", "c"}, {"image", "nginx:1.25"}}}}}}});
}

// Holds the Pod informer's reflector (through its transform) while closed: the cache
// lags behind the server for as long as the test wants.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = true;
  void close() {
    std::lock_guard l(mu);
    open = false;
  }
  void release() {
    {
      std::lock_guard l(mu);
      open = true;
    }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return open; });
  }
};

class ReplicaSetController : public ::testing::Test {
 protected:
  ~ReplicaSetController() override {
    pod_gate.release();
    stop.request_stop();
    if (thread.joinable()) thread.join();
  }

  void start(sim::replicaset_controller_options opts = {}) {
    mgr = std::make_unique<ctl::manager>(*fc, ctl::manager_options{.clock = &clk});
    mgr->get_cache().informer_for(sim::pod_kind)->set_transform([this](object_ptr o) {
      pod_gate.wait();
      return o;
    });
    ctrl = sim::add_replicaset_controller(*mgr, opts);
    thread = std::jthread([this] { (void)mgr->start(stop.get_token()); });
  }

  // Nothing queued or in flight (delayed items may wait).
  bool idle() {
    auto a = ctrl->queue().activity();
    return a.queued == 0 && a.processing == 0;
  }
  std::vector<object_ptr> pods() {
    auto l = fc->list(sim::pod_kind, {.namespace_ = "default"});
    return l ? l->items : std::vector<object_ptr>{};
  }
  std::vector<object_ptr> active_pods() {
    std::vector<object_ptr> out;
    for (auto& p : pods()) {
      if (sim::is_pod_active(*p)) out.push_back(p);
    }
    return out;
  }
  object_ptr rs(const std::string& name = "web") { return fc->get(sim::replicaset_kind, {"default", name}).value(); }
  std::int64_t status_int(const std::string& field, const std::string& name = "web") {
    const json* v = rs(name)->at_path("status." + field);
    return v && v->is_number_integer() ? v->get<std::int64_t>() : 0;
  }
  std::size_t pod_creates() {
    std::size_t n = 0;
    for (const auto& a : fc->actions()) n += a.verb == "create" && a.resource.resource == "pods" && a.subresource.empty();
    return n;
  }
  void set_replicas(int n, const std::string& name = "web") {
    ASSERT_TRUE(fc->patch(sim::replicaset_kind, {"default", name}, ktk::core::patch_type::merge_patch,
                          json{{"spec", {{"replicas", n}}}}));
  }
  // Moves the fake clock until cond holds (retries and requeues wait on it).
  bool eventually_advancing(const std::function<bool()>& cond, ktk::core::clock::duration step = 1s) {
    return eventually([&] {
      if (cond()) return true;
      clk.advance(step);
      return false;
    });
  }
  void set_status(const object_ptr& pod, const std::string& phase, bool ready, ktk::core::clock::time_point since) {
    object o = *pod;
    o.data()["status"]["phase"] = phase;
    sim::set_condition(o, "Ready", ready ? "True" : "False", "", "", since);
    ASSERT_TRUE(fc->status().update(std::move(o)));
  }
  void bind(const object_ptr& pod, const std::string& node) {
    object b(json{{"apiVersion", "v1"},
                  {"kind", "Binding"},
                  {"metadata", {{"namespace", "default"}, {"name", pod->name()}}},
                  {"target", {{"kind", "Node"}, {"name", node}}}});
    ASSERT_TRUE(fc->create_subresource(sim::pod_kind, pod->key(), "binding", std::move(b)));
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc = ktk::fakeclient::builder().with_clock(clk).with_seed(7).build();
  gate pod_gate;
  std::unique_ptr<ctl::manager> mgr;
  std::shared_ptr<ctl::controller> ctrl;
  std::stop_source stop;
  std::jthread thread;
};

TEST_F(ReplicaSetController, CreatesPodsWithOwnerReferencesAndTemplateLabels) {
  ASSERT_TRUE(fc->create(replicaset("web", 3, {{"app", "web"}, {"tier", "fe"}})));
  start();
  ASSERT_TRUE(eventually([&] { return pods().size() == 3 && status_int("replicas") == 3; }));
  auto owner = rs();
  for (const auto& p : pods()) {
    EXPECT_EQ(p->generate_name(), "web-");
    EXPECT_EQ(p->namespace_(), "default");
    EXPECT_EQ(p->label("tier"), "fe");
    auto ref = p->controller_ref();
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->kind, "ReplicaSet");
    EXPECT_EQ(ref->api_version, "apps/v1");
    EXPECT_EQ(ref->name, "web");
    EXPECT_EQ(ref->uid, owner->uid());
    EXPECT_EQ(ref->block_owner_deletion, true);
  }
  EXPECT_EQ(status_int("fullyLabeledReplicas"), 3);
  EXPECT_EQ(status_int("observedGeneration"), owner->generation());
  EXPECT_EQ(pod_creates(), 3u);
}

TEST_F(ReplicaSetController, ExpectationsPreventDoubleCreationWhileTheCacheLags) {
  ASSERT_TRUE(fc->create(replicaset("web", 3)));
  pod_gate.close();  // the controller sees no new Pods
  start();
  ASSERT_TRUE(eventually([&] { return pod_creates() == 3; }));
  // More reconciles (after our own status write, after label changes) see an empty cache.
  for (int i = 0; i < 3; ++i) {
    const auto before = ctrl->stats().reconciles;
    ASSERT_TRUE(fc->patch(sim::replicaset_kind, {"default", "web"}, ktk::core::patch_type::merge_patch,
                          json{{"metadata", {{"labels", {{"poke", std::to_string(i)}}}}}}));
    ASSERT_TRUE(eventually([&] { return ctrl->stats().reconciles > before && idle(); }));
  }
  EXPECT_EQ(pod_creates(), 3u);
  pod_gate.release();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 3; }));
  EXPECT_EQ(pods().size(), 3u);
  EXPECT_EQ(pod_creates(), 3u);
}

TEST_F(ReplicaSetController, UnmetExpectationsExpireAfterFiveMinutes) {
  ASSERT_TRUE(fc->create(replicaset("web", 2)));
  pod_gate.close();
  start();
  ASSERT_TRUE(eventually([&] { return pod_creates() == 2; }));
  ASSERT_TRUE(eventually([&] { return idle(); }));
  clk.advance(4min);
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_EQ(pod_creates(), 2u);
  clk.advance(1min + 1s);  // the requeue at expiry: the cache still shows nothing
  ASSERT_TRUE(eventually([&] { return pod_creates() == 4; }));
}

TEST_F(ReplicaSetController, BurstReplicasLimitsCreatesPerReconcile) {
  ASSERT_TRUE(fc->create(replicaset("web", 5)));
  pod_gate.close();
  start({.burst_replicas = 2});
  ASSERT_TRUE(eventually([&] { return pod_creates() == 2; }));
  ASSERT_TRUE(eventually([&] { return ctrl->stats().reconciles >= 2 && idle(); }));
  EXPECT_EQ(pod_creates(), 2u);
  pod_gate.release();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 5; }));
  EXPECT_EQ(pod_creates(), 5u);
}

TEST_F(ReplicaSetController, ScaleDownDeletesUnassignedThenNotReadyThenYoungest) {
  ASSERT_TRUE(fc->create(replicaset("web", 4)));
  start();
  ASSERT_TRUE(eventually([&] { return pods().size() == 4 && status_int("replicas") == 4; }));
  auto ps = pods();
  // ps[0]: unassigned. ps[1]: on a node, not ready. ps[2], ps[3]: ready, ps[3] longer.
  for (int i = 1; i < 4; ++i) bind(ps[i], "node-" + std::to_string(i));
  set_status(fc->get(sim::pod_kind, ps[1]->key()).value(), "Running", false, clk.now());
  set_status(fc->get(sim::pod_kind, ps[2]->key()).value(), "Running", true, clk.now());
  set_status(fc->get(sim::pod_kind, ps[3]->key()).value(), "Running", true, clk.now() - 1h);
  ASSERT_TRUE(eventually([&] { return status_int("readyReplicas") == 2; }));
  auto gone = [&](const object_ptr& p) {
    auto cur = fc->get(sim::pod_kind, p->key());
    return !cur || !(*cur)->deletion_timestamp().empty();
  };
  set_replicas(3);
  ASSERT_TRUE(eventually([&] { return gone(ps[0]); }));
  set_replicas(2);
  ASSERT_TRUE(eventually([&] { return gone(ps[1]); }));
  set_replicas(1);
  ASSERT_TRUE(eventually([&] { return gone(ps[2]); }));
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 1; }));
  EXPECT_FALSE(gone(ps[3]));
  EXPECT_EQ(active_pods().size(), 1u);
}

TEST_F(ReplicaSetController, FailedCreatesSetReplicaFailureStopTheBatchAndRetry) {
  auto quota = ktk::core::api_error::forbidden({"", "pods"}, "web-", "exceeded quota: compute");
  auto id = fc->add_reactor("create", "pods", ktk::fakeclient::fail(quota));
  ASSERT_TRUE(fc->create(replicaset("web", 10)));
  start();
  ASSERT_TRUE(eventually([&] { return sim::condition_status(*rs(), "ReplicaFailure") == "True"; }));
  ASSERT_TRUE(eventually([&] { return ctrl->stats().reconciles >= 2 && idle(); }));
  // Two reconciles (the first, and the one its status write caused), each stopped
  // after its first batch of one; retries wait for the backoff on the fake clock.
  EXPECT_EQ(pod_creates(), 2u);
  const json* conds = rs()->at_path("status.conditions");
  ASSERT_TRUE(conds);
  EXPECT_EQ((*conds)[0]["reason"], "FailedCreate");
  EXPECT_EQ((*conds)[0]["message"], quota.message());
  fc->remove_reactor(id);
  ASSERT_TRUE(eventually_advancing([&] { return status_int("replicas") == 10; }));
  ASSERT_TRUE(eventually([&] { return sim::condition_status(*rs(), "ReplicaFailure").empty(); }));
  EXPECT_EQ(pods().size(), 10u);
}

TEST_F(ReplicaSetController, AFailureInABatchCountsOnlyTheSuccesses) {
  // The second create fails: batch 1 succeeds, batch 2 has one failure and ends the run.
  std::atomic<int> n{0};
  fc->add_reactor("create", "pods", [&](const ktk::fakeclient::action&) -> std::optional<ktk::fakeclient::reaction> {
    if (++n == 2) return ktk::fakeclient::reaction{.error = ktk::core::api_error::internal("boom")};
    return std::nullopt;
  });
  ASSERT_TRUE(fc->create(replicaset("web", 6)));
  pod_gate.close();  // the two Pods made stay unobserved: no second round
  start();
  ASSERT_TRUE(eventually([&] { return sim::condition_status(*rs(), "ReplicaFailure") == "True"; }));
  ASSERT_TRUE(eventually([&] { return ctrl->stats().reconciles >= 2 && idle(); }));
  EXPECT_EQ(pod_creates(), 3u);
  pod_gate.release();
  ASSERT_TRUE(eventually_advancing([&] { return status_int("replicas") == 6; }));
  EXPECT_EQ(pods().size(), 6u);
}

TEST_F(ReplicaSetController, AdoptsMatchingOrphansAndReleasesPodsThatStopMatching) {
  ASSERT_TRUE(fc->create(bare_pod("orphan", {{"app", "web"}})));
  ASSERT_TRUE(fc->create(bare_pod("stranger", {{"app", "other"}})));
  ASSERT_TRUE(fc->create(replicaset("web", 2)));
  start();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 2; }));
  EXPECT_EQ(pod_creates(), 3u);  // two set up by the test, one by the controller
  auto orphan = fc->get(sim::pod_kind, {"default", "orphan"}).value();
  ASSERT_TRUE(orphan->controller_ref());
  EXPECT_EQ(orphan->controller_ref()->uid, rs()->uid());
  EXPECT_FALSE(fc->get(sim::pod_kind, {"default", "stranger"}).value()->controller_ref());

  object relabeled = *orphan;
  relabeled.set_label("app", "moved");
  ASSERT_TRUE(fc->update(std::move(relabeled)));
  ASSERT_TRUE(eventually([&] { return !fc->get(sim::pod_kind, {"default", "orphan"}).value()->controller_ref(); }));
  ASSERT_TRUE(eventually([&] { return pods().size() == 4 && status_int("replicas") == 2; }));
}

TEST_F(ReplicaSetController, TerminalPodsAreReplacedAndNotCounted) {
  ASSERT_TRUE(fc->create(replicaset("web", 2)));
  start();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 2; }));
  auto victim = pods()[0];
  object failed = *victim;
  failed.data()["status"]["phase"] = "Failed";
  ASSERT_TRUE(fc->status().update(std::move(failed)));
  ASSERT_TRUE(eventually([&] { return pods().size() == 3 && status_int("replicas") == 2; }));
  EXPECT_EQ(active_pods().size(), 2u);
}

TEST_F(ReplicaSetController, StatusCountsReadyAndAvailableAfterMinReadySeconds) {
  // The template has a label the selector does not: a matching orphan without it is
  // not fully labeled.
  ASSERT_TRUE(fc->create(bare_pod("orphan", {{"app", "web"}})));
  ASSERT_TRUE(fc->create(replicaset("web", 3, {{"app", "web"}, {"tier", "fe"}}, 30)));
  start();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 3; }));
  EXPECT_EQ(status_int("fullyLabeledReplicas"), 2);
  for (const auto& p : pods()) set_status(p, "Running", true, clk.now());
  ASSERT_TRUE(eventually([&] { return status_int("readyReplicas") == 3; }));
  EXPECT_EQ(status_int("availableReplicas"), 0);
  ASSERT_TRUE(eventually([&] { return idle(); }));
  clk.advance(29s);
  ASSERT_TRUE(eventually([&] { return idle(); }));
  EXPECT_EQ(status_int("availableReplicas"), 0);
  clk.advance(1s);  // exactly minReadySeconds after Ready: the requeue lands now
  ASSERT_TRUE(eventually([&] { return status_int("availableReplicas") == 3; }));
}

TEST_F(ReplicaSetController, RecreatedReplicaSetWithTheSameNameStartsAfresh) {
  ASSERT_TRUE(fc->create(replicaset("web", 1)));
  start();
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 1; }));
  const std::string old_uid(rs()->uid());
  ASSERT_TRUE(fc->remove(sim::replicaset_kind, {"default", "web"}));
  ASSERT_TRUE(fc->create(replicaset("web", 2)));
  // The old Pod is still controlled by the old uid (no garbage collector here): the
  // new ReplicaSet leaves it alone and makes its own.
  ASSERT_TRUE(eventually([&] { return status_int("replicas") == 2; }));
  int old_owned = 0;
  for (const auto& p : pods()) old_owned += p->controller_ref()->uid == old_uid;
  EXPECT_EQ(old_owned, 1);
  EXPECT_EQ(pods().size(), 3u);
}

}  // namespace

namespace {

TEST_F(ReplicaSetController, ManyReplicaSetsEachGetExactlyTheirPods) {
  const int sets = std::getenv("KTK_SIM_RS_SETS") ? std::atoi(std::getenv("KTK_SIM_RS_SETS")) : 100;
  for (int i = 0; i < sets; ++i) {
    object o = replicaset("web-" + std::to_string(i), 10, {{"app", "web"}, {"set", std::to_string(i)}});
    o.data()["spec"]["selector"]["matchLabels"]["set"] = std::to_string(i);
    ASSERT_TRUE(fc->create(std::move(o)));
  }
  const auto t0 = std::chrono::steady_clock::now();
  start({.workers = 2});
  ASSERT_TRUE(eventually(
      [&] {
        auto l = fc->list(sim::replicaset_kind, {.namespace_ = "default"});
        for (const auto& r : l->items) {
          const json* v = r->at_path("status.replicas");
          if (!v || *v != 10) return false;
        }
        return true;
      },
      60s));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  RecordProperty("elapsed_ms", static_cast<int>(ms.count()));
  std::cout << sets << " ReplicaSets x 10 Pods: " << ms.count() << " ms\n";
  EXPECT_EQ(pod_creates(), static_cast<std::size_t>(sets) * 10);
  EXPECT_EQ(pods().size(), static_cast<std::size_t>(sets) * 10);
}

}  // namespace
