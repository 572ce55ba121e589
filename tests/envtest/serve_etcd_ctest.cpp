// Two `ktk serve --etcd` processes on one etcd, driven by the real kubectl: a CRD, an
// object and a watch event written through one are seen through the other.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "../clients/serve_process.hpp"
#include "ktk/envtest/etcd_server.hpp"

namespace ktk::envtest {
namespace {

using ::testing::HasSubstr;

class ServeOnEtcd : public ::testing::Test {
 protected:
  void SetUp() override {
    kubectl = test::find_kubectl();
    if (!kubectl) GTEST_SKIP() << "no kubectl on PATH";
    etcd.start();
    a = std::make_unique<test::serve_process>(std::vector<std::string>{"--etcd", etcd.client_url()});
    b = std::make_unique<test::serve_process>(std::vector<std::string>{"--etcd", etcd.client_url()});
  }
  test::command_result on(test::serve_process& s, std::vector<std::string> args, const std::string& input = {},
                          std::chrono::seconds timeout = std::chrono::seconds(60)) {
    args.insert(args.begin(), {*kubectl, "--kubeconfig", s.kubeconfig().string()});
    return test::run_command(args, {}, input, timeout);
  }
  // kubectl through `s` until its output has `what` (bounded: the other server hears
  // of a write through etcd's watch, a few milliseconds later).
  bool eventually_on(test::serve_process& s, std::vector<std::string> args, const std::string& what) {
    for (int i = 0; i < 100; ++i) {
      auto r = on(s, args);
      if (r.exit_code == 0 && r.out.find(what) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::optional<std::string> kubectl;
  etcd_server etcd;
  std::unique_ptr<test::serve_process> a, b;
};

TEST_F(ServeOnEtcd, ACrdAndItsObjectsAppliedThroughOneServerAreServedByTheOther) {
  auto crd = on(*a, {"apply", "-f", KTK_SOURCE_DIR "/tests/envtest/data/crds/widget.yaml"});
  ASSERT_EQ(crd.exit_code, 0) << crd.err;
  ASSERT_TRUE(eventually_on(*b, {"api-resources", "--api-group=example.com"}, "widgets"));
  auto made = on(*a, {"apply", "-f", "-"}, "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 2\n");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto got = on(*b, {"get", "widget", "w", "-o", "jsonpath={.spec.size}"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out, "2");
}

TEST_F(ServeOnEtcd, AWatchOnOneServerSeesWritesThroughTheOther) {
  test::command_result watched;
  std::thread watcher([&] {
    watched = on(*b, {"get", "configmaps", "--watch", "-o", "name", "--request-timeout=20s"}, {},
                 std::chrono::seconds(25));
  });
  // Writes through `a` for three seconds or more (12 kubectl runs; on a loaded machine
  // they once took over 8 s, past the watch's end, hence its 20 s). kubectl has listed
  // long before the last one
  // (an object that exists at list time is printed too): the last can only
  // reach it as a watch event from `b`.
  std::string last;
  for (int i = 0; i < 12; ++i) {
    last = "through-a-" + std::to_string(i);
    auto r = on(*a, {"create", "configmap", last, "--from-literal=k=v"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  watcher.join();
  EXPECT_THAT(watched.out, HasSubstr("configmap/" + last + "\n")) << watched.err;
}

}  // namespace
}  // namespace ktk::envtest
