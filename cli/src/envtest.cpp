// envtest.cpp — `ktk envtest start|stop|run`: one control plane shared by any test
// runner (ctest fixtures, scripts).
//
// `start` launches `ktk envtest run` as a detached supervisor (its own session, output
// in the state dir), waits until it says ready (the state dir's `ready` file) or dies
// (its stderr is shown), and leaves it running. `stop` sends the supervisor SIGTERM,
// waits, SIGKILLs after the stop timeout (its children die with it), and removes what
// start created: the kubeconfig, the state files, and the state dir when start made it.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "commands.hpp"
#include "ktk/envtest/environment.hpp"
#include "ktk/envtest/process.hpp"

namespace ktk::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* envtest_usage =
    "usage: ktk envtest start --mode embedded|etcd|binaries|existing --kubeconfig-out FILE --state-dir DIR\n"
    "                         [--crds PATH]... [--etcd URL] [--kubeconfig FILE] [--context NAME]\n"
    "                         [--webhooks PATH]... [--webhook-port N] [--webhook-cert-dir DIR]\n"
    "       ktk envtest stop --state-dir DIR\n"
    "       ktk envtest run  (the same flags as start: runs in the foreground until SIGTERM/SIGINT)\n";

const std::set<std::string> start_flags = {"mode",    "kubeconfig-out", "state-dir",    "crds",
                                           "etcd",    "kubeconfig",     "context",      "webhooks",
                                           "webhook-port", "webhook-cert-dir"};

struct start_args {
  envtest::environment_options env;
  fs::path kubeconfig_out;
  fs::path state_dir;
};

start_args parse_start(const args& a) {
  start_args s;
  const std::string m = a.value("mode").value_or("embedded");
  auto parsed = envtest::parse_mode(m);
  if (!parsed) throw usage_error("--mode: \"" + m + "\" is not one of embedded, etcd, binaries, existing");
  s.env.mode = *parsed;
  auto out = a.value("kubeconfig-out");
  auto dir = a.value("state-dir");
  if (!out) throw usage_error("--kubeconfig-out is required");
  if (!dir) throw usage_error("--state-dir is required");
  s.kubeconfig_out = fs::absolute(*out);
  s.state_dir = fs::absolute(*dir);
  for (const auto& c : a.values("crds")) s.env.crd_paths.push_back(fs::absolute(c));
  if (auto e = a.value("etcd")) s.env.etcd_url = *e;
  if (auto k = a.value("kubeconfig")) s.env.kubeconfig = fs::absolute(*k);
  if (auto c = a.value("context")) s.env.context = *c;
  for (const auto& w : a.values("webhooks")) s.env.webhook.paths.push_back(fs::absolute(w));
  if (auto p = a.value("webhook-port")) {
    int port = 0;
    auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), port);
    if (ec != std::errc() || end != p->data() + p->size() || port < 0 || port > 65535) {
      throw usage_error("--webhook-port: \"" + *p + "\" is not a port number");
    }
    s.env.webhook.local_serving_port = static_cast<std::uint16_t>(port);
  }
  if (auto d = a.value("webhook-cert-dir")) s.env.webhook.local_serving_cert_dir = fs::absolute(*d);
  s.env.work_dir = s.state_dir / "work";
  return s;
}

bool alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return errno == EPERM;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

json read_state(const fs::path& dir) {
  std::ifstream in(dir / "state.json");
  if (!in) return nullptr;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return nullptr;
  }
}

void write_file(const fs::path& p, const std::string& text) {
  fs::path tmp = p;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, p);
}

// The foreground control plane: what the supervisor runs.
int run(const std::vector<std::string>& argv) {
  args a(argv, [] { auto f = start_flags; f.insert("created-state-dir"); return f; }(), {"help"});
  start_args s = parse_start(a);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  fs::create_directories(s.state_dir);
  envtest::environment env(s.env);
  try {
    const auto& report = env.start();
    for (const auto& w : report.warnings) std::cerr << "ktk envtest: warning: " << w << "\n";
  } catch (const std::exception& e) {
    std::cerr << "ktk envtest: start (" << envtest::to_string(env.mode()) << "): " << e.what() << "\n";
    return 1;
  }
  fs::copy_file(env.kubeconfig_path(), s.kubeconfig_out, fs::copy_options::overwrite_existing);
  json state = {{"pid", ::getpid()},
                {"mode", envtest::to_string(env.mode())},
                {"server", env.config().server},
                {"etcd", env.etcd_url()},
                {"kubeconfig", s.kubeconfig_out.string()},
                {"createdStateDir", a.value("created-state-dir").value_or("false") == "true"}};
  if (!env.webhook().installed.empty()) {
    // Where the suite's webhook server must listen, with the certificate the installed
    // configurations trust.
    state["webhook"] = {{"host", env.webhook().host},
                        {"port", env.webhook().port},
                        {"certDir", env.webhook().cert_dir.string()},
                        {"installed", env.webhook().installed}};
  }
  write_file(s.state_dir / "state.json", state.dump(2) + "\n");
  write_file(s.state_dir / "ready", "");
  std::cout << "ktk: envtest " << envtest::to_string(env.mode()) << " serving on " << env.config().server << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  env.stop();
  return 0;
}

