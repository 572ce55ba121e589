// The At reconciler on the fake client, with a fake clock: no sockets, no waiting for
// a schedule — the tests move time themselves.
#include "at_controller.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "ktk/client/controller/conditions.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/core/yaml.hpp"
#include "ktk/fakeclient/fake_client.hpp"

#include "at_test_util.hpp"

namespace {

using namespace std::chrono_literals;
using namespace at_test;
namespace ctl = ktk::client::controller;
namespace fake = ktk::fakeclient;

const ktk::core::gvk pod_kind{"", "v1", "Pod"};
const ktk::core::object_key key{"default", "cnrex"};
const ktk::core::object_key pod_key{"default", "cnrex-pod"};

// The fake clock starts at 2024-01-01T00:00:00Z; the At is due an hour later.
constexpr const char* schedule = "2024-01-01T01:00:00Z";

// The example's CRD, as the tests install it.
json at_crd() { return ktk::core::load_yaml_file(EXAMPLE_DIR "/crd/at.yaml").at(0); }

class AtReconciler : public ::testing::Test {
 protected:
  explicit AtReconciler(json crd = at_crd())
      : fc(fake::builder().with_crd(ktk::core::object(std::move(crd))).with_clock(clk).with_seed(1).build()) {}

  void create(const std::string& when) { ASSERT_TRUE(fc->create(make_at("default", "cnrex", when))); }
  cnat::at read_at() { return fc->get<cnat::at>(key).value(); }
  std::string phase() { return read_at().status.phase; }
  ctl::outcome reconcile() { return r.reconcile(key, {}); }
  // How many calls of this verb the fake client saw on this resource (and subresource).
  long count(const std::string& verb, const std::string& resource, const std::string& sub = "") {
    auto all = fc->actions();
    return std::count_if(all.begin(), all.end(), [&](const fake::action& a) {
      return a.verb == verb && a.resource.resource == resource && a.subresource == sub;
    });
  }
  // Acts as the kubelet: the Pod ends in `pod_phase`.
  void finish_pod(const std::string& pod_phase) {
    ASSERT_TRUE(fc->status().patch(pod_kind, pod_key, ktk::core::patch_type::merge_patch,
                                   json{{"status", {{"phase", pod_phase}}}}));
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<fake::fake_client> fc;
  cnat::at_reconciler r{*fc, clk};
};

TEST_F(AtReconciler, ANewAtIsPendingAndAsksToComeBackAtItsSchedule) {
  create(schedule);
  auto out = reconcile();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.requeue_after(), 1h);
  EXPECT_EQ(phase(), "PENDING");
  EXPECT_TRUE(ctl::is_status_condition_true(read_at().status.conditions, "ScheduleValid"));
  EXPECT_TRUE(ktk::is_not_found(fc->get(pod_kind, pod_key)));

  clk.advance(59min);  // woken early (the At changed, say): it asks for the rest of the wait
  EXPECT_EQ(reconcile().requeue_after(), 1min);
  EXPECT_TRUE(ktk::is_not_found(fc->get(pod_kind, pod_key)));
}

TEST_F(AtReconciler, AtTheScheduleItRunsTheContainersInAPodItControls) {
  create(schedule);
  ASSERT_TRUE(reconcile().ok());
  clk.advance(1h);
  auto out = reconcile();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.requeue_after(), 0ns);
  EXPECT_EQ(phase(), "RUNNING");

  auto pod = fc->get(pod_kind, pod_key);
  ASSERT_TRUE(pod) << pod.error().message();
  const auto& spec = (*pod)->data()["spec"];
  EXPECT_EQ(spec["restartPolicy"], "Never");
  ASSERT_EQ(spec["containers"].size(), 1u);
  EXPECT_EQ(spec["containers"][0]["image"], "centos:7");
  EXPECT_EQ(spec["containers"][0]["command"], (json{"bin/bash", "-c", "echo \"Hello, Shanghai!\""}));
  auto owner = (*pod)->controller_ref();
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->api_version, "cnat.programming-kubernetes.info/v1alpha1");
  EXPECT_EQ(owner->kind, "At");
  EXPECT_EQ(owner->name, "cnrex");
  EXPECT_EQ(owner->uid, read_at().metadata["uid"]);
  EXPECT_EQ(owner->block_owner_deletion, true);
}

