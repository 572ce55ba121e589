#include "scheduler/node_filter.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "common/json_util.hpp"

namespace ktk::sim::detail {
namespace {

const std::string unschedulable_taint_key = "node.kubernetes.io/unschedulable";
const std::string not_ready_taint_key = "node.kubernetes.io/not-ready";

std::string string_of(const core::json& j, std::string_view key) {
  const core::json* v = find_member(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

const core::json& at_or_null(const core::object& o, std::string_view path) {
  static const core::json null_json;
  const core::json* j = o.at_path(path);
  return j ? *j : null_json;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// One NodeSelectorRequirement against a value that may be absent.
bool requirement_matches(const core::json& req, const std::string* value) {
  std::string op = string_of(req, "operator");
  const core::json* values = find_member(req, "values");
  auto in_values = [&] {
    if (!value || !values || !values->is_array()) return false;
    for (const auto& v : *values)
      if (v.is_string() && v.get_ref<const std::string&>() == *value) return true;
    return false;
  };
  if (op == "In") return in_values();
  if (op == "NotIn") return !in_values();
  if (op == "Exists") return value != nullptr;
  if (op == "DoesNotExist") return value == nullptr;
  if (op == "Gt" || op == "Lt") {
    if (!value || !values || !values->is_array() || values->size() != 1 || !(*values)[0].is_string()) return false;
    auto have = to_int(*value);
    auto want = to_int((*values)[0].get_ref<const std::string&>());
    if (!have || !want) return false;
    return op == "Gt" ? *have > *want : *have < *want;
  }
  return false;
}

// A NodeSelectorTerm: every expression and field requirement holds; an empty term
// matches nothing.
bool term_matches(const core::json& term, const node_info& node) {
  const core::json* exprs = find_member(term, "matchExpressions");
  const core::json* fields = find_member(term, "matchFields");
  bool any = false;
  if (exprs && exprs->is_array()) {
    for (const auto& r : *exprs) {
      any = true;
      std::string key = string_of(r, "key");
      const core::json* lv = find_member(node.labels, key);
      std::string v = lv && lv->is_string() ? lv->get<std::string>() : std::string();
      if (!requirement_matches(r, lv ? &v : nullptr)) return false;
    }
  }
  if (fields && fields->is_array()) {
    for (const auto& r : *fields) {
      any = true;
      if (string_of(r, "key") != "metadata.name") return false;
      if (!requirement_matches(r, &node.name)) return false;
    }
  }
  return any;
}

bool matches_affinity(const pod_constraints& pod, const node_info& node) {
  if (pod.node_selector.is_object()) {
    for (const auto& [k, v] : pod.node_selector.items()) {
      const core::json* lv = find_member(node.labels, k);
      if (!lv || *lv != v) return false;
    }
  }
  if (pod.required_terms.is_array()) {
    for (const auto& term : pod.required_terms)
      if (term_matches(term, node)) return true;
    return false;
  }
  return true;
}

double free_fraction(std::int64_t alloc, std::int64_t requested) {
  if (alloc <= 0 || requested > alloc) return 0;
  return static_cast<double>(alloc - requested) * 100.0 / static_cast<double>(alloc);
}

}  // namespace

bool node_info::operator==(const node_info& o) const {
  return name == o.name && ready == o.ready && unschedulable == o.unschedulable && labels == o.labels &&
         taints == o.taints && allocatable == o.allocatable;
}

node_info parse_node(const core::object& node) {
  node_info n;
  n.name = std::string(node.name());
  n.labels = node.labels_json().is_object() ? node.labels_json() : core::json::object();
  const core::json& unsched = at_or_null(node, "spec.unschedulable");
  n.unschedulable = unsched.is_boolean() && unsched.get<bool>();
  const core::json& taints = at_or_null(node, "spec.taints");
  if (taints.is_array()) {
    for (const auto& t : taints) {
      taint x{string_of(t, "key"), string_of(t, "value"), string_of(t, "effect")};
      if (x.effect == "NoSchedule" || x.effect == "NoExecute") n.taints.push_back(std::move(x));
    }
  }
  const core::json& conds = at_or_null(node, "status.conditions");
  if (conds.is_array()) {
    for (const auto& c : conds)
      if (string_of(c, "type") == "Ready") n.ready = string_of(c, "status") == "True";
  }
  n.allocatable = node_allocatable(node);
  return n;
}

pod_constraints parse_pod_constraints(const core::object& pod) {
  pod_constraints c;
  c.node_selector = at_or_null(pod, "spec.nodeSelector");
  c.tolerations = at_or_null(pod, "spec.tolerations");
  c.required_terms =
      at_or_null(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  return c;
}

bool tolerates(const core::json& tolerations, const taint& t) {
  if (!tolerations.is_array()) return false;
  for (const auto& tol : tolerations) {
    std::string effect = string_of(tol, "effect");
    if (!effect.empty() && effect != t.effect) continue;
    std::string key = string_of(tol, "key");
    if (!key.empty() && key != t.key) continue;
    std::string op = string_of(tol, "operator");
    if (op == "Exists") return true;
    if ((op.empty() || op == "Equal") && string_of(tol, "value") == t.value) return true;
  }
  return false;
}

std::vector<std::string> filter(const pod_constraints& pod, const pod_demand& demand, const node_info& node,
                                const node_usage& used) {
  if (node.unschedulable && !tolerates(pod.tolerations, {unschedulable_taint_key, "", "NoSchedule"}))
    return {"node(s) were unschedulable"};
  for (const auto& t : node.taints) {
    if (!tolerates(pod.tolerations, t)) return {"node(s) had untolerated taint {" + t.key + ": " + t.value + "}"};
  }
  if (!node.ready) return {"node(s) had untolerated taint {" + not_ready_taint_key + ": }"};
  if (!matches_affinity(pod, node)) return {"node(s) didn't match Pod's node affinity/selector"};
  std::vector<std::string> why;
  const resources& need = demand.fit;
  if (used.fit.pods + need.pods > node.allocatable.pods) why.emplace_back("Too many pods");
  if (need.cpu_milli > 0 && need.cpu_milli > node.allocatable.cpu_milli - used.fit.cpu_milli)
    why.emplace_back("Insufficient cpu");
  if (need.memory > 0 && need.memory > node.allocatable.memory - used.fit.memory)
    why.emplace_back("Insufficient memory");
  return why;
}

double least_allocated_score(const pod_demand& demand, const node_info& node, const node_usage& used) {
  double cpu = free_fraction(node.allocatable.cpu_milli, used.score.cpu_milli + demand.score.cpu_milli);
  double mem = free_fraction(node.allocatable.memory, used.score.memory + demand.score.memory);
  return (cpu + mem) / 2;
}

bool preemption_might_help(const std::string& reason) {
  return reason == "Too many pods" || reason.starts_with("Insufficient ");
}

}  // namespace ktk::sim::detail
