// rest/detail/json_reader.hpp — JSON text to core::json, faster than nlohmann's parser.
//
// Watch streams and lists are mostly parsing: nlohmann's lexer reads a character at a
// time through an input adapter. This reader scans a contiguous buffer and builds the
// same nlohmann value — non-negative integers as number_unsigned, negative ones as
// number_integer, others as number_float, the last of duplicate keys — and hands
// anything unusual (non-ASCII text, deep nesting, numbers out of range, malformed
// input) to nlohmann, whose answer is the answer.
//
//   auto j = read_json(R"({"a":[1,-2,3.5]})");   // core::json; discarded when not JSON
#pragma once

#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::client::rest::detail {

// The JSON value of text; a discarded value (is_discarded()) when it is not JSON.
core::json read_json(std::string_view text);

}  // namespace ktk::client::rest::detail
