// The controller runtime end to end: builder → manager → informers → queue →
// reconciler, on every backend (the FakeClient, and the embedded server over HTTP).
#include "ktk/client/controller/controller.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "controller_test_util.hpp"
#include "ktk/client/controller/builder.hpp"
#include "ktk/client/controller/controllerutil.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/controller/predicate.hpp"

namespace {

using namespace controller_test;
namespace ctl = ktk::client::controller;

// Keeps a ConfigMap "<deployment>-replicas" owned by each Deployment, holding its replicas.
class mirror final : public ctl::reconciler {
 public:
  explicit mirror(ktk::client::client& c) : c_(c) {}

  ctl::outcome reconcile(const ctl::request& req, std::stop_token) override {
    ++calls;
    {
      std::lock_guard lock(mu);
      seen.insert(req.name);
    }
    auto d = c_.get(deploy_kind, req);
    if (ktk::is_not_found(d)) return ctl::done();
    if (!d) return d.error();
    object cm("v1", "ConfigMap");
    cm.set_namespace(req.namespace_);
    cm.set_name(req.name + "-replicas");
    const auto& owner = **d;
    auto r = ctl::create_or_update(c_, cm, [&](object& o) -> ktk::core::result<void> {
      o.data()["data"] = {{"replicas", std::to_string(owner.data()["spec"].value("replicas", 1))}};
      return ctl::set_controller_reference(owner, o, {.mapper = &c_.mapper()});
    });
    if (!r) return r.error();
    return ctl::done();
  }

  std::atomic<int> calls{0};
  std::mutex mu;
  std::set<std::string> seen;  // guarded by mu

 private:
  ktk::client::client& c_;
};

// Records on which thread its events arrive; quick or not as told.
class thread_noting_handler final : public ctl::handler {
 public:
  explicit thread_noting_handler(bool quick) : quick_(quick) {}
  bool quick() const override { return quick_; }
  void create(const ctl::create_event&, ctl::work_queue&) override { note(); }
  void update(const ctl::update_event&, ctl::work_queue&) override { note(); }
  void delete_(const ctl::delete_event&, ctl::work_queue&) override { note(); }
  void generic(const ctl::generic_event&, ctl::work_queue&) override { note(); }
  std::set<std::thread::id> threads() {
    std::lock_guard lock(mu_);
    return threads_;
  }

 private:
  void note() {
    std::lock_guard lock(mu_);
    threads_.insert(std::this_thread::get_id());
  }
  const bool quick_;
  std::mutex mu_;
  std::set<std::thread::id> threads_;  // guarded by mu_
};

TEST(KindSource, AQuickHandlerAndItsPredicatesRunOnTheInformersThreadOthersOnTheirOwn) {
  auto be = make_backend("fake");
  auto inf = std::make_shared<ktk::client::cache::shared_informer>(be->client(), cm_kind);
  std::jthread informer_thread;
  std::once_flag once;
  auto start = [&](std::stop_token st) {
    std::call_once(once, [&] { informer_thread = std::jthread([&inf, st] { inf->run(st); }); });
  };
  auto quick = std::make_shared<thread_noting_handler>(true);
  auto slow = std::make_shared<thread_noting_handler>(false);
  std::mutex pmu;
  std::set<std::thread::id> predicate_threads;
  ctl::predicate noting = ctl::funcs{.create = [&](const ctl::create_event&) {
    std::lock_guard lock(pmu);
    predicate_threads.insert(std::this_thread::get_id());
    return true;
  }};
  auto quick_src = ctl::kind_source(inf, quick, {noting}, start);
  auto slow_src = ctl::kind_source(inf, slow, {}, start);
  ctl::work_queue q1, q2;
  std::stop_source stop;
  slow_src->start(stop.get_token(), q2);
  quick_src->start(stop.get_token(), q1);
  ASSERT_TRUE(quick_src->wait_for_sync(stop.get_token()));
  ASSERT_TRUE(slow_src->wait_for_sync(stop.get_token()));
  ASSERT_TRUE(be->client().create(config_map("a")));
  ASSERT_TRUE(ktk_test::eventually([&] { return !quick->threads().empty() && !slow->threads().empty(); }));
  EXPECT_EQ(quick->threads(), (std::set<std::thread::id>{informer_thread.get_id()}));
  {
    std::lock_guard lock(pmu);
    EXPECT_EQ(predicate_threads, (std::set<std::thread::id>{informer_thread.get_id()}));
  }
  ASSERT_EQ(slow->threads().size(), 1u);
  EXPECT_NE(*slow->threads().begin(), informer_thread.get_id());
  quick_src->stop();
  slow_src->stop();
  stop.request_stop();
  informer_thread.join();
}

class ControllerSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    be = make_backend(GetParam());
    if (!be) GTEST_SKIP() << "backend " << GetParam() << " is not available in this build";
  }
  void TearDown() override {
    stop.request_stop();
    if (runner.joinable()) runner.join();
    owned.reset();
  }
  // The manager of the test; it outlives the thread that runs it.
  ctl::manager& manager(ctl::manager_options opts = {}) {
    owned = std::make_unique<ctl::manager>(be->client(), std::move(opts));
    return *owned;
  }
  // Starts the manager on a thread; start()'s result lands in `result`.
  void run(ctl::manager& m) {
    runner = std::jthread([this, &m] { result = m.start(stop.get_token()); });
  }
  std::string data_of(const std::string& name) {
    auto cm = be->client().get(cm_kind, {"default", name});
    if (!cm) return "<" + std::string(cm.error().reason()) + ">";
    return (*cm)->data()["data"].value("replicas", "");
  }

  std::unique_ptr<backend> be;
  std::unique_ptr<ctl::manager> owned;
  std::stop_source stop;
  std::jthread runner;
  ktk::core::result<void> result;
};

