// The manager: runnables, failure, graceful shutdown, leader election between replicas.
#include "ktk/client/controller/manager.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "controller_test_util.hpp"
#include "ktk/client/controller/builder.hpp"

namespace {

using namespace controller_test;
namespace ctl = ktk::client::controller;

// Runs a manager on a thread; stops and joins it before the manager goes.
struct running {
  ctl::manager& m;
  std::stop_source stop;
  std::atomic<bool> finished{false};
  ktk::core::result<void> result;
  std::jthread t;
  explicit running(ctl::manager& mgr) : m(mgr) {
    t = std::jthread([this] {
      result = m.start(stop.get_token());
      finished = true;
    });
  }
  ~running() {
    stop.request_stop();
    if (t.joinable()) t.join();
  }
};

ctl::outcome noop(const ctl::request&, std::stop_token) { return ctl::done(); }

TEST(Manager, RunsRunnablesUntilStopped) {
  fake_backend be;
  ctl::manager mgr(be.client());
  std::atomic<int> started{0}, stopped{0};
  auto r = ctl::runnable_func([&](std::stop_token st) -> ktk::core::result<void> {
    ++started;
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    ++stopped;
    return {};
  });
  mgr.add(r);
  {
    running run(mgr);
    ASSERT_TRUE(eventually([&] { return started == 1; }));
    EXPECT_TRUE(mgr.elected());
    mgr.add(ctl::runnable_func([&](std::stop_token st) -> ktk::core::result<void> {  // added while running
      ++started;
      while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
      ++stopped;
      return {};
    }));
    ASSERT_TRUE(eventually([&] { return started == 2; }));
    run.stop.request_stop();
    run.t.join();
    EXPECT_TRUE(run.result.ok());
  }
  EXPECT_EQ(stopped, 2);
}

TEST(Manager, AFailingRunnableStopsTheOthersAndIsReported) {
  fake_backend be;
  ctl::manager mgr(be.client());
  std::atomic<bool> other_stopped{false};
  mgr.add(ctl::runnable_func([&](std::stop_token st) -> ktk::core::result<void> {
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    other_stopped = true;
    return {};
  }));
  mgr.add(ctl::runnable_func([](std::stop_token) -> ktk::core::result<void> {
    return ktk::core::api_error::internal("webhook server: address in use");
  }));
  running run(mgr);
  ASSERT_TRUE(eventually([&] { return run.finished.load(); }));
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error().message(), "Internal error occurred: webhook server: address in use");  // as returned
  EXPECT_TRUE(other_stopped);
}

TEST(Manager, AThrowingRunnableIsAFailure) {
  fake_backend be;
  ctl::manager mgr(be.client());
  mgr.add(ctl::runnable_func([](std::stop_token) -> ktk::core::result<void> { throw std::runtime_error("oops"); }));
  running run(mgr);
  ASSERT_TRUE(eventually([&] { return run.finished.load(); }));
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error().message(), "runnable threw: oops");
}

TEST(Manager, GracefulShutdownHasADeadline) {
  fake_backend be;
  ktk::core::fake_clock clk;
  ctl::manager mgr(be.client(), {.graceful_shutdown_timeout = 5s, .clock = &clk});
  std::atomic<bool> release{false};
  mgr.add(ctl::runnable_func([&](std::stop_token) -> ktk::core::result<void> {
    while (!release) std::this_thread::sleep_for(1ms);  // ignores stop
    return {};
  }));
  {
    running run(mgr);
    std::this_thread::sleep_for(5ms);
    run.stop.request_stop();
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(run.finished);  // still within the grace period on the fake clock
    clk.advance(6s);
    ASSERT_TRUE(eventually([&] { return run.finished.load(); }));
    ASSERT_FALSE(run.result.ok());
    EXPECT_EQ(run.result.error().message(), "failed waiting for all runnables to end within grace period of 5s");
    release = true;
  }
}

TEST(Manager, ControllerNamesAreUniqueAndBuilderChecksItsInput) {
  fake_backend be;
  ctl::manager mgr(be.client());
  ctl::builder(mgr).for_(cm_kind).complete(noop);
  EXPECT_THROW(ctl::builder(mgr).for_(cm_kind).complete(noop), std::invalid_argument);
  EXPECT_NO_THROW(ctl::builder(mgr).named("configmap-2").for_(cm_kind).complete(noop));
  EXPECT_THROW(ctl::builder(mgr).complete(noop), std::invalid_argument);
  EXPECT_THROW(ctl::builder(mgr).named("x").owns(cm_kind).complete(noop), std::invalid_argument);
  EXPECT_THROW(ctl::builder(mgr).for_(cm_kind).for_(secret_kind).complete(noop), std::invalid_argument);
  EXPECT_THROW(ctl::builder(mgr).named("zero").for_(secret_kind).with_options({.max_concurrent_reconciles = 0}).complete(noop),
               std::invalid_argument);
}

