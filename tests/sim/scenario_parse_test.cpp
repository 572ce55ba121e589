// parse_scenario / load_scenario: every step, check and fault form lands in the right
// struct, with defaults and default names.
#include <atomic>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim_files.hpp"
#include "ktk/sim/scenario.hpp"

namespace ktk::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

using sim_test::temp_dir;

scenario parse(const std::string& yaml) {
  try {
    return parse_scenario(yaml, "s.yaml");
  } catch (const scenario_error& e) {
    ADD_FAILURE() << e.what();
    throw;
  }
}

TEST(ScenarioParse, MinimalScenarioTakesTheDefaults) {
  auto sc = parse("steps:\n  - sleep: 5s\n");
  EXPECT_EQ(sc.name, "s");  // the file's stem
  EXPECT_EQ(sc.seed, 1u);
  EXPECT_EQ(sc.resolution, 100ms);
  EXPECT_TRUE(sc.virtual_time);
  EXPECT_EQ(sc.file, fs::path("s.yaml"));
  ASSERT_EQ(sc.cluster.nodes.size(), 1u);
  EXPECT_EQ(sc.cluster.nodes[0].prefix, "node-");
  EXPECT_EQ(sc.cluster.nodes[0].count, 3);
  EXPECT_EQ(sc.cluster.nodes[0].cpu, "4");
  EXPECT_EQ(sc.cluster.nodes[0].memory, "16Gi");
  EXPECT_EQ(sc.cluster.nodes[0].pods, 110);
  EXPECT_TRUE(sc.cluster.timings.empty());
  EXPECT_FALSE(sc.cluster.default_timing.has_value());
  EXPECT_EQ(sc.cluster.pod_eviction_timeout, 5min);
  EXPECT_EQ(sc.cluster.node_monitor_grace, 40s);
  ASSERT_EQ(sc.steps.size(), 1u);
  EXPECT_EQ(sc.steps[0].what, step::form::sleep);
  EXPECT_EQ(sc.steps[0].length, 5s);
  EXPECT_EQ(sc.steps[0].name, "sleep 5s");
  EXPECT_EQ(sc.steps[0].where.str(), "s.yaml:2");
}

TEST(ScenarioParse, TopLevelAndCluster) {
  auto sc = parse(R"(name: chain
seed: 42
resolution: 250ms
virtual_time: false
cluster:
  nodes:
    - {prefix: node-, count: 2, cpu: 8, memory: 32Gi, pods: 50, labels: {zone: a}}
    - prefix: gpu-
      taints: [{key: gpu, value: "true", effect: NoSchedule}]
  timings:
    - {selector: "app=batch", start_delay: 2s, ready_delay: 1s, jitter: 500ms, complete_after: 10s, exit_code: 3}
  default_timing: {start_delay: 1500ms}
  pod_eviction_timeout: 1m
  node_monitor_grace: 20s
steps:
  - advance: 1m
)");
  EXPECT_EQ(sc.name, "chain");
  EXPECT_EQ(sc.seed, 42u);
  EXPECT_EQ(sc.resolution, 250ms);
  EXPECT_FALSE(sc.virtual_time);
  ASSERT_EQ(sc.cluster.nodes.size(), 2u);
  EXPECT_EQ(sc.cluster.nodes[0].count, 2);
  EXPECT_EQ(sc.cluster.nodes[0].cpu, "8");
  EXPECT_EQ(sc.cluster.nodes[0].memory, "32Gi");
  EXPECT_EQ(sc.cluster.nodes[0].pods, 50);
  EXPECT_EQ(sc.cluster.nodes[0].labels, json({{"zone", "a"}}));
  EXPECT_EQ(sc.cluster.nodes[1].prefix, "gpu-");
  EXPECT_EQ(sc.cluster.nodes[1].count, 1);  // a group is one Node unless it says
  EXPECT_EQ(sc.cluster.nodes[1].taints, json::parse(R"([{"key":"gpu","value":"true","effect":"NoSchedule"}])"));
  ASSERT_EQ(sc.cluster.timings.size(), 1u);
  const auto& t = sc.cluster.timings[0];
  EXPECT_EQ(t.selector, "app=batch");
  EXPECT_EQ(t.start_delay, 2s);
  EXPECT_EQ(t.ready_delay, 1s);
  EXPECT_EQ(t.jitter, 500ms);
  EXPECT_EQ(t.complete_after, 10s);
  EXPECT_EQ(t.exit_code, 3);
  ASSERT_TRUE(sc.cluster.default_timing.has_value());
  EXPECT_EQ(sc.cluster.default_timing->start_delay, 1500ms);
  EXPECT_EQ(sc.cluster.pod_eviction_timeout, 1min);
  EXPECT_EQ(sc.cluster.node_monitor_grace, 20s);
  EXPECT_EQ(sc.steps[0].name, "advance 1m");
  EXPECT_EQ(sc.steps[0].what, step::form::sleep);
}

