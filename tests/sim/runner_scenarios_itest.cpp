// The scenario runner on the embedded server: the shipped examples pass, failures
// say what was seen, virtual time is deterministic for a seed, faults take effect.
#include "ktk/sim/runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "ktk/sim/scenario.hpp"

namespace {

namespace sim = ktk::sim;
using namespace std::chrono_literals;

const std::filesystem::path examples = std::filesystem::path(KTK_SOURCE_DIR) / "examples" / "scenarios";

sim::run_report run_text(const std::string& yaml, sim::run_options opts = {}) {
  auto sc = sim::parse_scenario(yaml, examples / "inline.yaml");
  return sim::run_scenario(sc, opts);
}

std::string failures(const sim::run_report& r) {
  std::string out;
  for (const auto& s : r.steps) {
    if (!s.ok) out += "step " + s.name + ": " + s.message + "\n";
  }
  for (const auto& e : r.expectations) {
    if (!e.ok) out += "expectation " + e.name + ": " + e.message + "\n";
  }
  return out;
}

std::int64_t pods_in(const sim::phase_sample& s, const std::string& state) {
  auto it = s.pods.find(state);
  return it == s.pods.end() ? 0 : it->second;
}

TEST(SimRunner, DeploymentChainExamplePasses) {
  auto r = sim::run_scenario(sim::load_scenario(examples / "deployment-chain.yaml"));
  EXPECT_TRUE(r.ok()) << failures(r);
  EXPECT_EQ(r.server, "embedded");
  EXPECT_GE(r.expectations.size(), 10u);
  EXPECT_FALSE(r.transitions.empty());
  // The Pods' phases over time went through 3 and 10 Running and ended at none.
  bool three = false, ten = false;
  for (const auto& s : r.samples) {
    three = three || pods_in(s, "Running") == 3;
    ten = ten || pods_in(s, "Running") == 10;
  }
  EXPECT_TRUE(three);
  EXPECT_TRUE(ten);
  ASSERT_FALSE(r.samples.empty());
  EXPECT_EQ(pods_in(r.samples.back(), "Running"), 0);
  // Minutes of virtual time.
  EXPECT_GT(r.virtual_elapsed, 5s);
}

TEST(SimRunner, NodeFailureExamplePasses) {
  auto r = sim::run_scenario(sim::load_scenario(examples / "node-failure.yaml"));
  EXPECT_TRUE(r.ok()) << failures(r);
}

TEST(SimRunner, RollbackExamplePasses) {
  auto r = sim::run_scenario(sim::load_scenario(examples / "rollback.yaml"));
  EXPECT_TRUE(r.ok()) << failures(r);
}

const char* three_pods = R"(
name: three
seed: 5
steps:
  - apply: {file: manifests/web.yaml}
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 3
      timeout: 1m
)";

// three_pods and more steps (a stream: g++ 12 warns falsely on string + raw literal).
std::string after_three_pods(const char* more) {
  std::ostringstream s;
  s << three_pods << more;
  return s.str();
}

