// go_json.cpp — Go's encoding/json wording.
#include "ktk/core/go_json.hpp"

#include <nlohmann/json.hpp>

namespace ktk::core {

std::string_view go_json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    default: return "number";
  }
}

}  // namespace ktk::core
