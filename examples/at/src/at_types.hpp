// at_types.hpp — the At custom resource (cnat.programming-kubernetes.info/v1alpha1) as a C++ struct.
//
// An At runs its containers once, in a Pod, at spec.schedule; status.phase tells how
// far it got: PENDING → RUNNING → DONE. The CRD is examples/at/crd/at.yaml. Being
// `kind_typed` (api_version and kind), the struct works with the client's typed calls.
//
//   namespace cnat = ktk::examples::at;
//   auto a = client.get<cnat::at>({"default", "cnrex"});
//   if (a && a->status.phase == cnat::phase_done) ...
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"

namespace ktk::examples::at {

inline constexpr std::string_view phase_pending = "PENDING";  // waiting for spec.schedule
inline constexpr std::string_view phase_running = "RUNNING";  // its Pod exists
inline constexpr std::string_view phase_done = "DONE";        // its Pod succeeded or failed

// The condition that says whether spec.schedule could be read.
inline constexpr std::string_view condition_schedule_valid = "ScheduleValid";

struct at_spec {
  std::string schedule{};  // RFC 3339, "2023-05-21T02:00:00Z"
  // v1 Containers, kept as JSON: they go to the Pod exactly as written.
  core::json containers = core::json::array();

  bool operator==(const at_spec&) const = default;
};

struct at_status {
  std::string phase{};  // "" until the operator first sees the At
  core::json conditions = core::json::array();  // metav1.Conditions (see conditions.hpp)

  bool operator==(const at_status&) const = default;
};

struct at {
  static constexpr std::string_view api_version = "cnat.programming-kubernetes.info/v1alpha1";
  static constexpr std::string_view kind = "At";

  core::json metadata = core::json::object();  // the server's, kept whole (uid, resourceVersion ...)
  at_spec spec{};
  at_status status{};
};

// JSON as the CRD has it; empty fields are left out, so that a status write does not
// send nulls the schema would reject.
void to_json(core::json& j, const at_spec& s);
void from_json(const core::json& j, at_spec& s);
void to_json(core::json& j, const at_status& s);
void from_json(const core::json& j, at_status& s);
void to_json(core::json& j, const at& a);
void from_json(const core::json& j, at& a);

}  // namespace ktk::examples::at
