// virtualmachine_types.hpp — the VirtualMachine custom resource as a C++ struct.
//
// kubebuilder's api/v1/virtualmachine_types.go: what the user asks for (spec: CPUs
// and memory) and what the controller reports (status: a phase and conditions).
// The CRD is examples/virtualmachine/crd/virtualmachine.yaml. JSON drops empty
// status fields (Go's omitempty), so the CRD's phase enum never sees "".
//
//   auto vm = client.get<virtual_machine>({"default", "vm-1"});
//   if (vm) std::cout << vm->spec.cpu << " CPUs, " << vm->spec.memory << "\n";
//   client.create(virtual_machine{.metadata = {{"namespace", "default"}, {"name", "vm-2"}},
//                                 .spec = {.cpu = 2, .memory = "4Gi"}});
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/core/object.hpp"

namespace ktk::examples::virtualmachine {

// status.phase values.
inline constexpr std::string_view phase_creating = "Creating";  // the provider is asked for a machine
inline constexpr std::string_view phase_running = "Running";    // the machine exists
inline constexpr std::string_view phase_deleting = "Deleting";  // the machine is being released

// The finalizer that keeps the object until its machine is released.
inline constexpr std::string_view finalizer = "infra.example.com/release";
// The condition the controller keeps in status.conditions.
inline constexpr std::string_view condition_ready = "Ready";

struct virtual_machine_spec {
  std::int64_t cpu = 1;  // at least 1 (the CRD says so)
  std::string memory{};  // a quantity: "2Gi"
};

struct virtual_machine_status {
  std::string phase{};   // "" until the controller has seen the object
  core::json conditions{};  // metav1.Condition array (ktk/client/controller/conditions.hpp); null: none
};

struct virtual_machine {
  static constexpr std::string_view api_version = "infra.example.com/v1";
  static constexpr std::string_view kind = "VirtualMachine";

  core::json metadata = core::json::object();
  virtual_machine_spec spec{};
  virtual_machine_status status{};

  core::object_key key() const {
    return {metadata.value("namespace", std::string()), metadata.value("name", std::string())};
  }
  // The user deleted it; finalizers hold it until they are removed.
  bool being_deleted() const { return metadata.contains("deletionTimestamp"); }
};

void to_json(core::json& j, const virtual_machine_spec& s);
void from_json(const core::json& j, virtual_machine_spec& s);
void to_json(core::json& j, const virtual_machine_status& s);
void from_json(const core::json& j, virtual_machine_status& s);
void to_json(core::json& j, const virtual_machine& vm);
void from_json(const core::json& j, virtual_machine& vm);

}  // namespace ktk::examples::virtualmachine
