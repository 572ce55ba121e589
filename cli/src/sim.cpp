// sim.cpp — `ktk sim run SCENARIO.yaml [--server KUBECONFIG] [--report-dir DIR] [--junit FILE] [--seed N]`.
#include <filesystem>
#include <iostream>

#include "args.hpp"
#include "commands.hpp"
#include "ktk/sim/report.hpp"
#include "ktk/sim/runner.hpp"
#include "ktk/sim/scenario.hpp"

namespace ktk::cli {
namespace {

constexpr const char* sim_usage =
    "usage: ktk sim run SCENARIO.yaml [--server KUBECONFIG] [--context NAME] [--control-plane]\n"
    "                  [--report-dir DIR] [--junit FILE] [--seed N] [--quiet | --verbose]\n"
    "\n"
    "Runs a scenario. Without --server: on the embedded API server with the simulated\n"
    "control plane (Deployment and ReplicaSet controllers, garbage collector, scheduler,\n"
    "kubelets) on a virtual clock. With --server: against that cluster in real time;\n"
    "--control-plane runs the simulated control plane there too (for `ktk serve`).\n"
    "\n"
    "  --report-dir DIR  writes DIR/junit.xml, DIR/timeline.json and DIR/report.html\n"
    "  --junit FILE      writes the JUnit report to FILE\n"
    "  --seed N          overrides the scenario's seed\n"
    "  --verbose         also shows the controllers' retried errors (conflicts, injected faults)\n"
    "\n"
    "Exit 0 when every expectation held, 1 when one failed, 2 for a malformed scenario.\n";

}  // namespace

int sim(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    std::cout << sim_usage;
    return argv.empty() ? 2 : 0;
  }
  if (argv[0] != "run") throw usage_error("unknown subcommand \"" + argv[0] + "\" (expected: run)\n" + sim_usage);
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  args a(rest, {"server", "context", "report-dir", "junit", "seed"}, {"control-plane", "quiet", "verbose", "help"},
         true);
  if (a.has("help")) {
    std::cout << sim_usage;
    return 0;
  }
  if (a.positional().size() != 1) throw usage_error("expects one scenario file\n" + std::string(sim_usage));

  sim::run_options opts;
  if (auto s = a.value("server")) opts.kubeconfig = *s;
  opts.context = a.value("context").value_or("");
  opts.control_plane_on_server = a.has("control-plane");
  if (auto s = a.value("seed")) {
    try {
      opts.seed = std::stoull(*s);
    } catch (const std::exception&) {
      throw usage_error("--seed wants a non-negative integer, not \"" + *s + "\"");
    }
  }
  sim::scenario sc;
  try {
    sc = sim::load_scenario(a.positional()[0]);
  } catch (const sim::scenario_error& e) {
    for (const auto& p : e.problems()) std::cerr << p << "\n";
    std::cerr << "ktk sim: " << e.problems().size() << " problem(s) in " << a.positional()[0] << "; nothing ran\n";
    return 2;
  } catch (const std::runtime_error& e) {
    std::cerr << "ktk sim: " << e.what() << "; nothing ran\n";
    return 2;
  }

  if (!a.has("quiet")) opts.progress = &std::cout;
  opts.verbose = a.has("verbose");

  auto report = sim::run_scenario(sc, opts);

  if (auto dir = a.value("report-dir")) {
    std::filesystem::create_directories(*dir);
    sim::write_junit(report, std::filesystem::path(*dir) / "junit.xml");
    sim::write_timeline_json(report, std::filesystem::path(*dir) / "timeline.json");
    sim::write_html(report, std::filesystem::path(*dir) / "report.html");
    std::cout << "ktk sim: reports in " << *dir << " (junit.xml, timeline.json, report.html)\n";
  }
  if (auto f = a.value("junit")) sim::write_junit(report, *f);
  return report.ok() ? 0 : 1;
}

}  // namespace ktk::cli
