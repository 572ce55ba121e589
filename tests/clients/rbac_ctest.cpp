// rbac_ctest.cpp — kubectl against `ktk serve` for rbac.authorization.k8s.io/v1:
// `kubectl create role/clusterrole/rolebinding/clusterrolebinding`, `get` columns
// (plain and -o wide), apply validated against the OpenAPI schema, `explain`, kube's
// validation messages, the immutable roleRef, and the review resources in discovery.
#include <regex>

#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::lines_of;

class kubectl_rbac : public ktk::test::kubectl_suite {
 protected:
  // `kubectl create <args>` through --dry-run=client, then the printed object sent with
  // `kubectl create -f -`, so the object goes through the JSON path whichever kubectl
  // runs. (For bindings with --user a version-dispatching kubectl, Google Cloud SDK's,
  // runs its newest kubectl, whose typed create sends protobuf: kubectl_protobuf_ctest
  // covers that path.)
  static ktk::test::command_result create_via_file(std::vector<std::string> args) {
    args.insert(args.begin(), "create");
    args.insert(args.end(), {"--dry-run=client", "-o", "json"});
    auto r = kubectl(args);
    if (r.exit_code != 0) return r;
    return kubectl({"create", "-f", "-"}, r.out);
  }

  // `kubectl get` of one object: the header's cells and the row's cells.
  static std::pair<std::vector<std::string>, std::vector<std::string>> table(std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    auto r = kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto lines = lines_of(r.out);
    EXPECT_EQ(lines.size(), 2u) << r.out;
    if (lines.size() != 2) return {};
    return {cells_of(lines[0]), cells_of(lines[1])};
  }
};

