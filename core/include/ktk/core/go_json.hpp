// ktk/core/go_json.hpp — Go's encoding/json wording, for errors kube-apiserver words
// that way ("json: cannot unmarshal number into Go struct field ..."), and what it
// reads where nlohmann::json would refuse.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::core {

// How Go's encoding/json names a JSON value in its errors: object, array, string,
// bool or number (null never reaches those).
std::string_view go_json_kind(const json& v);

// Go's decoder reads a string holding invalid UTF-8, or a \u escape of a lone UTF-16
// surrogate, as U+FFFD (one per byte that does not start a well-formed sequence, as
// utf8.DecodeRune steps); nlohmann::json refuses the whole document. Returns `text`
// with those bytes and escapes inside strings replaced (bytes by the character,
// escapes by `\ufffd`), or nullopt when there is nothing to replace (the usual case:
// no copy). Bytes outside strings are left alone: they are syntax errors for both.
//
//   auto fixed = go_json_replace_invalid_utf8(body);
//   json j = json::parse(fixed ? *fixed : body);
std::optional<std::string> go_json_replace_invalid_utf8(std::string_view text);

}  // namespace ktk::core
