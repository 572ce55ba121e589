// Internal: reading members of unstructured objects, shared by the sim controllers.
#pragma once

#include <string>
#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::sim::detail {

// The member `key` of `j`; nullptr when `j` is not an object or lacks it.
inline const core::json* find_member(const core::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// The member `key` of `j` as a string; "" when absent or not a string.
inline std::string string_member(const core::json& j, std::string_view key) {
  const core::json* v = find_member(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace ktk::sim::detail
