// ktk/core/strings.hpp — small string helpers shared across components.
//
//   ktk::core::ascii_lower("Deployment");   // "deployment"
#pragma once

#include <string>
#include <string_view>

namespace ktk::core {

// ASCII lower case (Kubernetes names and kinds are ASCII; other bytes pass through).
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace ktk::core
