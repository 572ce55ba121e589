// kubectl_watch_ctest.cpp — `kubectl get --watch` against `ktk serve`: the initial
// list, then one line per event (created, modified, deleted), with
// --output-watch-events, --watch-only, label selectors, custom resources' printer
// columns, and the server ending the watch at --request-timeout.
//
// kubectl lists, then watches from the list's resourceVersion: once the listed lines
// are printed, every later change is seen. The tests wait for those lines, never sleep.
#include "kubectl_fixture.hpp"

namespace {

using ktk::test::cells_of;
using ktk::test::contains;
using ktk::test::data_file;
using ktk::test::lines_of;

class kubectl_watch : public ktk::test::kubectl_suite {
 protected:
  // First cells (name, or event type + name) of each printed line.
  static std::vector<std::string> heads(const std::string& out, std::size_t cells) {
    std::vector<std::string> res;
    for (const auto& l : lines_of(out)) {
      auto c = cells_of(l);
      std::string h;
      for (std::size_t i = 0; i < cells && i < c.size(); ++i) h += (i ? " " : "") + c[i];
      res.push_back(h);
    }
    return res;
  }
  static auto has_lines(std::size_t n) {
    return [n](const std::string& out) { return lines_of(out).size() >= n; };
  }
};

TEST_F(kubectl_watch, prints_the_list_then_each_event) {
  make_namespace("wa-basic");
  ASSERT_EQ(kubectl({"create", "configmap", "seed", "-n", "wa-basic"}).exit_code, 0);
  auto w = kubectl_background({"get", "configmaps", "-n", "wa-basic", "--watch", "--request-timeout=60s"});
  ASSERT_TRUE(w->wait_until(has_lines(2))) << w->out() << w->err();

  ASSERT_EQ(kubectl({"create", "configmap", "c1", "-n", "wa-basic", "--from-literal=a=1"}).exit_code, 0);
  ASSERT_EQ(kubectl({"create", "configmap", "c2", "-n", "wa-basic"}).exit_code, 0);
  ASSERT_EQ(kubectl({"label", "configmap", "c2", "-n", "wa-basic", "x=y"}).exit_code, 0);
  ASSERT_EQ(kubectl({"delete", "configmap", "c1", "-n", "wa-basic"}).exit_code, 0);
  ASSERT_TRUE(w->wait_until(has_lines(6))) << w->out() << w->err();
  w->stop();
  auto lines = lines_of(w->out());
  ASSERT_EQ(lines.size(), 6u) << w->out();
  EXPECT_EQ(cells_of(lines[0]), (std::vector<std::string>{"NAME", "DATA", "AGE"}));
  // Each event prints the object's row: c1 created (1 key), c2 created, c2 labelled,
  // c1 deleted (its last state).
  EXPECT_EQ(heads(w->out(), 2), (std::vector<std::string>{"NAME DATA", "seed 0", "c1 1", "c2 0", "c2 0", "c1 1"}));
}

TEST_F(kubectl_watch, output_watch_events_names_each_event) {
  make_namespace("wa-events");
  ASSERT_EQ(kubectl({"create", "configmap", "seed", "-n", "wa-events"}).exit_code, 0);
  auto w = kubectl_background(
      {"get", "configmaps", "-n", "wa-events", "--watch", "--output-watch-events", "--request-timeout=60s"});
  ASSERT_TRUE(w->wait_until(has_lines(2))) << w->out() << w->err();
  ASSERT_EQ(kubectl({"create", "configmap", "c1", "-n", "wa-events"}).exit_code, 0);
  ASSERT_EQ(kubectl({"annotate", "configmap", "c1", "-n", "wa-events", "a=b"}).exit_code, 0);
  ASSERT_EQ(kubectl({"delete", "configmap", "c1", "-n", "wa-events"}).exit_code, 0);
  ASSERT_TRUE(w->wait_until(has_lines(5))) << w->out() << w->err();
  w->stop();
  EXPECT_EQ(heads(w->out(), 2),
            (std::vector<std::string>{"EVENT NAME", "ADDED seed", "ADDED c1", "MODIFIED c1", "DELETED c1"}));
}

TEST_F(kubectl_watch, watch_only_with_a_selector_sees_objects_enter_and_leave_it) {
  make_namespace("wa-sel");
  ASSERT_EQ(kubectl({"create", "configmap", "other", "-n", "wa-sel"}).exit_code, 0);
  ASSERT_EQ(kubectl({"create", "configmap", "seed", "-n", "wa-sel"}).exit_code, 0);
  ASSERT_EQ(kubectl({"label", "configmap", "seed", "-n", "wa-sel", "app=web"}).exit_code, 0);
  // With --watch-only nothing is printed for the list; -v=6 shows when the watch is on.
  auto w = kubectl_background({"get", "configmaps", "-n", "wa-sel", "-l", "app=web", "--watch-only",
                               "--output-watch-events", "--request-timeout=60s", "-v=6"});
  ASSERT_TRUE(w->wait_for_error_output("watch=true")) << w->err();
  ASSERT_EQ(kubectl({"label", "configmap", "other", "-n", "wa-sel", "app=web"}).exit_code, 0);               // enters
  ASSERT_EQ(kubectl({"label", "configmap", "seed", "-n", "wa-sel", "app=db", "--overwrite"}).exit_code, 0);  // leaves
  ASSERT_EQ(kubectl({"create", "configmap", "unlabelled", "-n", "wa-sel"}).exit_code, 0);  // never matches
  ASSERT_EQ(kubectl({"delete", "configmap", "other", "-n", "wa-sel"}).exit_code, 0);
  ASSERT_TRUE(w->wait_until(has_lines(4))) << w->out() << w->err();
  w->stop();
  // The header comes with the first event. An object entering the selector is ADDED
  // for this watcher, one leaving it DELETED.
  EXPECT_EQ(heads(w->out(), 2),
            (std::vector<std::string>{"EVENT NAME", "ADDED other", "DELETED seed", "DELETED other"}));
  EXPECT_FALSE(contains(w->out(), "unlabelled")) << w->out();
}

TEST_F(kubectl_watch, watches_custom_resources_with_their_printer_columns) {
  auto r = kubectl_stdin({"apply"}, data_file("crds/network.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(
      kubectl({"wait", "--for=condition=Established", "crd/networks.samplecrd.k8s.io", "--timeout=20s"}).exit_code, 0);
  make_namespace("wa-crd");
  auto net = [](const std::string& name, const std::string& cidr) {
    return "apiVersion: samplecrd.k8s.io/v1\nkind: Network\nmetadata: {name: " + name +
           ", namespace: wa-crd}\nspec: {cidr: " + cidr + "}\n";
  };
  ASSERT_EQ(kubectl_stdin({"create"}, net("seed", "10.0.0.0/8")).exit_code, 0);
  auto w = kubectl_background({"get", "net", "-n", "wa-crd", "-w", "--request-timeout=60s"});
  ASSERT_TRUE(w->wait_until(has_lines(2))) << w->out() << w->err();
  ASSERT_EQ(kubectl_stdin({"create"}, net("n1", "10.1.0.0/16")).exit_code, 0);
  ASSERT_EQ(kubectl({"patch", "net", "n1", "-n", "wa-crd", "--type=merge", "-p", R"({"spec":{"cidr":"10.2.0.0/16"}})"})
                .exit_code,
            0);
  ASSERT_EQ(kubectl({"delete", "net", "n1", "-n", "wa-crd"}).exit_code, 0);
  ASSERT_TRUE(w->wait_until(has_lines(5))) << w->out() << w->err();
  w->stop();
  EXPECT_EQ(heads(w->out(), 2), (std::vector<std::string>{"NAME CIDR", "seed 10.0.0.0/8", "n1 10.1.0.0/16",
                                                          "n1 10.2.0.0/16", "n1 10.2.0.0/16"}));
}

TEST_F(kubectl_watch, the_server_ends_the_watch_at_the_request_timeout) {
  make_namespace("wa-timeout");
  ASSERT_EQ(kubectl({"create", "configmap", "seed", "-n", "wa-timeout"}).exit_code, 0);
  // --request-timeout reaches the server as ?timeout=2s; it closes the watch then and
  // kubectl exits 0 with what it printed.
  auto r =
      kubectl({"get", "configmaps", "-n", "wa-timeout", "-w", "--request-timeout=2s"}, {}, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(heads(r.out, 1), (std::vector<std::string>{"NAME", "seed"}));
}

}  // namespace
