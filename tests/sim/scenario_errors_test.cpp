// parse_scenario's checks: every problem reported at once, each with its file and the
// line of the offending key or value.
#include <atomic>
#include <fstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim_files.hpp"
#include "ktk/sim/scenario.hpp"

namespace ktk::sim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> problems(const std::string& yaml, const fs::path& file = "s.yaml") {
  try {
    parse_scenario(yaml, file);
  } catch (const scenario_error& e) {
    return e.problems();
  }
  ADD_FAILURE() << "no scenario_error for:\n" << yaml;
  return {};
}

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

using sim_test::temp_dir;

TEST(ScenarioErrors, MalformedYamlNamesFileAndLine) {
  EXPECT_THAT(problems("name: x\nsteps:\n  - sleep: 1s\n    name: a: b\n  - sleep: 2s\n", "bad.yaml"),
              ElementsAre("bad.yaml:4: illegal map value"));
  EXPECT_THAT(problems("name: x\nseed: 1\n- sleep: 1s\nsteps: []\n", "dir/bad.yaml"),
              ElementsAre("dir/bad.yaml:3: end of map not found"));
}

TEST(ScenarioErrors, UnknownKeysWithSuggestionsAllAtOnce) {
  auto p = problems(R"(name: x
sede: 4
steps:
  - aply: {file: d.yaml}
  - wait_for:
      object: {kind: Deployment, name: web}
      condition: Available
      timout: 60s
  - sleep: 1s
    nmae: pause
)");
  EXPECT_THAT(p, ElementsAre("s.yaml:2: unknown key \"sede\" in the scenario (did you mean \"seed\"?)",
                             "s.yaml:4: unknown key \"aply\" in a step (did you mean \"apply\"?)",
                             "s.yaml:4: a step needs one of apply, patch, scale, delete, wait_for, expect, sleep, "
                             "advance or fault",
                             "s.yaml:8: unknown key \"timout\" in wait_for (did you mean \"timeout\"?)",
                             "s.yaml:5: wait_for needs timeout",
                             "s.yaml:10: unknown key \"nmae\" in a step (did you mean \"name\"?)"))
      << all(p);
}

TEST(ScenarioErrors, UnknownKeyFarFromAnyGetsNoSuggestion) {
  auto p = problems("steps:\n  - sleep: 1s\ncolour: blue\n");
  EXPECT_THAT(p, ElementsAre("s.yaml:3: unknown key \"colour\" in the scenario")) << all(p);
}

TEST(ScenarioErrors, SuggestionsIgnoreCaseAndUnderscores) {
  auto p = problems("steps:\n  - delete: {kind: Pod, api_version: v1, name: a}\n  - wait_for: {exists: {kind: Pod, name: "
                    "a}, Timeout: 1s}\n");
  EXPECT_THAT(p, ElementsAre("s.yaml:2: unknown key \"api_version\" in delete (did you mean \"apiVersion\"?)",
                             "s.yaml:3: unknown key \"Timeout\" in wait_for (did you mean \"timeout\"?)",
                             "s.yaml:3: wait_for needs timeout"))
      << all(p);
}

TEST(ScenarioErrors, MissingRequiredKeys) {
  auto p = problems(R"(steps:
  - scale: {kind: Deployment, name: web}
  - scale: {name: web, replicas: 2}
  - patch: {kind: Deployment, name: web}
  - fault: {node_failure: {}}
  - fault: {restart: {}}
  - expect:
      exists: {kind: Deployment}
)");
  EXPECT_THAT(p, ElementsAre("s.yaml:2: scale needs replicas", "s.yaml:3: scale needs kind", "s.yaml:4: patch needs patch",
                             "s.yaml:5: fault node_failure needs node", "s.yaml:6: fault restart needs component",
                             "s.yaml:8: expect: exists needs the object's name"))
      << all(p);
}

