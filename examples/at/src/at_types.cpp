#include "at_types.hpp"

namespace ktk::examples::at {

namespace {
std::string string_or_empty(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
core::json array_or_empty(const core::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : core::json::array();
}
}  // namespace

void to_json(core::json& j, const at_spec& s) {
  j = core::json::object();
  if (!s.schedule.empty()) j["schedule"] = s.schedule;
  if (!s.containers.empty()) j["containers"] = s.containers;
}

void from_json(const core::json& j, at_spec& s) {
  s.schedule = string_or_empty(j, "schedule");
  s.containers = array_or_empty(j, "containers");
}

void to_json(core::json& j, const at_status& s) {
  j = core::json::object();
  if (!s.phase.empty()) j["phase"] = s.phase;
  if (!s.conditions.empty()) j["conditions"] = s.conditions;
}

void from_json(const core::json& j, at_status& s) {
  s.phase = string_or_empty(j, "phase");
  s.conditions = array_or_empty(j, "conditions");
}

void to_json(core::json& j, const at& a) {
  j = core::json{{"apiVersion", at::api_version}, {"kind", at::kind}, {"metadata", a.metadata}, {"spec", a.spec}};
  if (core::json st = a.status; !st.empty()) j["status"] = std::move(st);
}

void from_json(const core::json& j, at& a) {
  auto m = j.find("metadata");
  a.metadata = m != j.end() && m->is_object() ? *m : core::json::object();
  a.spec = j.contains("spec") && j["spec"].is_object() ? j["spec"].get<at_spec>() : at_spec{};
  a.status = j.contains("status") && j["status"].is_object() ? j["status"].get<at_status>() : at_status{};
}

}  // namespace ktk::examples::at
