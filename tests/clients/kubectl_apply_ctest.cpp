// kubectl_apply_ctest.cpp — kubectl against `ktk serve` for apply: client-side apply
// (created / configured / unchanged), server-side apply with field-manager conflicts
// and --force-conflicts, and --dry-run=server on create, apply, patch and delete.
#include "kubectl_fixture.hpp"

namespace {

using ktk::test::contains;

class kubectl_apply : public ktk::test::kubectl_suite {
 protected:
  static std::string configmap(const std::string& ns, const std::string& name, const std::string& data) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: " + ns + "}\ndata: {" + data +
           "}\n";
  }
  // The managers recorded in managedFields, in order.
  static std::vector<std::string> managers(const std::string& ns, const std::string& name) {
    // kubectl 1.31 hides managedFields unless asked; 1.20 has no such flag and shows them.
    std::vector<std::string> args{"cm", name, "-n", ns};
    if (kubectl_minor() >= 21) args.push_back("--show-managed-fields");
    auto obj = get_json(args);
    std::vector<std::string> out;
    for (const auto& f : obj["metadata"].value("managedFields", nlohmann::json::array()))
      out.push_back(f.value("manager", "") + "/" + f.value("operation", ""));
    return out;
  }
};

TEST_F(kubectl_apply, client_side_apply_creates_configures_and_leaves_unchanged) {
  make_namespace("ap-csa");
  auto r = kubectl_stdin({"apply"}, configmap("ap-csa", "cm", "k: one"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm created\n");
  r = kubectl_stdin({"apply"}, configmap("ap-csa", "cm", "k: one"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm unchanged\n");
  r = kubectl_stdin({"apply"}, configmap("ap-csa", "cm", "k: two, extra: x"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm configured\n");
  // A key dropped from the manifest is removed (three-way merge with last-applied).
  r = kubectl_stdin({"apply"}, configmap("ap-csa", "cm", "k: two"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto obj = get_json({"cm", "cm", "-n", "ap-csa"});
  EXPECT_EQ(obj["data"], (nlohmann::json{{"k", "two"}}));
  EXPECT_TRUE(obj["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));
}

TEST_F(kubectl_apply, server_side_apply_reports_conflicts_and_forces_them) {
  make_namespace("ap-ssa");
  auto r = kubectl_stdin({"apply", "--server-side", "--field-manager=alice"}, configmap("ap-ssa", "cm", "k: one"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm serverside-applied\n");
  EXPECT_EQ(managers("ap-ssa", "cm"), (std::vector<std::string>{"alice/Apply"}));

  // The same manager may change its own field.
  r = kubectl_stdin({"apply", "--server-side", "--field-manager=alice"}, configmap("ap-ssa", "cm", "k: uno"));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = kubectl_stdin({"apply", "--server-side", "--field-manager=bob"}, configmap("ap-ssa", "cm", "k: two"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("error: Apply failed with 1 conflict: conflict with \"alice\": .data.k\n")) << r.err;
  // The help text that follows differs between versions (its link moved); both offer
  // --force-conflicts.
  EXPECT_TRUE(contains(r.err, "--force-conflicts")) << r.err;
  r = kubectl({"get", "cm", "cm", "-n", "ap-ssa", "-o", "jsonpath={.data.k}"});
  EXPECT_EQ(r.out, "uno");

  // Agreeing on the value is no conflict: bob becomes a co-owner.
  r = kubectl_stdin({"apply", "--server-side", "--field-manager=bob"}, configmap("ap-ssa", "cm", "k: uno, b: x"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(managers("ap-ssa", "cm"), (std::vector<std::string>{"alice/Apply", "bob/Apply"}));

  r = kubectl_stdin({"apply", "--server-side", "--field-manager=bob", "--force-conflicts"},
                    configmap("ap-ssa", "cm", "k: two, b: x"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm serverside-applied\n");
  r = kubectl({"get", "cm", "cm", "-n", "ap-ssa", "-o", "jsonpath={.data.k} {.data.b}"});
  EXPECT_EQ(r.out, "two x");
  // alice lost .data.k and now owns nothing: her entry is gone.
  EXPECT_EQ(managers("ap-ssa", "cm"), (std::vector<std::string>{"bob/Apply"}));

  // A conflict with an Update manager names it too (kubectl edit/patch are managers).
  r = kubectl({"patch", "cm", "cm", "-n", "ap-ssa", "--type=merge", "-p", R"({"data":{"b":"patched"}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // ("why", not "y": YAML reads a bare y as true, which a ConfigMap's data cannot hold.)
  r = kubectl_stdin({"apply", "--server-side", "--field-manager=bob"}, configmap("ap-ssa", "cm", "k: two, b: why"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "conflict with \"kubectl-patch\" using v1: .data.b")) << r.err;
}

// kubectl 1.25+ asks the server for fieldValidation=Strict: a field the type does not
// declare is refused in kube's words; server-side apply refuses it whatever is asked;
// --validate=false (Ignore) drops it.
TEST_F(kubectl_apply, fields_a_type_does_not_declare_are_refused_as_kube_refuses_them) {
  if (kubectl_minor() < 25) GTEST_SKIP() << "kubectl before 1.25 validates against its own schema copy";
  make_namespace("ap-unknown");
  const std::string svc =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: ap-unknown\nspec:\n  ports:\n"
      "  - port: 80\n    bogus: 1\n";
  auto r = kubectl_stdin({"create"}, svc);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "Error from server (BadRequest): error when creating \"STDIN\": Service in version "
                              "\"v1\" cannot be handled as a Service: strict decoding error: unknown field "
                              "\"spec.ports[0].bogus\""))
      << r.err;
  r = kubectl_stdin({"apply", "--server-side"}, svc);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "failed to create typed patch object (ap-unknown/s; /v1, Kind=Service): "
                              ".spec.ports[port=80,protocol=\"TCP\"].bogus: field not declared in schema"))
      << r.err;
  r = kubectl_stdin({"create", "--validate=false"}, svc);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto obj = get_json({"svc", "s", "-n", "ap-unknown"});
  EXPECT_EQ(obj["spec"]["ports"][0].count("bogus"), 0u) << obj.dump();

  // A value of the wrong type, applied server-side (kubectl itself reads only metadata).
  const std::string deploy =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ap-unknown\nspec:\n"
      "  replicas: \"3\"\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n"
      "      labels: {app: d}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
  r = kubectl_stdin({"apply", "--server-side"}, deploy);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "failed to create typed patch object (ap-unknown/d; apps/v1, Kind=Deployment): "
                              ".spec.replicas: expected numeric (int or float), got string"))
      << r.err;
}

TEST_F(kubectl_apply, server_dry_run_changes_nothing) {
  make_namespace("ap-dry");
  // create: the answer is the object as it would be stored, yet nothing is stored.
  auto r = kubectl({"create", "configmap", "cm", "-n", "ap-dry", "--from-literal=a=1", "--dry-run=server", "-o",
                    "jsonpath={.metadata.name}|{.metadata.uid}|{.metadata.creationTimestamp}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first_bar = r.out.find('|');
  auto second_bar = r.out.rfind('|');
  EXPECT_EQ(r.out.substr(0, first_bar), "cm");
  EXPECT_GT(second_bar - first_bar, 1u) << "no uid in " << r.out;
  EXPECT_GT(r.out.size() - second_bar, 1u) << "no creationTimestamp in " << r.out;
  r = kubectl({"create", "configmap", "cm", "-n", "ap-dry", "--from-literal=a=1", "--dry-run=server"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm created (server dry run)\n");
  r = kubectl({"get", "cm", "cm", "-n", "ap-dry"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, not_found_line("configmaps", "cm") + "\n");

  r = kubectl({"create", "configmap", "cm", "-n", "ap-dry", "--from-literal=a=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto before = get_json({"cm", "cm", "-n", "ap-dry"});

  // apply (client-side and server-side), patch, label and delete, all dry.
  r = kubectl_stdin({"apply", "--dry-run=server"}, configmap("ap-dry", "cm", "a: \"2\""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.ends_with("configmap/cm configured (server dry run)\n")) << r.out;
  // (.data.a belongs to kubectl-create: forced, or it would conflict.)
  r = kubectl_stdin({"apply", "--server-side", "--force-conflicts", "--dry-run=server"},
                    configmap("ap-dry", "cm", "a: \"3\""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap/cm serverside-applied (server dry run)\n");
  r = kubectl({"patch", "cm", "cm", "-n", "ap-dry", "--type=merge", "-p", R"({"data":{"a":"4"}})", "--dry-run=server",
               "-o", "jsonpath={.data.a}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "4");
  r = kubectl({"label", "cm", "cm", "-n", "ap-dry", "dry=run", "--dry-run=server"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"delete", "cm", "cm", "-n", "ap-dry", "--dry-run=server"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap \"cm\" deleted (server dry run)\n");

  auto after = get_json({"cm", "cm", "-n", "ap-dry"});
  EXPECT_EQ(after["data"], before["data"]);
  EXPECT_EQ(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_FALSE(after["metadata"].contains("labels")) << after.dump();
  EXPECT_FALSE(after["metadata"].contains("deletionTimestamp")) << after.dump();

  // A dry-run that would fail validation fails the same way.
  r = kubectl({"scale", "deployment", "nope", "-n", "ap-dry", "--replicas=1", "--dry-run=server"});
  EXPECT_EQ(r.exit_code, 1);
  r = kubectl_stdin({"create", "--dry-run=server"},
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, "
                    "namespace: ap-dry}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""))
      << r.err;
}

TEST_F(kubectl_apply, server_dry_run_create_of_an_existing_object_is_already_exists) {
  make_namespace("ap-dry-exists");
  auto r = kubectl({"create", "configmap", "cm", "-n", "ap-dry-exists"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"create", "configmap", "cm", "-n", "ap-dry-exists", "--dry-run=server"});
  EXPECT_EQ(r.exit_code, 1);
  // kubectl 1.31 prefixes "error: failed to create configmap: "; 1.20 "Error from server (AlreadyExists): ".
  EXPECT_TRUE(r.err.ends_with("configmaps \"cm\" already exists\n")) << r.err;
}

TEST_F(kubectl_apply, a_write_without_field_manager_is_recorded_under_the_user_agent) {
  make_namespace("ap-ua");
  auto r = kubectl({"create", "--raw", "/api/v1/namespaces/ap-ua/configmaps", "-f", "-"},
                   R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"b"}})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(managers("ap-ua", "cm"), (std::vector<std::string>{"kubectl/Update"}));
}

}  // namespace