TEST(ScenarioParse, ApplyFileRelativeToTheScenarioWithEveryDocument) {
  temp_dir d;
  d.write("sc/manifests/app.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: one}
---
# a comment-only document is skipped
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Secret, metadata: {name: two}}
  - {apiVersion: v1, kind: Service, metadata: {name: three, namespace: prod}}
---
{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"generateName": "four-"}}
)");
  d.write("sc/crds/w.yaml", "kind: CustomResourceDefinition\n");
  auto file = d.write("sc/s.yaml", "cluster: {crds: [crds/, crds/w.yaml]}\nsteps:\n  - apply: {file: manifests/app.yaml}\n");
  auto sc = load_scenario(file);
  ASSERT_EQ(sc.steps.size(), 1u);
  const auto& s = sc.steps[0];
  EXPECT_EQ(s.what, step::form::apply);
  EXPECT_EQ(s.name, "apply manifests/app.yaml");
  ASSERT_EQ(s.objects.size(), 4u);
  EXPECT_EQ(s.objects[0].name(), "one");
  EXPECT_EQ(s.objects[1].kind(), "Secret");
  EXPECT_EQ(s.objects[2].namespace_(), "prod");
  EXPECT_EQ(s.objects[3].generate_name(), "four-");
  ASSERT_EQ(sc.cluster.crds.size(), 2u);
  EXPECT_EQ(sc.cluster.crds[0], d.path() / "sc/crds/");
  EXPECT_EQ(sc.cluster.crds[1], d.path() / "sc/crds/w.yaml");
}

TEST(ScenarioParse, ApplyShorthandAndFolderInNameOrder) {
  temp_dir d;
  d.write("m/b.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n");
  d.write("m/a.yml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n");
  d.write("m/notes.txt", "not a manifest");
  d.write("m/sub/c.json", R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})");
  auto file = d.write("s.yaml", "steps:\n  - apply: m\n");
  auto sc = load_scenario(file);
  ASSERT_EQ(sc.steps[0].objects.size(), 3u);
  EXPECT_EQ(sc.steps[0].objects[0].name(), "a");
  EXPECT_EQ(sc.steps[0].objects[1].name(), "b");
  EXPECT_EQ(sc.steps[0].objects[2].name(), "c");
  EXPECT_EQ(sc.steps[0].name, "apply m");
}

TEST(ScenarioParse, ApplyInlineObjects) {
  auto sc = parse(R"(steps:
  - apply:
      object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 3}}
  - name: two config maps
    apply:
      objects:
        - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: x}, data: {n: "1"}}
        - {apiVersion: v1, kind: Namespace, metadata: {name: x}}
  - apply: {object: {apiVersion: v1, kind: Namespace, metadata: {name: y}}}
)");
  ASSERT_EQ(sc.steps.size(), 3u);
  EXPECT_EQ(sc.steps[0].name, "apply Deployment default/web");
  ASSERT_EQ(sc.steps[0].objects.size(), 1u);
  EXPECT_EQ(sc.steps[0].objects[0].data()["spec"]["replicas"], 3);
  EXPECT_EQ(sc.steps[1].name, "two config maps");
  ASSERT_EQ(sc.steps[1].objects.size(), 2u);
  EXPECT_EQ(sc.steps[1].objects[0].data()["data"]["n"], "1");  // quoted stays a string
  EXPECT_EQ(sc.steps[2].name, "apply Namespace y");           // cluster-scoped: no namespace
}

