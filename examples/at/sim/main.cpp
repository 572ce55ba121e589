// at-sim — `ktk sim run` with the At operator inside: runs a scenario (at.yaml beside
// this file by default) on the simulator's virtual clock, with the At controller in
// the simulated controller-manager, so a schedule minutes away costs no real time.
//
//   at-sim [SCENARIO.yaml] [--report-dir DIR] [--junit FILE] [--seed N] [--quiet | --verbose]
//
// The flags and exit codes are `ktk sim run`'s (ktk/sim/scenario_main.hpp).
#include "ktk/sim/scenario_main.hpp"

#include "at_controller.hpp"

int main(int argc, char** argv) {
  // The operator's own setup, exactly as at-operator calls it: in the simulation the
  // manager's clock is the virtual one, so the At's requeue_after until its schedule
  // is a jump of that clock, not a wait.
  return ktk::sim::scenario_main(
      argc, argv,
      {.program = "at-sim",
       .default_scenario = SCENARIO_FILE,  // examples/at/sim/at.yaml, set by CMake
       .controllers = {[](ktk::client::controller::manager& m) { ktk::examples::at::setup(m); }}});
}
