// kubectl_fixture.hpp — the shared fixture of the kubectl suites: one `ktk serve`
// child per suite (SetUpTestSuite), a kubectl found by find_kubectl() (tests skip
// when there is none), and helpers that run kubectl against that server and match
// its output.
//
//   class kubectl_pods : public ktk::test::kubectl_suite {};
//   TEST_F(kubectl_pods, lists) { auto r = kubectl({"get", "pods"}); EXPECT_EQ(r.exit_code, 0); }
//
// Tests of one suite share the server, so each uses its own names or namespace.
// Two kubectl versions are exercised (whatever is on PATH, and Debian's 1.20):
// `kubectl_minor()` tells them apart where they print differently.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "serve_process.hpp"

namespace ktk::test {

// True when `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A command running in the background whose stdout and stderr are collected as they
// come, so a test can wait for a line (e.g. the first lines of `kubectl get -w`)
// before acting. The destructor ends it (SIGTERM, then SIGKILL) if still running.
class background_command {
 public:
  explicit background_command(const std::vector<std::string>& argv) : child_(detail::spawn(argv, {})) {
    close(child_.in);
    child_.in = -1;
    reader_ = std::thread([this] { read_loop(); });
  }
  ~background_command() { stop(); }
  background_command(const background_command&) = delete;
  background_command& operator=(const background_command&) = delete;

  // Waits until stdout contains `part` (true) or `timeout` passes / output ends (false).
  bool wait_for_output(const std::string& part, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return out_.find(part) != std::string::npos || done_; }) &&
           out_.find(part) != std::string::npos;
  }
  // Waits until stderr contains `part` (e.g. a request logged with -v=6).
  bool wait_for_error_output(const std::string& part, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return err_.find(part) != std::string::npos || done_; });
    return err_.find(part) != std::string::npos;
  }
  // Waits until `pred(stdout)` holds; false on timeout or end of output without it.
  template <class Pred>
  bool wait_until(Pred pred, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return pred(out_) || done_; });
    return pred(out_);
  }
  // Waits (up to `timeout`) for the command to exit by itself; its exit code, -1 if not.
  int wait_exit(std::chrono::seconds timeout) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, timeout, [&] { return done_; });
    }
    if (exit_code_ == -2) exit_code_ = detail::wait_exit(child_.pid, std::chrono::steady_clock::now() + timeout);
    return exit_code_;
  }
  // Ends the command (SIGTERM, then SIGKILL) and joins the reader.
  void stop() {
    if (child_.pid > 0 && exit_code_ == -2) {
      kill(child_.pid, SIGTERM);
      exit_code_ = detail::wait_exit(child_.pid, std::chrono::steady_clock::now() + std::chrono::seconds(5));
      if (exit_code_ == -1) {
        kill(child_.pid, SIGKILL);
        waitpid(child_.pid, nullptr, 0);
      }
    }
    if (reader_.joinable()) reader_.join();
  }
  std::string out() const {
    std::lock_guard lock(mu_);
    return out_;
  }
  std::string err() const {
    std::lock_guard lock(mu_);
    return err_;
  }

 private:
  void read_loop() {
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
      pollfd fds[2] = {{out_open ? child_.out : -1, POLLIN, 0}, {err_open ? child_.err : -1, POLLIN, 0}};
      if (poll(fds, 2, -1) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (!fds[i].revents) continue;
        char buf[8192];
        auto n = read(fds[i].fd, buf, sizeof buf);
        std::lock_guard lock(mu_);
        if (n <= 0) {
          (i == 0 ? out_open : err_open) = false;
          continue;
        }
        (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n));
      }
      cv_.notify_all();
    }
    close(child_.out);
    close(child_.err);
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  detail::child child_;
  int exit_code_ = -2;  // -2: not yet reaped
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;  // guarded by mu_
  bool done_ = false;      // guarded by mu_: both pipes closed
  std::thread reader_;
};

