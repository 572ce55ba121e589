#include "report/svg_chart.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "report/text.hpp"

namespace ktk::sim::detail {

namespace {

constexpr int left = 60, right = 180, top = 24, bottom = 48;

const std::vector<std::pair<std::string, std::string>>& known_phases() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"Pending", "#e9a93a"}, {"Running", "#3a9b5c"}, {"Succeeded", "#4a7fc1"},
      {"Failed", "#d64545"},  {"Unknown", "#9a9a9a"}, {"Terminating", "#8c6bb1"}};
  return p;
}

std::string num(double v) { return fixed(v, 1); }

struct point {
  double x;
  std::vector<std::int64_t> cum;  // cum[k]: Pods in phases 0..k-1 (cum[0] = 0)
};

}  // namespace

std::vector<std::string> phase_order(const run_report& r) {
  std::set<std::string> seen;
  for (const auto& s : r.samples)
    for (const auto& [phase, _] : s.pods) seen.insert(phase);
  std::vector<std::string> out;
  for (const auto& [phase, _] : known_phases())
    if (seen.erase(phase)) out.push_back(phase);
  out.insert(out.end(), seen.begin(), seen.end());
  return out;
}

std::string phase_colour(const std::string& phase, std::size_t index) {
  for (const auto& [p, c] : known_phases())
    if (p == phase) return c;
  static const char* palette[] = {"#17becf", "#bcbd22", "#e377c2", "#7f7f7f", "#8c564b", "#1f77b4"};
  return palette[index % std::size(palette)];
}

duration time_tick(duration span, int max_ticks) {
  static const std::int64_t steps[] = {1,       2,       5,       10,      20,       50,       100,      200,
                                       500,     1000,    2000,    5000,    10000,    15000,    30000,    60000,
                                       120000,  300000,  600000,  900000,  1800000,  3600000,  7200000,  10800000,
                                       21600000, 43200000, 86400000};
  for (auto s : steps)
    if (span.count() / s <= max_ticks) return duration{s};
  std::int64_t s = 86400000;
  while (span.count() / s > max_ticks) s *= 2;
  return duration{s};
}

std::int64_t count_tick(std::int64_t max, int max_ticks) {
  for (std::int64_t base = 1;; base *= 10)
    for (std::int64_t m : {1, 2, 5})
      if (max / (base * m) <= max_ticks) return base * m;
}

