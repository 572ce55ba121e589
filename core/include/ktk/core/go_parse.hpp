// ktk/core/go_parse.hpp — what kube-apiserver's decoders refuse, in their words: a
// metav1.Time or MicroTime string (Go's time.Parse), a metav1.Duration (Go's
// time.ParseDuration) and a resource.Quantity (apimachinery's ParseQuantity).
//
// kube-apiserver refuses a body with such a value before validation runs, with 400
// BadRequest: `Pod in version "v1" cannot be handled as a Pod: quantities must match
// the regular expression ...`. The registry's decoding check (go_decode) words its
// errors with these.
//
//   go_time_error("2024-13-01T00:00:00Z", go_time_layout::rfc3339);
//   // "parsing time \"2024-13-01T00:00:00Z\": month out of range"
//   go_quantity_value("1.5Gi");  // 1610612736.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ktk::core {

// The two layouts kube's time types parse with.
enum class go_time_layout {
  rfc3339,        // metav1.Time: "2006-01-02T15:04:05Z07:00" (a fraction is accepted too)
  rfc3339_micro,  // metav1.MicroTime: "2006-01-02T15:04:05.000000Z07:00" (exactly 6 digits)
};

// time.Parse(layout, value)'s error text, or nullopt when Go accepts the value.
std::optional<std::string> go_time_error(std::string_view value, go_time_layout layout);

// time.ParseDuration(value)'s error text ("time: invalid duration \"abc\""), or
// nullopt when Go accepts it.
std::optional<std::string> go_duration_error(std::string_view value);

// resource.ParseQuantity's error text for a Quantity written as `text` (a JSON
// string's contents; Go trims white space around it first), or nullopt when it parses.
std::optional<std::string> go_quantity_error(std::string_view text);

// The quantity's value (as a double, precise enough to compare requests with
// limits), or nullopt where go_quantity_error has an error.
std::optional<double> go_quantity_value(std::string_view text);

}  // namespace ktk::core
