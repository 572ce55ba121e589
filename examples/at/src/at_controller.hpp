// at_controller.hpp — the cnat At operator: runs an At's containers in a Pod at its schedule.
//
// For each At the reconciler moves status.phase along:
//   ""       → PENDING (a new At);
//   PENDING  → waits for spec.schedule: it asks to be called again when the time comes
//              (requeue_after on the manager's clock), never polls or sleeps; at the
//              schedule it creates the Pod `<at>-pod` (controlled by the At, restartPolicy
//              Never, the At's containers) → RUNNING;
//   RUNNING  → DONE once the Pod has Succeeded or Failed (a change of an owned Pod
//              brings its At back to the queue).
// A schedule that is not an RFC 3339 time sets the condition ScheduleValid=False
// (reason InvalidSchedule) and is not retried: editing the spec brings the At back.
//
//   ktk::client::controller::manager mgr(client);
//   ktk::examples::at::setup(mgr);
//   mgr.start(stop);
#pragma once

#include <stop_token>
#include <string>
#include <string_view>

#include "ktk/client/client.hpp"
#include "ktk/client/controller/manager.hpp"
#include "ktk/client/controller/reconciler.hpp"
#include "ktk/core/clock.hpp"

#include "at_types.hpp"

namespace ktk::examples::at {

struct at_options {
  std::string name = "at";  // the controller's name; unique per manager
  int max_concurrent_reconciles = 1;
};

// The Pod an At runs: "<at>-pod", in the At's namespace.
std::string pod_name(std::string_view at_name);

// The reconciler on its own, for tests that call it directly. Keeps no state of its
// own, so one instance serves any number of workers (the client must be thread-safe,
// as ktk's clients are).
class at_reconciler final : public client::controller::reconciler {
 public:
  // Borrows c and clk, which must outlive it. clk decides when a schedule has come.
  at_reconciler(client::client& c, core::clock& clk) : client_(c), clock_(clk) {}

  client::controller::outcome reconcile(const client::controller::request& req, std::stop_token stop) override;

 private:
  client::controller::outcome pending(at& a);
  client::controller::outcome running(at& a);
  core::result<void> ensure_pod(const at& a);
  void set_schedule_condition(at& a, bool valid, std::string reason, std::string message);

  client::client& client_;
  core::clock& clock_;
};

// Adds the At controller to mgr: it reconciles Ats, watches the Pods they own, reads
// through mgr.get_client() and tells time by the manager's clock. Throws
// std::invalid_argument when a controller of that name is already there.
void setup(client::controller::manager& mgr, at_options opts = {});

}  // namespace ktk::examples::at
