// ktk/core/json.hpp — the JSON type every ktk object is built on.
//
// ktk keeps Kubernetes objects as nlohmann::json documents ("unstructured"). This
// header only names the type; include <nlohmann/json.hpp> where you need its body.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace ktk::core {
using json = nlohmann::json;
}  // namespace ktk::core