TEST_F(AtReconciler, APastScheduleRunsAtOnce) {
  create("2023-05-21T02:00:00Z");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RUNNING");
  EXPECT_TRUE(fc->get(pod_kind, pod_key));
}

TEST_F(AtReconciler, RunningBecomesDoneWhenThePodSucceeds) {
  create(schedule);
  clk.advance(1h);
  ASSERT_TRUE(reconcile().ok());
  ASSERT_TRUE(reconcile().ok());  // the Pod still runs: nothing changes
  EXPECT_EQ(phase(), "RUNNING");
  finish_pod("Succeeded");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "DONE");
}

TEST_F(AtReconciler, RunningBecomesDoneWhenThePodFails) {
  create(schedule);
  clk.advance(1h);
  ASSERT_TRUE(reconcile().ok());
  finish_pod("Failed");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "DONE");
  ASSERT_TRUE(reconcile().ok());  // DONE stays DONE
  EXPECT_EQ(phase(), "DONE");
}

TEST_F(AtReconciler, ReconcilingAgainCreatesNoSecondPod) {
  create(schedule);
  clk.advance(1h);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(count("create", "pods"), 1);
  EXPECT_EQ(phase(), "RUNNING");
}

TEST_F(AtReconciler, AConflictOnTheStatusWriteIsRetriedAndEndsRight) {
  create(schedule);
  clk.advance(1h);
  // The status write after the Pod's creation loses a race with another writer.
  fc->add_reactor("update", "ats",
                  fake::fail_times(1, ktk::core::api_error::conflict({"cnat.programming-kubernetes.info", "ats"}, "cnrex",
                                                                     "the object has been modified")));
  auto out = reconcile();
  EXPECT_TRUE(out.ok());  // no error in the log: the At is simply read again
  EXPECT_TRUE(out.requeue_requested());
  EXPECT_EQ(phase(), "");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RUNNING");
  EXPECT_EQ(count("update", "ats", "status"), 2);
  EXPECT_EQ(count("create", "pods"), 2);  // the second one found the first one's Pod
  EXPECT_EQ(fc->list(pod_kind, {.namespace_ = "default"})->items.size(), 1u);
}

TEST_F(AtReconciler, AServerErrorOnPodCreateIsRetried) {
  create(schedule);
  clk.advance(1h);
  fc->add_reactor("create", "pods", fake::fail_times(1, ktk::core::api_error::internal("etcd is slow")));
  auto out = reconcile();
  ASSERT_FALSE(out.ok());
  EXPECT_FALSE(out.err()->is_terminal());  // retried with the controller's backoff
  EXPECT_NE(phase(), "RUNNING");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RUNNING");
  EXPECT_TRUE(fc->get(pod_kind, pod_key));
}

TEST_F(AtReconciler, ADeletedAtIsNothingToDo) {
  auto out = reconcile();
  EXPECT_TRUE(out.ok());
  EXPECT_EQ(out.requeue_after(), 0ns);
  EXPECT_EQ(count("create", "pods"), 0);
}

TEST_F(AtReconciler, TheCrdRejectsAScheduleThatIsNoTime) {
  auto made = fc->create(make_at("default", "cnrex", "tomorrow"));
  ASSERT_FALSE(made);
  EXPECT_TRUE(ktk::is_invalid(made.error())) << made.error().message();
}

// The schema's date-time check is go-openapi's, which ignores case; RFC 3339 parsers
// (Go's time.Parse, ktk's parse_rfc3339) do not. The controller reports it.
TEST_F(AtReconciler, ALowerCaseTimePassesTheCrdButIsReportedAsInvalid) {
  create("2024-01-01t01:00:00z");
  ASSERT_TRUE(reconcile().ok());
  EXPECT_TRUE(ctl::is_status_condition_false(read_at().status.conditions, "ScheduleValid"));
}

