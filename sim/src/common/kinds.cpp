#include "ktk/sim/kinds.hpp"

#include <nlohmann/json.hpp>

namespace ktk::sim {
namespace {

const core::json* find_condition(const core::object& obj, std::string_view type) {
  const core::json* conds = obj.at_path("status.conditions");
  if (!conds || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    auto t = c.find("type");
    if (t != c.end() && t->is_string() && t->get_ref<const std::string&>() == type) return &c;
  }
  return nullptr;
}

std::string_view string_at(const core::json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

}  // namespace

std::string_view pod_phase(const core::object& pod) {
  const core::json* p = pod.at_path("status.phase");
  if (!p || !p->is_string() || p->get_ref<const std::string&>().empty()) return "Pending";
  return p->get_ref<const std::string&>();
}

bool is_pod_terminal(const core::object& pod) {
  auto p = pod_phase(pod);
  return p == "Succeeded" || p == "Failed";
}

bool is_pod_active(const core::object& pod) { return !is_pod_terminal(pod) && pod.deletion_timestamp().empty(); }

bool is_pod_ready(const core::object& pod) { return condition_status(pod, "Ready") == "True"; }

bool is_pod_available(const core::object& pod, std::int32_t min_ready_seconds, core::clock::time_point now) {
  const core::json* c = find_condition(pod, "Ready");
  if (!c || string_at(*c, "status") != "True") return false;
  if (min_ready_seconds <= 0) return true;
  auto since = core::parse_rfc3339(string_at(*c, "lastTransitionTime"));
  if (!since) return false;
  return *since + std::chrono::seconds(min_ready_seconds) <= now;
}

std::string_view pod_node_name(const core::object& pod) {
  const core::json* n = pod.at_path("spec.nodeName");
  if (!n || !n->is_string()) return {};
  return n->get_ref<const std::string&>();
}

std::string_view condition_status(const core::object& obj, std::string_view type) {
  const core::json* c = find_condition(obj, type);
  return c ? string_at(*c, "status") : std::string_view{};
}

bool set_condition(core::object& obj, std::string_view type, std::string_view status, std::string_view reason,
                   std::string_view message, core::clock::time_point now) {
  core::json& st = obj.data()["status"];
  if (!st.is_object()) st = core::json::object();
  core::json& conds = st["conditions"];
  if (!conds.is_array()) conds = core::json::array();
  for (auto& c : conds) {
    if (string_at(c, "type") != type) continue;
    bool changed = false;
    if (string_at(c, "status") != status) {
      c["status"] = status;
      c["lastTransitionTime"] = core::format_rfc3339(now);
      changed = true;
    }
    if (string_at(c, "reason") != reason) {
      if (reason.empty()) c.erase("reason"); else c["reason"] = reason;
      changed = true;
    }
    if (string_at(c, "message") != message) {
      if (message.empty()) c.erase("message"); else c["message"] = message;
      changed = true;
    }
    return changed;
  }
  core::json c = {{"type", type}, {"status", status}, {"lastTransitionTime", core::format_rfc3339(now)}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  conds.push_back(std::move(c));
  return true;
}

}  // namespace ktk::sim
