// kubectl_lifecycle_ctest.cpp — kubectl against `ktk serve` for an object's life:
// `wait --for=condition` / `--for=jsonpath` on status set through the status
// subresource, deletion held by finalizers (`delete --wait=false`), and namespace
// deletion (Terminating, then gone with its objects).
#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::data_file;
using ktk::test::lines_of;

class kubectl_lifecycle : public ktk::test::kubectl_suite {
 protected:
  static void install_widget() {
    auto r = kubectl_stdin({"apply"}, data_file("kubectl/widget_crd.yaml"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = kubectl({"wait", "--for=condition=Established", "crd/widgets.test.ktk.io", "--timeout=20s"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void create_widget(const std::string& ns, const std::string& name, const std::string& extra_meta = {}) {
    auto r = kubectl_stdin({"create"}, "apiVersion: test.ktk.io/v1\nkind: Widget\nmetadata: {name: " + name +
                                           ", namespace: " + ns + extra_meta + "}\nspec: {size: 1}\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void set_widget_status(const std::string& ns, const std::string& name, const nlohmann::json& status) {
    set_status("widgets.test.ktk.io", "/apis/test.ktk.io/v1", ns, name, status);
  }
};

TEST_F(kubectl_lifecycle, waits_for_a_condition_set_through_the_status_subresource) {
  install_widget();
  make_namespace("lc-wait");
  create_widget("lc-wait", "w1");
  auto r = kubectl({"wait", "--for=condition=Ready", "widgets/w1", "-n", "lc-wait", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: timed out waiting for the condition on widgets/w1\n");

  set_widget_status("lc-wait", "w1", {{"phase", "Up"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
  r = kubectl({"wait", "--for=condition=Ready", "widgets/w1", "-n", "lc-wait", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "widget.test.ktk.io/w1 condition met\n");
  r = kubectl({"wait", "--for=condition=Ready=true", "wdg", "--all", "-n", "lc-wait", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"wait", "--for=condition=Ready=false", "widgets/w1", "-n", "lc-wait", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1);
  // The printer column reads the status; the main resource ignores status writes.
  r = kubectl({"get", "wdg", "w1", "-n", "lc-wait", "--no-headers"});
  EXPECT_EQ(cells_of(r.out), (std::vector<std::string>{"w1", "1", "Up"}));
  r = kubectl({"patch", "wdg", "w1", "-n", "lc-wait", "--type=merge", "-p", R"({"status":{"phase":"Down"}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "wdg", "w1", "-n", "lc-wait", "-o", "jsonpath={.status.phase}"});
  EXPECT_EQ(r.out, "Up");
}

TEST_F(kubectl_lifecycle, waits_for_a_jsonpath_value) {
  if (kubectl_minor() < 23) GTEST_SKIP() << "wait --for=jsonpath needs kubectl 1.23+, this is 1." << kubectl_minor();
  install_widget();
  make_namespace("lc-jsonpath");
  create_widget("lc-jsonpath", "w1");
  auto r = kubectl({"wait", "--for=jsonpath={.status.phase}=Up", "widgets/w1", "-n", "lc-jsonpath", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: timed out waiting for the condition on widgets/w1\n");
  set_widget_status("lc-jsonpath", "w1", {{"phase", "Up"}});
  r = kubectl({"wait", "--for=jsonpath={.status.phase}=Up", "widgets/w1", "-n", "lc-jsonpath", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "widget.test.ktk.io/w1 condition met\n");
  r = kubectl({"wait", "--for=jsonpath={.spec.size}=1", "widgets/w1", "-n", "lc-jsonpath", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(kubectl_lifecycle, finalizers_hold_a_deleted_object_until_removed) {
  make_namespace("lc-fin");
  auto r = kubectl_stdin({"create"},
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: lc-fin, "
                         "finalizers: [test.ktk.io/hold]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"delete", "cm", "held", "-n", "lc-fin", "--wait=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "configmap \"held\" deleted\n");

  auto obj = get_json({"cm", "held", "-n", "lc-fin"});
  ASSERT_TRUE(obj.is_object());
  EXPECT_TRUE(obj["metadata"].contains("deletionTimestamp")) << obj.dump();
  EXPECT_EQ(obj["metadata"].value("deletionGracePeriodSeconds", -1), 0) << obj.dump();
  EXPECT_EQ(obj["metadata"]["finalizers"], nlohmann::json::array({"test.ktk.io/hold"}));

  // A waiting delete times out while the finalizer is there.
  r = kubectl({"delete", "cm", "held", "-n", "lc-fin", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "timed out waiting for the condition on configmaps/held")) << r.err;
  // Finalizers may not be added once deletion started.
  r = kubectl({"patch", "cm", "held", "-n", "lc-fin", "--type=json", "-p",
               R"([{"op":"add","path":"/metadata/finalizers/-","value":"test.ktk.io/more"}])"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "Forbidden: no new finalizers can be added if the object is being deleted")) << r.err;

  r = kubectl({"patch", "cm", "held", "-n", "lc-fin", "--type=json", "-p",
               R"([{"op":"remove","path":"/metadata/finalizers"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"get", "cm", "held", "-n", "lc-fin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, not_found_line("configmaps", "held") + "\n");
}

TEST_F(kubectl_lifecycle, finalizers_hold_a_custom_resource_and_wait_for_delete_sees_it_go) {
  install_widget();
  make_namespace("lc-fin-cr");
  create_widget("lc-fin-cr", "w1", ", finalizers: [test.ktk.io/hold]");
  auto r = kubectl({"delete", "wdg", "w1", "-n", "lc-fin-cr", "--wait=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "widget.test.ktk.io \"w1\" deleted\n");
  r = kubectl({"get", "wdg", "w1", "-n", "lc-fin-cr", "-o", "jsonpath={.metadata.finalizers[0]}"});
  EXPECT_EQ(r.out, "test.ktk.io/hold");
  // `wait --for=delete` started while the object is there returns once it is gone.
  // -v=6 logs its watch request: patch only once it is watching (kubectl 1.20 fails
  // "no matching resources found" when the object is already gone).
  auto waiter = kubectl_background({"wait", "--for=delete", "widgets/w1", "-n", "lc-fin-cr", "--timeout=30s", "-v=6"});
  ASSERT_TRUE(waiter->wait_for_error_output("watch=true")) << waiter->err();
  r = kubectl({"patch", "wdg", "w1", "-n", "lc-fin-cr", "--type=merge", "-p", R"({"metadata":{"finalizers":null}})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(waiter->wait_exit(std::chrono::seconds(30)), 0) << waiter->err();
  EXPECT_TRUE(wait_not_found({"wdg", "w1", "-n", "lc-fin-cr"}));
}

TEST_F(kubectl_lifecycle, deleting_a_namespace_terminates_it_then_removes_it_and_its_objects) {
  make_namespace("lc-ns");
  auto r = kubectl({"create", "configmap", "free", "-n", "lc-ns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"create", "deployment", "web", "-n", "lc-ns", "--image=nginx"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // An object with a finalizer keeps the namespace Terminating until it is released.
  r = kubectl_stdin({"create"},
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: lc-ns, "
                    "finalizers: [test.ktk.io/hold]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = kubectl({"delete", "namespace", "lc-ns", "--wait=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "namespace \"lc-ns\" deleted\n");
  r = kubectl({"get", "namespace", "lc-ns", "--no-headers"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto row = cells_of(r.out);
  ASSERT_EQ(row.size(), 3u) << r.out;
  EXPECT_EQ(row[1], "Terminating");
  auto ns = get_json({"namespace", "lc-ns"});
  EXPECT_EQ(ns["status"]["phase"], "Terminating");
  EXPECT_TRUE(ns["metadata"].contains("deletionTimestamp")) << ns.dump();

  // Nothing new may be created there meanwhile.
  r = kubectl_stdin({"create"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: lc-ns}\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error from server (Forbidden): error when creating \"STDIN\": configmaps \"late\" is forbidden: unable to "
            "create new content in namespace lc-ns because it is being terminated\n");

  // The namespace's objects are being deleted: the finalized one waits, the others go.
  EXPECT_TRUE(wait_not_found({"cm", "free", "-n", "lc-ns"}));
  EXPECT_TRUE(wait_not_found({"deployment", "web", "-n", "lc-ns"}));
  r = kubectl({"get", "cm", "held", "-n", "lc-ns", "-o", "jsonpath={.metadata.deletionTimestamp}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());

  r = kubectl({"patch", "cm", "held", "-n", "lc-ns", "--type=json", "-p",
               R"([{"op":"remove","path":"/metadata/finalizers"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(wait_not_found({"namespace", "lc-ns"}));
  r = kubectl({"get", "cm", "-n", "lc-ns", "-o", "name"});
  EXPECT_EQ(r.out, "");
}

TEST_F(kubectl_lifecycle, deleting_an_empty_namespace_with_wait_returns_once_it_is_gone) {
  make_namespace("lc-ns-empty");
  auto r = kubectl({"create", "configmap", "c", "-n", "lc-ns-empty"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = kubectl({"delete", "namespace", "lc-ns-empty", "--timeout=30s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "namespace \"lc-ns-empty\" deleted\n");
  r = kubectl({"get", "namespace", "lc-ns-empty"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, not_found_line("namespaces", "lc-ns-empty") + "\n");
  auto all = kubectl({"get", "cm", "-A", "-o", "jsonpath={range .items[*]}{.metadata.namespace} {end}"});
  EXPECT_FALSE(contains(all.out, "lc-ns-empty")) << all.out;
}

}  // namespace