TEST_F(AtReconciler, TheSampleIsAValidAt) {
  auto sample = ktk::core::load_yaml_file(EXAMPLE_DIR "/samples/at.yaml").at(0);
  sample["metadata"]["namespace"] = "default";
  auto made = fc->create(ktk::core::object(sample));
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(fc->get<cnat::at>(made.value()->key())->spec.containers.size(), 1u);
}

// A CRD installed without the schema's format check (an older one, say): the
// controller is the last line of defence.
json crd_without_format() {
  json crd = at_crd();
  crd[json::json_pointer("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/schedule")].erase("format");
  return crd;
}

class AtReconcilerWithoutFormat : public AtReconciler {
 protected:
  AtReconcilerWithoutFormat() : AtReconciler(crd_without_format()) {}
};

TEST_F(AtReconcilerWithoutFormat, AScheduleThatIsNoTimeIsReportedOnceAndNotRetried) {
  create("tomorrow");
  auto out = reconcile();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.requeue_after(), 0ns);
  EXPECT_FALSE(out.requeue_requested());
  auto at = read_at();
  EXPECT_EQ(at.status.phase, "PENDING");
  auto cond = ctl::find_status_condition(at.status.conditions, "ScheduleValid");
  ASSERT_TRUE(cond);
  EXPECT_EQ(cond->status, "False");
  EXPECT_EQ(cond->reason, "InvalidSchedule");
  EXPECT_NE(cond->message.find("\"tomorrow\""), std::string::npos) << cond->message;

  // Seeing it again (its own status write brings it back) writes nothing new.
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(count("update", "ats", "status"), 1);
  EXPECT_EQ(count("create", "pods"), 0);

  // A fixed schedule is picked up.
  auto fixed = read_at();
  fixed.spec.schedule = "2024-01-01T00:00:00Z";
  ASSERT_TRUE(fc->update(fixed));
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(phase(), "RUNNING");
  EXPECT_TRUE(ctl::is_status_condition_true(read_at().status.conditions, "ScheduleValid"));
}

// The whole life of an At with the manager running the controller: its informers,
// its queue (whose delay runs on the fake clock) and the Pod watch.
TEST(AtOperator, RunsAnAtFromPendingToDoneOnAFakeClock) {
  ktk::core::fake_clock clk;
  auto fc = fake::builder().with_crd(ktk::core::object(at_crd())).with_clock(clk).build();
  ctl::manager mgr(*fc, {.clock = &clk});
  cnat::setup(mgr);
  auto ctrl = mgr.controllers().at(0);
  std::stop_source stop;
  std::jthread run([&] { (void)mgr.start(stop.get_token()); });
  struct stopper {
    std::stop_source& s;
    ~stopper() { s.request_stop(); }
  } stop_on_exit{stop};  // also when an assertion returns early

  ASSERT_TRUE(fc->create(make_at("default", "cnrex", schedule)));
  ASSERT_TRUE(eventually([&] {
    auto a = fc->get<cnat::at>(key);
    auto q = ctrl->queue().activity();
    // PENDING, and nothing left to do but the wake-up at the schedule.
    return a && a->status.phase == "PENDING" && q.queued == 0 && q.processing == 0 &&
           q.next_ready_at == ktk::core::parse_rfc3339(schedule);
  }));
  EXPECT_TRUE(ktk::is_not_found(fc->get(pod_kind, pod_key)));

  clk.advance(1h);
  ASSERT_TRUE(eventually([&] { return fc->get<cnat::at>(key)->status.phase == "RUNNING"; }));
  ASSERT_TRUE(fc->get(pod_kind, pod_key));

  // The kubelet's report on the Pod is what brings the At back.
  ASSERT_TRUE(fc->status().patch(pod_kind, pod_key, ktk::core::patch_type::merge_patch,
                                 json{{"status", {{"phase", "Succeeded"}}}}));
  ASSERT_TRUE(eventually([&] { return fc->get<cnat::at>(key)->status.phase == "DONE"; }));
  EXPECT_EQ(ctrl->stats().errors, 0u);
}

}  // namespace
