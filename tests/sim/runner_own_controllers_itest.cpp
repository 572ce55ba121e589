// run_options::controllers: an operator under test runs in the simulated
// controller-manager, on the virtual clock — an hour-long requeue takes no real time,
// and the scenario checks what the operator did.
#include <gtest/gtest.h>

#include <atomic>

#include "ktk/client/controller/builder.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/sim/runner.hpp"
#include "ktk/sim/scenario.hpp"

namespace {

namespace sim = ktk::sim;
namespace ctl = ktk::client::controller;
using namespace std::chrono_literals;

// Stamps a ConfigMap an hour after it first sees it, through a requeue on the
// manager's clock (never a sleep).
void add_stamper(ctl::manager& mgr, std::atomic<int>& reconciles) {
  auto& c = mgr.get_client();
  auto& clk = mgr.options().clock ? *mgr.options().clock : ktk::core::real_clock::instance();
  ctl::builder(mgr)
      .named("stamper")
      .for_({"", "v1", "ConfigMap"})
      .complete(std::make_shared<ctl::reconcile_func>([&c, &clk, &reconciles](const ctl::request& req, std::stop_token) {
        ++reconciles;
        auto cm = c.get({"", "v1", "ConfigMap"}, req);
        if (!cm) return ktk::core::is_not_found(cm.error()) ? ctl::done() : ctl::outcome(cm.error());
        if ((*cm)->annotations().count("stamped")) return ctl::done();
        auto created = ktk::core::parse_rfc3339((*cm)->creation_timestamp());
        auto due = (created ? *created : clk.now()) + 1h;
        if (clk.now() < due) return ctl::requeue_after(due - clk.now());
        ktk::core::json patch = {{"metadata", {{"annotations", {{"stamped", "true"}}}}}};
        auto r = c.patch({"", "v1", "ConfigMap"}, req, ktk::core::patch_type::merge_patch, patch);
        return r ? ctl::done() : ctl::outcome(r.error());
      }));
}

TEST(SimRunnerOwnControllers, AnOperatorsHourLongRequeueRunsOnTheVirtualClock) {
  std::atomic<int> reconciles{0};
  auto sc = sim::parse_scenario(R"(
name: stamper
steps:
  - apply:
      object:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: target, namespace: default}
        data: {k: v}
  - wait_for:
      object: {kind: ConfigMap, name: target}
      jsonpath: "{.metadata.annotations.stamped}"
      equals: "true"
      timeout: 2h
)",
                                "inline.yaml");
  const auto real_start = std::chrono::steady_clock::now();
  auto r = sim::run_scenario(sc, {.controllers = {[&](ctl::manager& m) { add_stamper(m, reconciles); }}});
  const auto real = std::chrono::steady_clock::now() - real_start;
  ASSERT_TRUE(r.ok()) << (r.steps.empty() ? std::string() : r.steps.back().message);
  EXPECT_GE(r.virtual_elapsed, 1h) << "the requeue was an hour of virtual time";
  EXPECT_LT(real, 60s) << "and not an hour of real time";
  EXPECT_GE(reconciles.load(), 2);
}

TEST(SimRunnerOwnControllers, WithoutTheOperatorTheWaitTimesOut) {
  auto sc = sim::parse_scenario(R"(
name: no-stamper
steps:
  - apply:
      object:
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: target, namespace: default}
  - wait_for:
      object: {kind: ConfigMap, name: target}
      jsonpath: "{.metadata.annotations.stamped}"
      equals: "true"
      timeout: 2h
)",
                                "inline.yaml");
  auto r = sim::run_scenario(sc);
  EXPECT_FALSE(r.ok());
}

}  // namespace