TEST_P(ControllerSuite, OwnedObjectsFollowTheirOwner) {
  auto& mgr = manager({.graceful_shutdown_timeout = 10s});
  auto rec = std::make_shared<mirror>(mgr.get_client());  // reads from the cache, as controllers do
  auto ctrl = ctl::builder(mgr).for_(deploy_kind).owns(cm_kind).complete(rec);
  EXPECT_EQ(ctrl->name(), "deployment");
  run(mgr);

  ASSERT_TRUE(be->client().create(deployment("web", 2)));
  ASSERT_TRUE(eventually([&] { return data_of("web-replicas") == "2"; })) << data_of("web-replicas");
  auto cm = be->client().get(cm_kind, {"default", "web-replicas"});
  ASSERT_TRUE(cm);
  auto owner = ctl::get_controller_of(**cm);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->kind, "Deployment");
  EXPECT_EQ(owner->name, "web");

  ASSERT_TRUE(be->client().patch(deploy_kind, {"default", "web"}, ktk::core::patch_type::merge_patch,
                                 json{{"spec", {{"replicas", 5}}}}));
  ASSERT_TRUE(eventually([&] { return data_of("web-replicas") == "5"; })) << data_of("web-replicas");

  // Someone deletes the owned object: its delete event reconciles the owner again.
  ASSERT_TRUE(be->client().remove(cm_kind, {"default", "web-replicas"}));
  ASSERT_TRUE(eventually([&] { return data_of("web-replicas") == "5"; })) << data_of("web-replicas");

  // A ConfigMap nobody owns triggers nothing.
  int before = rec->calls;
  ASSERT_TRUE(be->client().create(config_map("loose")));
  ASSERT_TRUE(be->client().patch(deploy_kind, {"default", "web"}, ktk::core::patch_type::merge_patch,
                                 json{{"spec", {{"replicas", 6}}}}));
  ASSERT_TRUE(eventually([&] { return data_of("web-replicas") == "6"; }));
  std::lock_guard lock(rec->mu);
  EXPECT_EQ(rec->seen, (std::set<std::string>{"web"}));
  EXPECT_GE(rec->calls, before + 1);
  // Reads come from the cache, so a reconcile may find it behind its own write
  // (AlreadyExists, Conflict) and be retried, as on a real cluster: errors are allowed,
  // convergence is what counts.
  auto stats = ctrl->stats();
  EXPECT_GE(stats.successes, 4u);
  EXPECT_EQ(stats.terminal_errors, 0u);
}

TEST_P(ControllerSuite, StopEndsStartCleanly) {
  auto& mgr = manager();
  auto rec = std::make_shared<mirror>(be->client());
  ctl::builder(mgr).for_(deploy_kind).complete(rec);
  run(mgr);
  ASSERT_TRUE(be->client().create(deployment("a", 1)));
  ASSERT_TRUE(eventually([&] { return data_of("a-replicas") == "1"; }));
  stop.request_stop();
  runner.join();
  EXPECT_TRUE(result.ok()) << result.error().message();
}

TEST_P(ControllerSuite, ErrorsAreRetriedWithBackoffTerminalErrorsAreNot) {
  auto& mgr = manager();
  std::atomic<int> flaky{0}, terminal{0}, throwing{0};
  std::vector<std::string> log;
  std::mutex log_mu;
  auto ctrl = ctl::builder(mgr)
                  .for_(cm_kind)
                  .with_options({.log =
                                     [&](const std::string& l) {
                                       std::lock_guard lock(log_mu);
                                       log.push_back(l);
                                     }})
                  .complete([&](const ctl::request& req, std::stop_token) -> ctl::outcome {
                    if (req.name == "flaky") return ++flaky < 3 ? ctl::outcome(ctl::error("not yet")) : ctl::done();
                    if (req.name == "terminal") {
                      ++terminal;
                      return ctl::terminal("cannot ever work");
                    }
                    if (req.name == "throwing" && ++throwing < 3) throw std::runtime_error("boom");
                    return ctl::done();
                  });
  run(mgr);
  ASSERT_TRUE(be->client().create(config_map("flaky")));
  ASSERT_TRUE(be->client().create(config_map("terminal")));
  ASSERT_TRUE(be->client().create(config_map("throwing")));
  ASSERT_TRUE(eventually([&] { return flaky == 3 && throwing == 3; }));
  ASSERT_TRUE(eventually([&] { return ctrl->stats().errors == 4 && ctrl->stats().terminal_errors == 1; }));
  EXPECT_EQ(terminal, 1);
  EXPECT_EQ(ctrl->queue().num_requeues({"default", "flaky"}), 0);  // forgotten after success
  std::lock_guard lock(log_mu);
  bool saw_throw = false, saw_terminal = false;
  for (const auto& l : log) {
    saw_throw |= l.find("reconcile threw: boom") != std::string::npos;
    saw_terminal |= l.find("terminal error: cannot ever work") != std::string::npos;
  }
  EXPECT_TRUE(saw_throw);
  EXPECT_TRUE(saw_terminal);
}