int start(const std::vector<std::string>& argv) {
  args a(argv, start_flags, {"help"});
  start_args s = parse_start(a);
  if (json st = read_state(s.state_dir); st.is_object() && alive(st.value("pid", 0))) {
    std::cerr << "ktk envtest start: " << s.state_dir.string() << " already has a control plane running (pid "
              << st.value("pid", 0) << "); stop it first\n";
    return 1;
  }
  std::error_code ec;
  const bool created = !fs::exists(s.state_dir, ec);
  fs::create_directories(s.state_dir, ec);
  if (ec) throw std::runtime_error(s.state_dir.string() + ": " + ec.message());
  fs::remove(s.state_dir / "ready", ec);
  fs::remove(s.state_dir / "state.json", ec);

  std::vector<std::string> child_args = {"envtest", "run", "--created-state-dir", created ? "true" : "false"};
  child_args.insert(child_args.end(), argv.begin(), argv.end());
  const auto timeout = envtest::duration_from_env("KUBEBUILDER_CONTROLPLANE_START_TIMEOUT", std::chrono::seconds(60)) +
                       std::chrono::seconds(5);
  envtest::process supervisor({.binary = fs::read_symlink("/proc/self/exe"),
                               .args = child_args,
                               .name = "envtest",
                               .output_dir = s.state_dir,
                               .die_with_parent = false});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!fs::exists(s.state_dir / "ready", ec)) {
    if (auto st = supervisor.status()) {
      std::cerr << "ktk envtest start: the control plane did not start (" << st->describe() << "):\n"
                << supervisor.output_tail();
      if (created) fs::remove_all(s.state_dir, ec);
      return 1;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "ktk envtest start: not ready within " << timeout.count() << " ms:\n" << supervisor.output_tail();
      supervisor.stop();
      if (created) fs::remove_all(s.state_dir, ec);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  supervisor.release();
  json st = read_state(s.state_dir);
  std::cout << "ktk: envtest " << st.value("mode", "") << " ready on " << st.value("server", "") << "; kubeconfig "
            << s.kubeconfig_out.string() << std::endl;
  return 0;
}

int stop(const std::vector<std::string>& argv) {
  args a(argv, {"state-dir"}, {"help"});
  auto dir = a.value("state-dir");
  if (!dir) throw usage_error("--state-dir is required");
  const fs::path state_dir = fs::absolute(*dir);
  json st = read_state(state_dir);
  if (!st.is_object()) {
    std::cout << "ktk envtest stop: nothing running in " << state_dir.string() << "\n";
    return 0;
  }
  const pid_t pid = st.value("pid", 0);
  const auto timeout = envtest::duration_from_env("KUBEBUILDER_CONTROLPLANE_STOP_TIMEOUT", std::chrono::seconds(20));
  if (alive(pid)) {
    ::kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (alive(pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (alive(pid)) {
      std::cerr << "ktk envtest stop: pid " << pid << " still running after " << timeout.count()
                << " ms; killing it\n";
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
  }
  std::error_code ec;
  fs::remove(st.value("kubeconfig", ""), ec);
  if (st.value("createdStateDir", false)) {
    fs::remove_all(state_dir, ec);
  } else {
    for (const char* f : {"state.json", "ready", "envtest.stdout", "envtest.stderr"}) fs::remove(state_dir / f, ec);
    fs::remove_all(state_dir / "work", ec);
  }
  return 0;
}

}  // namespace

int envtest_command(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "help") {
    std::cout << envtest_usage;
    return argv.empty() ? 2 : 0;
  }
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv[0] == "start") return start(rest);
  if (argv[0] == "stop") return stop(rest);
  if (argv[0] == "run") return run(rest);
  throw usage_error("unknown subcommand \"" + argv[0] + "\"\n" + envtest_usage);
}

}  // namespace ktk::cli
