#include "ktk/client/controller/leader_election.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "../common/eventually.hpp"
#include "ktk/fakeclient/fake_client.hpp"

using namespace std::chrono_literals;
using ktk::client::controller::leader_callbacks;
using ktk::client::controller::leader_election_options;
using ktk::client::controller::leader_elector;

namespace {

const ktk::core::gvk lease_kind{"coordination.k8s.io", "v1", "Lease"};

using ktk_test::eventually;

class LeaderElection : public ::testing::Test {
 protected:
  leader_election_options opts(std::string id) {
    return {.lease_namespace = "default", .lease_name = "op", .identity = std::move(id), .clock = &clk};
  }
  ktk::core::json spec() {
    auto l = fc->get(lease_kind, {"default", "op"});
    return l ? (*l)->data().at("spec") : ktk::core::json();
  }
  // Steps the fake clock by `d` once `sleepers` threads sleep on it.
  void step(ktk::core::clock::duration d, int sleepers = 1) {
    ASSERT_TRUE(eventually([&] { return clk.sleepers() >= sleepers; }));
    clk.advance(d);
  }

  ktk::core::fake_clock clk;
  std::unique_ptr<ktk::fakeclient::fake_client> fc = ktk::fakeclient::builder().with_clock(clk).build();
};

TEST_F(LeaderElection, RejectsInconsistentOptions) {
  auto o = opts("a");
  o.renew_deadline = 15s;
  EXPECT_THROW(leader_elector(*fc, o), std::invalid_argument);
  o = opts("a");
  o.retry_period = 9s;
  EXPECT_THROW(leader_elector(*fc, o), std::invalid_argument);
  o = opts("");
  EXPECT_THROW(leader_elector(*fc, o), std::invalid_argument);
}

TEST_F(LeaderElection, FailedAttemptsAreReportedThenRetried) {
  std::vector<std::string> errors;
  auto o = opts("a");
  o.lease_namespace = "ops";
  leader_elector a(*fc, o, {.on_error = [&](const std::string& e) { errors.push_back(e); }});
  EXPECT_FALSE(a.try_acquire_or_renew());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "leader election: creating Lease ops/op: namespaces \"ops\" not found");
  ktk::core::object ns("v1", "Namespace");
  ns.set_name("ops");
  ASSERT_TRUE(fc->create(std::move(ns)));
  EXPECT_TRUE(a.try_acquire_or_renew()) << "the next attempt succeeds";
  fc->add_reactor("update", "leases",
                  ktk::fakeclient::fail_times(1, ktk::api_error::internal("etcd is down")));
  EXPECT_FALSE(a.try_acquire_or_renew());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_TRUE(errors[1].starts_with("leader election: updating Lease ops/op: ")) << errors[1];
  EXPECT_TRUE(a.try_acquire_or_renew());
}

TEST_F(LeaderElection, FirstCandidateCreatesTheLease) {
  leader_elector a(*fc, opts("a"));
  EXPECT_TRUE(a.try_acquire_or_renew());
  auto s = spec();
  EXPECT_EQ(s["holderIdentity"], "a");
  EXPECT_EQ(s["leaseDurationSeconds"], 15);
  EXPECT_EQ(s["leaseTransitions"], 0);
  EXPECT_EQ(s["acquireTime"], "2024-01-01T00:00:00.000000Z");
  clk.advance(2s);
  EXPECT_TRUE(a.try_acquire_or_renew());  // a renewal keeps acquireTime and transitions
  s = spec();
  EXPECT_EQ(s["renewTime"], "2024-01-01T00:00:02.000000Z");
  EXPECT_EQ(s["acquireTime"], "2024-01-01T00:00:00.000000Z");
  EXPECT_EQ(s["leaseTransitions"], 0);
  EXPECT_EQ(a.leader(), "a");
}

TEST_F(LeaderElection, ALiveLeaseIsRespectedAnExpiredOneTaken) {
  leader_elector a(*fc, opts("a"));
  leader_elector b(*fc, opts("b"));
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());
  EXPECT_EQ(b.leader(), "a");
  clk.advance(14s);  // b first saw the record 14 s ago: still live
  EXPECT_FALSE(b.try_acquire_or_renew());
  clk.advance(1s);
  EXPECT_TRUE(b.try_acquire_or_renew());
  auto s = spec();
  EXPECT_EQ(s["holderIdentity"], "b");
  EXPECT_EQ(s["leaseTransitions"], 1);
  EXPECT_EQ(s["acquireTime"], "2024-01-01T00:00:15.000000Z");
  EXPECT_FALSE(a.try_acquire_or_renew());  // a now sees b's fresh record
}

