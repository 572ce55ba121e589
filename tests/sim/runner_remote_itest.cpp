// `ktk sim run --server KUBECONFIG --control-plane`: the same scenario against an API
// server over HTTP (ktk's own, embedded here), in real time, with the simulated
// control plane talking to it through the REST client.
#include "ktk/sim/runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ktk/apiserver/registry.hpp"
#include "ktk/apiserver/server.hpp"
#include "ktk/sim/scenario.hpp"

namespace {

namespace sim = ktk::sim;
namespace fs = std::filesystem;

class remote : public ::testing::Test {
 protected:
  void SetUp() override {
    srv_.start();
    dir_ = fs::temp_directory_path() / ("ktk_sim_remote_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "kubeconfig") << "apiVersion: v1\nkind: Config\ncurrent-context: ktk\n"
                                          "clusters: [{name: ktk, cluster: {server: \""
                                       << srv_.url()
                                       << "\"}}]\n"
                                          "users: [{name: ktk, user: {}}]\n"
                                          "contexts: [{name: ktk, context: {cluster: ktk, user: ktk}}]\n";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ktk::apiserver::registry reg_;
  ktk::apiserver::server srv_{reg_};
  fs::path dir_;
};

const char* quick = R"(
name: remote
cluster:
  nodes: [{prefix: node-, count: 2}]
  default_timing: {start_delay: 100ms}
steps:
  - apply: {file: manifests/web.yaml}
  - wait_for:
      object: {kind: Deployment, name: web}
      jsonpath: "{.status.availableReplicas}"
      equals: 3
      timeout: 30s
  - scale: {kind: Deployment, name: web, replicas: 1}
  - wait_for:
      count: {kind: Pod, selector: app=web}
      equals: 1
      timeout: 30s
  - expect:
      name: the Nodes are the simulator's
      count: {kind: Node}
      equals: 2
)";

TEST_F(remote, TheScenarioRunsOverHttpWithTheSimulatedControlPlane) {
  auto sc = sim::parse_scenario(quick, fs::path(KTK_SOURCE_DIR) / "examples" / "scenarios" / "remote.yaml");
  auto r = sim::run_scenario(sc, {.kubeconfig = dir_ / "kubeconfig", .control_plane_on_server = true});
  std::string why;
  for (const auto& e : r.expectations) {
    if (!e.ok) why += e.name + ": " + e.message + "\n";
  }
  for (const auto& s : r.steps) {
    if (!s.ok) why += s.name + ": " + s.message + "\n";
  }
  EXPECT_TRUE(r.ok()) << why;
  EXPECT_EQ(r.server, srv_.url());
  EXPECT_FALSE(r.transitions.empty());
}

TEST_F(remote, WithoutAControlPlaneNothingHappensAndTheWaitTimesOut) {
  auto sc = sim::parse_scenario(R"(
name: nothing
steps:
  - apply: {file: manifests/web.yaml}
  - wait_for:
      count: {kind: Pod, selector: app=web}
      equals: 3
      timeout: 500ms
)",
                                fs::path(KTK_SOURCE_DIR) / "examples" / "scenarios" / "remote.yaml");
  auto r = sim::run_scenario(sc, {.kubeconfig = dir_ / "kubeconfig"});
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[0].ok);
  EXPECT_FALSE(r.steps[1].ok);
}

}  // namespace
