// load_scenario / parse_scenario: the top level of a scenario file. Everything is
// checked before a scenario runs; every problem found is reported at once.
#include "ktk/sim/scenario.hpp"

#include <fstream>
#include <limits>
#include <sstream>

#include "ktk/core/yaml.hpp"
#include "scenario/parse.hpp"

namespace ktk::sim {

namespace {

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

}  // namespace

scenario_error::scenario_error(std::vector<std::string> problems)
    : std::runtime_error(join_lines(problems)), problems_(std::move(problems)) {}

scenario parse_scenario(std::string_view yaml, const std::filesystem::path& file) {
  using namespace detail;
  const std::string shown = file.empty() ? std::string("<scenario>") : file.string();
  std::vector<yaml_doc> docs;
  try {
    docs = parse_yaml_documents(yaml, shown);
  } catch (const core::yaml_error& e) {
    throw scenario_error({shown + ":" + std::to_string(std::max(e.line(), 1)) + ": " + e.message()});
  }
  if (docs.empty()) throw scenario_error({shown + ":1: the scenario is empty"});

  std::vector<std::string> problems;
  reader r(shown, file.parent_path(), problems);
  if (docs.size() > 1)
    r.error(docs[1].lines.line, "a scenario is one YAML document; this file has " + std::to_string(docs.size()));
  node root = root_node(docs[0]);
  if (!r.want_map(root, "a scenario")) throw scenario_error(std::move(problems));
  r.known_keys(root, {"name", "seed", "resolution", "virtual_time", "cluster", "steps"}, "the scenario");

  scenario sc;
  sc.file = file;
  sc.name = file.empty() ? std::string("scenario") : file.stem().string();
  if (auto v = r.string(root, "name", "the scenario")) {
    if (v->empty()) r.error(root["name"], "the scenario's name is empty");
    sc.name = *v;
  }
  if (auto v = r.integer(root, "seed", "the scenario", 0, std::numeric_limits<std::int64_t>::max()))
    sc.seed = static_cast<std::uint64_t>(*v);
  if (auto v = r.duration_of(root, "resolution", "the scenario")) {
    if (v->count() == 0) r.error(root["resolution"], "resolution must be more than 0");
    sc.resolution = *v;
  }
  if (auto v = r.boolean(root, "virtual_time", "the scenario")) sc.virtual_time = *v;

  static const core::json null_value;
  parse_cluster(r, root.has("cluster") ? root["cluster"] : node{&null_value, nullptr, root.line}, sc.cluster);

  if (r.require(root, "steps", "a scenario")) {
    node steps = root["steps"];
    if (!steps.value().is_array()) {
      r.error(steps, "steps must be a list, not " + type_name(steps.value()));
    } else {
      if (steps.value().empty()) r.error(steps, "steps is empty; a scenario needs at least one step");
      for (std::size_t i = 0; i < steps.value().size(); ++i)
        if (auto s = parse_step(r, steps.at(i), sc.cluster)) sc.steps.push_back(std::move(*s));
    }
  }
  if (!problems.empty()) throw scenario_error(std::move(problems));
  return sc;
}

scenario load_scenario(const std::filesystem::path& file) {
  std::error_code ec;
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open() || std::filesystem::is_directory(file, ec)) throw std::runtime_error("cannot read scenario " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), file);
}

}  // namespace ktk::sim