TEST(ScenarioErrors, NoStepsAtAll) {
  EXPECT_THAT(problems("name: x\n"), ElementsAre("s.yaml:1: a scenario needs steps"));
  EXPECT_THAT(problems("name: x\nsteps: []\n"),
              ElementsAre("s.yaml:2: steps is empty; a scenario needs at least one step"));
  EXPECT_THAT(problems("- sleep: 1s\n"), ElementsAre("s.yaml:1: a scenario must be a mapping, not a list"));
  EXPECT_THAT(problems(""), ElementsAre("s.yaml:1: the scenario is empty"));
}

TEST(ScenarioErrors, BadDurations) {
  auto p = problems(R"(resolution: fast
steps:
  - sleep: 30
  - sleep: 1x
  - wait_for: {exists: {kind: Pod, name: a}, timeout: 0s}
  - fault: {latency: {latency: 1.5.s}}
cluster: {pod_eviction_timeout: [1m]}
)");
  EXPECT_THAT(p, ElementsAre(
                     "s.yaml:1: the scenario: resolution \"fast\" is not a duration (write e.g. 30s, 1m30s, 250ms, 2h)",
                     "s.yaml:7: cluster: pod_eviction_timeout must be a duration such as 30s, not a list",
                     "s.yaml:3: sleep 30 needs a unit (e.g. 30s or 30ms)",
                     "s.yaml:4: sleep \"1x\" is not a duration (write e.g. 30s, 1m30s, 250ms, 2h)",
                     "s.yaml:5: wait_for: timeout must be more than 0",
                     "s.yaml:6: fault latency: latency \"1.5.s\" is not a duration (write e.g. 30s, 1m30s, 250ms, 2h)"))
      << all(p);
}

TEST(ScenarioErrors, TwoActionsInOneStep) {
  auto p = problems(R"(steps:
  - scale: {kind: Deployment, name: web, replicas: 2}
    sleep: 1s
)");
  EXPECT_THAT(p, ElementsAre("s.yaml:3: a step does one thing; this one has scale and sleep (split it into two steps)"))
      << all(p);
}

TEST(ScenarioErrors, ChecksNeedExactlyOneFormAndTheRightComparison) {
  auto p = problems(R"(steps:
  - expect:
      count: {kind: Pod}
  - expect:
      exists: {kind: Pod, name: a}
      absent: {kind: Pod, name: b}
  - expect:
      name: nothing to check
  - expect:
      object: {kind: Deployment, name: web}
  - expect:
      exists: {kind: Pod, name: a}
      equals: 1
  - expect:
      count: {kind: Pod}
      equals: 1
      at_least: 1
  - expect:
      count: {kind: Pod}
      equals: many
  - expect:
      object: {kind: Deployment, name: web}
      jsonpath: status.replicas
      at_least: 5
      at_most: 2
)");
  EXPECT_THAT(p, ElementsAre(
                     "s.yaml:2: expect: count needs equals, at_least or at_most",
                     "s.yaml:6: expect checks one thing; found exists or absent (make them separate checks)",
                     "s.yaml:7: expect needs one of exists, absent, count, condition (with object) or jsonpath (with object)",
                     "s.yaml:10: expect: object needs condition or jsonpath (to check that it exists, write exists: {...})",
                     "s.yaml:13: expect: exists takes no equals",
                     "s.yaml:17: expect: equals cannot be combined with at_least or at_most",
                     "s.yaml:20: expect: a count equals a whole number ≥ 0, not \"many\"",
                     "s.yaml:23: expect: jsonpath \"status.replicas\" must be kubectl-style, e.g. \"{.status.readyReplicas}\"",
                     "s.yaml:25: expect: at_most is below at_least; nothing can match"))
      << all(p);
}

