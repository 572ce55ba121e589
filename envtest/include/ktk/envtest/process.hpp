// ktk/envtest/process.hpp — a child process the test environment owns: etcd,
// kube-apiserver, or a detached `ktk envtest` supervisor.
//
// The child runs in its own process group with its output in files (shown when a start
// fails), and dies with the thread that started it (PR_SET_PDEATHSIG) unless told
// otherwise, so a test process that crashes leaves no orphan behind. `stop()` sends
// SIGTERM to the whole group, waits, then SIGKILLs; it is idempotent and the
// destructor calls it. Whenever the child is found to have exited, what is left of its
// group is SIGKILLed before it is reaped. Boost.Process (v2) stays behind this header.
//
//   ktk::envtest::process p({.binary = "/usr/bin/etcd", .args = {"--data-dir", dir},
//                            .name = "etcd", .output_dir = dir});
//   if (!p.running()) std::cerr << p.output_tail();
//   p.stop();
//
// Thread-safety: one owner; the methods are not safe to call concurrently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ktk::envtest {

struct process_options {
  std::filesystem::path binary{};
  std::vector<std::string> args{};
  // Added to (or replacing in) the parent's environment.
  std::vector<std::pair<std::string, std::string>> env{};
  // Names the output files and error messages ("etcd", "kube-apiserver").
  std::string name = "process";
  // stdout goes to <output_dir>/<name>.stdout, stderr to <name>.stderr; "" = a new
  // temporary directory, removed when the process object goes away.
  std::filesystem::path output_dir{};
  // The child's output goes to this process's stdout/stderr instead of files
  // (KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT); output_tail() is then empty.
  bool attach_output = false;
  // SIGKILL the child when the thread that started it exits (PR_SET_PDEATHSIG).
  // Off for a supervisor that must outlive the command that launched it; such a child
  // also starts a new session (setsid) so a terminal's signals do not reach it.
  bool die_with_parent = true;
  // How long stop() waits after SIGTERM before it SIGKILLs the group.
  std::chrono::milliseconds stop_timeout{20000};
};

// How a child ended.
struct exit_status {
  int code = 0;     // exit code when it exited
  int signal = 0;   // the signal that killed it, 0 when it exited
  std::string describe() const;  // "exited with code 1", "killed by signal 9 (Killed)"
};

class process {
 public:
  // Starts the child. Throws std::runtime_error naming the binary when it cannot be
  // started (missing, not executable).
  explicit process(process_options opts);
  ~process();  // stop()
  process(process&&) noexcept;
  process& operator=(process&&) noexcept;
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  pid_t pid() const;
  const std::string& name() const;
  // False once the child has exited (it is reaped then).
  bool running();
  // How it ended; nullopt while it runs.
  std::optional<exit_status> status();
  // Waits up to `timeout` for the child to exit; true when it has.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  // SIGTERM to the group, up to stop_timeout for it to exit, then SIGKILL to the group
  // and a wait for the reap. Returns how the child ended. Idempotent.
  exit_status stop();
  // Lets the child go: it keeps running after this object is gone, is never stopped
  // or reaped here, and its output files stay (`ktk envtest start` leaves its
  // supervisor so). The object is then empty, as if moved from.
  void release();

  std::filesystem::path stdout_path() const;
  std::filesystem::path stderr_path() const;
  // The end of stderr, then "--- stdout ---" and the end of stdout (each part left out
  // when empty), at most about `max_bytes` in all: for error messages. "" when attached.
  std::string output_tail(std::size_t max_bytes = 4096) const;

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

// A port on `host` that was free a moment ago (bound to port 0, then released). A child
// may still lose it to another process before it binds: callers detect that with
// is_bind_failure() and retry with another.
std::uint16_t pick_free_port(const std::string& host = "127.0.0.1");
// Whether a child's output says it could not bind its address ("address already in use").
bool is_bind_failure(const std::string& output);

// Durations from the environment, as envtest reads them: "20s", "1m30s", "500ms" or a
// bare number of seconds. `fallback` when unset; std::invalid_argument when malformed.
std::chrono::milliseconds duration_from_env(const char* var, std::chrono::milliseconds fallback);
// "true"/"1"/"yes" (any case) → true; unset → fallback.
bool flag_from_env(const char* var, bool fallback);

}  // namespace ktk::envtest