TEST(ScenarioParse, ApplyCopiesNumbersEveryString) {
  auto sc = parse(R"(steps:
  - apply:
      copies: 3
      object: {apiVersion: v1, kind: ConfigMap, metadata: {name: "cm-{{index}}", labels: {n: "{{index}}"}},
               data: {"k{{index}}": "v"}}
)");
  ASSERT_EQ(sc.steps[0].objects.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto& o = sc.steps[0].objects[static_cast<std::size_t>(i)];
    EXPECT_EQ(o.name(), "cm-" + std::to_string(i));
    EXPECT_EQ(o.label("n"), std::to_string(i));
    EXPECT_TRUE(o.data()["data"].contains("k" + std::to_string(i)));
  }
  try {
    parse_scenario("steps:\n  - apply: {copies: 0, object: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}}\n",
                   "s.yaml");
    ADD_FAILURE() << "copies: 0 was accepted";
  } catch (const scenario_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_NE(e.problems()[0].find("s.yaml:2:"), std::string::npos) << e.problems()[0];
    EXPECT_NE(e.problems()[0].find("copies"), std::string::npos) << e.problems()[0];
  }
}

TEST(ScenarioParse, JsonpathWithoutANameCoversEveryMatch) {
  auto sc = parse(R"(steps:
  - wait_for:
      object: {kind: Deployment, selector: tier=web}
      jsonpath: "{.status.availableReplicas}"
      equals: 10
      timeout: 1m
)");
  ASSERT_EQ(sc.steps[0].checks.size(), 1u);
  EXPECT_TRUE(sc.steps[0].checks[0].target.name.empty());
  EXPECT_EQ(sc.steps[0].checks[0].target.label_selector, "tier=web");
}

TEST(ScenarioParse, WaitForConditionWithInvariant) {
  auto sc = parse(R"(steps:
  - wait_for:
      object: {kind: Deployment, name: web}
      condition: Available
      timeout: 60s
      invariant:
        object: {kind: Deployment, name: web, namespace: prod}
        jsonpath: ".status.availableReplicas"
        at_least: 2
)");
  const auto& s = sc.steps[0];
  EXPECT_EQ(s.what, step::form::wait_for);
  EXPECT_EQ(s.timeout, 60s);
  EXPECT_EQ(s.name, "wait_for Deployment default/web Available");
  ASSERT_EQ(s.checks.size(), 1u);
  const auto& c = s.checks[0];
  EXPECT_EQ(c.what, check::form::condition);
  EXPECT_EQ(c.target.kind, "Deployment");
  EXPECT_EQ(c.target.name, "web");
  EXPECT_EQ(c.target.namespace_, "");  // "" = default
  EXPECT_EQ(c.condition_type, "Available");
  EXPECT_EQ(c.condition_status, "True");
  EXPECT_EQ(c.where.line, 2);  // the line of wait_for:
  ASSERT_TRUE(s.invariant.has_value());
  EXPECT_EQ(s.invariant->what, check::form::jsonpath);
  EXPECT_EQ(s.invariant->jsonpath, "{.status.availableReplicas}");  // braces added
  EXPECT_EQ(s.invariant->at_least, 2.0);
  EXPECT_FALSE(s.invariant->at_most.has_value());
  EXPECT_EQ(s.invariant->name, "Deployment prod/web {.status.availableReplicas} >= 2");
}

TEST(ScenarioParse, WaitForSeveralChecks) {
  auto sc = parse(R"(steps:
  - wait_for:
      timeout: 2m
      checks:
        - {object: {kind: Node, name: node-1}, condition: Ready, status: "False"}
        - {absent: {kind: Pod, name: web-1}}
)");
  const auto& s = sc.steps[0];
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].condition_status, "False");
  EXPECT_EQ(s.checks[0].name, "Node node-1 Ready=False");
  EXPECT_EQ(s.checks[1].what, check::form::absent);
  EXPECT_EQ(s.name, "wait_for Node node-1 Ready=False and Pod default/web-1 absent");
  EXPECT_EQ(s.checks[1].where.line, 6);
}