TEST(ScenarioErrors, FaultsAreChecked) {
  auto p = problems(R"(steps:
  - fault: {power_cut: {}}
  - fault: {api_error: {verb: crate, resource: Pod, code: 200}}
  - fault: {restart: {component: schedular}}
  - fault: {node_failure: {node: node-7}}
  - fault: {watch_cut: {resource: pods}, window: 1m}
  - fault: {watch_cut: {}, latency: {latency: 1s}}
)");
  EXPECT_THAT(p, ElementsAre(
                     "s.yaml:2: unknown key \"power_cut\" in fault",
                     "s.yaml:2: fault needs one of api_error, latency, watch_cut, node_failure or restart",
                     "s.yaml:3: fault api_error: verb \"crate\" is not one of get, list, watch, create, update, patch, "
                     "delete, * (did you mean \"create\"?)",
                     "s.yaml:3: fault api_error: resource is the plural resource name, \"pods\", not \"Pod\"",
                     "s.yaml:3: fault api_error: code 200 is not an error status (400-599)",
                     "s.yaml:4: fault restart: unknown component \"schedular\" (controller-manager, scheduler or "
                     "kubelet); did you mean \"scheduler\"?",
                     "s.yaml:5: fault node_failure: node \"node-7\" is not in the cluster (node-0 ... node-2)",
                     "s.yaml:6: fault watch_cut happens at once; it takes no window",
                     "s.yaml:7: fault injects one thing; found latency and watch_cut (use one step for each)"))
      << all(p);
}

TEST(ScenarioErrors, NegativeAndOutOfRangeNumbers) {
  auto p = problems(R"(seed: -1
cluster:
  nodes: [{count: -2}]
  timings: [{selector: "app=x", exit_code: 300}]
steps:
  - scale: {kind: Deployment, name: web, replicas: -1}
  - delete: {kind: Pod, selector: app=web, count: -3, grace_period_seconds: -5}
  - expect: {count: {kind: Pod}, at_least: -1}
  - scale: {kind: Deployment, name: web, replicas: 1.5}
)");
  EXPECT_THAT(p, ElementsAre("s.yaml:1: the scenario: seed must not be negative (got -1)",
                             "s.yaml:3: cluster: nodes[0]: count must not be negative (got -2)",
                             "s.yaml:4: cluster: timings[0]: exit_code must be at most 255 (got 300)",
                             "s.yaml:6: scale: replicas must not be negative (got -1)",
                             "s.yaml:7: delete: count must not be negative (got -3)",
                             "s.yaml:7: delete: grace_period_seconds must not be negative (got -5)",
                             "s.yaml:8: expect: a count cannot be negative",
                             "s.yaml:9: scale: replicas must be a whole number, not 1.5"))
      << all(p);
}

TEST(ScenarioErrors, ObjectReferencesAreChecked) {
  auto p = problems(R"(steps:
  - delete: {kind: pods, name: a}
  - delete: {kind: Deployment, name: web, selector: app=web}
  - expect: {count: {kind: Deployment, phase: Running}, equals: 1}
  - expect: {count: {kind: Pod, phase: Runing}, equals: 1}
  - expect: {count: {kind: Pod, selector: "app in (a"}, equals: 1}
  - delete: {kind: Pod, name: a, count: 1}
  - scale: {kind: Deployment, selector: app=web, replicas: 1}
)");
  ASSERT_EQ(p.size(), 7u) << all(p);
  EXPECT_EQ(p[0], "s.yaml:2: delete: kind is the Kind (Pod), not \"pods\"");
  EXPECT_EQ(p[1], "s.yaml:3: delete: name and selectors exclude each other (one object, or those that match)");
  EXPECT_EQ(p[2], "s.yaml:4: expect: count: phase is for Pods only");
  EXPECT_EQ(p[3], "s.yaml:5: expect: count: phase \"Runing\" is not a Pod phase (Pending, Running, Succeeded, Failed or "
                  "Unknown); did you mean \"Running\"?");
  EXPECT_THAT(p[4], StartsWith("s.yaml:6: expect: count: selector \"app in (a\": "));
  EXPECT_EQ(p[5], "s.yaml:7: delete: count goes with selectors; a name deletes one object");
  EXPECT_EQ(p[6], "s.yaml:8: scale needs the object's name");
}

