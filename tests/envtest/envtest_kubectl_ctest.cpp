// The environment's kubeconfig with the real kubectl: the CRDs it installed are there
// and their objects can be created and read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../clients/serve_process.hpp"
#include "ktk/envtest/environment.hpp"

namespace ktk::envtest {
namespace {

using ::testing::HasSubstr;

TEST(EnvironmentKubectl, KubectlSeesTheInstalledCrdAndItsObjects) {
  auto kubectl = test::find_kubectl();
  if (!kubectl) GTEST_SKIP() << "no kubectl on PATH";
  for (mode m : {mode::embedded, mode::etcd}) {
    environment env({.mode = m, .crd_paths = {KTK_SOURCE_DIR "/tests/envtest/data/crds/widget.yaml"}});
    env.start();
    const std::string kc = env.kubeconfig_path().string();
    auto crds = test::run_command({*kubectl, "--kubeconfig", kc, "get", "crds", "-o", "name"});
    ASSERT_EQ(crds.exit_code, 0) << crds.err;
    EXPECT_THAT(crds.out, HasSubstr("customresourcedefinition.apiextensions.k8s.io/widgets.example.com"));
    auto applied = test::run_command({*kubectl, "--kubeconfig", kc, "apply", "-f", "-"}, {},
                                     "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n"
                                     "spec:\n  size: 4\n");
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    auto got = test::run_command({*kubectl, "--kubeconfig", kc, "get", "widgets", "w1", "-o", "jsonpath={.spec.size}"});
    ASSERT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(got.out, "4") << to_string(m);
  }
}

}  // namespace
}  // namespace ktk::envtest