TEST(ScenarioParse, ExpectEveryCheckForm) {
  auto sc = parse(R"(steps:
  - expect:
      name: three Pods run
      count: {kind: Pod, selector: app=web, phase: Running}
      equals: 3
  - expect:
      checks:
        - exists: {kind: Deployment, name: web}
        - count: {kind: ReplicaSet, selector: "app=web", all_namespaces: true}
          at_least: 1
          at_most: 2
        - object: {kind: Deployment, name: web, apiVersion: apps/v1}
          jsonpath: "{.spec.template.spec.containers[0].image}"
          equals: nginx
        - count: {kind: Pod, field_selector: spec.nodeName=node-1}
          equals: 0
)");
  ASSERT_EQ(sc.steps.size(), 2u);
  const auto& one = sc.steps[0];
  EXPECT_EQ(one.what, step::form::expect);
  ASSERT_EQ(one.checks.size(), 1u);
  EXPECT_EQ(one.checks[0].name, "three Pods run");
  EXPECT_EQ(one.checks[0].what, check::form::count);
  EXPECT_EQ(one.checks[0].target.label_selector, "app=web");
  EXPECT_EQ(one.checks[0].target.phase, "Running");
  EXPECT_EQ(one.checks[0].equals, json(3));
  EXPECT_EQ(one.name, "expect three Pods run");

  const auto& c = sc.steps[1].checks;
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].what, check::form::exists);
  EXPECT_EQ(c[0].name, "Deployment default/web exists");
  EXPECT_TRUE(c[1].target.all_namespaces);
  EXPECT_EQ(c[1].name, "count ReplicaSet (all namespaces) app=web >= 1, <= 2");
  EXPECT_EQ(c[2].target.api_version, "apps/v1");
  EXPECT_EQ(c[2].equals, json("nginx"));
  EXPECT_EQ(c[2].name, "Deployment default/web {.spec.template.spec.containers[0].image} == \"nginx\"");
  EXPECT_EQ(c[3].target.field_selector, "spec.nodeName=node-1");
  EXPECT_EQ(c[3].name, "count Pod default spec.nodeName=node-1 == 0");
}

TEST(ScenarioParse, ScalePatchDelete) {
  auto sc = parse(R"(steps:
  - scale: {kind: Deployment, name: web, replicas: 10}
  - patch: {kind: Deployment, name: web, patch: {spec: {paused: true}}}
  - patch:
      kind: Deployment
      name: web
      namespace: prod
      type: json
      patch: [{op: replace, path: /spec/replicas, value: 2}]
  - delete: {kind: Pod, selector: app=web, count: 1, grace_period_seconds: 0, propagation_policy: Foreground}
  - delete: {kind: Deployment, name: web}
)");
  ASSERT_EQ(sc.steps.size(), 5u);
  EXPECT_EQ(sc.steps[0].what, step::form::scale);
  EXPECT_EQ(sc.steps[0].replicas, 10);
  EXPECT_EQ(sc.steps[0].name, "scale Deployment default/web to 10");
  EXPECT_EQ(sc.steps[1].what, step::form::patch);
  EXPECT_EQ(sc.steps[1].patch_type, "merge");
  EXPECT_EQ(sc.steps[1].patch, json::parse(R"({"spec":{"paused":true}})"));
  EXPECT_EQ(sc.steps[1].name, "patch Deployment default/web");
  EXPECT_EQ(sc.steps[2].patch_type, "json");
  EXPECT_TRUE(sc.steps[2].patch.is_array());
  EXPECT_EQ(sc.steps[2].name, "patch Deployment prod/web (json)");
  const auto& del = sc.steps[3];
  EXPECT_EQ(del.what, step::form::remove);
  EXPECT_EQ(del.count, 1);
  EXPECT_EQ(del.grace_period_seconds, 0);
  EXPECT_EQ(del.propagation_policy, "Foreground");
  EXPECT_EQ(del.name, "delete Pod default app=web (at most 1)");
  EXPECT_FALSE(sc.steps[4].count.has_value());
  EXPECT_FALSE(sc.steps[4].grace_period_seconds.has_value());
  EXPECT_EQ(sc.steps[4].name, "delete Deployment default/web");
}

