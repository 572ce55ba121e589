// ktk/core/go_json.hpp — Go's encoding/json wording, for errors kube-apiserver words
// that way ("json: cannot unmarshal number into Go struct field ...").
#pragma once

#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::core {

// How Go's encoding/json names a JSON value in its errors: object, array, string,
// bool or number (null never reaches those).
std::string_view go_json_kind(const json& v);

}  // namespace ktk::core
