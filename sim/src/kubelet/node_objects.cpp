#include "kubelet/node_objects.hpp"

#include <nlohmann/json.hpp>

#include "common/json_util.hpp"

namespace ktk::sim::detail {
namespace {

struct condition_text {
  const char* type;
  const char* status;
  const char* reason;
  const char* message;
};

constexpr condition_text healthy[] = {
    {"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
};

const core::json* find_condition(const core::json& conds, std::string_view type) {
  if (!conds.is_array()) return nullptr;
  for (const auto& c : conds)
    if (string_member(c, "type") == type) return &c;
  return nullptr;
}

const core::json& taints_of(const core::object& node) {
  static const core::json empty = core::json::array();
  const core::json* t = node.at_path("spec.taints");
  return t && t->is_array() ? *t : empty;
}

bool is_lifecycle_taint(const core::json& t) {
  std::string key = string_member(t, "key");
  return key == unreachable_taint || key == not_ready_taint;
}

}  // namespace

core::object new_node(const node_state& n, core::clock::time_point now) {
  core::json labels = core::json::object();
  labels["kubernetes.io/arch"] = "amd64";
  labels["kubernetes.io/os"] = "linux";
  labels["beta.kubernetes.io/arch"] = "amd64";
  labels["beta.kubernetes.io/os"] = "linux";
  for (const auto& [k, v] : n.spec.labels) labels[k] = v;
  labels["kubernetes.io/hostname"] = n.spec.name;
  core::json spec = {{"podCIDR", n.pod_cidr}, {"podCIDRs", core::json::array({n.pod_cidr})}};
  if (n.spec.taints.is_array() && !n.spec.taints.empty()) spec["taints"] = n.spec.taints;
  if (n.spec.unschedulable) spec["unschedulable"] = true;
  return core::object(core::json{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata",
       {{"name", n.spec.name}, {"labels", labels}, {"annotations", {{"node.alpha.kubernetes.io/ttl", "0"}}}}},
      {"spec", spec},
      {"status", healthy_status(n, core::json::object(), now)}});
}

core::json healthy_status(const node_state& n, const core::json& current, core::clock::time_point now) {
  const std::string ts = core::format_rfc3339(now);
  const core::json* cur_conds = current.is_object() && current.contains("conditions") ? &current["conditions"] : nullptr;
  core::json conds = core::json::array();
  for (const auto& c : healthy) {
    std::string since = ts;
    if (cur_conds) {
      if (const core::json* old = find_condition(*cur_conds, c.type); old && string_member(*old, "status") == c.status) {
        std::string t = string_member(*old, "lastTransitionTime");
        if (!t.empty()) since = t;
      }
    }
    conds.push_back({{"type", c.type},
                     {"status", c.status},
                     {"reason", c.reason},
                     {"message", c.message},
                     {"lastHeartbeatTime", ts},
                     {"lastTransitionTime", since}});
  }
  core::json resources = {{"cpu", n.spec.cpu},
                          {"memory", n.spec.memory},
                          {"pods", std::to_string(n.spec.pods)},
                          {"ephemeral-storage", "100Gi"}};
  std::string id = hex64(stable_hash(n.index, {n.spec.name, "machine"}));
  return core::json{
      {"capacity", resources},
      {"allocatable", resources},
      {"conditions", conds},
      {"addresses", {{{"type", "InternalIP"}, {"address", n.ip}}, {{"type", "Hostname"}, {"address", n.spec.name}}}},
      {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
      {"nodeInfo",
       {{"machineID", id + id},
        {"systemUUID", id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-0000-000000000000"},
        {"bootID", hex64(stable_hash(n.index, {n.spec.name, "boot"}))},
        {"kernelVersion", "6.1.0-ktk"},
        {"osImage", "ktk simulated node"},
        {"containerRuntimeVersion", "ktk://1.0.0"},
        {"kubeletVersion", kubelet_version},
        {"kubeProxyVersion", kubelet_version},
        {"operatingSystem", "linux"},
        {"architecture", "amd64"}}}};
}

core::json unknown_conditions(const core::json& current, core::clock::time_point now) {
  const std::string ts = core::format_rfc3339(now);
  core::json conds = current.is_array() ? current : core::json::array();
  for (const auto& c : healthy) {
    core::json* found = nullptr;
    for (auto& x : conds)
      if (string_member(x, "type") == c.type) found = &x;
    if (!found) {
      conds.push_back({{"type", c.type}, {"lastHeartbeatTime", ts}});
      found = &conds.back();
    }
    if (string_member(*found, "status") != "Unknown") (*found)["lastTransitionTime"] = ts;
    (*found)["status"] = "Unknown";
    (*found)["reason"] = "NodeStatusUnknown";
    (*found)["message"] = "Kubelet stopped posting node status.";
  }
  return conds;
}

std::string ready_status(const core::object& node) {
  const core::json* conds = node.at_path("status.conditions");
  const core::json* c = conds ? find_condition(*conds, "Ready") : nullptr;
  return c ? string_member(*c, "status") : std::string();
}

std::optional<core::clock::time_point> ready_heartbeat(const core::object& node) {
  const core::json* conds = node.at_path("status.conditions");
  const core::json* c = conds ? find_condition(*conds, "Ready") : nullptr;
  if (!c) return std::nullopt;
  return core::parse_rfc3339(string_member(*c, "lastHeartbeatTime"));
}

std::optional<core::json> with_unreachable_taints(const core::object& node, core::clock::time_point now) {
  core::json taints = taints_of(node);
  bool added = false;
  for (const char* effect : {"NoSchedule", "NoExecute"}) {
    bool has = false;
    for (const auto& t : taints)
      if (string_member(t, "key") == unreachable_taint && string_member(t, "effect") == effect) has = true;
    if (has) continue;
    core::json t = {{"key", unreachable_taint}, {"effect", effect}};
    if (std::string_view(effect) == "NoExecute") t["timeAdded"] = core::format_rfc3339(now);
    taints.push_back(std::move(t));
    added = true;
  }
  if (!added) return std::nullopt;
  return taints;
}

std::optional<core::json> without_unreachable_taints(const core::object& node) {
  const core::json& taints = taints_of(node);
  core::json kept = core::json::array();
  for (const auto& t : taints)
    if (!is_lifecycle_taint(t)) kept.push_back(t);
  if (kept.size() == taints.size()) return std::nullopt;
  return kept;
}

core::object new_lease(const std::string& node, std::string_view node_uid, std::chrono::seconds duration,
                       core::clock::time_point now) {
  core::json meta = {{"name", node}, {"namespace", node_lease_namespace}};
  if (!node_uid.empty())
    meta["ownerReferences"] = {{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}, {"uid", node_uid}}};
  return core::object(core::json{{"apiVersion", "coordination.k8s.io/v1"},
                                 {"kind", "Lease"},
                                 {"metadata", meta},
                                 {"spec",
                                  {{"holderIdentity", node},
                                   {"leaseDurationSeconds", duration.count()},
                                   {"renewTime", core::format_rfc3339_micro(now)}}}});
}

}  // namespace ktk::sim::detail
