// python_ctest.cpp — the official Python client (Debian's python3-kubernetes) against
// `ktk serve`: one TEST per scenario of data/python/run_scenario.py, each with its own
// server. A scenario passes when the script exits 0; its output is shown otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "serve_process.hpp"

namespace {

using ktk::test::run_command;
using ktk::test::serve_process;

// Runs `python3 run_scenario.py NAME` against a fresh `ktk serve` started with
// `serve_args`.
void run_scenario(const std::string& name, std::vector<std::string> serve_args = {}) {
  auto python = ktk::test::find_python_with_kubernetes();
  if (!python) GTEST_SKIP() << "/usr/bin/python3 cannot import the kubernetes package";
  serve_process server(std::move(serve_args));
  // TMPDIR keeps the dynamic client's discovery cache out of the shared /tmp, and no
  // bytecode is written into the source tree.
  auto r = run_command({*python, KTK_CLIENTS_DATA_DIR "/python/run_scenario.py", name},
                       {"KUBECONFIG=" + server.kubeconfig().string(), "TMPDIR=" + server.dir().string(),
                        "PYTHONDONTWRITEBYTECODE=1"},
                       {}, std::chrono::seconds(90));
  EXPECT_EQ(r.exit_code, 0) << "scenario " << name << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err;
  EXPECT_EQ(server.stop(), 0) << "ktk serve did not exit cleanly after scenario " << name;
}


TEST(python, runner_rejects_an_unknown_scenario) {
  auto python = ktk::test::find_python_with_kubernetes();
  if (!python) GTEST_SKIP() << "/usr/bin/python3 cannot import the kubernetes package";
  auto r = run_command({*python, KTK_CLIENTS_DATA_DIR "/python/run_scenario.py", "no_such_scenario"},
                       {"PYTHONDONTWRITEBYTECODE=1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("scenarios:"), std::string::npos) << r.err;
}

// Authentication and RBAC: alice's token from a --token-auth-file.
TEST(python, rbac) {
  auto dir = std::filesystem::temp_directory_path() / ("ktk-python-rbac-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokens.csv") << "alice-token,alice,a-1,\"devs\"\n";
  run_scenario("rbac", {"--tls", "--authorization-mode", "RBAC", "--token-auth-file", (dir / "tokens.csv").string()});
  std::filesystem::remove_all(dir);
}

// Service account tokens (TokenRequest) used as the Python client's bearer token.
TEST(python, service_account_token) {
  auto dir = std::filesystem::temp_directory_path() / ("ktk-python-sa-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokens.csv") << "alice-token,alice,a-1,\"devs\"\n";
  run_scenario("service_account_token",
               {"--tls", "--authorization-mode", "RBAC", "--token-auth-file", (dir / "tokens.csv").string()});
  std::filesystem::remove_all(dir);
}

// Core objects and error bodies.
TEST(python, version) { run_scenario("version"); }
TEST(python, configmap_crud) { run_scenario("configmap_crud"); }
TEST(python, pod_crud) { run_scenario("pod_crud"); }
TEST(python, undecodable_body) { run_scenario("undecodable_body"); }
TEST(python, pod_strategic_merge) { run_scenario("pod_strategic_merge"); }
TEST(python, pod_graceful_delete) { run_scenario("pod_graceful_delete"); }
TEST(python, conflict) { run_scenario("conflict"); }
TEST(python, not_found) { run_scenario("not_found"); }
TEST(python, invalid) { run_scenario("invalid"); }
TEST(python, bad_label_selector) { run_scenario("bad_label_selector"); }
TEST(python, delete_collection) { run_scenario("delete_collection"); }
TEST(python, boolean_query_params) {
  run_scenario("boolean_query_params");
}

// Paging.
TEST(python, paging) { run_scenario("paging"); }
TEST(python, paging_invalid_continue) {
  run_scenario("paging_invalid_continue");
}
TEST(python, paging_expired_continue) {
  run_scenario("paging_expired_continue", {"--watch-history", "5"});
}

// Watches.
TEST(python, watch_from_resource_version) {
  run_scenario("watch_from_resource_version");
}
TEST(python, watch_live_events) {
  run_scenario("watch_live_events");
}
TEST(python, watch_label_selector) {
  run_scenario("watch_label_selector");
}
TEST(python, watch_timeout) {
  run_scenario("watch_timeout");
}
TEST(python, watch_bookmarks) {
  run_scenario("watch_bookmarks");
}
TEST(python, watch_expired) {
  run_scenario("watch_expired", {"--watch-history", "5"});
}

// Subresources, custom resources, discovery.
TEST(python, deployment_scale_status) { run_scenario("deployment_scale_status"); }
TEST(python, custom_objects) { run_scenario("custom_objects"); }
TEST(python, dynamic_discovery) { run_scenario("dynamic_discovery"); }

}  // namespace
