// kubectl_workloads_ctest.cpp — kubectl against `ktk serve` on built-in objects:
// label/annotate, the three patch types, scale, selectors across namespaces,
// chunked lists, kube's error texts (NotFound, AlreadyExists, Invalid, Conflict, a body
// Go could not decode) and the `get -o yaml` → `replace` round trip.
#include <regex>

#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::lines_of;

class kubectl_workloads : public ktk::test::kubectl_suite {
 protected:
  static void create_deployment(const std::string& ns, const std::string& name) {
    auto r = kubectl({"create", "deployment", name, "-n", ns, "--image=nginx:1.25"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r.out, "deployment.apps/" + name + " created\n");
  }
};

TEST_F(kubectl_workloads, labels_and_annotations_with_overwrite_and_removal) {
  make_namespace("wl-label");
  auto r = kubectl({"create", "configmap", "cm", "-n", "wl-label", "--from-literal=a=b"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = kubectl({"label", "cm", "cm", "-n", "wl-label", "tier=web"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm labeled\n");
  r = kubectl({"label", "cm", "cm", "-n", "wl-label", "tier=db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: 'tier' already has a value (web), and --overwrite is false\n");
  r = kubectl({"label", "cm", "cm", "-n", "wl-label", "tier=db", "--overwrite"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "cm", "cm", "-n", "wl-label", "-o", "jsonpath={.metadata.labels.tier}"});
  EXPECT_EQ(r.out, "db");
  r = kubectl({"get", "cm", "-n", "wl-label", "-l", "tier=db", "-o", "name"});
  EXPECT_EQ(r.out, "configmap/cm\n");

  r = kubectl({"label", "cm", "cm", "-n", "wl-label", "tier-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // kubectl 1.31 says "unlabeled", 1.20 "labeled".
  EXPECT_TRUE(r.out == "configmap/cm unlabeled\n" || r.out == "configmap/cm labeled\n") << r.out;
  r = kubectl({"get", "cm", "cm", "-n", "wl-label", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto obj = nlohmann::json::parse(r.out);
  EXPECT_FALSE(obj["metadata"].value("labels", nlohmann::json::object()).contains("tier")) << r.out;
  r = kubectl({"get", "cm", "-n", "wl-label", "-l", "tier", "-o", "name"});
  EXPECT_EQ(r.out, "");

  r = kubectl({"annotate", "cm", "cm", "-n", "wl-label", "note=first"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm annotated\n");
  r = kubectl({"annotate", "cm", "cm", "-n", "wl-label", "note=second"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value "
            "(first)\n");
  r = kubectl({"annotate", "cm", "cm", "-n", "wl-label", "note=second", "--overwrite"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "cm", "cm", "-n", "wl-label", "-o", "jsonpath={.metadata.annotations.note}"});
  EXPECT_EQ(r.out, "second");
  r = kubectl({"annotate", "cm", "cm", "-n", "wl-label", "note-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "cm", "cm", "-n", "wl-label", "-o", "json"});
  obj = nlohmann::json::parse(r.out);
  EXPECT_FALSE(obj["metadata"].value("annotations", nlohmann::json::object()).contains("note")) << r.out;
}

TEST_F(kubectl_workloads, removing_the_last_label_leaves_no_empty_map) {
  make_namespace("wl-label-empty");
  auto r = kubectl({"create", "configmap", "cm", "-n", "wl-label-empty"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(kubectl({"label", "cm", "cm", "-n", "wl-label-empty", "only=one"}).exit_code, 0);
  ASSERT_EQ(kubectl({"annotate", "cm", "cm", "-n", "wl-label-empty", "only=one"}).exit_code, 0);
  ASSERT_EQ(kubectl({"label", "cm", "cm", "-n", "wl-label-empty", "only-"}).exit_code, 0);
  ASSERT_EQ(kubectl({"annotate", "cm", "cm", "-n", "wl-label-empty", "only-"}).exit_code, 0);
  auto obj = get_json({"cm", "cm", "-n", "wl-label-empty"});
  EXPECT_FALSE(obj["metadata"].contains("labels")) << obj.dump();
  EXPECT_FALSE(obj["metadata"].contains("annotations")) << obj.dump();
}

TEST_F(kubectl_workloads, patches_a_deployment_with_all_three_patch_types) {
  make_namespace("wl-patch");
  create_deployment("wl-patch", "web");
  // Strategic: containers merge by name, the new one goes first (as kube's docs show).
  auto r = kubectl({"patch", "deployment", "web", "-n", "wl-patch", "-p",
                    R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployment.apps/web patched\n");
  r = kubectl({"get", "deploy", "web", "-n", "wl-patch", "-o",
               R"(jsonpath={range .spec.template.spec.containers[*]}{.name}={.image};{end})"});
  EXPECT_EQ(r.out, "sidecar=busybox:1.36;nginx=nginx:1.25;");
  // Strategic again, changing one container's image by its merge key.
  r = kubectl({"patch", "deployment", "web", "-n", "wl-patch", "--type=strategic", "-p",
               R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "deploy", "web", "-n", "wl-patch", "-o",
               R"(jsonpath={range .spec.template.spec.containers[*]}{.name}={.image};{end})"});
  EXPECT_EQ(r.out, "sidecar=busybox:1.36;nginx=nginx:1.26;");
  // A JSON merge patch replaces the list wholesale.
  r = kubectl({"patch", "deployment", "web", "-n", "wl-patch", "--type=merge", "-p",
               R"({"metadata":{"labels":{"team":"a"}},)"
               R"("spec":{"template":{"spec":{"containers":[{"name":"only","image":"x:1"}]}}}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "deploy", "web", "-n", "wl-patch", "-o",
               R"(jsonpath={.metadata.labels.team} {range .spec.template.spec.containers[*]}{.name};{end})"});
  EXPECT_EQ(r.out, "a only;");
  // JSON patch.
  r = kubectl({"patch", "deployment", "web", "-n", "wl-patch", "--type=json", "-p",
               R"([{"op":"replace","path":"/spec/replicas","value":3},)"
               R"({"op":"add","path":"/metadata/labels/step","value":"json"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "deploy", "web", "-n", "wl-patch", "-o", "jsonpath={.spec.replicas} {.metadata.labels.step}"});
  EXPECT_EQ(r.out, "3 json");
  // A failing JSON patch `test` operation changes nothing (kube: 422, its message in the
  // causes; kubectl prints the generic text).
  r = kubectl(
      {"patch", "deployment", "web", "-n", "wl-patch", "--type=json", "-p",
       R"([{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":9}])"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "The request is invalid")) << r.err;
  r = kubectl({"get", "deploy", "web", "-n", "wl-patch", "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(r.out, "3");
  // Patching a missing object.
  r = kubectl({"patch", "deployment", "ghost", "-n", "wl-patch", "--type=merge", "-p", R"({"spec":{}})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, not_found_line("deployments.apps", "ghost") + "\n");
}

TEST_F(kubectl_workloads, scales_a_deployment_and_checks_current_replicas) {
  make_namespace("wl-scale");
  create_deployment("wl-scale", "web");
  auto r = kubectl({"scale", "deployment", "web", "-n", "wl-scale", "--replicas=4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployment.apps/web scaled\n");
  r = kubectl({"get", "deploy", "web", "-n", "wl-scale", "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(r.out, "4");
  r = kubectl({"scale", "deployment", "web", "-n", "wl-scale", "--replicas=2", "--current-replicas=3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: Expected replicas to be 3, was 4\n");
  r = kubectl({"get", "deploy", "web", "-n", "wl-scale", "-o", "jsonpath={.spec.replicas}"});
  EXPECT_EQ(r.out, "4");
  r = kubectl({"scale", "deployment", "web", "-n", "wl-scale", "--replicas=2", "--current-replicas=4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "deploy", "web", "-n", "wl-scale"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"}));
  auto row = cells_of(lines[1]);
  ASSERT_EQ(row.size(), 5u) << r.out;
  EXPECT_EQ(row[0], "web");
  EXPECT_EQ(row[1], "0/2");
  // kubectl 1.31 drops the NotFound and says "error: no objects passed to scale".
  r = kubectl({"scale", "deployment", "ghost", "-n", "wl-scale", "--replicas=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err == not_found_line("deployments.apps", "ghost") + "\n" ||
              r.err == "error: no objects passed to scale\n")
      << r.err;
}

TEST_F(kubectl_workloads, lists_pods_across_namespaces_with_selectors) {
  make_namespace("wl-sel-a");
  make_namespace("wl-sel-b");
  auto r = kubectl_stdin({"create"}, R"(apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: wl-sel-a, labels: {app: web, tier: fe}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p2, namespace: wl-sel-b, labels: {app: db}}
spec: {nodeName: node-1, containers: [{name: c, image: postgres}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p3, namespace: wl-sel-b, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
)");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "pod/p1 created\npod/p2 created\npod/p3 created\n");

  r = kubectl({"get", "pods", "-A", "-l", "app"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"}));
  auto row = cells_of(lines[1]);
  ASSERT_EQ(row.size(), 6u) << lines[1];
  EXPECT_EQ((std::vector<std::string>{row[0], row[1], row[2], row[3], row[4]}),
            (std::vector<std::string>{"wl-sel-a", "p1", "0/1", "Pending", "0"}));
  EXPECT_EQ(cells_of(lines[2])[1], "p2");
  EXPECT_EQ(cells_of(lines[3])[1], "p3");

  auto names = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    args.insert(args.end(), {"-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}"});
    auto res = kubectl(args);
    EXPECT_EQ(res.exit_code, 0) << res.err;
    return res.out;
  };
  EXPECT_EQ(names({"pods", "-A", "-l", "app=web"}), "wl-sel-a/p1 wl-sel-b/p3 ");
  EXPECT_EQ(names({"pods", "-A", "-l", "app in (web,db),tier!=fe"}), "wl-sel-b/p2 wl-sel-b/p3 ");
  EXPECT_EQ(names({"pods", "-A", "-l", "app,!tier"}), "wl-sel-b/p2 wl-sel-b/p3 ");
  EXPECT_EQ(names({"pods", "-n", "wl-sel-b", "-l", "app notin (db)"}), "wl-sel-b/p3 ");
  EXPECT_EQ(names({"pods", "-A", "--field-selector", "spec.nodeName=node-1"}), "wl-sel-b/p2 ");
  EXPECT_EQ(names({"pods", "-A", "-l", "app", "--field-selector", "metadata.namespace!=wl-sel-b"}), "wl-sel-a/p1 ");
  EXPECT_EQ(names({"pods", "-A", "-l", "app=web", "--field-selector", "metadata.name=p3"}), "wl-sel-b/p3 ");
  EXPECT_EQ(names({"pods", "-A", "-l", "app", "--field-selector", "status.phase=Pending"}),
            "wl-sel-a/p1 wl-sel-b/p2 wl-sel-b/p3 ");

  r = kubectl({"get", "pods", "-n", "wl-sel-a", "-l", "app=nothing"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "No resources found in wl-sel-a namespace.\n");

  // Bad selectors are 400s; kubectl prefixes the server's message with the query.
  r = kubectl({"get", "pods", "-A", "--field-selector", "bogus=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", "
            "field selector \"bogus=1\": field label not supported: bogus\n");
  r = kubectl({"get", "pods", "-A", "-l", "app in ("});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "Error from server (BadRequest): ")) << r.err;
  EXPECT_TRUE(contains(r.err, "unable to parse requirement: ")) << r.err;
}

TEST_F(kubectl_workloads, chunked_lists_return_every_object) {
  make_namespace("wl-chunk");
  for (int i = 1; i <= 5; ++i) {
    auto r = kubectl({"create", "configmap", "c" + std::to_string(i), "-n", "wl-chunk"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // -v=6 logs each request: one limited GET, then one per continue token.
  auto r = kubectl({"get", "configmaps", "-n", "wl-chunk", "--chunk-size=1", "-v=6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "DATA", "AGE"}));
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(cells_of(lines[static_cast<std::size_t>(i)])[0], "c" + std::to_string(i));
  std::size_t requests = 0, continues = 0;
  for (const auto& l : lines_of(r.err)) {
    if (contains(l, "/namespaces/wl-chunk/configmaps?") && contains(l, "limit=1")) ++requests;
    if (contains(l, "continue=")) ++continues;
  }
  EXPECT_EQ(requests, 5u) << r.err;
  EXPECT_EQ(continues, 4u) << r.err;

  r = kubectl({"get", "configmaps", "-n", "wl-chunk", "--chunk-size=2", "-o", "name"});
  EXPECT_EQ(r.out, "configmap/c1\nconfigmap/c2\nconfigmap/c3\nconfigmap/c4\nconfigmap/c5\n");
  r = kubectl({"get", "configmaps", "-n", "wl-chunk", "--chunk-size=1", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["items"].size(), 5u);
}

TEST_F(kubectl_workloads, errors_read_as_kube_writes_them) {
  make_namespace("wl-errors");
  auto r = kubectl({"get", "configmap", "nope", "-n", "wl-errors"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, not_found_line("configmaps", "nope") + "\n");
  r = kubectl({"get", "deployment", "nope", "-n", "wl-errors"});
  EXPECT_EQ(r.err, not_found_line("deployments.apps", "nope") + "\n");
  r = kubectl({"get", "namespace", "wl-nope"});
  EXPECT_EQ(r.err, not_found_line("namespaces", "wl-nope") + "\n");
  // The server answers `configmaps "x" not found`; kubectl 1.31 then looks the
  // namespace up and reports that instead.
  r = kubectl({"get", "configmap", "x", "-n", "wl-no-such-namespace"});
  EXPECT_TRUE(r.err == not_found_line("configmaps", "x") + "\n" ||
              r.err == not_found_line("namespaces", "wl-no-such-namespace") + "\n")
      << r.err;
  r = kubectl({"create", "configmap", "x", "-n", "wl-no-such-namespace"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "namespaces \"wl-no-such-namespace\" not found")) << r.err;

  r = kubectl({"create", "configmap", "dup", "-n", "wl-errors"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl_stdin({"create"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: wl-errors}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"dup\" already exists\n");
  r = kubectl({"create", "configmap", "dup", "-n", "wl-errors"});
  EXPECT_EQ(r.exit_code, 1);
  // kubectl 1.31: "error: failed to create configmap: configmaps "dup" already exists";
  // 1.20: "Error from server (AlreadyExists): configmaps "dup" already exists".
  EXPECT_TRUE(r.err.ends_with("configmaps \"dup\" already exists\n")) << r.err;

  r = kubectl_stdin({"create"}, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: inv, namespace: wl-errors}
spec:
  replicas: -1
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: c, image: x}]}
)");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "The Deployment \"inv\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n");
  r = kubectl({"create", "deployment", "Bad_Name", "-n", "wl-errors", "--image=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err,
                       "Deployment.apps \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a "
                       "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"))
      << r.err;
  r = kubectl_stdin({"create"}, R"(apiVersion: v1
kind: Pod
metadata: {name: nocontainers, namespace: wl-errors}
spec: {containers: []}
)");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("^The Pod \"nocontainers\" is invalid: .*spec\\.containers: "
                                                  "Required value")))
      << r.err;
}

TEST_F(kubectl_workloads, yaml_round_trips_and_stale_replaces_conflict) {
  make_namespace("wl-yaml");
  auto r = kubectl({"create", "configmap", "rt", "-n", "wl-yaml", "--from-literal=x=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto yaml = kubectl({"get", "cm", "rt", "-n", "wl-yaml", "-o", "yaml"});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_TRUE(yaml.out.starts_with("apiVersion: v1\ndata:\n  x: \"1\"\nkind: ConfigMap\nmetadata:\n")) << yaml.out;
  EXPECT_TRUE(std::regex_search(yaml.out, std::regex("\n  resourceVersion: \"[0-9]+\"\n"))) << yaml.out;
  EXPECT_TRUE(
      std::regex_search(yaml.out, std::regex("\n  creationTimestamp: \"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\"\n")))
      << yaml.out;

  // Replacing with what was read changes nothing, not even the resourceVersion.
  r = kubectl_stdin({"replace"}, yaml.out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/rt replaced\n");
  auto again = kubectl({"get", "cm", "rt", "-n", "wl-yaml", "-o", "yaml"});
  EXPECT_EQ(again.out, yaml.out);

  // An edit of what was read goes in once; the same stale copy then conflicts.
  auto edited = std::regex_replace(yaml.out, std::regex("x: \"1\""), "x: \"2\"");
  r = kubectl_stdin({"replace"}, edited);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "cm", "rt", "-n", "wl-yaml", "-o", "jsonpath={.data.x}"});
  EXPECT_EQ(r.out, "2");
  auto stale = std::regex_replace(yaml.out, std::regex("x: \"1\""), "x: \"3\"");
  r = kubectl_stdin({"replace"}, stale);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error from server (Conflict): error when replacing \"STDIN\": Operation cannot be fulfilled on configmaps "
            "\"rt\": the object has been modified; please apply your changes to the latest version and try again\n");
  r = kubectl({"get", "cm", "rt", "-n", "wl-yaml", "-o", "jsonpath={.data.x}"});
  EXPECT_EQ(r.out, "2");

  // JSON output reads back through `apply` the same way.
  auto json = get_json({"cm", "rt", "-n", "wl-yaml"});
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json["kind"], "ConfigMap");
  EXPECT_EQ(json["data"]["x"], "2");
  r = kubectl_stdin({"replace"}, json.dump());
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(kubectl_workloads, creating_from_output_with_a_resource_version_is_refused) {
  // kubectl create drops metadata.resourceVersion itself, so the body goes verbatim
  // through --raw: the server refuses it (a 500 with no reason, as kube-apiserver).
  make_namespace("wl-yaml-rv");
  auto r = kubectl({"create", "configmap", "rv", "-n", "wl-yaml-rv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = kubectl({"get", "cm", "rv", "-n", "wl-yaml-rv", "-o", "json"});
  ASSERT_EQ(kubectl({"delete", "cm", "rv", "-n", "wl-yaml-rv"}).exit_code, 0);
  r = kubectl_stdin({"create", "--raw", "/api/v1/namespaces/wl-yaml-rv/configmaps"}, json.out);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error from server: resourceVersion should not be set on objects to be created\n");
}

// Without client-side validation kubectl sends what the file says; kube-apiserver's Go
// decoding refuses a number where a string belongs, and so does ktk, in the same words.
TEST_F(kubectl_workloads, a_body_go_could_not_decode_is_a_bad_request) {
  make_namespace("wl-decode");
  auto r = kubectl_stdin({"create", "-n", "wl-decode", "--validate=false"},
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ports}\ndata: {http: 8080}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be "
            "handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type "
            "string\n");
  r = kubectl({"get", "configmap", "ports", "-n", "wl-decode"});
  EXPECT_EQ(r.exit_code, 1) << "nothing was stored";
  r = kubectl_stdin({"create", "-n", "wl-decode", "--validate=false"},
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ports}\ndata: {http: \"8080\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A patch whose result does not decode is 422 on "patch".
  r = kubectl({"patch", "configmap", "ports", "-n", "wl-decode", "--type=merge", "-p", R"({"data":{"http":8080}})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("The request is invalid: patch: Invalid value: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"))
      << r.err;
}

}  // namespace