std::string pods_by_phase_svg(const run_report& r, const chart_options& o) {
  const double pw = o.width - left - right, ph = o.height - top - bottom;
  const auto phases = phase_order(r);

  std::int64_t t_max = r.virtual_elapsed.count();
  for (const auto& s : r.samples) t_max = std::max(t_max, s.at.count());
  for (const auto& s : r.steps) t_max = std::max(t_max, (s.started_at + s.took).count());
  if (t_max <= 0) t_max = 1000;
  auto x_of = [&](std::int64_t t) { return left + pw * static_cast<double>(t) / static_cast<double>(t_max); };

  // One point per column (the last sample in it), so that a run with 100k changes
  // still draws a small path.
  std::vector<point> pts;
  std::int64_t y_max = 0;
  std::map<std::string, std::int64_t> peak;
  int last_col = -1;
  for (const auto& s : r.samples) {
    point p{x_of(s.at.count()), std::vector<std::int64_t>(phases.size() + 1, 0)};
    for (std::size_t k = 0; k < phases.size(); ++k) {
      auto it = s.pods.find(phases[k]);
      std::int64_t n = it == s.pods.end() ? 0 : std::max<std::int64_t>(it->second, 0);
      p.cum[k + 1] = p.cum[k] + n;
      peak[phases[k]] = std::max(peak[phases[k]], n);
    }
    y_max = std::max(y_max, p.cum.back());
    int col = static_cast<int>((p.x - left) / pw * o.max_columns);
    if (col == last_col && !pts.empty())
      pts.back() = std::move(p);
    else
      pts.push_back(std::move(p));
    last_col = col;
  }
  const std::int64_t y_tick = count_tick(std::max<std::int64_t>(y_max, 1));
  const std::int64_t y_top = std::max<std::int64_t>((y_max + y_tick - 1) / y_tick * y_tick, y_tick);
  auto y_of = [&](std::int64_t n) { return top + ph - ph * static_cast<double>(n) / static_cast<double>(y_top); };

  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << o.width << "\" height=\"" << o.height
      << "\" viewBox=\"0 0 " << o.width << ' ' << o.height
      << "\" role=\"img\" aria-label=\"Pods by phase over virtual time\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<title>Pods by phase over virtual time</title>\n"
      << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << num(pw) << "\" height=\"" << num(ph)
      << "\" fill=\"#fafafa\" stroke=\"none\"/>\n";

  // Grid and y axis.
  out << "<g class=\"y-axis\" stroke=\"#ddd\">\n";
  for (std::int64_t n = 0; n <= y_top; n += y_tick)
    out << "<line x1=\"" << left << "\" x2=\"" << num(left + pw) << "\" y1=\"" << num(y_of(n)) << "\" y2=\""
        << num(y_of(n)) << "\"/><text x=\"" << left - 6 << "\" y=\"" << num(y_of(n) + 4)
        << "\" text-anchor=\"end\" stroke=\"none\" fill=\"#333\">" << n << "</text>\n";
  out << "</g>\n";
  // x axis.
  const duration x_tick = time_tick(duration{t_max});
  out << "<g class=\"x-axis\" stroke=\"#999\">\n<line x1=\"" << left << "\" x2=\"" << num(left + pw) << "\" y1=\""
      << num(top + ph) << "\" y2=\"" << num(top + ph) << "\"/>\n";
  for (std::int64_t t = 0; t <= t_max; t += x_tick.count())
    out << "<line x1=\"" << num(x_of(t)) << "\" x2=\"" << num(x_of(t)) << "\" y1=\"" << num(top + ph) << "\" y2=\""
        << num(top + ph + 5) << "\"/><text x=\"" << num(x_of(t)) << "\" y=\"" << num(top + ph + 18)
        << "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">" << escape_text(format_duration(duration{t}))
        << "</text>\n";
  out << "</g>\n<text x=\"" << num(left + pw / 2) << "\" y=\"" << o.height - 8
      << "\" text-anchor=\"middle\" fill=\"#333\">virtual time</text>\n"
      << "<text transform=\"translate(14," << num(top + ph / 2) << ") rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">Pods</text>\n";

  // The bands: the area between the stairs of cum[k] and cum[k+1].
  auto stairs = [&](std::size_t level) {
    std::vector<std::pair<double, double>> v{{left, y_of(0)}};
    std::int64_t prev = 0;
    for (const auto& p : pts) {
      v.emplace_back(p.x, y_of(prev));
      v.emplace_back(p.x, y_of(p.cum[level]));
      prev = p.cum[level];
    }
    v.emplace_back(left + pw, y_of(prev));
    return v;
  };
  out << "<g class=\"bands\">\n";
  for (std::size_t k = 0; k < phases.size(); ++k) {
    auto upper = stairs(k + 1), lower = stairs(k);
    out << "<path class=\"band\" data-phase=\"" << escape_attr(phases[k]) << "\" fill=\"" << phase_colour(phases[k], k)
        << "\" fill-opacity=\"0.85\" stroke=\"none\" d=\"M";
    for (const auto& [x, y] : upper) out << ' ' << num(x) << ',' << num(y);
    for (auto it = lower.rbegin(); it != lower.rend(); ++it) out << ' ' << num(it->first) << ',' << num(it->second);
    out << " Z\"><title>" << escape_text(phases[k]) << "</title></path>\n";
  }
  out << "</g>\n";
  if (pts.empty())
    out << "<text x=\"" << num(left + pw / 2) << "\" y=\"" << num(top + ph / 2)
        << "\" text-anchor=\"middle\" fill=\"#777\">no Pods were observed</text>\n";

  // Steps: a dashed line where each began, labelled unless the previous label is too close.
  out << "<g class=\"steps\">\n";
  double last_label = -1e9;
  for (std::size_t i = 0; i < r.steps.size() && i < o.max_step_marks; ++i) {
    const auto& s = r.steps[i];
    double x = x_of(s.started_at.count());
    const char* colour = s.ok ? "#555" : "#d64545";
    out << "<g class=\"step\"><title>" << escape_text(s.name + " (at " + format_duration(s.started_at) + ")")
        << "</title><line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << top << "\" y2=\"" << num(top + ph)
        << "\" stroke=\"" << colour << "\" stroke-dasharray=\"4 3\"/>";
    if (x - last_label >= 13) {
      std::string label = s.name.size() > 48 ? s.name.substr(0, 45) + "..." : s.name;
      out << "<text transform=\"translate(" << num(x + 3) << ',' << top + 4 << ") rotate(90)\" font-size=\"10\" fill=\""
          << colour << "\" stroke=\"#fff\" stroke-width=\"3\" stroke-opacity=\"0.8\" paint-order=\"stroke\">" << escape_text(label) << "</text>";
      last_label = x;
    }
    out << "</g>\n";
  }
  out << "</g>\n";

  // Legend.
  out << "<g class=\"legend\">\n";
  for (std::size_t k = 0; k < phases.size(); ++k) {
    double y = top + 8 + 20.0 * static_cast<double>(k);
    out << "<rect x=\"" << num(left + pw + 16) << "\" y=\"" << num(y) << "\" width=\"12\" height=\"12\" fill=\""
        << phase_colour(phases[k], k) << "\"/><text x=\"" << num(left + pw + 34) << "\" y=\"" << num(y + 10) << "\">"
        << escape_text(phases[k]) << " (peak " << peak[phases[k]] << ")</text>\n";
  }
  out << "</g>\n</svg>\n";
  return out.str();
}

}  // namespace ktk::sim::detail
