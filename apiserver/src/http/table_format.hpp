// http/table_format.hpp — value formatting shared by the Table printers.
//
// Go's formatting rules, reproduced where kube-apiserver's output depends on them:
// duration.HumanDuration, fmt's %v for floats, encoding/json for nested values,
// labels.FormatLabels and metav1.FormatLabelSelector.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ktk/core/json.hpp"

namespace ktk::apiserver::http::table::detail {

using time_point = std::chrono::system_clock::time_point;

// apimachinery duration.HumanDuration: "<invalid>" below -1s, "0s" for -1s..0.
std::string human_duration(std::chrono::nanoseconds d);

// A metav1.Time field: nullopt when absent, not a string, empty or unparsable
// (what kube would hold as the zero time).
std::optional<time_point> timestamp(const core::json* v);
// translateTimestampSince: "<unknown>" for the zero time, else HumanDuration(now - t).
std::string since(const core::json* v, time_point now);

// The JSON value at a dotted path under `j` ("spec.template.spec"), nullptr when absent.
const core::json* at(const core::json& j, std::string_view dotted);
// The string at `v`, "" when absent or not a string.
std::string str(const core::json* v);
// The integer at `v` (floats truncated), `dflt` when absent or not a number.
std::int64_t integer(const core::json* v, std::int64_t dflt = 0);
// The number of elements of an array or object at `v`, 0 otherwise.
std::int64_t count(const core::json* v);

// labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty.
std::string format_labels(const core::json* map);
// metav1.LabelSelectorAsSelector(sel).String(); nullopt when the selector is invalid.
// A missing or empty selector gives "".
std::optional<std::string> selector_string(const core::json* sel);
// metav1.FormatLabelSelector: "<none>" for an empty selector, "<error>" for an invalid one.
std::string format_label_selector(const core::json* sel);

// layoutContainerCells: container names and images, comma-joined.
std::pair<std::string, std::string> container_cells(const core::json* containers);

// fmt.Sprint of a float64 (strconv 'g', shortest): "3", "1.5", "1e+06", "1e-05".
std::string go_float(double v);
// encoding/json.Marshal of a JSON value (Go's number and HTML-safe string rules).
std::string go_json(const core::json& v);

}  // namespace ktk::apiserver::http::table::detail
