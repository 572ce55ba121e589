// ktk/client/controller/leader_election.hpp — one leader among replicas, on a Lease.
//
// client-go's leaderelection on a `coordination.k8s.io/v1` Lease: a candidate takes the
// Lease when it is free or its holder has not renewed it for `lease_duration` (measured
// on the candidate's own clock from when it last saw the record change, so clock skew
// between replicas does not matter), renews it every `retry_period`, and gives up
// leadership when it cannot renew within `renew_deadline`.
//
//   ktk::client::controller::leader_elector le(client, {.lease_namespace = "kube-system",
//       .lease_name = "my-operator", .identity = hostname},
//       {.on_started_leading = [&](std::stop_token st) { run_controllers(st); }});
//   le.run(stop);   // blocks until stop or leadership is lost
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>

#include "ktk/client/client.hpp"
#include "ktk/core/clock.hpp"

namespace ktk::client::controller {

struct leader_election_options {
  std::string lease_namespace = "default";
  std::string lease_name{};
  std::string identity{};  // unique per candidate (controller-runtime: hostname + "_" + uuid)
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
  // On stop, hand the Lease back (holder cleared, duration 1 s) so a successor need not
  // wait out the lease.
  bool release_on_cancel = true;
  core::clock* clock = nullptr;  // not owned; the real clock when null
};

struct leader_callbacks {
  // Runs on its own thread once this candidate leads; its stop token is requested when
  // leadership ends (lost, or run() stopped). run() joins it before returning, so it
  // must return when asked.
  std::function<void(std::stop_token)> on_started_leading{};
  // Called once when a candidate that was leading stops leading, for whatever reason.
  std::function<void()> on_stopped_leading{};
  // Called when the observed holder changes (also with this candidate's own identity).
  std::function<void(const std::string&)> on_new_leader{};
  // Called when reading, creating or updating the Lease fails (client-go logs these),
  // e.g. "leader election: creating Lease ops/mirror: namespaces \"ops\" not found".
  // The attempt is retried after retry_period as before.
  std::function<void(const std::string&)> on_error{};
};

class leader_elector {
 public:
  // Borrows `c`, which must outlive the elector. Throws std::invalid_argument when the
  // options are inconsistent (empty name or identity, lease_duration <= renew_deadline,
  // renew_deadline <= retry_period × 1.2).
  leader_elector(client& c, leader_election_options opts, leader_callbacks cb = {});

  // Acquires, leads and renews until stop is requested (returns true) or leadership is
  // lost (returns false). Not re-entrant; call once.
  bool run(std::stop_token stop);

  // Thread-safe.
  bool is_leader() const { return leading_.load(); }
  std::string leader() const;

  // One acquire-or-renew attempt; true when this candidate holds the Lease afterwards.
  // Public for tests and for callers driving their own loop.
  bool try_acquire_or_renew();

 private:
  bool acquire(std::stop_token stop);
  bool renew(std::stop_token stop);
  void release();
  void observe(const std::string& holder, const std::string& renew_time);

  client& client_;
  leader_election_options opts_;
  leader_callbacks cb_;
  core::clock& clock_;
  std::atomic<bool> leading_{false};
  mutable std::mutex mu_;
  std::string observed_holder_;             // guarded by mu_
  std::string observed_renew_;              // guarded by mu_
  core::clock::time_point observed_time_;   // guarded by mu_
  std::string lease_resource_version_;      // only touched by the run() thread
};

}  // namespace ktk::client::controller
