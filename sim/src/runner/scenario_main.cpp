// scenario_main.cpp — ktk sim run's flags and reports around run_scenario, for programs
// that bring their own controllers.
#include "ktk/sim/scenario_main.hpp"

#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string_view>

#include "ktk/sim/scenario.hpp"

namespace ktk::sim {

namespace {

struct flags {
  std::filesystem::path scenario;
  std::optional<std::filesystem::path> report_dir, junit;
  std::optional<std::uint64_t> seed;
  bool quiet = false, verbose = false;
};

std::string usage(const std::string& program) {
  return "usage: " + program + " [SCENARIO.yaml] [--report-dir DIR] [--junit FILE] [--seed N] [--quiet | --verbose]\n";
}

// Nullopt (after saying why) when the arguments are wrong.
std::optional<flags> parse(int argc, char** argv, const scenario_main_options& o) {
  flags f;
  f.scenario = o.default_scenario;
  bool have_scenario = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool valued = a == "--report-dir" || a == "--junit" || a == "--seed";
    if (valued && i + 1 >= argc) {
      std::cerr << o.program << ": " << a << " needs a value\n" << usage(o.program);
      return std::nullopt;
    }
    if (a == "--report-dir") {
      f.report_dir = argv[++i];
    } else if (a == "--junit") {
      f.junit = argv[++i];
    } else if (a == "--seed") {
      const std::string_view v = argv[++i];
      std::uint64_t seed = 0;
      bool ok = !v.empty();
      for (char c : v) {
        ok = ok && c >= '0' && c <= '9';
        seed = seed * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (!ok || v.size() > 19) {
        std::cerr << o.program << ": --seed wants a non-negative integer\n";
        return std::nullopt;
      }
      f.seed = seed;
    } else if (a == "--quiet" || a == "--verbose") {
      (a == "--quiet" ? f.quiet : f.verbose) = true;
    } else if (!a.starts_with("-") && !have_scenario) {
      f.scenario = a;
      have_scenario = true;
    } else {
      std::cerr << o.program << ": unexpected argument '" << a << "'\n" << usage(o.program);
      return std::nullopt;
    }
  }
  if (f.scenario.empty()) {
    std::cerr << o.program << ": no scenario given\n" << usage(o.program);
    return std::nullopt;
  }
  return f;
}

}  // namespace

void add_expectation(run_report& report, std::string name, bool ok, std::string message, std::ostream* progress) {
  if (progress) *progress << (ok ? "ok   " : "FAIL ") << name << "\n";
  report.expectations.push_back({.name = std::move(name),
                                 .step = "after the scenario",
                                 .at = report.virtual_elapsed,
                                 .ok = ok,
                                 .message = ok ? std::string() : std::move(message)});
}

int scenario_main(int argc, char** argv, const scenario_main_options& o) {
  if (argc > 1 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << usage(o.program);
    return 0;
  }
  auto f = parse(argc, argv, o);
  if (!f) return 2;

  scenario sc;
  try {
    sc = load_scenario(f->scenario);
  } catch (const scenario_error& e) {
    for (const auto& p : e.problems()) std::cerr << p << "\n";
    std::cerr << o.program << ": " << e.problems().size() << " problem(s) in " << f->scenario.string()
              << "; nothing ran\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << o.program << ": " << e.what() << "; nothing ran\n";
    return 2;
  }

  std::ostream* progress = f->quiet ? nullptr : &std::cout;
  run_options opts{.seed = f->seed, .progress = progress, .verbose = f->verbose, .controllers = o.controllers};
  run_report report;
  try {
    report = run_scenario(sc, opts);
  } catch (const std::exception& e) {  // the environment did not start (CRDs rejected ...)
    std::cerr << o.program << ": " << e.what() << "\n";
    return 2;
  }
  if (o.after_run) o.after_run(report, progress);

  for (const auto& e : report.expectations) {
    if (!e.ok) std::cout << "FAILED " << e.name << " (" << e.where.str() << "): " << e.message << "\n";
  }
  try {
    if (f->report_dir) {
      std::filesystem::create_directories(*f->report_dir);
      write_junit(report, *f->report_dir / "junit.xml");
      write_timeline_json(report, *f->report_dir / "timeline.json");
      write_html(report, *f->report_dir / "report.html");
      if (progress) {
        *progress << o.program << ": reports in " << f->report_dir->string()
                  << " (junit.xml, timeline.json, report.html)\n";
      }
    }
    if (f->junit) write_junit(report, *f->junit);
  } catch (const std::exception& e) {
    std::cerr << o.program << ": " << e.what() << "\n";
    return 1;
  }
  return report.ok() ? 0 : 1;
}

}  // namespace ktk::sim
