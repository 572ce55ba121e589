// timeline_json: the whole run as JSON, for tools and for people who want to plot it
// their own way. Times are virtual seconds since the run began (3 decimals).
#include <nlohmann/json.hpp>

#include "report/text.hpp"

namespace ktk::sim {

namespace {

using core::json;
using detail::seconds;

// JSON needs valid UTF-8; object names and messages from a cluster may not be.
std::string safe(const std::string& s) { return detail::xml_safe(s); }

}  // namespace

core::json timeline_json(const run_report& r) {
  json steps = json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"name", safe(s.name)},
                     {"file", safe(s.where.file)},
                     {"line", s.where.line},
                     {"t", seconds(s.started_at)},
                     {"virtual_seconds", seconds(s.took)},
                     {"wall_seconds", s.wall_seconds},
                     {"ok", s.ok},
                     {"message", safe(s.message)}});
  json expectations = json::array();
  for (const auto& e : r.expectations)
    expectations.push_back({{"name", safe(e.name)},
                            {"step", safe(e.step)},
                            {"file", safe(e.where.file)},
                            {"line", e.where.line},
                            {"t", seconds(e.at)},
                            {"ok", e.ok},
                            {"message", safe(e.message)},
                            {"wall_seconds", e.wall_seconds}});
  json transitions = json::array();
  for (const auto& t : r.transitions)
    transitions.push_back({{"t", seconds(t.at)},
                           {"type", safe(t.type)},
                           {"kind", safe(t.kind)},
                           {"namespace", safe(t.namespace_)},
                           {"name", safe(t.name)},
                           {"state", safe(t.state)},
                           {"node", safe(t.node)}});
  json samples = json::array();
  for (const auto& s : r.samples) {
    json pods = json::object();
    for (const auto& [phase, n] : s.pods) pods[safe(phase)] = n;
    samples.push_back({{"t", seconds(s.at)}, {"pods", std::move(pods)}});
  }
  return {{"scenario", safe(r.scenario)},
          {"file", safe(r.file.string())},
          {"seed", r.seed},
          {"server", safe(r.server)},
          {"started", safe(r.started)},
          {"wall_seconds", r.wall_seconds},
          {"virtual_seconds", seconds(r.virtual_elapsed)},
          {"ok", r.ok()},
          {"failures", r.failures()},
          {"events", r.events},
          {"peak_rss_bytes", r.peak_rss_bytes},
          {"steps", std::move(steps)},
          {"expectations", std::move(expectations)},
          {"transitions", std::move(transitions)},
          {"samples", std::move(samples)}};
}

void write_timeline_json(const run_report& r, const std::filesystem::path& file) {
  detail::write_file(file, timeline_json(r).dump(1) + "\n");
}

}  // namespace ktk::sim
