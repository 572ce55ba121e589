// ktk/sim/control_plane.hpp — the simulated control plane, assembled.
//
// Three components, each a controller-runtime manager of its own on its own
// thread, as the real ones are separate processes: "controller-manager" (the
// Deployment and ReplicaSet controllers and the garbage collector), "scheduler", and
// "kubelet" (the simulated Nodes). Any ktk::client::client will do: the FakeClient
// (in-process), a RestClient on `ktk serve`, or a cluster whose own controllers are
// off.
//
//   ktk::core::fake_clock clk;
//   ktk::sim::control_plane cp(*fake, {.clock = &clk, .kubelet = {.nodes = ktk::sim::make_nodes("node-", 3)}});
//   cp.start();                 // returns once every component's caches are synced
//   cp.restart("scheduler");    // a fault: the scheduler loses its caches and queues
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/client/cache/informer_factory.hpp"
#include "ktk/client/client.hpp"
#include "ktk/core/clock.hpp"
#include "ktk/sim/deployment_controller.hpp"
#include "ktk/sim/garbage_collector.hpp"
#include "ktk/sim/kubelet.hpp"
#include "ktk/sim/replicaset_controller.hpp"
#include "ktk/sim/scheduler.hpp"

namespace ktk::client::controller {
class manager;
}

namespace ktk::sim {

// Adds your own controllers (an operator under test) to a manager.
using controller_setup = std::function<void(client::controller::manager&)>;

struct control_plane_options {
  core::clock* clock = nullptr;  // not owned; the real clock when null
  deployment_controller_options deployment{};
  replicaset_controller_options replicaset{};
  garbage_collector_options garbage_collector{};
  scheduler_options scheduler{};
  kubelet_options kubelet{};
  // How long start() and restart() wait for caches to sync (real time).
  std::chrono::milliseconds sync_timeout{30000};
  // The components share one informer cache (one watch and one cached copy per
  // resource, as if they ran in one process) until one of them restarts: a restarted
  // component lists afresh into a cache of its own, as a restarted process does.
  // false: each component has its own cache from the start.
  bool share_caches = true;
  std::function<void(const std::string&)> log{};  // controllers' errors; stderr when empty
  // Your own controllers, added to the controller-manager when it starts (and again
  // when it restarts). They run on its clock and count in activity(), so a virtual
  // clock waits for them as for the simulated ones.
  std::vector<controller_setup> controllers{};
};

// One instant of the control plane, for whoever steps a virtual clock.
struct control_plane_activity {
  // No queue holds an item due now, no reconcile runs, no informer handler is busy.
  bool idle = true;
  // The earliest time a queue has something delayed for (nullopt: nothing delayed).
  std::optional<core::clock::time_point> next_ready_at{};
  // Each informer's kind and the resourceVersion it has seen up to.
  std::vector<std::pair<core::gvk, std::string>> informers{};
};

class control_plane {
 public:
  // Borrows c (and the clock), which must outlive the control plane.
  control_plane(client::client& c, control_plane_options opts);
  // stop().
  ~control_plane();
  control_plane(const control_plane&) = delete;
  control_plane& operator=(const control_plane&) = delete;

  // Starts every component; returns once their caches synced, or an error naming the
  // component that did not sync in sync_timeout (everything is stopped then).
  client::result<void> start();
  // Stops every component and joins their threads. Idempotent.
  void stop();
  // Stops one component ("controller-manager", "scheduler" or "kubelet") and starts a
  // new one in its place: caches, queues and expectations are lost, as in a process
  // restart (the new one lists into a cache of its own, even with share_caches). The
  // kubelet's failed Nodes stay failed. InvalidArgument-like error (400) for an
  // unknown name.
  client::result<void> restart(std::string_view component);

  // A Node fails / comes back (see kubelet_sim). Remembered across kubelet restarts.
  // std::invalid_argument for a Node the kubelets do not run.
  void fail_node(const std::string& name);
  void recover_node(const std::string& name);
  // Thread-safe snapshot; see control_plane_activity.
  control_plane_activity activity() const;
  // The names restart() takes.
  static const std::vector<std::string>& components();

 private:
  struct component;
  std::unique_ptr<component> make(std::string_view name, bool shared);
  client::result<void> launch(component& c);
  void drop_shared_cache();  // under mu_

  client::client& client_;
  control_plane_options opts_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<component>> running_;  // guarded by mu_
  // The cache the components started with share (share_caches), and its stop.
  std::shared_ptr<client::cache::shared_informer_factory> shared_cache_;  // guarded by mu_
  std::stop_source shared_cache_stop_;                                     // guarded by mu_
  std::vector<std::string> failed_nodes_;             // guarded by mu_
};

}  // namespace ktk::sim
