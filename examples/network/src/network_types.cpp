#include "network_types.hpp"

#include <nlohmann/json.hpp>

namespace ktk::examples::network {

namespace {
std::string string_at(const core::object& o, std::string_view path) {
  const core::json* v = o.at_path(path);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}
}  // namespace

network_spec spec_of(const core::object& network) {
  return {.cidr = string_at(network, "spec.cidr"), .gateway = string_at(network, "spec.gateway")};
}

network_status status_of(const core::object& network) {
  network_status s{.config_map = string_at(network, "status.configMap"),
                   .message = string_at(network, "status.message")};
  if (const core::json* g = network.at_path("status.observedGeneration"); g && g->is_number_integer()) {
    s.observed_generation = g->get<std::int64_t>();
  }
  return s;
}

core::json status_patch(const network_status& s) {
  auto or_null = [](const std::string& v) { return v.empty() ? core::json(nullptr) : core::json(v); };
  return {{"status",
           {{"observedGeneration", s.observed_generation},
            {"configMap", or_null(s.config_map)},
            {"message", or_null(s.message)}}}};
}

std::string config_map_name(std::string_view network_name) { return std::string(network_name) + "-config"; }

core::json config_map_data(const network_spec& spec) { return {{"cidr", spec.cidr}, {"gateway", spec.gateway}}; }

}  // namespace ktk::examples::network
