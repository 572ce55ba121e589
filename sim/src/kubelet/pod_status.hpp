// pod_status.hpp — a simulated Pod's status: where it stands and each transition.
//
// The kubelet reads a Pod's stage from its first container status (none or waiting:
// not running; running, ready or not; terminated), and writes each transition as
// the kubelet would report it: container statuses, phase, IPs, and the PodScheduled /
// Initialized / ContainersReady / Ready conditions. Transitions edit a status-only
// working object (`status_work`), so several can go in one write.
//
//   auto w = status_work::of(pod);
//   w.start(pod, {.host_ip = "10.244.0.1", .pod_ip = "10.244.0.2"}, now);
//   w.make_ready(pod, now);
//   client.status().patch(pod_kind, key, merge_patch, {{"status", w.status()}});
//
// Plain values and functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ktk/core/clock.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim::detail {

enum class pod_stage { waiting, running, ready, terminated };

struct pod_view {
  pod_stage stage = pod_stage::waiting;
  std::int64_t restarts = 0;
  std::optional<core::clock::time_point> started_at;   // state.running.startedAt
  std::optional<core::clock::time_point> finished_at;  // lastState.terminated.finishedAt
};

pod_view read_pod(const core::object& pod);

struct placement {
  std::string host_ip;
  std::string pod_ip;
};

class status_work {
 public:
  static status_work of(const core::object& pod);

  // Containers running (a new start: restartCount kept, lastState kept), phase
  // Running, IPs, startTime (once), Initialized True, Ready / ContainersReady False.
  void start(const core::object& pod, const placement& where, core::clock::time_point now);
  // Containers ready; Ready and ContainersReady True.
  void make_ready(const core::object& pod, core::clock::time_point now);
  // The containers exit with exit_code. restart: they wait to start again
  // (restartCount + 1, lastState.terminated, state.waiting CrashLoopBackOff), phase
  // unchanged; else they stay terminated and the phase is Succeeded (0) or Failed.
  void exit(const core::object& pod, int exit_code, bool restart, core::clock::time_point now);
  // Containers stopped for a deletion: terminated with exit code 0 (they honoured
  // SIGTERM), not ready. The phase is left as it is.
  void terminate(const core::object& pod, core::clock::time_point now);

  const core::json& status() const;

 private:
  explicit status_work(core::object o) : o_(std::move(o)) {}
  void set_not_ready(const core::object& pod, const char* reason, core::clock::time_point now);

  core::object o_;  // {"status": ...}
};

// restartPolicy (default Always) says the container restarts after exiting with code.
bool restarts_after(const core::object& pod, int exit_code);

}  // namespace ktk::sim::detail
