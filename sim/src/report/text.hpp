// Text helpers the report writers share: XML/HTML escaping that also repairs what
// XML cannot carry (invalid UTF-8, control characters), fixed-point numbers, and
// writing a file or failing with its path. Private to ktk_sim_report.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ktk/sim/report.hpp"

namespace ktk::sim::detail {

// Valid UTF-8 without the control characters XML 1.0 forbids: every invalid byte
// sequence and every such character becomes U+FFFD; tab, newline and CR are kept.
std::string xml_safe(std::string_view s);

// Text content for XML and HTML: & < > escaped (after xml_safe).
std::string escape_text(std::string_view s);
// An attribute value in double quotes: & < > " ' escaped, and tab / newline / CR as
// character references so that parsers do not fold them into spaces.
std::string escape_attr(std::string_view s);

// 1.5 → "1.500" (digits after the point).
std::string fixed(double v, int digits = 3);
// Virtual milliseconds as seconds with 3 decimals: 1500ms → 1.5 (for JSON).
double seconds(duration d);

// Creates or replaces `file` with `content`; std::runtime_error naming the path.
void write_file(const std::filesystem::path& file, std::string_view content);

// The failed steps no failed expectation accounts for (a wait_for that timed out, an
// apply the server refused): JUnit and the failure count report them as their own cases.
std::vector<const step_result*> failed_steps_alone(const run_report& r);

}  // namespace ktk::sim::detail