TEST(ScenarioParse, EveryFaultForm) {
  auto sc = parse(R"(steps:
  - fault: {api_error: {verb: create, resource: pods, code: 503}, window: 30s}
  - fault: {latency: {verb: "*", resource: pods, latency: 200ms}, window: 10s}
  - fault: {watch_cut: {resource: pods}}
  - fault: {node_failure: {node: node-1}, window: 2m}
  - fault: {restart: {component: controller-manager}}
  - fault: {api_error: {}}
  - fault: {watch_cut: }
)");
  ASSERT_EQ(sc.steps.size(), 7u);
  const auto& a = sc.steps[0].injected;
  EXPECT_EQ(sc.steps[0].what, step::form::fault);
  EXPECT_EQ(a.what, fault::form::api_error);
  EXPECT_EQ(a.verb, "create");
  EXPECT_EQ(a.resource, "pods");
  EXPECT_EQ(a.code, 503);
  EXPECT_EQ(a.window, 30s);
  EXPECT_EQ(sc.steps[0].name, "fault api_error create pods 503 for 30s");
  EXPECT_EQ(sc.steps[1].injected.what, fault::form::latency);
  EXPECT_EQ(sc.steps[1].injected.latency, 200ms);
  EXPECT_EQ(sc.steps[1].name, "fault latency +200ms on * pods for 10s");
  EXPECT_EQ(sc.steps[2].injected.what, fault::form::watch_cut);
  EXPECT_EQ(sc.steps[2].name, "fault watch_cut pods");
  EXPECT_EQ(sc.steps[3].injected.node, "node-1");
  EXPECT_EQ(sc.steps[3].injected.window, 2min);
  EXPECT_EQ(sc.steps[4].injected.component, "controller-manager");
  EXPECT_EQ(sc.steps[4].name, "fault restart controller-manager");
  const auto& d = sc.steps[5].injected;  // defaults
  EXPECT_EQ(d.verb, "*");
  EXPECT_EQ(d.resource, "*");
  EXPECT_EQ(d.code, 500);
  EXPECT_EQ(d.window, 0ms);
  EXPECT_EQ(sc.steps[6].injected.resource, "*");
}

TEST(ScenarioParse, DescribeNamesReferencesAsReportsShowThem) {
  EXPECT_EQ(describe({.kind = "Deployment", .name = "web"}), "Deployment default/web");
  EXPECT_EQ(describe({.kind = "Pod", .namespace_ = "prod", .label_selector = "app=web", .phase = "Running"}),
            "Pod prod app=web phase=Running");
  EXPECT_EQ(describe({.kind = "Node", .name = "node-1"}), "Node node-1");
  EXPECT_EQ(describe({.kind = "Node", .label_selector = "zone=a"}), "Node zone=a");
  EXPECT_EQ(describe({.kind = "Pod", .all_namespaces = true}), "Pod (all namespaces)");
  EXPECT_EQ(to_string(step::form::remove), "delete");
  EXPECT_EQ(to_string(check::form::jsonpath), "jsonpath");
  EXPECT_EQ(to_string(fault::form::node_failure), "node_failure");
}

TEST(ScenarioParse, AnchorsAndMergeKeysWork) {
  auto sc = parse(R"(steps:
  - wait_for: &w
      object: {kind: Deployment, name: web}
      condition: Available
      timeout: 60s
  - wait_for:
      <<: *w
      condition: Progressing
)");
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_EQ(sc.steps[1].checks[0].condition_type, "Progressing");
  EXPECT_EQ(sc.steps[1].timeout, 60s);
}

// The README's example, from tests/sim/testdata (by its source path, so a build tree
// outside the source tree runs it too).
TEST(ScenarioParse, TheReadmeExampleLoads) {
  const fs::path dir = fs::path(KTK_SIM_TESTDATA_DIR) / "scenarios";
  auto sc = load_scenario(dir / "deployment-chain.yaml");
  EXPECT_EQ(sc.name, "deployment-chain");
  EXPECT_EQ(sc.seed, 42u);
  ASSERT_EQ(sc.steps.size(), 13u);
  EXPECT_EQ(sc.steps[0].name, "create the Deployment");
  ASSERT_EQ(sc.steps[0].objects.size(), 1u);
  EXPECT_EQ(sc.steps[0].objects[0].name(), "web");
  EXPECT_EQ(sc.steps[1].name, "wait_for Deployment default/web Available");
  EXPECT_EQ(sc.steps[2].name, "expect three Pods run");
  ASSERT_EQ(sc.cluster.nodes.size(), 2u);
  ASSERT_EQ(sc.cluster.crds.size(), 1u);
}

}  // namespace
}  // namespace ktk::sim
