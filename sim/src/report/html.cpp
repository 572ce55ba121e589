// write_html: one self-contained page (no scripts, fonts or style sheets from
// elsewhere) — the verdict, the chart of Pods by phase, the steps, the expectations
// (failures first) and the transitions.
#include <algorithm>
#include <sstream>

#include "report/svg_chart.hpp"
#include "report/text.hpp"

namespace ktk::sim {

namespace {

using detail::escape_attr;
using detail::escape_text;
using detail::fixed;

constexpr std::size_t max_transition_rows = 2000;

constexpr const char* style = R"(
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:bold;font-size:14px}
.pass{background:#2e8b57}.fail{background:#c0392b}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:12px 0}
dl.summary dt{color:#666}dl.summary dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fdecea}.ok{color:#2e8b57}.bad{color:#c0392b;font-weight:bold}
pre{white-space:pre-wrap;margin:0;font-size:12px}.note{color:#666;font-size:13px}
svg.chart{max-width:100%;height:auto;border:1px solid #eee}
)";

std::string wall(double s) { return s < 1 ? fixed(s * 1000, 1) + " ms" : fixed(s, 3) + " s"; }

std::string result_cell(bool ok) {
  return ok ? "<td class=\"ok\">&#10003; ok</td>" : "<td class=\"bad\">&#10007; failed</td>";
}

void summary(std::ostringstream& out, const run_report& r) {
  std::size_t failed_steps = 0, failed_exp = 0;
  for (const auto& s : r.steps) failed_steps += s.ok ? 0 : 1;
  for (const auto& e : r.expectations) failed_exp += e.ok ? 0 : 1;
  auto row = [&](const char* k, const std::string& v) {
    out << "<dt>" << k << "</dt><dd>" << escape_text(v) << "</dd>\n";
  };
  out << "<dl class=\"summary\">\n";
  row("result", r.ok() ? "passed" : std::to_string(r.failures()) + " failure(s)");
  if (!r.file.empty()) row("file", r.file.string());
  row("seed", std::to_string(r.seed));
  if (!r.server.empty()) row("server", r.server);
  if (!r.started.empty()) row("started", r.started);
  row("virtual time", format_duration(r.virtual_elapsed));
  row("wall time", wall(r.wall_seconds));
  row("steps", std::to_string(r.steps.size()) + " (" + std::to_string(failed_steps) + " failed)");
  row("expectations", std::to_string(r.expectations.size() - failed_exp) + " passed, " + std::to_string(failed_exp) +
                          " failed");
  row("watch events", std::to_string(r.events));
  row("transitions", std::to_string(r.transitions.size()));
  if (r.peak_rss_bytes > 0) row("peak RSS", fixed(static_cast<double>(r.peak_rss_bytes) / (1024.0 * 1024.0), 1) + " MiB");
  out << "</dl>\n";
}

void steps_table(std::ostringstream& out, const run_report& r) {
  out << "<h2 id=\"steps\">Steps</h2>\n<table class=\"steps\">\n<tr><th>#</th><th>step</th><th>where</th>"
         "<th>start</th><th>virtual</th><th>wall</th><th>result</th></tr>\n";
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const auto& s = r.steps[i];
    out << "<tr" << (s.ok ? "" : " class=\"failed\"") << "><td class=\"num\">" << i + 1 << "</td><td>"
        << escape_text(s.name);
    if (!s.ok && !s.message.empty()) out << "<pre>" << escape_text(s.message) << "</pre>";
    out << "</td><td>" << escape_text(s.where.file.empty() ? "" : s.where.str()) << "</td><td class=\"num\">"
        << escape_text(format_duration(s.started_at)) << "</td><td class=\"num\">" << escape_text(format_duration(s.took))
        << "</td><td class=\"num\">" << wall(s.wall_seconds) << "</td>" << result_cell(s.ok) << "</tr>\n";
  }
  out << "</table>\n";
}

void expectations_table(std::ostringstream& out, const run_report& r) {
  std::vector<const expectation_result*> order;
  for (const auto& e : r.expectations) order.push_back(&e);
  std::stable_partition(order.begin(), order.end(), [](const auto* e) { return !e->ok; });
  out << "<h2 id=\"expectations\">Expectations</h2>\n";
  if (order.empty()) {
    out << "<p class=\"note\">The scenario checks no expectations.</p>\n";
    return;
  }
  out << "<table class=\"expectations\">\n<tr><th>expectation</th><th>step</th><th>where</th><th>at</th>"
         "<th>result</th><th>message</th></tr>\n";
  for (const auto* e : order)
    out << "<tr" << (e->ok ? "" : " class=\"failed\"") << "><td>" << escape_text(e->name) << "</td><td>"
        << escape_text(e->step) << "</td><td>" << escape_text(e->where.file.empty() ? "" : e->where.str())
        << "</td><td class=\"num\">" << escape_text(format_duration(e->at)) << "</td>" << result_cell(e->ok)
        << "<td><pre>" << escape_text(e->message) << "</pre></td></tr>\n";
  out << "</table>\n";
}

void transitions_table(std::ostringstream& out, const run_report& r) {
  out << "<h2 id=\"transitions\">Transitions</h2>\n";
  if (r.transitions.size() > max_transition_rows)
    out << "<p class=\"note\">Showing the first " << max_transition_rows << " of " << r.transitions.size()
        << " transitions; the timeline JSON has them all.</p>\n";
  if (r.transitions.empty()) {
    out << "<p class=\"note\">No object changed.</p>\n";
    return;
  }
  out << "<table class=\"transitions\">\n<tr><th>t (s)</th><th>type</th><th>kind</th><th>object</th><th>state</th>"
         "<th>node</th></tr>\n";
  for (std::size_t i = 0; i < r.transitions.size() && i < max_transition_rows; ++i) {
    const auto& t = r.transitions[i];
    std::string obj = t.namespace_.empty() ? t.name : t.namespace_ + "/" + t.name;
    out << "<tr><td class=\"num\">" << fixed(detail::seconds(t.at)) << "</td><td>" << escape_text(t.type) << "</td><td>"
        << escape_text(t.kind) << "</td><td>" << escape_text(obj) << "</td><td>" << escape_text(t.state) << "</td><td>"
        << escape_text(t.node) << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

void write_html(const run_report& r, const std::filesystem::path& file) {
  std::ostringstream out;
  const bool ok = r.ok();
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << escape_text(r.scenario) << " — " << (ok ? "passed" : "failed") << " — ktk sim</title>\n"
      << "<style>" << style << "</style>\n</head>\n<body>\n"
      << "<h1>" << escape_text(r.scenario) << "</h1>\n"
      << "<span class=\"verdict " << (ok ? "pass\">PASSED" : "fail\">FAILED") << "</span>\n";
  summary(out, r);
  out << "<h2 id=\"chart\">Pods by phase</h2>\n" << detail::pods_by_phase_svg(r);
  steps_table(out, r);
  expectations_table(out, r);
  transitions_table(out, r);
  out << "<p class=\"note\">Written by ktk sim. Times are virtual unless marked wall.</p>\n</body>\n</html>\n";
  detail::write_file(file, out.str());
}

}  // namespace ktk::sim
