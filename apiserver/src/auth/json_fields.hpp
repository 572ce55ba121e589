// auth/json_fields.hpp — private: reading the string fields of an API object's JSON
// where a missing or mistyped field means "none" (RBAC rules and subjects, access
// review specs, webhook rules).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktk::apiserver::auth {

// o[key] when it is a string, else "".
inline std::string string_at(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The strings of the array o[key] (other elements skipped); empty when it is not one.
inline std::vector<std::string> strings_at(const nlohmann::json& o, const char* key) {
  std::vector<std::string> out;
  if (auto it = o.find(key); it != o.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

}  // namespace ktk::apiserver::auth
