// ktk/sim/report.hpp — what a scenario run produced, and its three reports.
//
// The runner fills a run_report as it goes: each step with its (virtual and wall)
// duration, each expectation with what it observed, every object transition, and
// the count of Pods by phase after each change. The writers turn it into a JUnit
// XML file (one testcase per expectation), a JSON timeline, and one self-contained
// HTML page (an SVG chart of Pods by phase over time, the steps with their
// durations, the failed expectations).
//
//   ktk::sim::write_junit(report, dir / "junit.xml");
//   ktk::sim::write_html(report, dir / "report.html");
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ktk/sim/scenario.hpp"

namespace ktk::sim {

struct step_result {
  std::string name{};
  source_location where{};
  duration started_at{0};   // virtual time since the run began
  duration took{0};         // virtual
  double wall_seconds = 0;  // real
  bool ok = true;
  std::string message{};    // why it failed
};

struct expectation_result {
  std::string name{};
  std::string step{};       // the step it belongs to
  source_location where{};
  duration at{0};           // virtual time it was checked (last checked, for invariants)
  bool ok = true;
  std::string message{};    // on failure: what was expected and what was observed
  double wall_seconds = 0;
};

// One object changing: ADDED, MODIFIED or DELETED, with a one-word state (a Pod's
// phase, "Ready", a Deployment's "3/3" ...).
struct transition {
  duration at{0};
  std::string type{};
  std::string kind{};
  std::string namespace_{};
  std::string name{};
  std::string state{};
  std::string node{};  // Pods: spec.nodeName
};

// Pods by phase at one instant (after a change).
struct phase_sample {
  duration at{0};
  std::map<std::string, std::int64_t> pods{};  // "Pending", "Running", ... "Terminating"
};

struct run_report {
  std::string scenario{};
  std::filesystem::path file{};
  std::uint64_t seed = 0;
  std::string server{};            // "embedded" or the kubeconfig's server URL
  std::string started{};           // RFC 3339, wall clock
  double wall_seconds = 0;
  duration virtual_elapsed{0};
  std::vector<step_result> steps{};
  std::vector<expectation_result> expectations{};
  std::vector<transition> transitions{};
  std::vector<phase_sample> samples{};
  std::uint64_t events = 0;        // watch events observed
  std::uint64_t controller_errors = 0;  // reconciles that failed and were retried (conflicts, faults)
  std::int64_t peak_rss_bytes = 0;

  bool ok() const;
  std::size_t failures() const;
};

// Each writer creates or replaces its file; std::runtime_error naming the path when
// it cannot.
void write_junit(const run_report& r, const std::filesystem::path& file);
void write_timeline_json(const run_report& r, const std::filesystem::path& file);
void write_html(const run_report& r, const std::filesystem::path& file);
// The JSON of write_timeline_json.
core::json timeline_json(const run_report& r);

}  // namespace ktk::sim
