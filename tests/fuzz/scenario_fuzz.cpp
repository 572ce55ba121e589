// scenario_fuzz.cpp — scenario files (`ktk sim run`): parse_scenario checks everything
// and throws scenario_error listing the problems; nothing else may escape.
//
// A scenario can name manifest files and CRD folders (`apply: {file: ...}`,
// `cluster.crds`), read relative to the scenario's folder. The fuzzer gives it a
// folder of its own with two manifests, and skips inputs that name a path outside it
// (absolute, or with `..`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "ktk/core/yaml.hpp"
#include "ktk/sim/scenario.hpp"

namespace {

namespace fs = std::filesystem;

fs::path scenario_dir;

// Whether a path the scenario names (an `apply` step's `file`, an entry of
// `cluster.crds`) could lead outside the scenario's folder.
bool escapes(const ktk::core::json& j, bool in_path) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    return in_path && (s.empty() || s.front() == '/' || s.find("..") != std::string::npos);
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (escapes(v, in_path || k == "file" || k == "crds")) return true;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (escapes(v, in_path)) return true;
    }
  } else if (in_path && !j.is_null()) {
    return true;  // a number or bool read as a path: keep it simple, skip
  }
  return false;
}

bool may_escape(std::string_view s) {
  try {
    for (const auto& doc : ktk::core::yaml_to_json_documents(s, "fuzz.yaml")) {
      if (escapes(doc, false)) return true;
    }
  } catch (const ktk::core::yaml_error&) {
    // The scenario reader sees the same YAML error and names no file.
  }
  return false;
}

void write(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scenario_dir = fs::temp_directory_path() / ("ktk-fuzz-scenario-" + std::to_string(::getpid()));
  fs::create_directories(scenario_dir / "manifests");
  write(scenario_dir / "manifests" / "web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
        "    spec:\n      containers:\n      - name: web\n        image: nginx:1\n");
  write(scenario_dir / "manifests" / "cm.json",
        R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}})");
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(scenario_dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = ktk::fuzz::text(data, size);
  if (may_escape(in)) return 0;
  try {
    auto sc = ktk::sim::parse_scenario(in, scenario_dir / "fuzz.yaml");
    for (const auto& s : sc.steps) (void)ktk::sim::to_string(s.what);
  } catch (const ktk::sim::scenario_error&) {
  }
  return 0;
}
