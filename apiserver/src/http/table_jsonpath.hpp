// http/table_jsonpath.hpp — the JSONPath subset of CRD additionalPrinterColumns.
//
// client-go's jsonpath as the CRD table convertor uses it (`{<jsonPath>}`, missing
// keys allowed, first result only): `.field`, `field` escapes (`app\.kubernetes\.io`),
// `['key']` / `["key"]`, `[n]` with negative n, `[a:b]`, `[*]` and `.*`, a leading
// `$` or `@`. Filters, unions and recursive descent parse but find nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::http::table::detail {

struct jsonpath_step {
  enum class kind { field, wildcard, slice, unsupported };
  kind k = kind::field;
  std::string name;                  // field
  std::optional<std::int64_t> from;  // slice start (an index [n] is [n:n+1])
  std::optional<std::int64_t> to;    // slice end
};

struct jsonpath {
  std::vector<jsonpath_step> steps;
};

// Parses a column's jsonPath; nullopt where client-go's parser reports an error
// (unclosed bracket or quote, a stray ']', a character no action may hold).
std::optional<jsonpath> parse_jsonpath(std::string_view path);

// The first value the path finds in `root`, or nullptr when it finds none (missing
// key, index out of range, a field of a non-object, an unsupported step).
const core::json* first_result(const jsonpath& p, const core::json& root);

}  // namespace ktk::apiserver::http::table::detail