class kubectl_suite : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    kubectl_path_ = find_kubectl();
    if (!kubectl_path_) return;
    server_ = std::make_unique<serve_process>();
    // With the kubeconfig: a version-dispatching kubectl (Google Cloud SDK's) picks its
    // real version from the server's.
    auto v = run_command(
        {*kubectl_path_, "--kubeconfig", server_->kubeconfig().string(), "version", "--client", "-o", "json"});
    try {
      auto j = nlohmann::json::parse(v.out);
      std::string minor = j.at("clientVersion").at("minor").get<std::string>();
      minor_ = std::stoi(minor);  // "31" or "31+"
    } catch (const std::exception&) {
      minor_ = 0;
    }
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
    server_.reset();
  }

 protected:
  void SetUp() override {
    if (!kubectl_path_) {
      GTEST_SKIP() << "no kubectl found (set KTK_KUBECTL or put kubectl on PATH)";
    }
    ASSERT_TRUE(server_) << "ktk serve did not start";
  }

  // Runs kubectl with --kubeconfig pointing at the suite's server.
  static command_result kubectl(std::vector<std::string> args, const std::string& input = {},
                                std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::vector<std::string> argv{*kubectl_path_, "--kubeconfig", server_->kubeconfig().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, input, timeout);
  }
  // kubectl with the manifest `yaml` on stdin as `-f -` appended to `args`.
  static command_result kubectl_stdin(std::vector<std::string> args, const std::string& yaml) {
    args.push_back("-f");
    args.push_back("-");
    return kubectl(std::move(args), yaml);
  }
  // kubectl started in the background (e.g. `get -w`), against the suite's server.
  static std::unique_ptr<background_command> kubectl_background(std::vector<std::string> args) {
    std::vector<std::string> argv{*kubectl_path_, "--kubeconfig", server_->kubeconfig().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<background_command>(argv);
  }
  // `kubectl get ... -o json` parsed; fails the test (and returns null) on error.
  static nlohmann::json get_json(std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    args.push_back("-o");
    args.push_back("json");
    auto r = kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return nullptr;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  // Creates namespace `ns` (fails the test if it cannot).
  static void make_namespace(const std::string& ns) {
    auto r = kubectl({"create", "namespace", ns});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Sets `.status` of a namespaced object through its status subresource:
  // `kubectl patch --subresource=status` where kubectl has it (1.24+), otherwise a read,
  // then `kubectl replace --raw .../status` (validation off: it is plumbing here).
  static void set_status(const std::string& resource, const std::string& api_path, const std::string& ns,
                         const std::string& name, const nlohmann::json& status) {
    if (minor_ >= 24) {
      auto r = kubectl({"patch", resource, name, "-n", ns, "--subresource=status", "--type=merge", "-p",
                        nlohmann::json{{"status", status}}.dump()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      return;
    }
    auto obj = get_json({resource, name, "-n", ns});
    ASSERT_TRUE(obj.is_object());
    obj["status"] = status;
    auto r =
        kubectl({"replace", "--validate=false", "--raw",
                 api_path + "/namespaces/" + ns + "/" + resource_plural(resource) + "/" + name + "/status", "-f", "-"},
                obj.dump());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Polls (bounded) `kubectl get args` until it reports NotFound; true when it did.
  static bool wait_not_found(const std::vector<std::string>& args, int attempts = 200) {
    std::vector<std::string> a{"get"};
    a.insert(a.end(), args.begin(), args.end());
    a.push_back("-o");
    a.push_back("name");
    for (int i = 0; i < attempts; ++i) {
      auto r = kubectl(a);
      if (r.exit_code != 0 && contains(r.err, "(NotFound)")) return true;
    }
    return false;
  }

  static const std::string& kubectl_path() { return *kubectl_path_; }
  static const serve_process& server() { return *server_; }
  // The client's minor version (20 for Debian bookworm's kubectl), 0 if unknown.
  static int kubectl_minor() { return minor_; }

  // "widgets.test.ktk.io" -> "widgets"
  static std::string resource_plural(const std::string& resource) { return resource.substr(0, resource.find('.')); }
  // Minimal kube-style error line for a missing object, as kubectl prints it.
  static std::string not_found_line(const std::string& resource, const std::string& name) {
    return "Error from server (NotFound): " + resource + " \"" + name + "\" not found";
  }

 private:
  static inline std::optional<std::string> kubectl_path_;
  static inline std::unique_ptr<serve_process> server_;
  static inline int minor_ = 0;
};

// The lines of `text`, without their trailing newline.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The whitespace-separated cells of one table line.
inline std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string cell; in >> cell;) out.push_back(cell);
  return out;
}

// Contents of a data file under tests/clients/data.
inline std::string data_file(const std::string& relative) {
  std::ifstream in(std::string(KTK_CLIENTS_DATA_DIR) + "/" + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ktk::test
