// network_types.hpp — the Network resource (samplecrd.k8s.io/v1) as the controller sees it.
//
// The counterpart of the tutorial's pkg/apis/samplecrd/v1/types.go. Objects stay
// unstructured (ktk::core::object, as the informers cache them); these helpers read
// and write the fields the controller cares about, so that JSON paths live in one place.
//
//   auto spec = ktk::examples::network::spec_of(*net);        // {cidr, gateway}
//   auto cm   = ktk::examples::network::config_map_name("example-network");  // "example-network-config"
//   client.status().patch(network_kind, key, ktk::core::patch_type::merge_patch,
//                         status_patch({.observed_generation = 2, .config_map = cm}));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ktk/core/gvk.hpp"
#include "ktk/core/json.hpp"
#include "ktk/core/object.hpp"

namespace ktk::examples::network {

inline const core::gvk network_kind{"samplecrd.k8s.io", "v1", "Network"};
inline const core::gvk config_map_kind{"", "v1", "ConfigMap"};

// spec: what the user wants. The CRD schema has checked both fields' syntax.
struct network_spec {
  std::string cidr{};
  std::string gateway{};
  bool operator==(const network_spec&) const = default;
};

// status: what the controller last did.
struct network_status {
  std::int64_t observed_generation = 0;  // metadata.generation acted on
  std::string config_map{};              // the ConfigMap it manages; "" when none
  std::string message{};                 // why it could not; "" when it could
  bool operator==(const network_status&) const = default;
};

// Read from an object; absent fields are empty.
network_spec spec_of(const core::object& network);
network_status status_of(const core::object& network);
// A JSON merge patch that makes the status s: {"status": {...}}, with null for
// the empty strings, which removes them.
core::json status_patch(const network_status& s);

// The ConfigMap a Network owns: "<network>-config".
std::string config_map_name(std::string_view network_name);
// Its data: {"cidr": ..., "gateway": ...}.
core::json config_map_data(const network_spec& spec);

}  // namespace ktk::examples::network