TEST_F(LeaderElection, ExpiryIsMeasuredFromWhenTheCandidateSawTheRecordChange) {
  leader_elector a(*fc, opts("a"));
  ASSERT_TRUE(a.try_acquire_or_renew());
  clk.advance(100s);  // a stopped renewing long ago, but b has only just looked
  leader_elector b(*fc, opts("b"));
  EXPECT_FALSE(b.try_acquire_or_renew());
  clk.advance(15s);
  EXPECT_TRUE(b.try_acquire_or_renew());
}

TEST_F(LeaderElection, RunLeadsUntilStoppedThenReleases) {
  std::atomic<bool> started{false}, work_stopped{false}, stopped_leading{false};
  std::string new_leader;
  leader_elector a(*fc, opts("a"),
                   {.on_started_leading =
                        [&](std::stop_token st) {
                          started = true;
                          while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
                          work_stopped = true;
                        },
                    .on_stopped_leading = [&] { stopped_leading = true; },
                    .on_new_leader = [&](const std::string& id) { new_leader = id; }});
  std::stop_source stop;
  bool kept = false;
  std::jthread t([&] { kept = a.run(stop.get_token()); });
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  EXPECT_TRUE(a.is_leader());
  EXPECT_EQ(new_leader, "a");
  for (int i = 0; i < 5; ++i) step(2s);  // renews every retry period
  EXPECT_TRUE(eventually([&] { return spec()["renewTime"] == "2024-01-01T00:00:10.000000Z"; }));
  stop.request_stop();
  t.join();
  EXPECT_TRUE(kept);
  EXPECT_TRUE(work_stopped);
  EXPECT_TRUE(stopped_leading);
  EXPECT_FALSE(a.is_leader());
  auto s = spec();
  EXPECT_EQ(s["holderIdentity"], "");
  EXPECT_EQ(s["leaseDurationSeconds"], 1);

  leader_elector b(*fc, opts("b"));  // a released: b takes it at once
  EXPECT_TRUE(b.try_acquire_or_renew());
  EXPECT_EQ(spec()["leaseTransitions"], 1);
}

TEST_F(LeaderElection, WithoutReleaseTheLeaseStaysHeld) {
  auto o = opts("a");
  o.release_on_cancel = false;
  leader_elector a(*fc, o);
  std::stop_source stop;
  std::jthread t([&] { (void)a.run(stop.get_token()); });
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));
  stop.request_stop();
  t.join();
  EXPECT_EQ(spec()["holderIdentity"], "a");
}

TEST_F(LeaderElection, LeadershipIsLostWhenRenewalFailsForTheRenewDeadline) {
  std::atomic<bool> work_stopped{false};
  leader_elector a(*fc, opts("a"), {.on_started_leading = [&](std::stop_token st) {
                                      while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
                                      work_stopped = true;
                                    }});
  bool kept = true;
  std::atomic<bool> finished{false};
  std::jthread t([&] {
    kept = a.run({});
    finished = true;
  });
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));
  fc->add_reactor("update", "leases",
                  ktk::fakeclient::fail(ktk::core::api_error::internal("etcd is down")));
  auto failing_since = clk.now();
  // Renewals fail from now on; the elector retries every 2 s and gives up after 10 s.
  ASSERT_TRUE(eventually([&] {
    if (finished) return true;
    if (clk.sleepers() > 0) clk.advance(2s);
    return false;
  }));
  t.join();
  EXPECT_GE(clk.now() - failing_since, 10s);
  EXPECT_LE(clk.now() - failing_since, 20s);
  EXPECT_FALSE(kept);
  EXPECT_TRUE(work_stopped);
  EXPECT_FALSE(a.is_leader());
  EXPECT_EQ(spec()["holderIdentity"], "a");  // no release after a loss
}

TEST_F(LeaderElection, ASecondCandidateWaitsAndTakesOverAfterRelease) {
  std::atomic<int> leading{0};
  auto work = [&](std::stop_token st) {
    ++leading;
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    --leading;
  };
  leader_elector a(*fc, opts("a"), {.on_started_leading = work});
  leader_elector b(*fc, opts("b"), {.on_started_leading = work});
  std::stop_source stop_a, stop_b;
  std::jthread ta([&] { (void)a.run(stop_a.get_token()); });
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));
  std::jthread tb([&] { (void)b.run(stop_b.get_token()); });
  step(2s, 2);  // both sleep: a renews, b retries
  EXPECT_FALSE(b.is_leader());
  stop_a.request_stop();
  ta.join();
  clk.advance(3s);  // past b's jittered retry period (at most 2 s × 2.2)
  ASSERT_TRUE(eventually([&] { return b.is_leader(); }));
  EXPECT_TRUE(eventually([&] { return leading.load() == 1; }));
  stop_b.request_stop();
  tb.join();
  EXPECT_EQ(leading.load(), 0);
}

}  // namespace
