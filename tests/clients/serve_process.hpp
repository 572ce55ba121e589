// serve_process.hpp — runs `ktk serve` as a child process for the client suites:
// port 0, a kubeconfig in a temporary folder, the "ktk: serving on URL" line awaited,
// SIGTERM and exit status checked at the end. Also runs a command and captures its
// output, for kubectl and python.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ktk::test {

struct command_result {
  int exit_code = -1;  // -1 when it did not exit (killed at the timeout)
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv (argv[0] looked up on PATH) with `env_extra` added to the environment and
// `input` on stdin; kills it after `timeout`.
inline command_result run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra = {},
                                  const std::string& input = {},
                                  std::chrono::seconds timeout = std::chrono::seconds(60));

// A kubectl to test with: $KTK_KUBECTL, else `kubectl` on PATH; nullopt when none.
inline std::optional<std::string> find_kubectl();
// /usr/bin/python3 when it can import the official client; nullopt otherwise.
inline std::optional<std::string> find_python_with_kubernetes();

class serve_process {
 public:
  // Starts `ktk serve --port 0 --kubeconfig-out DIR/kubeconfig` plus `extra_args` and
  // waits (up to 20 s) for its ready line. Throws std::runtime_error with its stderr
  // when it exits or times out first.
  explicit serve_process(std::vector<std::string> extra_args = {});
  ~serve_process();  // SIGTERM, then SIGKILL after 5 s
  serve_process(const serve_process&) = delete;
  serve_process& operator=(const serve_process&) = delete;

  const std::string& url() const { return url_; }
  const std::filesystem::path& kubeconfig() const { return kubeconfig_; }
  const std::filesystem::path& dir() const { return dir_; }

  // SIGTERM and wait; returns the exit code (or 128+signal), -1 on timeout.
  int stop(std::chrono::seconds timeout = std::chrono::seconds(10));
  // What it wrote on stderr so far (all of it up to the ready line, at least).
  const std::string& stderr_so_far();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string err_;
  std::filesystem::path dir_;
  std::filesystem::path kubeconfig_;
  std::string url_;
};

namespace detail {

struct child {
  int pid = -1;
  int in = -1, out = -1, err = -1;
};

// posix_spawnp with stdin/stdout/stderr on pipes; the child gets the parent's
// environment plus `env_extra`.
inline child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
  for (const auto& e : env_extra) env_store.push_back(e);
  std::vector<char*> envp, args;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_store = argv;
  for (auto& a : argv_store) args.push_back(a.data());
  args.push_back(nullptr);
  child c;
  int rc = posix_spawnp(&c.pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  c.in = in[1];
  c.out = out[0];
  c.err = err[0];
  return c;
}

inline int wait_exit(int pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    int r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace detail

inline command_result run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra,
                                  const std::string& input, std::chrono::seconds timeout) {
  signal(SIGPIPE, SIG_IGN);
  auto c = detail::spawn(argv, env_extra);
  command_result r;
  std::size_t written = 0;
  if (input.empty()) {
    close(c.in);
    c.in = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({c.out, POLLIN, 0});
    if (err_open) fds.push_back({c.err, POLLIN, 0});
    if (c.in >= 0) fds.push_back({c.in, POLLOUT, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) <= 0) continue;
    for (auto& f : fds) {
      if (!f.revents) continue;
      if (f.fd == c.in) {
        auto n = write(c.in, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n <= 0 || written == input.size()) {
          close(c.in);
          c.in = -1;
        }
        continue;
      }
      char buf[65536];
      auto n = read(f.fd, buf, sizeof buf);
      if (n <= 0) {
        (f.fd == c.out ? out_open : err_open) = false;
        continue;
      }
      (f.fd == c.out ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
  }
  if (c.in >= 0) close(c.in);
  close(c.out);
  close(c.err);
  r.exit_code = detail::wait_exit(c.pid, deadline);
  if (r.exit_code == -1) {
    kill(c.pid, SIGKILL);
    waitpid(c.pid, nullptr, 0);
  }
  return r;
}

inline std::optional<std::string> find_kubectl() {
  if (const char* k = std::getenv("KTK_KUBECTL"); k && *k) return std::string(k);
  auto r = run_command({"sh", "-c", "command -v kubectl"});
  if (r.exit_code != 0 || r.out.empty()) return std::nullopt;
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

inline std::optional<std::string> find_python_with_kubernetes() {
  const std::string py = "/usr/bin/python3";
  if (!std::filesystem::exists(py)) return std::nullopt;
  auto r = run_command({py, "-c", "import kubernetes"});
  if (r.exit_code != 0) return std::nullopt;
  return py;
}

inline serve_process::serve_process(std::vector<std::string> extra_args) {
  signal(SIGPIPE, SIG_IGN);
  std::mt19937_64 rng(std::random_device{}());
  dir_ = std::filesystem::temp_directory_path() / ("ktk-client-test-" + std::to_string(rng()));
  std::filesystem::create_directories(dir_);
  kubeconfig_ = dir_ / "kubeconfig";
  std::vector<std::string> argv{KTK_BINARY, "serve", "--port", "0", "--kubeconfig-out", kubeconfig_.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto c = detail::spawn(argv, {});
  close(c.in);
  pid_ = c.pid;
  out_fd_ = c.out;
  err_fd_ = c.err;
  std::string out;
  std::string& err = err_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const std::string prefix = "ktk: serving on ";
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(fds, 2, 50) <= 0) continue;
    char buf[4096];
    if (fds[0].revents) {
      auto n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      auto nl = out.find('\n');
      if (nl != std::string::npos && out.starts_with(prefix)) {
        url_ = out.substr(prefix.size(), nl - prefix.size());
        return;
      }
    }
    if (fds[1].revents) {
      auto n = read(err_fd_, buf, sizeof buf);
      if (n > 0) err.append(buf, static_cast<std::size_t>(n));
    }
  }
  stop(std::chrono::seconds(2));
  throw std::runtime_error("ktk serve did not become ready; stdout: " + out + " stderr: " + err);
}

inline const std::string& serve_process::stderr_so_far() {
  pollfd p{err_fd_, POLLIN, 0};
  char buf[4096];
  while (err_fd_ >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0) {
    auto n = read(err_fd_, buf, sizeof buf);
    if (n <= 0) break;
    err_.append(buf, static_cast<std::size_t>(n));
  }
  return err_;
}

inline int serve_process::stop(std::chrono::seconds timeout) {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  int rc = detail::wait_exit(pid_, std::chrono::steady_clock::now() + timeout);
  if (rc == -1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
  return rc;
}

inline serve_process::~serve_process() {
  stop(std::chrono::seconds(5));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace ktk::test
