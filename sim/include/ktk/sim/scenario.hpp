// ktk/sim/scenario.hpp — a scripted scenario: what `ktk sim run FILE` reads.
//
// A YAML file with a name, a seed, the simulated cluster (Nodes, Pod timings) and a
// list of steps run in order: apply, patch, scale, delete, wait_for, expect, sleep /
// advance, fault. parse_scenario() checks everything before anything runs and
// reports every problem with its file and line ("deploy.yaml:12: wait_for needs a
// timeout"). The format, with every key, is in sim/README.md.
//
//   auto sc = ktk::sim::load_scenario("examples/scenarios/deployment-chain.yaml");
//   for (const auto& s : sc.steps) std::cout << s.where.line << ' ' << s.name << '\n';
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim {

using duration = std::chrono::milliseconds;

struct source_location {
  std::string file{};
  int line = 0;  // 1-based
  std::string str() const { return file + ":" + std::to_string(line); }
};

// Every problem found in a scenario file, each "file:line: message".
class scenario_error : public std::runtime_error {
 public:
  explicit scenario_error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Which objects a step or a check is about: one by name, or all matching selectors.
struct object_ref {
  std::string api_version{};  // "" = looked up from the kind ("apps/v1" for Deployment)
  std::string kind{};       // required
  std::string namespace_{};  // "" = "default" for namespaced kinds, unless all_namespaces
  std::string name{};       // "" = every object matching the selectors
  std::string label_selector{};
  std::string field_selector{};
  std::string phase{};      // Pods only: status.phase must equal it
  bool all_namespaces = false;
};

// An assertion on the cluster's state. Exactly one form:
//   exists / absent      object_ref names one object
//   condition            status.conditions[type].status == condition_status
//   jsonpath             kubectl-style "{.status.readyReplicas}" compared to equals /
//                        at_least / at_most (numbers) or equals (any JSON value)
//   count                how many objects match, compared to equals / at_least / at_most
struct check {
  enum class form { exists, absent, condition, jsonpath, count };
  std::string name{};  // the JUnit testcase name; a default is made from the check
  source_location where{};
  form what = form::exists;
  object_ref target{};
  std::string condition_type{};
  std::string condition_status = "True";
  std::string jsonpath{};
  std::optional<core::json> equals{};
  std::optional<double> at_least{};
  std::optional<double> at_most{};
};

// A fault injected for a window of (virtual) time, or at once.
struct fault {
  enum class form {
    api_error,     // verb on resource answers `code` (with kube's reason for it)
    latency,       // verb on resource takes `latency` longer
    watch_cut,     // every open watch of resource ends now (clients re-watch)
    node_failure,  // node stops: NotReady, its Pods evicted after the timeout
    restart,       // component restarts: its caches and queues are lost
  };
  form what = form::api_error;
  std::string verb = "*";      // get list watch create update patch delete, or *
  std::string resource = "*";  // plural resource name ("pods"), or *
  int code = 500;
  duration latency{0};
  std::string node{};
  std::string component{};  // controller-manager | scheduler | kubelet
  duration window{0};     // 0: until the scenario ends (api_error, latency) or at once
};

struct step {
  enum class form { apply, patch, scale, remove, wait_for, expect, sleep, fault };
  form what = form::apply;
  std::string name{};  // shown in progress and reports; a default is made from the step
  source_location where{};
  std::vector<core::object> objects{};  // apply: inline or from files, in order
  object_ref target{};                // patch, scale, remove
  std::string patch_type = "merge";   // merge | json | strategic
  core::json patch{};
  std::int64_t replicas = 0;          // scale
  std::optional<int> count{};         // remove with selectors: at most this many (in name order)
  std::optional<std::int64_t> grace_period_seconds{};  // remove
  std::string propagation_policy{};   // remove: Background | Foreground | Orphan
  std::vector<check> checks{};        // wait_for: all must hold; expect: each is a testcase
  std::optional<check> invariant{};   // wait_for: must hold at every point while waiting
  duration timeout{0};                // wait_for (required)
  duration length{0};                 // sleep / advance
  fault injected{};                   // fault
};

struct node_group {
  std::string prefix = "node-";
  int count = 0;
  std::string cpu = "4";
  std::string memory = "16Gi";
  std::int64_t pods = 110;
  core::json labels = core::json::object();
  core::json taints = core::json::array();
};

struct timing {
  std::string selector{};
  duration start_delay{1000};
  duration ready_delay{0};
  duration jitter{0};
  std::optional<duration> complete_after{};
  int exit_code = 0;
};

struct cluster_spec {
  std::vector<node_group> nodes{};  // the parser's default when absent: 3 Nodes node-0..node-2
  std::vector<timing> timings{};  // first match wins
  std::optional<timing> default_timing{};
  duration pod_eviction_timeout{300000};
  duration node_monitor_grace{40000};
  std::vector<std::filesystem::path> crds{};  // installed before the first step
};

struct scenario {
  std::string name{};
  std::filesystem::path file{};  // where it was read from ("" for a string)
  std::uint64_t seed = 1;
  duration resolution{100};      // the virtual clock moves in steps of at least this
  bool virtual_time = true;      // false: sleeps and timeouts are real time
  cluster_spec cluster{};
  std::vector<step> steps{};
};

// Reads and checks a scenario; relative file paths in it resolve against its folder.
// Throws scenario_error listing every problem (file:line), std::runtime_error when
// the file cannot be read.
scenario load_scenario(const std::filesystem::path& file);
// The same from text; `file` names it in errors and is the base of relative paths.
scenario parse_scenario(std::string_view yaml, const std::filesystem::path& file);

// How reports and messages name things: "Deployment default/web", "Pod default
// app=web phase=Running", "Node node-1" (cluster-scoped kinds have no namespace).
std::string describe(const object_ref& r);
// The YAML key of each form: "apply" ... "delete" ... "fault"; "exists" ... "count";
// "api_error" ... "restart".
std::string_view to_string(step::form f);
std::string_view to_string(check::form f);
std::string_view to_string(fault::form f);

// "30s", "1m30s", "250ms", "2h" → milliseconds; nullopt when malformed.
std::optional<duration> parse_duration(std::string_view s);
// The reverse, shortest form: 90000 → "1m30s".
std::string format_duration(duration d);

}  // namespace ktk::sim
