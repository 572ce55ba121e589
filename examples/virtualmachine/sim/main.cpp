// virtualmachine-sim — `ktk sim run` with the VirtualMachine operator inside: runs a
// scenario (virtualmachine.yaml beside this file by default) on the simulator's virtual
// clock, with the VirtualMachine controller in the simulated controller-manager, on a
// fake provider that refuses its first 3 creates. After the run it adds two checks of
// its own to the report — what the provider saw — which a scenario cannot read.
//
//   virtualmachine-sim [SCENARIO.yaml] [--report-dir DIR] [--junit FILE] [--seed N] [--quiet | --verbose]
//
// The flags and exit codes are `ktk sim run`'s (ktk/sim/scenario_main.hpp).
#include <string>

#include "ktk/sim/scenario_main.hpp"

#include "fake_provider.hpp"
#include "virtualmachine_controller.hpp"

namespace {

// Failed creates the provider answers before it works: the scenario checks the
// operator says why (Ready=False, ProvisioningFailed) and retries until it works.
constexpr int refused_creates = 3;

}  // namespace

int main(int argc, char** argv) {
  namespace sim = ktk::sim;
  namespace vm = ktk::examples::virtualmachine;
  // The operator's own setup, as virtualmachine-operator calls it. The provider lives
  // here, outside the controller-manager, so that it outlives a restart of it (a
  // scenario's `fault: {restart: {component: controller-manager}}`) as a cloud would.
  vm::fake_provider provider;
  provider.fail_next(refused_creates, "quota exceeded", "create");
  return sim::scenario_main(
      argc, argv,
      {.program = "virtualmachine-sim",
       .default_scenario = SCENARIO_FILE,  // examples/virtualmachine/sim/virtualmachine.yaml
       .controllers = {[&provider](ktk::client::controller::manager& m) { vm::setup(m, provider); }},
       // What only the provider knows, as testcases of their own in the report.
       .after_run = [&provider](sim::run_report& report, std::ostream* progress) {
         const int creates = provider.calls("create");
         sim::add_expectation(report, "the provider was asked to create until it worked",
                              creates == refused_creates + 1,
                              "expected " + std::to_string(refused_creates + 1) + " creates (" +
                                  std::to_string(refused_creates) + " refused), got " + std::to_string(creates),
                              progress);
         const auto left = provider.machines();
         sim::add_expectation(report, "every machine was released", left.empty(),
                              "the provider still holds " + std::to_string(left.size()) + " machine(s)" +
                                  (left.empty() ? std::string() : ", the first " + left.front().name),
                              progress);
       }});
}
