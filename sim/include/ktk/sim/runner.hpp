// ktk/sim/runner.hpp — runs a scenario and reports what happened.
//
// Embedded (the default): an in-process API server (the FakeClient's registry) with
// the simulated control plane on a virtual clock. The clock moves only when the
// whole control plane is idle — every queue empty or waiting, every informer caught
// up with the server — and then straight to the next thing due, in steps of at least
// the scenario's resolution: a five-minute progress deadline takes milliseconds, and
// a run with a given seed makes the same decisions at the same virtual times.
//
// With a kubeconfig: the steps run against that server in real time; the simulated
// control plane runs there too only when asked (a real cluster has its own).
//
//   auto sc = ktk::sim::load_scenario("examples/scenarios/deployment-chain.yaml");
//   auto report = ktk::sim::run_scenario(sc, {.progress = &std::cout});
//   ktk::sim::write_junit(report, "junit.xml");
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>

#include "ktk/sim/control_plane.hpp"
#include "ktk/sim/report.hpp"
#include "ktk/sim/scenario.hpp"

namespace ktk::sim {

struct run_options {
  std::optional<std::filesystem::path> kubeconfig{};  // run against this server
  std::string context{};                            // its context ("" = current)
  bool control_plane_on_server = false;  // with a kubeconfig: run the simulated control plane too
  std::optional<std::uint64_t> seed{};   // overrides the scenario's
  std::ostream* progress = nullptr;      // a line per step; null: quiet
  // Controllers' retried errors (conflicts, injected faults) go to progress too; else
  // they are only counted (run_report::controller_errors).
  bool verbose = false;
  // Real time a settle may take before the run gives up on the control plane (a
  // controller that never stops writing).
  std::chrono::milliseconds settle_timeout{120000};
  // Your own controllers (an operator under test), run in the controller-manager beside
  // the simulated ones: on the virtual clock when embedded, and on the server with
  // control_plane_on_server. A scenario then checks what they do.
  std::vector<controller_setup> controllers{};
};

// Runs every step in order (a failed wait_for or step does not stop the run unless
// nothing after it can work; the report says which). Throws std::runtime_error when
// the environment cannot start (server unreachable, CRDs rejected).
run_report run_scenario(const scenario& sc, const run_options& opts = {});

}  // namespace ktk::sim