TEST(SimRunner, AFailedExpectationSaysWhatItSaw) {
  auto r = run_text(after_three_pods(R"(
  - expect:
      name: four Pods
      count: {kind: Pod, selector: app=web, phase: Running}
      equals: 4
)"));
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.failures(), 1u);
  const auto& e = r.expectations.back();
  EXPECT_EQ(e.name, "four Pods");
  EXPECT_FALSE(e.ok);
  EXPECT_NE(e.message.find("got 3"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("web-"), std::string::npos) << e.message;  // names the Pods it saw
  EXPECT_EQ(e.where.line, 12);
}

TEST(SimRunner, AWaitThatTimesOutFailsAtItsVirtualDeadline) {
  auto r = run_text(after_three_pods(R"(
  - name: never
    wait_for:
      count: {kind: Pod, selector: app=web}
      equals: 99
      timeout: 10m
)"));
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.steps.empty());
  const auto& last = r.steps.back();
  EXPECT_FALSE(last.ok);
  EXPECT_NE(last.message.find("timed out after 10m"), std::string::npos) << last.message;
  EXPECT_GE(last.took, 10min);
}

// Two runs with one seed: the same Pods, created, running and deleted at the same
// virtual times. (Which node a Pod lands on, and the counts a status passes through
// within one instant, may differ when controllers act in the same instant.)
TEST(SimRunner, OneSeedOneTimeline) {
  auto text = after_three_pods(R"(
  - scale: {kind: Deployment, name: web, replicas: 6}
  - sleep: 30s
  - delete: {kind: Pod, selector: app=web, count: 2}
  - sleep: 30s
)");
  auto key = [](const sim::run_report& r) {
    std::vector<std::string> out;
    for (const auto& t : r.transitions) {
      if (t.kind != "Pod") continue;
      out.push_back(std::to_string(t.at.count()) + " " + t.type + " " + t.name + " " + t.state);
    }
    std::sort(out.begin(), out.end());  // same-instant events may interleave differently
    return out;
  };
  auto a = run_text(text);
  auto b = run_text(text);
  ASSERT_TRUE(a.ok()) << failures(a);
  auto ka = key(a), kb = key(b);
  std::vector<std::string> only_a, only_b;
  std::set_difference(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(only_a));
  std::set_difference(kb.begin(), kb.end(), ka.begin(), ka.end(), std::back_inserter(only_b));
  EXPECT_TRUE(only_a.empty() && only_b.empty()) << ::testing::PrintToString(only_a) << "\nvs\n"
                                                << ::testing::PrintToString(only_b);
  auto c = run_text(text, {.seed = 6});
  EXPECT_NE(key(a), key(c));  // another seed: other names and delays
}

TEST(SimRunner, AnApiErrorFaultHoldsForItsWindow) {
  auto r = run_text(R"(
name: faults
steps:
  - fault: {api_error: {verb: create, resource: pods, code: 500}, window: 1m}
  - apply: {file: manifests/web.yaml}
  - sleep: 30s
  - expect:
      checks:
        - name: no Pod while creates fail
          count: {kind: Pod, selector: app=web}
          equals: 0
        - name: the ReplicaSet is there
          count: {kind: ReplicaSet, selector: app=web}
          equals: 1
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 3
      timeout: 5m
)");
  EXPECT_TRUE(r.ok()) << failures(r);
}

TEST(SimRunner, WatchCutsAndRestartsAreSurvived) {
  auto r = run_text(after_three_pods(R"(
  - fault: {watch_cut: {resource: pods}}
  - scale: {kind: Deployment, name: web, replicas: 5}
  - fault: {restart: {component: controller-manager}}
  - fault: {restart: {component: scheduler}}
  - fault: {restart: {component: kubelet}}
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 5
      timeout: 2m
  - expect:
      name: exactly five Pods (no double creation after the restart)
      count: {kind: Pod, selector: app=web}
      equals: 5
)"));
  EXPECT_TRUE(r.ok()) << failures(r);
}

// The parser refuses a Node the cluster does not have; a scenario built in code gets
// a failed step, and the run goes on (a kubelet restart does not trip over it later).
TEST(SimRunner, AnUnknownNodeFailsTheFaultStepOnly) {
  auto sc = sim::parse_scenario(after_three_pods(R"(
  - name: no such node
    fault: {node_failure: {node: node-1}}
  - fault: {restart: {component: kubelet}}
  - scale: {kind: Deployment, name: web, replicas: 4}
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 4
      timeout: 1m
)"), examples / "inline.yaml");
  sc.steps[2].injected.node = "node-9";
  auto r = sim::run_scenario(sc);
  ASSERT_EQ(r.steps.size(), 6u);
  EXPECT_FALSE(r.steps[2].ok);
  EXPECT_NE(r.steps[2].message.find("node-9"), std::string::npos) << r.steps[2].message;
  for (std::size_t i = 3; i < r.steps.size(); ++i) EXPECT_TRUE(r.steps[i].ok) << r.steps[i].name << ": " << r.steps[i].message;
}

TEST(SimRunner, LatencyFaultSlowsButDoesNotStall) {
  auto r = run_text(R"(
name: latency
steps:
  - fault: {latency: {verb: "*", resource: pods, latency: 2s}, window: 20s}
  - apply: {file: manifests/web.yaml}
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 3
      timeout: 5m
)");
  EXPECT_TRUE(r.ok()) << failures(r);
}

}  // namespace
