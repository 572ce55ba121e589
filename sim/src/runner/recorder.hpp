// recorder.hpp — watches the objects a scenario is about and writes their
// transitions and the Pod phase counts into the run report.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ktk/client/cache/shared_informer.hpp"
#include "ktk/client/client.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/sim/report.hpp"

namespace ktk::sim::detail {

class recorder {
 public:
  // `start`: virtual time zero of the run. c and clk must outlive the recorder.
  recorder(client::client& c, core::clock& clk, core::clock::time_point start);
  ~recorder();

  // Starts the informers and waits for their first lists; false on timeout.
  bool start(std::chrono::milliseconds timeout);
  void stop();

  // Every handler is idle (all events handed out have been recorded).
  bool idle() const;
  // Each informer's kind and the resourceVersion it has seen.
  std::vector<std::pair<core::gvk, std::string>> versions() const;
  // Adds a sample of Pods by state when they changed since the last one.
  void sample();
  // Moves what was recorded into r (transitions, samples, event count).
  void drain_into(run_report& r);

 private:
  void record(const char* type, const core::object& obj);
  void count(const core::object* old_obj, const core::object* new_obj);

  client::client& client_;
  core::clock& clock_;
  core::clock::time_point start_;
  std::vector<std::pair<core::gvk, std::shared_ptr<client::cache::shared_informer>>> informers_;
  mutable std::mutex mu_;
  std::vector<transition> transitions_;         // guarded by mu_
  std::map<std::string, std::int64_t> pods_;    // guarded by mu_: Pods by state
  bool dirty_ = true;                           // guarded by mu_
  std::vector<phase_sample> samples_;           // guarded by mu_
  std::uint64_t events_ = 0;                    // guarded by mu_
};

// A one-word state of an object for the timeline: a Pod's phase (or Terminating),
// "ready/desired" for Deployments and ReplicaSets, Ready / NotReady for Nodes.
std::string state_of(const core::object& obj);

}  // namespace ktk::sim::detail
