// consumer_test.cpp — what an operator author writes: a test on its own environment,
// and a test on the control plane a ctest fixture started (KUBECONFIG).
#include <gtest/gtest.h>

#include <cstdlib>

#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/envtest/environment.hpp"

namespace {

ktk::core::object widget(const std::string& name, int size) {
  return ktk::core::object(ktk::core::json{{"apiVersion", "example.com/v1"},
                                           {"kind", "Widget"},
                                           {"metadata", {{"name", name}, {"namespace", "default"}}},
                                           {"spec", {{"size", size}}}});
}

TEST(OwnEnvironment, StartsInstallsTheCrdAndServesIt) {
  ktk::envtest::environment env({.crd_paths = {CONSUMER_CRDS}});
  env.start();
  auto made = env.client().create(widget("a", 3));
  ASSERT_TRUE(made) << made.error().message();
  auto bad = env.client().create(widget("b", 0));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 422);
  env.stop();
}

TEST(SharedPlane, TheFixtureKubeconfigReachesAServerWithTheCrd) {
  const char* kc = std::getenv("KUBECONFIG");
  ASSERT_NE(kc, nullptr) << "the fixture sets KUBECONFIG";
  auto cfg = ktk::client::rest::load_kubeconfig({.kubeconfig_path = kc});
  ktk::client::rest::rest_client c(cfg.config);
  auto made = c.create(widget("shared", 2));
  ASSERT_TRUE(made) << made.error().message();
  auto got = c.get({"example.com", "v1", "Widget"}, {"default", "shared"});
  ASSERT_TRUE(got) << got.error().message();
}

}  // namespace
