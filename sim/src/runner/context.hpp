// context.hpp — one run of a scenario: the server it talks to, the control plane,
// the clock, the faults in force, and the report being filled.
//
// Time. Embedded runs own a fake clock. settle() waits (in real time) until the
// control plane cannot do anything more without the clock moving: every queue
// empty or waiting for a later time, every informer caught up with the last write
// to its resource, every handler idle, and no write in between. advance_to() then
// moves the clock in jumps to whatever is due next (a queue's delayed item, a
// sleeping component, a fault's end), at least `resolution` at a time, settling
// after each jump. A component stuck on the clock in a way the queues do not show
// (a reflector's backoff, an injected latency) is noticed as "no write for a while"
// and counts as settled. Remote runs use the real clock; settle() is a no-op and
// advance_to() sleeps.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/fakeclient/fake_client.hpp"
#include "ktk/sim/control_plane.hpp"
#include "ktk/sim/runner.hpp"
#include "runner/recorder.hpp"

namespace ktk::sim::detail {

class run_context {
 public:
  using time_point = core::clock::time_point;

  run_context(const scenario& sc, const run_options& opts);
  ~run_context();

  // Brings up the server (or connects), the CRDs, the control plane and the recorder.
  void start();
  void stop();

  client::client& client() { return *user_; }
  core::clock& clock() { return *clock_; }
  bool virtual_time() const { return vclock_ != nullptr; }
  duration elapsed() const { return std::chrono::duration_cast<duration>(clock_->now() - start_); }

  void settle();
  // Moves (virtual) time to t, settling on the way; real time sleeps.
  void advance_to(time_point t);
  // One move towards `limit`: to the next thing due (at least a resolution ahead),
  // not past limit; settles. Returns false when already at limit.
  bool step_towards(time_point limit);

  // Faults (see scenario.hpp). Throws std::runtime_error when one cannot be done here.
  void inject(const fault& f);

  recorder& timeline() { return *recorder_; }
  run_report& report() { return report_; }
  const scenario& sc() const { return sc_; }
  void log(const std::string& line);
  // A controller's error line: counted, and shown when verbose.
  void controller_log(const std::string& line);
  std::uint64_t controller_errors() const { return controller_errors_.load(); }

 private:
  struct timed_action {
    time_point at;
    std::function<void()> fn;
  };
  std::optional<time_point> next_due();
  void run_due();
  bool caught_up(const std::vector<std::pair<core::gvk, std::string>>& versions);
  void start_embedded();
  void start_remote();

  const scenario& sc_;
  const run_options& opts_;
  run_report report_;
  std::unique_ptr<core::fake_clock> vclock_;
  core::clock* clock_ = nullptr;
  time_point start_{};
  std::unique_ptr<fakeclient::fake_client> fake_;   // the control plane's client (faults go here)
  std::unique_ptr<client::client> user_;            // the runner's own
  std::unique_ptr<client::client> remote_cp_;       // remote: the control plane's client
  std::unique_ptr<control_plane> cp_;
  std::unique_ptr<recorder> recorder_;
  std::vector<timed_action> pending_;               // fault ends, in no order
  std::atomic<int> delayed_calls_{0};               // calls held by a latency fault
  std::atomic<std::uint64_t> controller_errors_{0};
  std::mutex log_mu_;                               // serialises progress lines
  std::map<core::gvk, core::gvr> gvr_cache_;
};

}  // namespace ktk::sim::detail