// Two managers on one cache: one informer per kind between them, which neither
// shuts down; the owner of the cache stops it.
TEST(Manager, ManagersSharingACacheShareItsInformersAndLeaveItRunning) {
  fake_backend be;
  auto shared = std::make_shared<ktk::client::cache::shared_informer_factory>(be.client());
  std::stop_source cache_stop;
  std::atomic<int> a_calls{0}, b_calls{0};
  auto a = std::make_unique<ctl::manager>(be.client(), ctl::manager_options{.shared_cache = shared,
                                                                            .shared_cache_stop = cache_stop.get_token()});
  ctl::manager b(be.client(), {.shared_cache = shared, .shared_cache_stop = cache_stop.get_token()});
  EXPECT_EQ(&a->get_cache(), shared.get());
  ctl::builder(*a).named("a").for_(cm_kind).complete([&](const ctl::request&, std::stop_token) {
    ++a_calls;
    return ctl::done();
  });
  ctl::builder(b).named("b").for_(cm_kind).complete([&](const ctl::request&, std::stop_token) {
    ++b_calls;
    return ctl::done();
  });
  running run_b(b);
  {
    running run_a(*a);
    ASSERT_TRUE(be.client().create(config_map("x")));
    ASSERT_TRUE(eventually([&] { return a_calls >= 1 && b_calls >= 1; }));
    EXPECT_EQ(shared->informers().size(), 1u);
  }
  a.reset();  // stopped and gone: the informer it shared goes on for b
  const auto inf = shared->informer_for(cm_kind);
  EXPECT_FALSE(inf->is_stopped());
  const int before = b_calls;
  ASSERT_TRUE(be.client().create(config_map("y")));
  EXPECT_TRUE(eventually([&] { return b_calls > before; }));
  cache_stop.request_stop();
  EXPECT_TRUE(eventually([&] { return inf->is_stopped(); }));
  shared->shutdown();
}

TEST(Manager, ControllersListsWhatTheBuilderAdded) {
  fake_backend be;
  ctl::manager mgr(be.client());
  EXPECT_TRUE(mgr.controllers().empty());
  auto a = ctl::builder(mgr).for_(cm_kind).complete(noop);
  auto b = ctl::builder(mgr).for_(secret_kind).complete(noop);
  auto all = mgr.controllers();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], a);
  EXPECT_EQ(all[1], b);
}

TEST(Manager, ControllerGivesUpWhenItsCacheNeverSyncs) {
  ktk::core::fake_clock clk;
  auto fc = ktk::fakeclient::builder().build();
  fc->add_reactor("list", "secrets", ktk::fakeclient::fail(ktk::core::api_error::forbidden(
                                         {"", "secrets"}, "", "secrets is forbidden")));
  ctl::manager mgr(*fc, {.clock = &clk});
  ctl::builder(mgr).for_(secret_kind).with_options({.cache_sync_timeout = 30s}).complete(noop);
  running run(mgr);
  ASSERT_TRUE(eventually([&] {
    if (run.finished) return true;
    clk.advance(1s);  // the reflector backs off on this clock too
    return false;
  }, 30s));
  ASSERT_FALSE(run.result.ok());
  EXPECT_EQ(run.result.error().message(), "controller secret: timed out waiting for cache to be synced");
}

// Two replicas of one operator: only the leader reconciles; when it stops, the other takes over.
TEST(Manager, OnlyTheLeaderRunsControllers) {
  fake_backend be;
  auto le = [](std::string id) {
    return ctl::leader_election_options{.lease_namespace = "default",
                                        .lease_name = "op-lock",
                                        .identity = std::move(id),
                                        .lease_duration = 3s,
                                        .renew_deadline = 2s,
                                        .retry_period = 1s};
  };
  std::atomic<int> a_calls{0}, b_calls{0};
  auto a = std::make_unique<ctl::manager>(be.client(), ctl::manager_options{.leader_election = le("a")});
  ctl::manager b(be.other_client(), {.leader_election = le("b")});
  ctl::builder(*a).for_(cm_kind).complete([&](const ctl::request&, std::stop_token) {
    ++a_calls;
    return ctl::done();
  });
  ctl::builder(b).for_(cm_kind).complete([&](const ctl::request&, std::stop_token) {
    ++b_calls;
    return ctl::done();
  });
  std::atomic<bool> b_runs_unelected_runnable{false};
  b.add(ctl::runnable_func([&](std::stop_token st) -> ktk::core::result<void> {
    b_runs_unelected_runnable = true;
    while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    return {};
  }, /*needs_leader_election=*/false));

  auto run_a = std::make_unique<running>(*a);
  ASSERT_TRUE(eventually([&] { return a->elected(); }));
  running run_b(b);
  ASSERT_TRUE(eventually([&] { return b_runs_unelected_runnable.load(); }));
  ASSERT_TRUE(be.client().create(config_map("one")));
  ASSERT_TRUE(eventually([&] { return a_calls >= 1; }));
  EXPECT_FALSE(b.elected());
  EXPECT_EQ(b_calls, 0);

  run_a.reset();  // stops a, which hands the Lease back
  a.reset();
  ASSERT_TRUE(eventually([&] { return b.elected(); }));
  ASSERT_TRUE(eventually([&] { return b_calls >= 1; }));  // b's controller starts and lists "one"
}

// A Lease that cannot be written (its namespace is missing) is said in the log, as
// controller-runtime's logs say it, instead of the manager waiting in silence.
TEST(Manager, LeaderElectionErrorsAreLogged) {
  fake_backend be;
  std::mutex mu;
  std::vector<std::string> lines;
  ctl::manager mgr(be.client(), {.leader_election = ctl::leader_election_options{.lease_namespace = "ops",
                                                                                  .lease_name = "op-lock",
                                                                                  .identity = "a"},
                                 .log = [&](const std::string& l) {
                                   std::lock_guard lock(mu);
                                   lines.push_back(l);
                                 }});
  running run(mgr);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return !lines.empty();
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(lines[0], "leader election: creating Lease ops/op-lock: namespaces \"ops\" not found");
  EXPECT_FALSE(mgr.elected());
}

}  // namespace
