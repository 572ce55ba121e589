// ktk/sim/scenario_main.hpp — `ktk sim run` as the main of your own program, with your
// operator's controllers in the simulated controller-manager.
//
// The program takes `ktk sim run`'s flags — [SCENARIO.yaml] [--report-dir DIR]
// [--junit FILE] [--seed N] [--quiet | --verbose] — runs the scenario on the virtual
// clock, prints each failed expectation with its file:line, writes the reports, and
// returns the exit code: 0 when every expectation held, 1 when one failed, 2 for bad
// arguments or a malformed scenario.
//
//   int main(int argc, char** argv) {
//     return ktk::sim::scenario_main(argc, argv, {.program = "at-sim", .default_scenario = "at.yaml",
//         .controllers = {[](auto& mgr) { my_operator::setup(mgr); }}});
//   }
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ktk/sim/report.hpp"
#include "ktk/sim/runner.hpp"

namespace ktk::sim {

struct scenario_main_options {
  std::string program{};                    // for usage and messages ("at-sim")
  std::filesystem::path default_scenario{};  // when no SCENARIO.yaml is given
  std::vector<controller_setup> controllers{};
  // After the run, before the reports are written: checks of your own (what only a
  // fake provider knows, say) added as expectations. `progress` is null with --quiet.
  std::function<void(run_report& report, std::ostream* progress)> after_run{};
};

int scenario_main(int argc, char** argv, const scenario_main_options& opts);

// An expectation a program adds after the run (step "after the scenario"), printed as
// ok / FAIL on `progress` when it is not null.
void add_expectation(run_report& report, std::string name, bool ok, std::string message, std::ostream* progress);

}  // namespace ktk::sim
