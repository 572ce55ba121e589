// `ktk envtest start|stop`: a control plane left running between two commands, found
// through its kubeconfig, and stopped leaving nothing behind — also when the
// supervisor dies or the start fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../clients/serve_process.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"
#include "ktk/envtest/process.hpp"

namespace ktk::envtest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::run_command;

const std::string data_dir = KTK_SOURCE_DIR "/tests/envtest/data";

bool pid_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool eventually_gone(pid_t pid) {
  for (int i = 0; i < 2000 && !pid_gone(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return pid_gone(pid);
}

class EnvtestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("ktk-envtest-cli-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    state = dir / "state";
    kubeconfig = dir / "kubeconfig";
  }
  void TearDown() override {
    run_command({KTK_BINARY, "envtest", "stop", "--state-dir", state.string()});
    fs::remove_all(dir);
  }
  test::command_result start(std::vector<std::string> extra) {
    std::vector<std::string> argv = {KTK_BINARY, "envtest", "start", "--kubeconfig-out", kubeconfig.string(),
                                     "--state-dir", state.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, {}, {}, std::chrono::seconds(120));
  }
  pid_t supervisor() {
    std::ifstream in(state / "state.json");
    return nlohmann::json::parse(in).value("pid", 0);
  }
  fs::path dir, state, kubeconfig;
};

TEST_F(EnvtestCli, StartLeavesAServerRunningThatStopEnds) {
  auto r = start({"--mode", "embedded", "--crds", data_dir + "/crds"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ready on https://127.0.0.1:"));
  ASSERT_TRUE(fs::exists(kubeconfig));
  const pid_t pid = supervisor();

  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = kubeconfig.string()});
  client::rest::rest_client c(cfg.config);
  auto listed = c.list({"example.com", "v1", "Widget"});
  ASSERT_TRUE(listed) << listed.error().message();

  auto again = start({"--mode", "embedded"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already has a control plane running"));

  auto s = run_command({KTK_BINARY, "envtest", "stop", "--state-dir", state.string()});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_TRUE(eventually_gone(pid));
  EXPECT_FALSE(fs::exists(kubeconfig));
  EXPECT_FALSE(fs::exists(state)) << "start created the state dir, so stop removes it";
  EXPECT_FALSE(c.list({"", "v1", "Namespace"}));

  auto twice = run_command({KTK_BINARY, "envtest", "stop", "--state-dir", state.string()});
  EXPECT_EQ(twice.exit_code, 0) << "stop is idempotent";
}

TEST_F(EnvtestCli, AFailedStartReportsWhyAndLeavesNothingRunning) {
  auto r = start({"--mode", "embedded", "--crds", data_dir + "/broken"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:"));
  EXPECT_FALSE(fs::exists(state / "state.json"));
}

TEST_F(EnvtestCli, WebhooksAreInstalledAndTheStateSaysWhereToServeThem) {
  const fs::path certs = dir / "certs";
  auto r = start({"--mode", "embedded", "--webhooks", data_dir + "/webhooks", "--webhook-port", "0",
                  "--webhook-cert-dir", certs.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(state / "state.json");
  const auto st = nlohmann::json::parse(in);
  ASSERT_TRUE(st.contains("webhook")) << st.dump();
  EXPECT_EQ(st["webhook"]["host"], "127.0.0.1");
  EXPECT_GT(st["webhook"]["port"].get<int>(), 0);
  EXPECT_EQ(st["webhook"]["certDir"], certs.string());
  EXPECT_TRUE(fs::exists(certs / "tls.crt"));
  EXPECT_TRUE(fs::exists(certs / "tls.key"));

  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = kubeconfig.string()});
  client::rest::rest_client c(cfg.config);
  auto hook = c.get({"admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration"}, {"", "ktk-test-validating"});
  ASSERT_TRUE(hook) << hook.error().message();
  EXPECT_EQ((*hook)->data()["webhooks"][0]["clientConfig"]["url"],
            "https://127.0.0.1:" + std::to_string(st["webhook"]["port"].get<int>()) + "/validate-configmap");

  auto bad = start({"--mode", "embedded", "--webhook-port", "http"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--webhook-port"));
}

TEST_F(EnvtestCli, BadFlagsAreUsageErrors) {
  auto r = start({"--mode", "kind"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--mode"));
  auto no_dir = run_command({KTK_BINARY, "envtest", "start", "--kubeconfig-out", kubeconfig.string()});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("--state-dir is required"));
}

TEST_F(EnvtestCli, EtcdModeChildrenDieWithAKilledSupervisor) {
  auto r = start({"--mode", "etcd"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const pid_t pid = supervisor();
  // etcd is the supervisor's child: find it through /proc.
  pid_t etcd = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char st;
    pid_t ppid;
    rest >> st >> ppid;
    if (ppid == pid && line.find("(etcd)") != std::string::npos) etcd = std::stoi(name);
  }
  ASSERT_NE(etcd, 0) << "etcd runs under the supervisor";
  ::kill(pid, SIGKILL);
  EXPECT_TRUE(eventually_gone(pid));
  EXPECT_TRUE(eventually_gone(etcd)) << "no orphaned etcd";
  auto s = run_command({KTK_BINARY, "envtest", "stop", "--state-dir", state.string()});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_FALSE(fs::exists(state));
}

}  // namespace
}  // namespace ktk::envtest
