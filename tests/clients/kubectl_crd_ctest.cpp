// kubectl_crd_ctest.cpp — kubectl against `ktk serve` for CustomResourceDefinitions:
// apply + `wait --for=condition=Established`, custom resources by short name with
// their printer columns, `explain`, patch types a custom resource accepts, schema
// validation errors, and discovery (`api-resources`, `api-versions`).
#include <regex>

#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::data_file;
using ktk::test::lines_of;

class kubectl_crd : public ktk::test::kubectl_suite {
 protected:
  // Applies a CRD file (idempotent) and waits until it is Established.
  static void install(const std::string& file, const std::string& name) {
    auto r = kubectl_stdin({"apply"}, data_file(file));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = kubectl({"wait", "--for=condition=Established", "crd/" + name, "--timeout=20s"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void install_network() { install("crds/network.yaml", "networks.samplecrd.k8s.io"); }
  static void install_widget() { install("kubectl/widget_crd.yaml", "widgets.test.ktk.io"); }
  static std::string network(const std::string& ns, const std::string& name, const std::string& cidr) {
    return "apiVersion: samplecrd.k8s.io/v1\nkind: Network\nmetadata: {name: " + name + ", namespace: " + ns +
           "}\nspec: {cidr: " + cidr + "}\n";
  }
};

TEST_F(kubectl_crd, applies_a_crd_and_waits_for_established) {
  // Other tests install this CRD too: start from its absence.
  auto r = kubectl({"delete", "crd", "gadgets.test.ktk.io", "--ignore-not-found"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(wait_not_found({"crd", "gadgets.test.ktk.io"}));
  r = kubectl_stdin({"apply"}, data_file("kubectl/gadget_crd.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "customresourcedefinition.apiextensions.k8s.io/gadgets.test.ktk.io created\n");
  r = kubectl({"wait", "--for=condition=Established", "crd/gadgets.test.ktk.io", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "customresourcedefinition.apiextensions.k8s.io/gadgets.test.ktk.io condition met\n");
  r = kubectl(
      {"get", "crd", "gadgets.test.ktk.io", "-o", R"(jsonpath={range .status.conditions[*]}{.type}={.status};{end})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Established=True;")) << r.out;
  EXPECT_TRUE(contains(r.out, "NamesAccepted=True;")) << r.out;
  // Applying the same file again changes nothing.
  r = kubectl_stdin({"apply"}, data_file("kubectl/gadget_crd.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "customresourcedefinition.apiextensions.k8s.io/gadgets.test.ktk.io unchanged\n");
  // A cluster-scoped custom resource, by short name.
  r = kubectl_stdin({"create"}, "apiVersion: test.ktk.io/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {model: m1}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "gadget.test.ktk.io/g1 created\n");
  r = kubectl({"get", "gdg", "g1", "-o", "jsonpath={.spec.model}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "m1");
}

TEST_F(kubectl_crd, gets_custom_resources_by_short_name_with_printer_columns) {
  install_network();
  make_namespace("crd-columns");
  auto r = kubectl_stdin({"apply"}, network("crd-columns", "net-a", "10.0.0.0/24") + "---\n" +
                                        network("crd-columns", "net-b", "10.0.1.0/24"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "network.samplecrd.k8s.io/net-a created\nnetwork.samplecrd.k8s.io/net-b created\n");
  for (const char* resource : {"net", "networks", "network", "networks.samplecrd.k8s.io", "net.samplecrd.k8s.io"}) {
    SCOPED_TRACE(resource);
    r = kubectl({"get", resource, "-n", "crd-columns"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "CIDR", "AGE"}));
    // The columns line up: CIDR starts where its header does.
    EXPECT_EQ(lines[1].find("10.0.0.0/24"), lines[0].find("CIDR")) << r.out;
    auto row = cells_of(lines[1]);
    ASSERT_EQ(row.size(), 3u) << lines[1];
    EXPECT_EQ(row[0], "net-a");
    EXPECT_EQ(row[1], "10.0.0.0/24");
    EXPECT_TRUE(std::regex_match(row[2], std::regex("[0-9]+s"))) << row[2];
    EXPECT_EQ(cells_of(lines[2])[0], "net-b");
  }
  // One object, without headers.
  r = kubectl({"get", "net", "net-b", "-n", "crd-columns", "--no-headers"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto row = cells_of(r.out);
  ASSERT_EQ(row.size(), 3u) << r.out;
  EXPECT_EQ(row[1], "10.0.1.0/24");
  // -o name and jsonpath read the same objects.
  r = kubectl({"get", "net", "-n", "crd-columns", "-o", "name"});
  EXPECT_EQ(r.out, "network.samplecrd.k8s.io/net-a\nnetwork.samplecrd.k8s.io/net-b\n");
  r = kubectl({"get", "net", "-n", "crd-columns", "-o", "jsonpath={.items[*].spec.cidr}"});
  EXPECT_EQ(r.out, "10.0.0.0/24 10.0.1.0/24");
}

TEST_F(kubectl_crd, explains_a_builtin_field) {
  auto r = kubectl({"explain", "pods.spec.containers"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // kubectl 1.31 prints "FIELD: containers <[]Container>"; 1.20 "RESOURCE: containers
  // <[]Object>". Both print KIND, VERSION, DESCRIPTION and FIELDS.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("KIND: +Pod\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("VERSION: +v1\n"))) << r.out;
  EXPECT_TRUE(contains(r.out, "containers <[]")) << r.out;
  EXPECT_TRUE(contains(r.out, "DESCRIPTION:")) << r.out;
  EXPECT_TRUE(contains(r.out, "FIELDS:")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +image\t<string>"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +name\t<string> -required-"))) << r.out;

  r = kubectl({"explain", "pods.spec.nosuchfield"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "field \"nosuchfield\" does not exist")) << r.err;
}

TEST_F(kubectl_crd, explains_a_custom_resource_field) {
  install_network();
  auto r = kubectl({"explain", "network.spec"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("KIND: +Network\n"))) << r.out;
  // kubectl 1.31 prints GROUP and VERSION apart; 1.20 prints "VERSION: samplecrd.k8s.io/v1".
  EXPECT_TRUE(std::regex_search(r.out, std::regex("VERSION: +(samplecrd\\.k8s\\.io/)?v1\n"))) << r.out;
  EXPECT_TRUE(contains(r.out, "The network wanted.")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +cidr\t<string>\n +The CIDR\\.\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +gateway\t<string>\n"))) << r.out;
}

TEST_F(kubectl_crd, custom_resources_take_merge_and_json_patches_but_not_strategic_ones) {
  install_network();
  make_namespace("crd-patch");
  auto r = kubectl_stdin({"apply"}, network("crd-patch", "net-p", "10.9.0.0/24"));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = kubectl({"patch", "net", "net-p", "-n", "crd-patch", "-p", R"({"spec":{"cidr":"10.9.1.0/24"}})"});
  EXPECT_EQ(r.exit_code, 1);
  // kubectl 1.31 wraps the server's message ("error: application/strategic-merge-patch+json
  // is not supported by samplecrd.k8s.io/v1, Kind=Network: ..."); 1.20 prints it as
  // "Error from server (UnsupportedMediaType): ...".
  EXPECT_TRUE(contains(r.err,
                       "the body of the request was in an unknown format - accepted media types include: "
                       "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
      << r.err;
  if (kubectl_minor() < 24) {
    EXPECT_TRUE(contains(r.err, "Error from server (UnsupportedMediaType): ")) << r.err;
  }

  r = kubectl({"patch", "net", "net-p", "-n", "crd-patch", "--type=merge", "-p", R"({"spec":{"gateway":"10.9.0.1"}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "network.samplecrd.k8s.io/net-p patched\n");
  r = kubectl({"patch", "net", "net-p", "-n", "crd-patch", "--type=json", "-p",
               R"([{"op":"replace","path":"/spec/cidr","value":"10.9.2.0/24"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "net", "net-p", "-n", "crd-patch", "-o", "jsonpath={.spec.cidr} {.spec.gateway}"});
  EXPECT_EQ(r.out, "10.9.2.0/24 10.9.0.1");
  // A merge patch that changes nothing.
  r = kubectl({"patch", "net", "net-p", "-n", "crd-patch", "--type=merge", "-p", R"({"spec":{"gateway":"10.9.0.1"}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "network.samplecrd.k8s.io/net-p patched (no change)\n");
}

TEST_F(kubectl_crd, schema_violations_are_422_with_the_field_path) {
  install_widget();
  make_namespace("crd-invalid");
  auto r = kubectl_stdin({"create"},
                         "apiVersion: test.ktk.io/v1\nkind: Widget\nmetadata: {name: neg, namespace: "
                         "crd-invalid}\nspec: {size: -1}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "The Widget \"neg\" is invalid: spec.size: Invalid value: -1: spec.size in body should be greater than or "
            "equal to 0\n");
  // A wrong type; kubectl 1.20 would catch it client-side against the OpenAPI schema,
  // so validation is off to reach the server.
  r = kubectl_stdin({"create", "--validate=false"},
                    "apiVersion: test.ktk.io/v1\nkind: Widget\nmetadata: {name: str, namespace: crd-invalid}\n"
                    "spec: {size: \"x\"}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "The Widget \"str\" is invalid: spec.size: Invalid value: \"string\": spec.size in body must be of type "
            "integer: \"string\"\n");
  r = kubectl({"get", "widgets", "-n", "crd-invalid", "-o", "name"});
  EXPECT_EQ(r.out, "");
}

TEST_F(kubectl_crd, api_resources_list_the_crd_with_its_short_name) {
  install_network();
  install("kubectl/gadget_crd.yaml", "gadgets.test.ktk.io");
  auto r = kubectl({"api-resources"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}));
  auto row_of = [&](const std::string& name) {
    for (const auto& l : lines)
      if (auto c = cells_of(l); !c.empty() && c[0] == name) return c;
    return std::vector<std::string>{};
  };
  EXPECT_EQ(row_of("networks"),
            (std::vector<std::string>{"networks", "net", "samplecrd.k8s.io/v1", "true", "Network"}));
  EXPECT_EQ(row_of("gadgets"), (std::vector<std::string>{"gadgets", "gdg", "test.ktk.io/v1", "false", "Gadget"}));
  EXPECT_EQ(row_of("deployments"),
            (std::vector<std::string>{"deployments", "deploy", "apps/v1", "true", "Deployment"}));
  EXPECT_EQ(row_of("namespaces"), (std::vector<std::string>{"namespaces", "ns", "v1", "false", "Namespace"}));

  r = kubectl({"api-resources", "--namespaced=false", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\nnamespaces\n") || r.out.starts_with("namespaces\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "gadgets.test.ktk.io\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "customresourcedefinitions.apiextensions.k8s.io\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "configmaps")) << r.out;
  EXPECT_FALSE(contains(r.out, "networks")) << r.out;

  r = kubectl({"api-resources", "--api-group=apps", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& l : lines_of(r.out)) EXPECT_TRUE(l.ends_with(".apps")) << l;
  EXPECT_TRUE(contains(r.out, "deployments.apps\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "replicasets.apps\n")) << r.out;

  r = kubectl({"api-versions"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto versions = lines_of(r.out);
  for (const char* v : {"v1", "apps/v1", "apiextensions.k8s.io/v1", "samplecrd.k8s.io/v1", "test.ktk.io/v1"})
    EXPECT_NE(std::find(versions.begin(), versions.end(), v), versions.end()) << v << " missing from\n" << r.out;
  EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end())) << r.out;
}

}  // namespace
