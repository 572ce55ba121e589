// ktk/core/json_reader.hpp — JSON text to core::json quickly.
//
// Kubernetes objects travel as JSON text: request bodies, watch lines, list pages,
// values in etcd. nlohmann's parser reads a character at a time through an input
// adapter and builds through a SAX layer; `read_json` scans the contiguous text and
// builds the same value directly, about three times faster. It handles what
// Kubernetes objects are made of (ASCII strings with escapes, integers, floats) and
// answers nullopt for anything else — non-ASCII text, nesting deeper than 256,
// integers out of range, malformed text — so that the caller hands the text to
// nlohmann, whose answer (value, UTF-8 check, or error message) is the answer.
//
//   std::optional<json> j = core::read_json(body);
//   json v = j ? std::move(*j) : json::parse(body);   // nlohmann decides the rest
#pragma once

#include <optional>
#include <string_view>

#include "ktk/core/json.hpp"

namespace ktk::core {

// The value of `text`, exactly as nlohmann::json::parse would build it (non-negative
// integers as number_unsigned, negative ones as number_integer, others as number_float;
// the last of duplicate keys wins); nullopt when this reader leaves `text` to nlohmann.
std::optional<json> read_json(std::string_view text);

// read_json, else nlohmann's parser without exceptions: a discarded value
// (is_discarded()) when `text` is not JSON.
json read_json_or_discarded(std::string_view text);

}  // namespace ktk::core
