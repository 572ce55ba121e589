#include "virtualmachine_types.hpp"

namespace ktk::examples::virtualmachine {

void to_json(core::json& j, const virtual_machine_spec& s) { j = {{"cpu", s.cpu}, {"memory", s.memory}}; }

void from_json(const core::json& j, virtual_machine_spec& s) {
  s.cpu = j.value("cpu", std::int64_t{1});
  s.memory = j.value("memory", std::string());
}

void to_json(core::json& j, const virtual_machine_status& s) {
  j = core::json::object();
  if (!s.phase.empty()) j["phase"] = s.phase;
  if (!s.conditions.is_null()) j["conditions"] = s.conditions;
}

void from_json(const core::json& j, virtual_machine_status& s) {
  s.phase = j.value("phase", std::string());
  s.conditions = j.value("conditions", core::json());
}

void to_json(core::json& j, const virtual_machine& vm) {
  j = {{"metadata", vm.metadata}, {"spec", vm.spec}};
  core::json status = vm.status;
  if (!status.empty()) j["status"] = std::move(status);
}

void from_json(const core::json& j, virtual_machine& vm) {
  vm.metadata = j.value("metadata", core::json::object());
  vm.spec = j.value("spec", virtual_machine_spec{});
  vm.status = j.value("status", virtual_machine_status{});
}

}  // namespace ktk::examples::virtualmachine