TEST(ScenarioErrors, AppliedFilesMustExistAndBeWellFormed) {
  temp_dir d;
  d.write("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\ndata: {}\n");
  d.write("incomplete.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: Secret\n"
                             "metadata: {name: s}\n---\napiVersion: v1\nmetadata: {name: t}\n---\n"
                             "apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\n");
  d.write("empty.yaml", "# nothing\n");
  auto file = d.write("s.yaml", R"(steps:
  - apply: {file: missing.yaml}
  - apply: bad.yaml
  - apply: {file: incomplete.yaml}
  - apply: empty.yaml
  - apply: {object: {kind: ConfigMap, metadata: {name: x}}}
  - apply: {objects: [{apiVersion: v1, metadata: {name: y}}, 3]}
  - apply: {file: bad.yaml, object: {}}
)");
  const std::string dir = file.parent_path().string();
  std::vector<std::string> p;
  try {
    load_scenario(file);
  } catch (const scenario_error& e) {
    p = e.problems();
  }
  const std::string s = file.string();
  ASSERT_EQ(p.size(), 10u) << all(p);
  EXPECT_EQ(p[0], s + ":2: apply: file \"missing.yaml\" does not exist (looked for " + dir + "/missing.yaml)");
  EXPECT_EQ(p[1], dir + "/bad.yaml:4: illegal map value");  // the applied file's own line
  EXPECT_EQ(p[2], dir + "/incomplete.yaml:5: object Secret has no apiVersion");
  EXPECT_EQ(p[3], dir + "/incomplete.yaml:8: object has no kind");
  EXPECT_EQ(p[4], dir + "/incomplete.yaml:11: object Pod has no metadata.name (or generateName)");
  EXPECT_EQ(p[5], s + ":5: apply: \"empty.yaml\" holds no objects");
  EXPECT_EQ(p[6], s + ":6: object ConfigMap has no apiVersion");
  EXPECT_EQ(p[7], s + ":7: object has no kind");
  EXPECT_EQ(p[8], s + ":7: an object must be a mapping, not a number");
  EXPECT_EQ(p[9], s + ":8: apply takes one of file, object or objects");
}

TEST(ScenarioErrors, ClusterIsChecked) {
  auto p = problems(R"(cluster:
  nodes:
    - {prefix: Node_, cpu: lots}
    - {prefix: Node_, labels: {gpu: true}, taints: [{key: a, effect: Never}]}
  timings: [{start_delay: 1s}]
  default_timing: {selector: "a=b"}
  crds: [nowhere/]
steps:
  - sleep: 1s
)");
  EXPECT_THAT(p, ElementsAre(
                     "s.yaml:3: cluster: nodes[0]: prefix \"Node_\" must be lower-case letters, digits, '-' or '.'",
                     "s.yaml:3: cluster: nodes[0]: cpu \"lots\" is not a quantity (e.g. 4, 500m, 16Gi)",
                     "s.yaml:4: cluster: nodes[1]: prefix \"Node_\" must be lower-case letters, digits, '-' or '.'",
                     "s.yaml:4: cluster: nodes[1]: label gpu must be a string (quote it: \"true\")",
                     "s.yaml:4: cluster: nodes[1]: taints[0]: effect must be NoSchedule, PreferNoSchedule or "
                     "NoExecute, not \"Never\"",
                     "s.yaml:4: cluster: nodes[1]: prefix \"Node_\" is used twice; Node names would repeat",
                     "s.yaml:5: cluster: timings[0] needs selector",
                     "s.yaml:6: unknown key \"selector\" in cluster: default_timing",
                     "s.yaml:7: cluster: crds: \"nowhere/\" does not exist (looked for nowhere/)"))
      << all(p);
}

TEST(ScenarioErrors, LoadScenarioOfAMissingFileIsNotAScenarioError) {
  EXPECT_THROW(load_scenario("/nonexistent/dir/s.yaml"), std::runtime_error);
  try {
    load_scenario("/nonexistent/dir/s.yaml");
  } catch (const scenario_error&) {
    ADD_FAILURE() << "a file that cannot be read is a runtime_error, not a scenario_error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/dir/s.yaml"));
  }
}

TEST(ScenarioErrors, WhatListsEveryProblem) {
  try {
    parse_scenario("steps:\n  - sleep: x\n  - sleep: y\n", "w.yaml");
    FAIL() << "no error";
  } catch (const scenario_error& e) {
    EXPECT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(std::string(e.what()), e.problems()[0] + "\n" + e.problems()[1]);
  }
}

}  // namespace
}  // namespace ktk::sim
