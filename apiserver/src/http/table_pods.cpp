// table_pods.cpp — the pod printer: kubectl's Ready / Status / Restarts logic.
#include <map>
#include <optional>
#include <string>

#include "http/table_descriptions.hpp"
#include "http/table_printer.hpp"

namespace ktk::apiserver::http::table::detail {
namespace {

using core::json;

bool is_restartable_init(const json* container) {
  return container != nullptr && str(at(*container, "restartPolicy")) == "Always";
}

bool bool_at(const json& j, std::string_view path) {
  const json* v = at(j, path);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

// The first condition of `type` has status True (kube's isPodInitializedConditionTrue).
bool condition_true(const json* conditions, std::string_view type) {
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (str(at(c, "type")) == type) return str(at(c, "status")) == "True";
  }
  return false;
}

// hasPodReadyCondition: any Ready condition with status True.
bool has_ready_condition(const json* conditions) {
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (str(at(c, "type")) == "Ready" && str(at(c, "status")) == "True") return true;
  }
  return false;
}

// Keeps the latest lastState.terminated.finishedAt seen.
void note_last_termination(const json& status, std::optional<time_point>& latest) {
  auto t = timestamp(at(status, "lastState.terminated.finishedAt"));
  if (t && (!latest || *latest < *t)) latest = t;
}

std::string terminated_reason(const json& terminated, std::string_view prefix) {
  std::string reason = str(at(terminated, "reason"));
  if (!reason.empty()) return std::string(prefix) + reason;
  const std::int64_t signal = integer(at(terminated, "signal"));
  if (signal != 0) return std::string(prefix) + "Signal:" + std::to_string(signal);
  return std::string(prefix) + "ExitCode:" + std::to_string(integer(at(terminated, "exitCode")));
}

void pod_row(const core::object& o, time_point now, json& row) {
  static const json empty = json::object();
  const json& pod = o.data();
  const json& spec = at(pod, "spec") != nullptr ? *at(pod, "spec") : empty;
  const json& status = at(pod, "status") != nullptr ? *at(pod, "status") : empty;
  const json* conditions = at(status, "conditions");

  std::int64_t restarts = 0;
  std::int64_t restartable_init_restarts = 0;
  std::int64_t total = count(at(spec, "containers"));
  std::int64_t ready = 0;
  std::optional<time_point> last_restart;
  std::optional<time_point> last_restartable_init_restart;

  const std::string phase = str(at(status, "phase"));
  std::string reason = phase;
  if (!str(at(status, "reason")).empty()) reason = str(at(status, "reason"));
  if (conditions != nullptr && conditions->is_array()) {
    for (const auto& c : *conditions) {
      if (str(at(c, "type")) == "PodScheduled" && str(at(c, "reason")) == "SchedulingGated") reason = "SchedulingGated";
    }
  }
  if (phase == "Succeeded" || phase == "Failed") {
    const bool ok = phase == "Succeeded";
    row["conditions"] = json::array({{{"type", "Completed"},
                                      {"status", "True"},
                                      {"reason", phase},
                                      {"message", ok ? "The pod has completed successfully." : "The pod failed."}}});
  }

  std::map<std::string, const json*> init_containers;
  const json* init_specs = at(spec, "initContainers");
  const std::int64_t init_count = count(init_specs);
  if (init_specs != nullptr && init_specs->is_array()) {
    for (const auto& c : *init_specs) {
      init_containers[str(at(c, "name"))] = &c;
      if (is_restartable_init(&c)) ++total;
    }
  }

  bool initializing = false;
  if (const json* inits = at(status, "initContainerStatuses"); inits != nullptr && inits->is_array()) {
    for (std::size_t i = 0; i < inits->size(); ++i) {
      const json& c = (*inits)[i];
      restarts += integer(at(c, "restartCount"));
      note_last_termination(c, last_restart);
      auto spec_it = init_containers.find(str(at(c, "name")));
      const bool restartable = spec_it != init_containers.end() && is_restartable_init(spec_it->second);
      if (restartable) {
        restartable_init_restarts += integer(at(c, "restartCount"));
        note_last_termination(c, last_restartable_init_restart);
      }
      const json* terminated = at(c, "state.terminated");
      const json* waiting = at(c, "state.waiting");
      if (terminated != nullptr && integer(at(*terminated, "exitCode")) == 0) continue;
      if (restartable && bool_at(c, "started")) {
        if (bool_at(c, "ready")) ++ready;
        continue;
      }
      if (terminated != nullptr) {
        reason = terminated_reason(*terminated, "Init:");
      } else if (waiting != nullptr && !str(at(*waiting, "reason")).empty() &&
                 str(at(*waiting, "reason")) != "PodInitializing") {
        reason = "Init:" + str(at(*waiting, "reason"));
      } else {
        reason = "Init:" + std::to_string(i) + "/" + std::to_string(init_count);
      }
      initializing = true;
      break;
    }
  }

  if (!initializing || condition_true(conditions, "Initialized")) {
    restarts = restartable_init_restarts;
    last_restart = last_restartable_init_restart;
    bool has_running = false;
    if (const json* cs = at(status, "containerStatuses"); cs != nullptr && cs->is_array()) {
      for (auto it = cs->rbegin(); it != cs->rend(); ++it) {
        const json& c = *it;
        restarts += integer(at(c, "restartCount"));
        note_last_termination(c, last_restart);
        const json* waiting = at(c, "state.waiting");
        const json* terminated = at(c, "state.terminated");
        if (waiting != nullptr && !str(at(*waiting, "reason")).empty()) {
          reason = str(at(*waiting, "reason"));
        } else if (terminated != nullptr) {
          reason = terminated_reason(*terminated, "");
        } else if (bool_at(c, "ready") && at(c, "state.running") != nullptr) {
          has_running = true;
          ++ready;
        }
      }
    }
    if (reason == "Completed" && has_running) reason = has_ready_condition(conditions) ? "Running" : "NotReady";
  }

  if (!o.deletion_timestamp().empty() && str(at(status, "reason")) == "NodeLost") {
    reason = "Unknown";
  } else if (!o.deletion_timestamp().empty() && phase != "Succeeded" && phase != "Failed") {
    reason = "Terminating";
  }

  std::string restarts_str = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    const auto ago = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *last_restart);
    restarts_str += " (" + human_duration(ago) + " ago)";
  }

  std::string pod_ip;
  if (const json* ips = at(status, "podIPs"); ips != nullptr && ips->is_array() && !ips->empty()) {
    pod_ip = str(at((*ips)[0], "ip"));
  } else {
    pod_ip = str(at(status, "podIP"));  // kube's conversion fills podIPs from podIP
  }
  const auto or_none = [](std::string s) { return s.empty() ? std::string("<none>") : s; };

  std::string gates = "<none>";
  if (const json* rg = at(spec, "readinessGates"); rg != nullptr && rg->is_array() && !rg->empty()) {
    std::int64_t true_conditions = 0;
    for (const auto& g : *rg) {
      const std::string type = str(at(g, "conditionType"));
      if (conditions == nullptr || !conditions->is_array()) continue;
      for (const auto& c : *conditions) {
        if (str(at(c, "type")) == type) {
          if (str(at(c, "status")) == "True") ++true_conditions;
          break;
        }
      }
    }
    gates = std::to_string(true_conditions) + "/" + std::to_string(rg->size());
  }

  row["cells"] = json::array({std::string(o.name()), std::to_string(ready) + "/" + std::to_string(total), reason,
                              restarts_str, since(at(pod, "metadata.creationTimestamp"), now), or_none(pod_ip),
                              or_none(str(at(spec, "nodeName"))), or_none(str(at(status, "nominatedNodeName"))),
                              gates});
}

}  // namespace

const printer* pod_printer(std::string_view resource) {
  static const printer pods{
      {{"Name", "string", "name", desc::name},
       {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."},
       {"Status", "string", "", "The aggregate status of the containers in this pod."},
       {"Restarts", "string", "",
        "The number of times the containers in this pod have been restarted and when the last container in this pod "
        "has restarted."},
       {"Age", "string", "", desc::creation_timestamp},
       {"IP", "string", "", desc::pod_status_pod_ip, 1},
       {"Node", "string", "", desc::pod_spec_node_name, 1},
       {"Nominated Node", "string", "", desc::pod_status_nominated_node_name, 1},
       {"Readiness Gates", "string", "", desc::pod_spec_readiness_gates, 1}},
      pod_row};
  return resource == "pods" ? &pods : nullptr;
}

}  // namespace ktk::apiserver::http::table::detail
