// network-sim — `ktk sim run` with the Network operator inside: runs a scenario
// (network.yaml beside this file by default) on the simulator's virtual clock, with the
// Network controller's sync in the simulated controller-manager.
//
//   network-sim [SCENARIO.yaml] [--report-dir DIR] [--junit FILE] [--seed N] [--quiet | --verbose]
//
// The flags and exit codes are `ktk sim run`'s (ktk/sim/scenario_main.hpp).
#include <memory>
#include <stop_token>

#include "ktk/client/controller/builder.hpp"
#include "ktk/sim/scenario_main.hpp"

#include "network_controller.hpp"

namespace {

namespace ctl = ktk::client::controller;
namespace net = ktk::examples::network;

// network_controller is written as sample-controller is: a private work queue and
// workers of its own (run()). The simulator moves its virtual clock only when every
// queue it can see is idle, and it sees the queues of the controller-manager's
// controllers, not a private one: with run() here, the clock could move on while a
// key waits in that queue. So the example's sync() — the operator's logic, reading
// the same listers — runs as the reconciler of a controller of the manager, on the
// manager's informers, with the same triggers: a Network's spec change (generation),
// and any change to a ConfigMap it controls.
void add_network_controller(ctl::manager& mgr) {
  auto nc = std::make_shared<net::network_controller>(mgr.get_client(), mgr.get_cache(),
                                                      net::controller_options{.clock = mgr.options().clock});
  ctl::builder(mgr)
      .named("network")
      .for_(net::network_kind, {ctl::generation_changed()})
      .owns(net::config_map_kind)
      .complete([nc](const ctl::request& req, std::stop_token) -> ctl::outcome {
        auto r = nc->sync(req.str());
        return r ? ctl::done() : ctl::outcome(r.error());  // an error: retried with backoff
      });
}

}  // namespace

int main(int argc, char** argv) {
  return ktk::sim::scenario_main(argc, argv,
                                 {.program = "network-sim",
                                  .default_scenario = SCENARIO_FILE,  // examples/network/sim/network.yaml
                                  .controllers = {add_network_controller}});
}