TEST_P(ControllerSuite, RequeueAfterComesBack) {
  auto& mgr = manager();
  std::atomic<int> calls{0};
  ctl::builder(mgr).for_(cm_kind).complete([&](const ctl::request&, std::stop_token) {
    return ++calls < 3 ? ctl::requeue_after(20ms) : ctl::done();
  });
  run(mgr);
  ASSERT_TRUE(be->client().create(config_map("again")));
  ASSERT_TRUE(eventually([&] { return calls == 3; }));
}

TEST_P(ControllerSuite, PredicatesFilterEvents) {
  auto& mgr = manager();
  std::atomic<int> calls{0};
  ctl::builder(mgr)
      .for_(deploy_kind, {ctl::generation_changed()})
      .complete([&](const ctl::request&, std::stop_token) {
        ++calls;
        return ctl::done();
      });
  run(mgr);
  ASSERT_TRUE(be->client().create(deployment("p", 1)));
  ASSERT_TRUE(eventually([&] { return calls == 1; }));
  // A label change does not move metadata.generation: filtered out.
  ASSERT_TRUE(be->client().patch(deploy_kind, {"default", "p"}, ktk::core::patch_type::merge_patch,
                                 json{{"metadata", {{"labels", {{"x", "y"}}}}}}));
  // A spec change does; the label event came before it, so once this one is
  // reconciled the other would have been too.
  ASSERT_TRUE(be->client().patch(deploy_kind, {"default", "p"}, ktk::core::patch_type::merge_patch,
                                 json{{"spec", {{"replicas", 2}}}}));
  ASSERT_TRUE(eventually([&] { return calls >= 2; }));
  EXPECT_EQ(calls, 2);
}

TEST_P(ControllerSuite, WatchesMapOtherTypesToRequests) {
  auto& mgr = manager();
  std::mutex mu;
  std::set<std::string> seen;
  ctl::builder(mgr)
      .for_(deploy_kind)
      .watches(cm_kind,
               [](const object& o) -> std::vector<ctl::request> {
                 auto labels = o.labels();
                 auto it = labels.find("for");
                 if (it == labels.end()) return {};
                 return {{std::string(o.namespace_()), it->second}};
               })
      .complete([&](const ctl::request& r, std::stop_token) {
        std::lock_guard lock(mu);
        seen.insert(r.name);
        return ctl::done();
      });
  run(mgr);
  auto cm = config_map("settings");
  cm.set_label("for", "frontend");
  ASSERT_TRUE(be->client().create(std::move(cm)));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return seen.count("frontend") == 1;
  }));
}

TEST_P(ControllerSuite, NeverReconcilesOneRequestOnTwoWorkersAtOnce) {
  auto& mgr = manager();
  std::mutex mu;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps{0}, calls{0}, max_parallel{0};
  ctl::builder(mgr)
      .for_(cm_kind)
      .with_options({.max_concurrent_reconciles = 4})
      .complete([&](const ctl::request& r, std::stop_token) {
        {
          std::lock_guard lock(mu);
          if (!in_flight.insert(r.name).second) ++overlaps;
          max_parallel = std::max<int>(max_parallel, static_cast<int>(in_flight.size()));
        }
        std::this_thread::sleep_for(1ms);
        ++calls;
        std::lock_guard lock(mu);
        in_flight.erase(r.name);
        return ctl::done();
      });
  run(mgr);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(be->client().create(config_map("k" + std::to_string(i))));
  for (int round = 0; round < 25; ++round) {
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(be->client().patch(cm_kind, {"default", "k" + std::to_string(i)}, ktk::core::patch_type::merge_patch,
                                     json{{"data", {{"k", std::to_string(round)}}}}));
    }
  }
  ASSERT_TRUE(eventually([&] { return calls >= 4; }));
  stop.request_stop();
  runner.join();
  EXPECT_EQ(overlaps, 0);
  EXPECT_LE(max_parallel, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, ControllerSuite, ::testing::Values("fake", "http"), backend_name);

}  // namespace
