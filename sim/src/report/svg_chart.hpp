// The report's chart: Pods by phase over virtual time, as an inline SVG stacked area
// (each phase a band, counts held until the next sample), with axes, a legend and the
// steps as vertical lines. Private to ktk_sim_report.
#pragma once

#include <string>
#include <vector>

#include "ktk/sim/report.hpp"

namespace ktk::sim::detail {

struct chart_options {
  int width = 960;
  int height = 400;
  int max_columns = 800;      // samples are reduced to at most one per column
  std::size_t max_step_marks = 200;
};

// Phases in the order they stack, bottom first: Pending, Running, Succeeded, Failed,
// Unknown, Terminating, then any other in name order.
std::vector<std::string> phase_order(const run_report& r);
// The colour of a phase ("#3a9b5c" for Running); others get one from a palette.
std::string phase_colour(const std::string& phase, std::size_t index);

// "1m30s"-style tick step for a span of virtual time: 1, 2, 5 × 10^k ms and whole
// seconds, minutes and hours, so that there are at most `max_ticks` ticks.
duration time_tick(duration span, int max_ticks = 10);
// 1, 2 or 5 × 10^k such that [0, max] has at most `max_ticks` ticks.
std::int64_t count_tick(std::int64_t max, int max_ticks = 6);

// The SVG element (no XML prolog), escaped and self-contained.
std::string pods_by_phase_svg(const run_report& r, const chart_options& o = {});

}  // namespace ktk::sim::detail
