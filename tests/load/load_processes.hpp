// load_processes.hpp — the children of the load-and-fault test: `ktk serve` (its pid
// for RSS; stopped with SIGTERM or SIGKILL and started again on the same port) and etcd
// (SIGKILLed and started again on the same data dir and client port).
//
// Both are ktk::envtest::process children: output in files, killed with the thread that
// started them, so every start and restart happens on the test's main thread.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ktk/envtest/etcd_server.hpp"
#include "ktk/envtest/process.hpp"

namespace ktk::load_test {

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// VmRSS of pid in KiB; 0 when the process is gone.
inline std::uint64_t rss_kib(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// `ktk serve` as a child. The first start takes a free port (--port 0); later starts
// ask for the same port, so that clients keep their URL across a restart.
class serve_child {
 public:
  explicit serve_child(std::vector<std::string> extra_args) : extra_(std::move(extra_args)) {}

  // Starts it and waits (up to 20 s) for `ktk: serving on URL`. Throws
  // std::runtime_error with its output when it exits or is not ready in time.
  void start() {
    std::vector<std::string> args{"serve", "--address", "127.0.0.1", "--port", std::to_string(port_)};
    args.insert(args.end(), extra_.begin(), extra_.end());
    proc_.emplace(envtest::process_options{
        .binary = KTK_BINARY, .args = std::move(args), .name = "ktk-serve", .stop_timeout = 10s});
    pid_.store(proc_->pid());
    const std::string prefix = "ktk: serving on ";
    const auto deadline = steady::now() + 20s;
    while (steady::now() < deadline) {
      std::ifstream in(proc_->stdout_path());
      std::string line;
      if (std::getline(in, line) && line.starts_with(prefix) && !in.eof()) {
        url_ = line.substr(prefix.size());
        port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
        return;
      }
      if (!proc_->running()) break;
      proc_->wait_for_exit(10ms);
    }
    const std::string why = proc_->running() ? "not ready within 20 s" : proc_->status()->describe();
    const std::string tail = proc_->output_tail();
    proc_.reset();
    pid_.store(0);
    throw std::runtime_error("ktk serve (port " + std::to_string(port_) + "): " + why + "; output:\n" + tail);
  }

  // SIGTERM, and up to 10 s for it to exit (then SIGKILL). How it ended.
  envtest::exit_status terminate() {
    pid_.store(0);
    auto st = proc_->stop();
    last_output_ = proc_->output_tail();
    proc_.reset();
    return st;
  }

  // SIGKILL, as a crash.
  void kill_hard() {
    pid_.store(0);
    ::kill(proc_->pid(), SIGKILL);
    proc_->wait_for_exit(10s);
    proc_->stop();
    proc_.reset();
  }

  pid_t pid() const { return pid_.load(); }  // thread-safe; 0 while down
  const std::string& url() const { return url_; }
  const std::string& last_output() const { return last_output_; }
  std::string output_tail() const { return proc_ ? proc_->output_tail() : last_output_; }

 private:
  std::vector<std::string> extra_;
  std::optional<envtest::process> proc_;
  std::atomic<pid_t> pid_{0};
  std::uint16_t port_ = 0;
  std::string url_;
  std::string last_output_;
};

// etcd in a data dir of the test's; restart() SIGKILLs it and starts it again on the
// same data dir and client port.
class etcd_child {
 public:
  explicit etcd_child(fs::path data_dir) : data_dir_(std::move(data_dir)) {}

  void start() {
    server_ = std::make_unique<envtest::etcd_server>(envtest::etcd_options{
        .data_dir = data_dir_, .start_timeout = 30s, .start_attempts = port_ ? 1 : 5, .client_port = port_});
    server_->start();
    url_ = server_->client_url();
    port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
  }

  void restart() {
    ::kill(server_->child()->pid(), SIGKILL);
    server_->child()->wait_for_exit(10s);
    server_->stop();
    start();
  }

  void stop() {
    if (server_) server_->stop();
  }

  const std::string& url() const { return url_; }

 private:
  fs::path data_dir_;
  std::unique_ptr<envtest::etcd_server> server_;
  std::uint16_t port_ = 0;
  std::string url_;
};

}  // namespace ktk::load_test
