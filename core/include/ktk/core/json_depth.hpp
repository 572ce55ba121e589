// ktk/core/json_depth.hpp — how deeply a JSON text nests, found without parsing it.
//
// Parsing a hostile document (100,000 levels of `[`) is cheap, but every recursive walk
// of the tree afterwards (dump, compare, copy, diff) can overflow the stack. Checking
// the text first refuses such a document before a tree of it exists.
//
//   if (ktk::core::json_nests_deeper_than(body, 1000)) return bad_request(...);
#pragma once

#include <cstddef>
#include <string_view>

namespace ktk::core {

// How deeply a request body may nest (kube-apiserver's JSON decoder has a limit too):
// far beyond any real object, shallow enough that every recursive walk of a document
// (defaulting, schemas, managedFields, dump, compare) stays on the stack.
inline constexpr std::size_t max_document_depth = 1000;

// Whether `text` opens more than `max` arrays/objects at once. Brackets inside strings
// do not count; the text need not be valid JSON.
bool json_nests_deeper_than(std::string_view text, std::size_t max);

}  // namespace ktk::core
