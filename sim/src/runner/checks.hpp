// checks.hpp — evaluates a scenario's checks against the server, and resolves the
// objects steps name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ktk/client/client.hpp"
#include "ktk/sim/scenario.hpp"

namespace ktk::sim::detail {

struct check_outcome {
  bool ok = false;
  std::string message;  // what was expected and what was seen
};

// The kind an object_ref names: its apiVersion when given, else looked up by kind
// (or resource name) in the client's mapper. An error names the ref.
client::result<core::resource_info_ptr> resolve_kind(client::client& c, const object_ref& ref);
// The namespace a ref means: its own, "default" for a namespaced kind, "" otherwise
// (and "" with all_namespaces).
std::string namespace_of(const core::resource_info& info, const object_ref& ref);
// The objects a ref selects (one by name, or all matching), sorted by namespace/name.
client::result<std::vector<core::object_ptr>> select(client::client& c, const object_ref& ref);

check_outcome evaluate(client::client& c, const check& chk);

// kubectl's JSONPath subset: "{.status.readyReplicas}", ".spec.template.spec.containers[0].image",
// "{.status.conditions[?(@.type=="Available")].status}". Nullopt when the path leads nowhere.
std::optional<core::json> json_path(const core::json& doc, std::string_view path);

}  // namespace ktk::sim::detail