TEST_F(kubectl_rbac, create_role_and_binding_then_get) {
  make_namespace("rbac-create");
  auto r = kubectl({"create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", "rbac-create"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "role.rbac.authorization.k8s.io/pod-reader created\n");
  auto role = get_json({"role", "pod-reader", "-n", "rbac-create"});
  ASSERT_TRUE(role.is_object());
  EXPECT_EQ(role["rules"],
            nlohmann::json::parse(R"([{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}])"));

  r = create_via_file({"rolebinding", "read-pods", "--role=pod-reader", "--user=alice", "--group=devs",
                       "--serviceaccount=rbac-create:sa", "-n", "rbac-create"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "rolebinding.rbac.authorization.k8s.io/read-pods created\n");
  auto rb = get_json({"rolebinding", "read-pods", "-n", "rbac-create"});
  ASSERT_TRUE(rb.is_object());
  EXPECT_EQ(rb["roleRef"], nlohmann::json::parse(
                               R"({"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"})"));
  EXPECT_EQ(rb["subjects"][0], nlohmann::json::parse(
                                   R"({"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"})"));
  EXPECT_EQ(rb["subjects"][2],
            nlohmann::json::parse(R"({"kind":"ServiceAccount","name":"sa","namespace":"rbac-create"})"));

  auto [head, row] = table({"roles", "-n", "rbac-create"});
  EXPECT_EQ(head, (std::vector<std::string>{"NAME", "CREATED", "AT"}));
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row[0], "pod-reader");
  EXPECT_TRUE(std::regex_match(row[1], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << row[1];

  std::tie(head, row) = table({"rolebindings", "-n", "rbac-create"});
  EXPECT_EQ(head, (std::vector<std::string>{"NAME", "ROLE", "AGE"}));
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[0], "read-pods");
  EXPECT_EQ(row[1], "Role/pod-reader");
  EXPECT_TRUE(std::regex_match(row[2], std::regex("[0-9]+s"))) << row[2];

  std::tie(head, row) = table({"rolebindings", "-n", "rbac-create", "-o", "wide"});
  EXPECT_EQ(head, (std::vector<std::string>{"NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"}));
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(row[3], "alice");
  EXPECT_EQ(row[4], "devs");
  EXPECT_EQ(row[5], "rbac-create/sa");
}

TEST_F(kubectl_rbac, create_cluster_role_and_binding) {
  auto r = kubectl({"create", "clusterrole", "healthz-reader", "--verb=get", "--non-resource-url=/healthz,/livez"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "clusterrole.rbac.authorization.k8s.io/healthz-reader created\n");
  auto cr = get_json({"clusterrole", "healthz-reader"});
  ASSERT_TRUE(cr.is_object());
  EXPECT_EQ(cr["rules"], nlohmann::json::parse(R"([{"nonResourceURLs":["/healthz","/livez"],"verbs":["get"]}])"));

  r = create_via_file({"clusterrolebinding", "healthz-readers", "--clusterrole=healthz-reader", "--user=bob",
                       "--user=carol", "--serviceaccount=kube-system:builder"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "clusterrolebinding.rbac.authorization.k8s.io/healthz-readers created\n");

  auto [head, row] = table({"clusterrolebindings", "healthz-readers", "-o", "wide"});
  EXPECT_EQ(head, (std::vector<std::string>{"NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"}));
  // The empty GROUPS cell leaves a gap the whitespace split skips.
  EXPECT_EQ(row.size(), 6u);
  ASSERT_GE(row.size(), 5u);
  EXPECT_EQ(row[1], "ClusterRole/healthz-reader");
  EXPECT_EQ(row[3], "bob,");
  EXPECT_EQ(row[4], "carol");
  EXPECT_EQ(row.back(), "kube-system/builder");

  // Without --user, straight from the generator.
  r = kubectl({"create", "clusterrolebinding", "healthz-groups", "--clusterrole=healthz-reader", "--group=ops"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "clusterrolebinding.rbac.authorization.k8s.io/healthz-groups created\n");
  std::tie(head, row) = table({"clusterrolebindings", "healthz-groups", "-o", "wide"});
  ASSERT_EQ(row.size(), 4u) << "empty USERS and SERVICEACCOUNTS cells";
  EXPECT_EQ(row[1], "ClusterRole/healthz-reader");
  EXPECT_EQ(row[3], "ops");

  // A ClusterRoleBinding may not point at a Role.
  r = kubectl({"create", "clusterrolebinding", "bad-ref", "--clusterrole=x", "--group=ops", "--dry-run=client", "-o",
               "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto obj = nlohmann::json::parse(r.out);
  obj["roleRef"]["kind"] = "Role";
  r = kubectl({"create", "-f", "-"}, obj.dump());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "The ClusterRoleBinding \"bad-ref\" is invalid: roleRef.kind: Unsupported value: \"Role\": "
                   "supported values: \"ClusterRole\"\n");
}

TEST_F(kubectl_rbac, apply_validated_role_and_kube_errors) {
  make_namespace("rbac-apply");
  const std::string role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
                           "metadata: {name: config-editor, namespace: rbac-apply}\n"
                           "rules:\n"
                           "- apiGroups: [\"\"]\n"
                           "  resources: [configmaps]\n"
                           "  resourceNames: [app-config]\n"
                           "  verbs: [get, update, patch]\n";
  auto r = kubectl_stdin({"apply", "--validate=true"}, role);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "role.rbac.authorization.k8s.io/config-editor created\n");
  r = kubectl_stdin({"apply", "--validate=true"}, role);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "role.rbac.authorization.k8s.io/config-editor unchanged\n");

  r = kubectl_stdin({"apply"}, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
                               "metadata: {name: url-reader, namespace: rbac-apply}\n"
                               "rules:\n- nonResourceURLs: [/healthz]\n  verbs: [get]\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "The Role \"url-reader\" is invalid: rules[0].nonResourceURLs: Invalid value: "
                   "[]string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs\n");

  r = kubectl_stdin({"apply"}, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
                               "metadata: {name: verbless, namespace: rbac-apply}\n"
                               "rules:\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: []\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "The Role \"verbless\" is invalid: rules[0].verbs: Required value: verbs must contain at least "
                   "one value\n");
}

TEST_F(kubectl_rbac, role_ref_cannot_change) {
  make_namespace("rbac-ref");
  auto r = kubectl({"create", "rolebinding", "viewers", "--clusterrole=view", "--group=team", "-n", "rbac-ref"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected =
      "The RoleBinding \"viewers\" is invalid: roleRef: Invalid value: "
      "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change "
      "roleRef\n";
  r = kubectl(
      {"patch", "rolebinding", "viewers", "-n", "rbac-ref", "--type=merge", "-p", R"({"roleRef":{"name":"edit"}})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, expected);

  r = kubectl_stdin({"apply"}, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
                               "metadata: {name: viewers, namespace: rbac-ref}\n"
                               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\n"
                               "subjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: team}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "cannot change roleRef")) << r.err;

  // Subjects are replaced as a whole (no merge key): the patch's list is the new list.
  r = kubectl({"patch", "rolebinding", "viewers", "-n", "rbac-ref", "-p",
               R"({"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"dave"}]})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rb = get_json({"rolebinding", "viewers", "-n", "rbac-ref"});
  ASSERT_TRUE(rb.is_object());
  EXPECT_EQ(rb["subjects"], nlohmann::json::parse(
                                R"([{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"dave"}])"));
  EXPECT_EQ(rb["roleRef"]["name"], "view");
}

TEST_F(kubectl_rbac, explain_role_rules) {
  auto r = kubectl({"explain", "role.rules"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("KIND: +Role\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("VERSION: +(rbac\\.authorization\\.k8s\\.io/)?v1\n"))) << r.out;
  EXPECT_TRUE(contains(r.out, "rules <[]PolicyRule>")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +verbs\t<\\[\\]string> -required-"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +nonResourceURLs\t<\\[\\]string>"))) << r.out;

  r = kubectl({"explain", "clusterrolebinding.roleRef"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "roleRef <RoleRef>")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n +kind\t<string> -required-"))) << r.out;
}

TEST_F(kubectl_rbac, review_resources_are_create_only) {
  auto r = kubectl({"api-resources", "--api-group=authorization.k8s.io", "-o", "wide", "--no-headers"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  std::vector<std::string> names;
  for (const auto& l : lines) {
    auto c = cells_of(l);
    ASSERT_GE(c.size(), 5u) << l;
    names.push_back(c[0]);
    EXPECT_EQ(c[4], "create") << l;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"localsubjectaccessreviews", "selfsubjectaccessreviews",
                                             "selfsubjectrulesreviews", "subjectaccessreviews"}));
  EXPECT_EQ(cells_of(lines[0])[2], "true") << "localsubjectaccessreviews are namespaced";

  r = kubectl({"api-resources", "--api-group=authentication.k8s.io", "--no-headers", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "selfsubjectreviews.authentication.k8s.io\ntokenreviews.authentication.k8s.io\n");

  r = kubectl({"api-resources", "--api-group=rbac.authorization.k8s.io", "--no-headers", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "clusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\n"
            "rolebindings.rbac.authorization.k8s.io\nroles.rbac.authorization.k8s.io\n");
}

}  // namespace
