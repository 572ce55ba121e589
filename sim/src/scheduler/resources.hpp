// resources.hpp — what a Pod asks for and what a Node offers, in the scheduler's units.
//
//   auto need = ktk::sim::detail::pod_requests(pod);     // cpu millis, memory bytes, pods = 1
//   auto room = ktk::sim::detail::node_allocatable(node); // status.allocatable, else capacity
//
// Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::sim::detail {

struct resources {
  std::int64_t cpu_milli = 0;
  std::int64_t memory = 0;  // bytes
  std::int64_t pods = 0;

  resources& operator+=(const resources& o) {
    cpu_milli += o.cpu_milli;
    memory += o.memory;
    pods += o.pods;
    return *this;
  }
  resources& operator-=(const resources& o) {
    cpu_milli -= o.cpu_milli;
    memory -= o.memory;
    pods -= o.pods;
    return *this;
  }
  bool operator==(const resources&) const = default;
};

// A Pod's requests for fitting, and the "non-zero" requests kube scores with (a
// container that requests no cpu counts 100m, no memory 200Mi), so that Pods without
// requests still spread.
struct pod_demand {
  resources fit;
  resources score;
  bool operator==(const pod_demand&) const = default;
};

// Sum over containers, at least the largest init container, plus spec.overhead;
// pods = 1. A request missing falls back to the container's limit.
pod_demand pod_requests(const core::object& pod);

// status.allocatable, each resource falling back to status.capacity (0 when neither).
resources node_allocatable(const core::object& node);

// A quantity given as a JSON string or number, in millis / whole units (0 when unparsable).
std::int64_t json_milli(const core::json& q);
std::int64_t json_value(const core::json& q);

}  // namespace ktk::sim::detail
