// `ktk load`: the report adds up, bad flags are usage errors, remote servers are
// refused before anything is sent, and every successful write is one watch event.
// Runs the ktk binary: embedded, or against a `ktk serve` the test starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../clients/serve_process.hpp"
#include "ktk/client/rest/kubeconfig.hpp"
#include "ktk/client/rest/rest_client.hpp"

namespace ktk::envtest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::run_command;
using json = nlohmann::json;

test::command_result ktk_load(std::vector<std::string> args) {
  args.insert(args.begin(), {KTK_BINARY, "load"});
  return run_command(args, {}, {}, std::chrono::seconds(60));
}

// The JSON report of a run that must succeed.
json load_json(std::vector<std::string> args) {
  args.push_back("--json");
  auto r = ktk_load(std::move(args));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// Every verb's counts add up, and the verbs add up to the total.
void expect_consistent(const json& report) {
  std::uint64_t ops = 0, ok = 0, errors = 0;
  for (const char* verb : {"create", "update", "delete"}) {
    const auto& v = report["verbs"][verb];
    std::uint64_t by_code = 0;
    for (const auto& [code, n] : v["errorsByCode"].items()) by_code += n.get<std::uint64_t>();
    EXPECT_EQ(v["ok"].get<std::uint64_t>() + v["errors"].get<std::uint64_t>(), v["ops"].get<std::uint64_t>()) << verb;
    EXPECT_EQ(by_code, v["errors"].get<std::uint64_t>()) << verb;
    ops += v["ops"].get<std::uint64_t>();
    ok += v["ok"].get<std::uint64_t>();
    errors += v["errors"].get<std::uint64_t>();
  }
  EXPECT_EQ(ops, report["total"]["ops"].get<std::uint64_t>());
  EXPECT_EQ(ok, report["total"]["ok"].get<std::uint64_t>());
  EXPECT_EQ(errors, report["total"]["errors"].get<std::uint64_t>());
}

class Load : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("ktk-load-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path kubeconfig_for(const std::string& server) {
    const fs::path p = dir / "kubeconfig";
    std::ofstream(p) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " << server
                     << "\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n"
                        "    cluster: c\n    user: u\ncurrent-context: x\n";
    return p;
  }
  fs::path dir;
};

TEST_F(Load, ReportCountsAddUpPerVerb) {
  const json r = load_json({"--count", "200", "--rate", "0", "--keys", "20", "--namespaces", "3", "--seed", "7"});
  EXPECT_EQ(r["total"]["ops"], 200);
  expect_consistent(r);
  // Only the key space's own conflicts: 409 for creates, 404 for updates and deletes.
  for (const auto& [code, n] : r["verbs"]["create"]["errorsByCode"].items()) EXPECT_EQ(code, "409");
  for (const char* verb : {"update", "delete"}) {
    for (const auto& [code, n] : r["verbs"][verb]["errorsByCode"].items()) EXPECT_EQ(code, "404") << verb;
  }
  EXPECT_GT(r["verbs"]["create"]["ok"], 0);
  EXPECT_LE(r["total"]["latencyMs"]["p50"].get<double>(), r["total"]["latencyMs"]["p99"].get<double>());
  EXPECT_LE(r["total"]["latencyMs"]["p99"].get<double>(), r["total"]["latencyMs"]["max"].get<double>());
}

TEST_F(Load, CreatesOnlySucceedOncePerKey) {
  const json r = load_json({"--count", "100", "--keys", "10", "--mix", "create=1", "--workers", "3"});
  EXPECT_EQ(r["verbs"]["create"]["ops"], 100);
  EXPECT_EQ(r["verbs"]["create"]["ok"], 10);
  EXPECT_EQ(r["verbs"]["create"]["errorsByCode"]["409"], 90);
  EXPECT_EQ(r["verbs"]["update"]["ops"], 0);
  EXPECT_EQ(r["verbs"]["delete"]["ops"], 0);
}

TEST_F(Load, UpdatesOfMissingKeysAreNotFound) {
  const json r = load_json({"--count", "30", "--mix", "update=5,delete=5"});
  EXPECT_EQ(r["total"]["ok"], 0);
  EXPECT_EQ(r["total"]["errorsByCode"]["404"], 30);
}

TEST_F(Load, WorksOnCustomResources) {
  const json r = load_json({"--count", "50", "--resource", "widgets.example.com", "--crds",
                            KTK_SOURCE_DIR "/tests/envtest/data/crds/widget.yaml"});
  EXPECT_EQ(r["resource"], "widgets.example.com/v1");
  EXPECT_EQ(r["total"]["ops"], 50);
  EXPECT_GT(r["total"]["ok"], 0);
  expect_consistent(r);
}

TEST_F(Load, BadMixIsAUsageError) {
  for (const char* mix : {"create", "create=x", "read=10", "create=0,update=0", "create=1,create=2", "delete=-1"}) {
    auto r = ktk_load({"--count", "1", "--mix", mix});
    EXPECT_EQ(r.exit_code, 2) << mix;
    EXPECT_THAT(r.err, HasSubstr("--mix")) << mix;
  }
}

TEST_F(Load, OtherBadFlagsAreUsageErrors) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--count", "0"},
                                        {"--count", "5", "--rate", "-1"},
                                        {"--duration", "10parsecs"},
                                        {"--count", "5", "--workers", "0"},
                                        {"--count", "5", "--resource", "no-such-things"},
                                        {"--count", "5", "--frobnicate"}}) {
    auto r = ktk_load(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
  }
}

