// The simulated control plane's components share one informer cache until one of
// them restarts (control_plane_options::share_caches).
#include "ktk/sim/control_plane.hpp"

#include <gtest/gtest.h>

#include "../common/eventually.hpp"
#include "ktk/fakeclient/fake_client.hpp"

namespace {

namespace sim = ktk::sim;
using ktk_test::eventually;

TEST(ControlPlane, ComponentsShareOneWatchPerResourceUntilOneRestarts) {
  ktk::core::fake_clock clk;
  auto fc = ktk::fakeclient::builder().with_clock(clk).build();
  sim::control_plane cp(*fc, {.clock = &clk, .log = [](const std::string&) {}});
  ASSERT_TRUE(cp.start());
  // The controller-manager, the scheduler and the kubelet all watch Pods and Nodes.
  EXPECT_TRUE(eventually([&] { return fc->open_watches("pods") == 1 && fc->open_watches("nodes") == 1; }));
  // A restarted scheduler lists and watches afresh, as a restarted process does.
  ASSERT_TRUE(cp.restart("scheduler"));
  EXPECT_TRUE(eventually([&] { return fc->open_watches("pods") == 2 && fc->open_watches("nodes") == 2; }));
  cp.stop();
  EXPECT_TRUE(eventually([&] { return fc->open_watches() == 0; }));
  // And it starts again with a fresh shared cache.
  ASSERT_TRUE(cp.start());
  EXPECT_TRUE(eventually([&] { return fc->open_watches("pods") == 1; }));
}

TEST(ControlPlane, WithoutSharingEachComponentWatchesForItself) {
  ktk::core::fake_clock clk;
  auto fc = ktk::fakeclient::builder().with_clock(clk).build();
  sim::control_plane cp(*fc, {.clock = &clk, .share_caches = false, .log = [](const std::string&) {}});
  ASSERT_TRUE(cp.start());
  EXPECT_TRUE(eventually([&] { return fc->open_watches("pods") == 3 && fc->open_watches("nodes") == 2; }));
}

}  // namespace
