// fixture_user.cpp — a test that needs the control plane a ctest fixture started
// (ktk_add_envtest_fixture in tests/envtest/CMakeLists.txt): it finds it through
// KUBECONFIG, as a user's test would, with the fixture's CRDs installed. Run by ctest
// only (the fixture's start and stop are tests of their own).
#include <gtest/gtest.h>

#include <cstdlib>

#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"

namespace {

TEST(EnvtestFixture, KubeconfigFromTheFixtureReachesTheSharedControlPlane) {
  const char* kc = std::getenv("KUBECONFIG");
  ASSERT_NE(kc, nullptr) << "FIXTURES_REQUIRED sets KUBECONFIG";
  auto cfg = ktk::client::rest::load_kubeconfig({.kubeconfig_path = kc});
  ktk::client::rest::rest_client c(cfg.config);
  ktk::core::object w(ktk::core::json{{"apiVersion", "example.com/v1"},
                                      {"kind", "Widget"},
                                      {"metadata", {{"generateName", "fixture-"}, {"namespace", "default"}}},
                                      {"spec", {{"size", 1}}}});
  auto made = c.create(std::move(w));
  ASSERT_TRUE(made) << made.error().message();
  auto gadgets = c.list({"example.com", "v1", "Gadget"});
  EXPECT_TRUE(gadgets) << "the fixture installed the whole folder, v1beta1 included";
}

}  // namespace