TEST_F(Load, UnboundedRunIsRefused) {
  auto r = ktk_load({"--rate", "100"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--count"));
  EXPECT_THAT(r.err, HasSubstr("--duration"));
}

TEST_F(Load, NonLoopbackServerIsRefusedBeforeConnecting) {
  // 10.255.255.1 does not answer: a connection attempt would hang until the 30 s
  // request timeout, past the 10 s this run is given.
  auto r = run_command({KTK_BINARY, "load", "--count", "10", "--kubeconfig", kubeconfig_for("https://10.255.255.1:6443")},
                       {}, {}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--allow-remote"));
  EXPECT_THAT(r.err, HasSubstr("10.255.255.1"));
}

TEST_F(Load, UnreachableServerExitsOne) {
  auto r = ktk_load({"--count", "10", "--kubeconfig", kubeconfig_for("http://127.0.0.1:1")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST_F(Load, RateIsNeverExceeded) {
  const json r = load_json({"--rate", "200", "--duration", "1s", "--workers", "4"});
  expect_consistent(r);
  EXPECT_GT(r["total"]["ops"], 0);
  EXPECT_LE(r["total"]["ops"].get<std::uint64_t>(), 200u * 1 + 4);
}

TEST_F(Load, CountBoundsATimedRun) {
  const json r = load_json({"--count", "25", "--duration", "1m"});
  EXPECT_EQ(r["total"]["ops"], 25);
}

TEST_F(Load, WatcherSeesOneEventPerSuccessfulWrite) {
  test::serve_process srv;
  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = srv.kubeconfig().string()});
  client::rest::rest_client c(cfg.config);
  const core::gvk cm{"", "v1", "ConfigMap"};
  auto w = c.watch(cm, {.label_selector = "app.kubernetes.io/managed-by=ktk-load"});
  ASSERT_TRUE(w) << w.error().what();

  // "localhost" is a loopback name too.
  std::string text;
  {
    std::ifstream in(srv.kubeconfig());
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = text.find("127.0.0.1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "localhost");
  std::ofstream(dir / "kubeconfig") << text;
  const json r = load_json({"--kubeconfig", (dir / "kubeconfig").string(), "--count", "300", "--keys", "30",
                            "--namespaces", "2", "--keep", "--seed", "3"});
  expect_consistent(r);
  const std::uint64_t writes = r["total"]["ok"];
  ASSERT_GT(writes, 0u);

  std::uint64_t events = 0;
  std::stop_source stop;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (events < writes && !(*w)->done() && std::chrono::steady_clock::now() < deadline) {
    for (const auto& ev : (*w)->next(stop.get_token(), deadline)) {
      if (ev.type != client::event_type::bookmark) ++events;
    }
  }
  // Nothing more arrives: --keep left the objects alone.
  for (const auto& ev : (*w)->next(stop.get_token(), std::chrono::steady_clock::now() + std::chrono::milliseconds(300))) {
    if (ev.type != client::event_type::bookmark) ++events;
  }
  EXPECT_EQ(events, writes);
}

TEST_F(Load, CleansUpWhatItCreated) {
  test::serve_process srv;
  auto r = ktk_load({"--kubeconfig", srv.kubeconfig().string(), "--count", "100", "--mix", "create=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("create"));
  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = srv.kubeconfig().string()});
  client::rest::rest_client c(cfg.config);
  auto left = c.list({"", "v1", "ConfigMap"}, {.label_selector = "app.kubernetes.io/managed-by=ktk-load"});
  ASSERT_TRUE(left) << left.error().what();
  EXPECT_TRUE(left->items.empty());
}

// A child `ktk load`, killed at the end of the test whatever happened.
struct load_child {
  test::detail::child c;
  ~load_child() {
    if (c.pid > 0 && test::detail::wait_exit(c.pid, std::chrono::steady_clock::now()) == -1) {
      ::kill(c.pid, SIGKILL);
      ::waitpid(c.pid, nullptr, 0);
    }
    for (int fd : {c.in, c.out, c.err}) {
      if (fd >= 0) ::close(fd);
    }
  }
};

// Reads `fd` into `into` until it holds `what` or the deadline or EOF; whether it does.
bool read_until(int fd, std::string& into, const std::string& what, std::chrono::steady_clock::time_point deadline) {
  while (into.find(what) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return into.find(what) != std::string::npos;
    into.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

TEST_F(Load, InterruptStopsEarlyReportsAndCleansUp) {
  test::serve_process srv;
  load_child child{test::detail::spawn({KTK_BINARY, "load", "--kubeconfig", srv.kubeconfig().string(), "--duration",
                                        "5m", "--rate", "100", "--mix", "create=1", "--json"},
                                       {})};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string err, out;
  ASSERT_TRUE(read_until(child.c.err, err, "ops/s", deadline)) << err;  // the first progress line
  ::kill(child.c.pid, SIGINT);
  read_until(child.c.out, out, "\n}", deadline);
  EXPECT_EQ(test::detail::wait_exit(child.c.pid, deadline), 0);
  child.c.pid = -1;
  const json r = json::parse(out);
  EXPECT_GT(r["total"]["ops"], 0);
  EXPECT_LT(r["total"]["ops"].get<std::uint64_t>(), 100u * 300);
  auto cfg = client::rest::load_kubeconfig({.kubeconfig_path = srv.kubeconfig().string()});
  client::rest::rest_client c(cfg.config);
  auto left = c.list({"", "v1", "ConfigMap"}, {.label_selector = "app.kubernetes.io/managed-by=ktk-load"});
  ASSERT_TRUE(left) << left.error().what();
  EXPECT_TRUE(left->items.empty());
}

}  // namespace
}  // namespace ktk::envtest
